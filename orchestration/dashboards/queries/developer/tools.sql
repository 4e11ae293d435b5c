select
    tool,
    feature,
    sum(uses) as uses,
    sum(failures) as failures
from developer_tool_usage
group by tool, feature
order by uses desc
