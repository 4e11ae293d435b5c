select
    source_milestone,
    target_milestone,
    developers
from journey_paths
where row_kind = 'edge'
order by developers desc
