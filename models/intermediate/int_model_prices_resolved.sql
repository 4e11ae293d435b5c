-- The price of every model on every day it was used, first source that knows it: the hand-kept
-- effective-dated overrides (seed model_prices), then genai-prices' table (seed model_price_catalog, matched
-- by its own name rules), then the newest known model of the same family (opus, sonnet, haiku) as an
-- estimate. A model nobody knows stays unpriced; none of this ever blocks a publish.
with

usage as (
    select * from {{ ref('stg_claude_code__api_usage') }}
),

overrides as (
    select * from {{ ref('model_prices') }}
),

catalog as (
    select * from {{ ref('model_price_catalog') }}
),

models_used as (
    select distinct
        model_name,
        cast(responded_at as date) as usage_date,
        regexp_extract(model_name, '^claude-(?:[0-9.]+-)*([a-z]+)(?:-|$)', 1) as model_family
    from usage
    where model_name is not null
),

overridden as (
    select
        models_used.model_name,
        models_used.usage_date,
        overrides.model_name as price_model_id,
        overrides.input_usd_per_mtok,
        overrides.output_usd_per_mtok,
        overrides.cache_write_usd_per_mtok,
        overrides.cache_read_usd_per_mtok,
        1 as source_priority,
        'price_table' as price_source
    from models_used
    inner join overrides
        on
            models_used.model_name = overrides.model_name
            and models_used.usage_date >= overrides.effective_from
            and (overrides.effective_to is null or models_used.usage_date < overrides.effective_to)
),

catalog_in_effect as (
    select
        models_used.model_name,
        models_used.usage_date,
        models_used.model_family,
        catalog.price_model_id,
        catalog.family as catalog_family,
        catalog.family_rank,
        catalog.match_regex,
        catalog.input_usd_per_mtok,
        catalog.output_usd_per_mtok,
        catalog.cache_write_usd_per_mtok,
        catalog.cache_read_usd_per_mtok
    from models_used
    inner join catalog
        on
            (catalog.effective_from is null or models_used.usage_date >= catalog.effective_from)
            and (catalog.effective_to is null or models_used.usage_date < catalog.effective_to)
),

matched as (
    select
        model_name,
        usage_date,
        price_model_id,
        input_usd_per_mtok,
        output_usd_per_mtok,
        cache_write_usd_per_mtok,
        cache_read_usd_per_mtok,
        -- Several rules can match one name: the longest model id is the most specific.
        2 * 1000 - length(price_model_id) as source_priority,
        'genai_prices' as price_source
    from catalog_in_effect
    where {{ regex_matches('model_name', 'match_regex') }}
),

family_estimated as (
    select
        model_name,
        usage_date,
        price_model_id,
        input_usd_per_mtok,
        output_usd_per_mtok,
        cache_write_usd_per_mtok,
        cache_read_usd_per_mtok,
        3 * 1000 + family_rank as source_priority,
        'family_estimate' as price_source
    from catalog_in_effect
    where model_family = catalog_family
),

candidates as (
    select * from overridden
    union all
    select * from matched
    union all
    select * from family_estimated
),

ranked as (
    select
        *,
        row_number() over (partition by model_name, usage_date order by source_priority, price_model_id) as choice
    from candidates
),

final as (
    select
        models_used.model_name,
        models_used.usage_date,
        models_used.model_family,
        ranked.price_model_id,
        ranked.input_usd_per_mtok,
        ranked.output_usd_per_mtok,
        ranked.cache_write_usd_per_mtok,
        ranked.cache_read_usd_per_mtok,
        coalesce(ranked.price_source, 'unpriced') as price_source
    from models_used
    left join ranked
        on
            models_used.model_name = ranked.model_name
            and models_used.usage_date = ranked.usage_date
            and ranked.choice = 1
)

select * from final
