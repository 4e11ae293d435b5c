{#- An OpenTelemetry record's developer: the first of its email, account uuid and anonymous id that the
    identity model links (`linked_developer_id`), joined from `links` (int_identifiers_linked). -#}
{% macro otel_linked_developer() -%}
    coalesce(by_email.developer_id, by_account.developer_id, by_anonymous.developer_id)
{%- endmacro %}

{% macro otel_identity_joins(relation) -%}
    left join links as by_email
        on by_email.identifier_type = 'email' and {{ relation }}.user_email = by_email.identifier_value
    left join links as by_account
        on by_account.identifier_type = 'account_uuid' and {{ relation }}.account_uuid = by_account.identifier_value
    left join links as by_anonymous
        on
            by_anonymous.identifier_type = 'anonymous_id'
            and {{ relation }}.anonymous_user_id = by_anonymous.identifier_value
{%- endmacro %}

{#- The developer an OpenTelemetry event stands for: the linked one, else its unresolved email, anonymous id or
    account uuid, else 'unresolved:unknown' (an exporter that wrote none). Never null: an event with no developer
    failed fct_events' tests, and so every build after it. int_developers_enriched lists each unresolved one. -#}
{% macro otel_developer_id() -%}
    coalesce(
        linked_developer_id,
        'unresolved:email:' || user_email,
        'unresolved:anonymous_id:' || anonymous_user_id,
        'unresolved:account_uuid:' || account_uuid,
        'unresolved:unknown'
    )
{%- endmacro %}
