-- How every model seen in the transcripts is priced: by the hand-kept table, by genai-prices, estimated
-- from its family (a model newer than both tables), or not at all. A model that needs a price shows here
-- the day it appears; no user activity, only counts of API responses.
with

usage as (
    select * from {{ ref('int_api_usage_costed') }}
),

final as (
    select
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(price_source as {{ dbt.type_string() }}) as price_source,
        cast(max(price_model_id) as {{ dbt.type_string() }}) as price_model_id,
        cast(count(*) as bigint) as api_responses,
        cast(min(responded_at) as date) as first_used_date,
        cast(max(responded_at) as date) as last_used_date
    from usage
    where model_name is not null
    group by model_name, price_source
)

select * from final
