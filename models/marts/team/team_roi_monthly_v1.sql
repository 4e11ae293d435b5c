-- The team's ROI per month: an estimate (docs/roi.md), in three scenarios.
{{ roi_estimate(reportable_teams_only=true) }}
