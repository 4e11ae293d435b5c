-- Claude Code API responses with their cost at the model's price that day (int_model_prices_resolved says
-- where each price comes from), and what the same tokens would have cost on the reference (cheapest) model.
{#- On DuckDB a run prices only the responses staged since the newest it kept (a response whose kept line
    changed is staged again, with a later load time). A model's price on a day depends only on the price seeds
    and int_model_prices_resolved's SQL: a change of either, of this SQL, of the reference model, or a
    retraction of transcript lines prices every response again (macros/incremental.sql). -#}
{{
    config(
        materialized=kept_materialization(),
        unique_key='api_request_key',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{{ forget_if_stale('claude_code') }}",
        post_hook="{{ remember_code() }}",
        meta={'code_inputs': [var('cost_reference_model')], 'parents_in_checksum': true},
    )
}}
-- depends_on: {{ source('loader', 'load_manifest') }}

{%- set merging = merges_into_kept() %}

with

usage as (
    select * from {{ ref('stg_claude_code__api_usage') }}
    where {{ unread_lines(merging, 'loaded_at') }}
),

prices as (
    select * from {{ ref('int_model_prices_resolved') }}
),

overrides as (
    select * from {{ ref('model_prices') }}
),

priced as (
    select
        usage.*,
        prices.price_source,
        prices.price_model_id,
        prices.input_usd_per_mtok,
        prices.output_usd_per_mtok,
        prices.cache_write_usd_per_mtok,
        prices.cache_read_usd_per_mtok
    from usage
    left join prices
        on usage.model_name = prices.model_name and cast(usage.responded_at as date) = prices.usage_date
),

reference_prices as (
    select * from overrides
    where model_name = '{{ var("cost_reference_model") }}' and effective_to is null
),

final as (
    select
        priced.api_request_key,
        priced.message_id,
        priced.request_id,
        priced.session_id,
        priced.transcript_owner,
        priced.is_subagent,
        priced.model_name,
        priced.responded_at,
        priced.input_tokens,
        priced.output_tokens,
        priced.cache_creation_tokens,
        priced.cache_read_tokens,
        coalesce(priced.price_source, 'unpriced') as price_source,
        priced.price_model_id,
        priced.input_usd_per_mtok is not null as is_priced,
        {{ money('(
            priced.input_tokens * coalesce(priced.input_usd_per_mtok, 0)
            + priced.output_tokens * coalesce(priced.output_usd_per_mtok, 0)
            + priced.cache_creation_tokens * coalesce(priced.cache_write_usd_per_mtok, 0)
            + priced.cache_read_tokens * coalesce(priced.cache_read_usd_per_mtok, 0)
        ) / 1000000.0') }} as cost_usd,
        {{ money('(
            priced.input_tokens * reference_prices.input_usd_per_mtok
            + priced.output_tokens * reference_prices.output_usd_per_mtok
            + priced.cache_creation_tokens * reference_prices.cache_write_usd_per_mtok
            + priced.cache_read_tokens * reference_prices.cache_read_usd_per_mtok
        ) / 1000000.0') }} as reference_model_cost_usd,
        priced.loaded_at
    from priced
    cross join reference_prices
)

select * from final
