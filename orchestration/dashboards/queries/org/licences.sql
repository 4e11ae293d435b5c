select
    month_start,
    licence_seat,
    seats,
    seats_used,
    seats_unused,
    paid_usd,
    unused_paid_usd,
    utilisation_rate
from licence_utilisation
order by month_start, licence_seat
