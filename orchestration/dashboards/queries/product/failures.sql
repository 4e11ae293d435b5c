select
    tool,
    feature,
    sum(attempts) as attempts,
    sum(failures) as failures,
    sum(failures) * 1.0 / nullif(sum(attempts), 0) as failure_rate,
    sum(errored_sessions) as errored_sessions
from failure_modes
group by tool, feature
order by failures desc, attempts desc
