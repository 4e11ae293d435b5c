select
    tool,
    persona,
    outcome,
    sessions,
    developers,
    median_duration_minutes,
    median_prompts,
    median_tokens
from session_patterns
order by tool, sessions desc
