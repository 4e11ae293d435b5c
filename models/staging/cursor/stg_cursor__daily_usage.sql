with

daily as (
    select * from {{ source('cursor', 'cursor_daily_usage') }}
),

renamed as (
    select
        lower({{ json_text('record', '$.email') }}) as user_email,
        cast({{ epoch_ms_to_utc(json_text('record', '$.date')) }} as date) as usage_date,
        cast({{ json_text('record', '$.isActive') }} as boolean) as is_active,
        cast({{ json_text('record', '$.totalLinesAdded') }} as bigint) as total_lines_added,
        cast({{ json_text('record', '$.totalLinesDeleted') }} as bigint) as total_lines_deleted,
        cast({{ json_text('record', '$.acceptedLinesAdded') }} as bigint) as accepted_lines_added,
        cast({{ json_text('record', '$.acceptedLinesDeleted') }} as bigint) as accepted_lines_deleted,
        cast({{ json_text('record', '$.totalApplies') }} as bigint) as total_applies,
        cast({{ json_text('record', '$.totalAccepts') }} as bigint) as total_accepts,
        cast({{ json_text('record', '$.totalRejects') }} as bigint) as total_rejects,
        cast({{ json_text('record', '$.totalTabsShown') }} as bigint) as total_tabs_shown,
        cast({{ json_text('record', '$.totalTabsAccepted') }} as bigint) as total_tabs_accepted,
        cast({{ json_text('record', '$.composerRequests') }} as bigint) as composer_requests,
        cast({{ json_text('record', '$.chatRequests') }} as bigint) as chat_requests,
        cast({{ json_text('record', '$.agentRequests') }} as bigint) as agent_requests,
        cast({{ json_text('record', '$.cmdkUsages') }} as bigint) as cmdk_usages,
        cast({{ json_text('record', '$.usageBasedReqs') }} as bigint) as usage_based_requests,
        {{ json_text('record', '$.mostUsedModel') }} as most_used_model,
        {{ json_text('record', '$.clientVersion') }} as client_version,
        _loaded_at as loaded_at,
        _source_file as source_file,
        _record_index as record_index
    from daily
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
        client_version
    from deduplicated
    where recency_rank = 1
)

select * from final
