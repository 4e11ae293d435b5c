-- Claude Code API responses with their cost from the effective-dated price table, and what the same
-- tokens would have cost on the reference (cheapest) model.
with

usage as (
    select * from {{ ref('stg_claude_code__api_usage') }}
),

prices as (
    select * from {{ ref('model_prices') }}
),

priced as (
    select
        usage.*,
        prices.input_usd_per_mtok,
        prices.output_usd_per_mtok,
        prices.cache_write_usd_per_mtok,
        prices.cache_read_usd_per_mtok
    from usage
    left join prices
        on
            usage.model_name = prices.model_name
            and cast(usage.responded_at as date) >= prices.effective_from
            and (prices.effective_to is null or cast(usage.responded_at as date) < prices.effective_to)
),

reference_prices as (
    select * from prices
    where model_name = '{{ var("cost_reference_model") }}'
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
        ) / 1000000.0') }} as reference_model_cost_usd
    from priced
    cross join reference_prices
)

select * from final
