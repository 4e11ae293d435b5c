{%- set paths = [
    '$.email', '$.date', '$.isActive', '$.totalLinesAdded', '$.totalLinesDeleted', '$.acceptedLinesAdded',
    '$.acceptedLinesDeleted', '$.totalApplies', '$.totalAccepts', '$.totalRejects', '$.totalTabsShown',
    '$.totalTabsAccepted', '$.composerRequests', '$.chatRequests', '$.agentRequests', '$.cmdkUsages',
    '$.usageBasedReqs', '$.mostUsedModel', '$.clientVersion',
] -%}

with

daily as (
    select * from {{ source('cursor', 'cursor_daily_usage') }}
),

parsed as (
    -- Every field's text from one parse of the record (json_texts).
    select
        *,
        {{ json_texts('record', paths) }} as record_texts
    from daily
),

renamed as (
    select
        lower({{ json_text_at('record_texts', paths, '$.email') }}) as user_email,
        cast({{ epoch_ms_to_utc(json_text_at('record_texts', paths, '$.date')) }} as date) as usage_date,
        cast({{ json_text_at('record_texts', paths, '$.isActive') }} as boolean) as is_active,
        cast({{ json_text_at('record_texts', paths, '$.totalLinesAdded') }} as bigint) as total_lines_added,
        cast({{ json_text_at('record_texts', paths, '$.totalLinesDeleted') }} as bigint) as total_lines_deleted,
        cast({{ json_text_at('record_texts', paths, '$.acceptedLinesAdded') }} as bigint) as accepted_lines_added,
        cast({{ json_text_at('record_texts', paths, '$.acceptedLinesDeleted') }} as bigint) as accepted_lines_deleted,
        cast({{ json_text_at('record_texts', paths, '$.totalApplies') }} as bigint) as total_applies,
        cast({{ json_text_at('record_texts', paths, '$.totalAccepts') }} as bigint) as total_accepts,
        cast({{ json_text_at('record_texts', paths, '$.totalRejects') }} as bigint) as total_rejects,
        cast({{ json_text_at('record_texts', paths, '$.totalTabsShown') }} as bigint) as total_tabs_shown,
        cast({{ json_text_at('record_texts', paths, '$.totalTabsAccepted') }} as bigint) as total_tabs_accepted,
        cast({{ json_text_at('record_texts', paths, '$.composerRequests') }} as bigint) as composer_requests,
        cast({{ json_text_at('record_texts', paths, '$.chatRequests') }} as bigint) as chat_requests,
        cast({{ json_text_at('record_texts', paths, '$.agentRequests') }} as bigint) as agent_requests,
        cast({{ json_text_at('record_texts', paths, '$.cmdkUsages') }} as bigint) as cmdk_usages,
        cast({{ json_text_at('record_texts', paths, '$.usageBasedReqs') }} as bigint) as usage_based_requests,
        {{ json_text_at('record_texts', paths, '$.mostUsedModel') }} as most_used_model,
        {{ json_text_at('record_texts', paths, '$.clientVersion') }} as client_version,
        _loaded_at as loaded_at,
        _source_file as source_file,
        _record_index as record_index
    from parsed
),

deduplicated as (
    -- Overlapping export windows repeat a day: the latest load of a (user, day) wins.
    select
        *,
        row_number() over (
            partition by user_email, usage_date order by loaded_at desc, source_file desc, record_index desc
        ) as recency_rank
    from renamed
),

final as (
    select
        {{ row_key(['user_email', 'usage_date']) }} as daily_usage_key,
        user_email,
        usage_date,
        is_active,
        total_lines_added,
        total_lines_deleted,
        accepted_lines_added,
        accepted_lines_deleted,
        total_applies,
        total_accepts,
        total_rejects,
        total_tabs_shown,
        total_tabs_accepted,
        composer_requests,
        chat_requests,
        agent_requests,
        cmdk_usages,
        usage_based_requests,
        most_used_model,
        client_version,
        loaded_at
    from deduplicated
    where recency_rank = 1
)

select * from final
