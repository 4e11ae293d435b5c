select
    model_name,
    price_source,
    price_model_id,
    api_responses,
    first_used_date,
    last_used_date
from model_pricing
order by api_responses desc
