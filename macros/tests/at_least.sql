{#- Every value is at least `value`: a k-anonymity floor for aggregates of people. -#}
{% test at_least(model, column_name, value) %}

select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < {{ value }}

{% endtest %}
