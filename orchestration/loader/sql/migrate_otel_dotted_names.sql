-- Warehouses loaded before OpenTelemetry's dotted names were kept stored them as opaque hashes
-- ('h:' || left(md5(name), 20)): put back the names Claude Code exports, once. Other names stay hashed.
create temp table known_otel_names as
select
    name,
    'h:' || left(md5(name), 20) as hashed
from (
    values
    ('claude_code.session.count'),
    ('claude_code.lines_of_code.count'),
    ('claude_code.pull_request.count'),
    ('claude_code.commit.count'),
    ('claude_code.cost.usage'),
    ('claude_code.token.usage'),
    ('claude_code.code_edit_tool.decision'),
    ('claude_code.active_time.total'),
    ('com.anthropic.claude_code'),
    ('com.anthropic.claude_code.events')
) as known (name);

update raw.otel_metric_points set metric_name = known.name
from known_otel_names as known
where raw.otel_metric_points.metric_name = known.hashed;

update raw.otel_metric_points set scope_name = known.name
from known_otel_names as known
where raw.otel_metric_points.scope_name = known.hashed;

update raw.otel_log_records set scope_name = known.name
from known_otel_names as known
where raw.otel_log_records.scope_name = known.hashed;

drop table known_otel_names;
