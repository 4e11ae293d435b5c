select
    sum(attempts) as attempts,
    sum(failures) as failures,
    sum(failures) * 1.0 / nullif(sum(attempts), 0) as failure_rate,
    count(distinct feature) as features
from failure_modes
