select
    tool,
    outcome,
    count(*) as sessions
from developer_sessions
group by tool, outcome
order by tool, outcome
