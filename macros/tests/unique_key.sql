{#- The combination of columns identifies a row: no two rows share it. -#}
{% test unique_key(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
