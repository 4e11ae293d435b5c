-- ROI per team and month for engineering managers: an estimate (docs/roi.md), in three scenarios.
{{ roi_estimate(reportable_teams_only=false) }}
