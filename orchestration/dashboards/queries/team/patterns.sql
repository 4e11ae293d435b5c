select
    task_type,
    sum(sessions) as sessions,
    sum(sessions_succeeded) * 1.0 / nullif(sum(sessions), 0) as session_success_rate,
    median(median_session_minutes) as median_session_minutes
from team_interaction_patterns
group by task_type
order by sessions desc
