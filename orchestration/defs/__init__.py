"""Dagster definitions: assets, checks, resources, schedules and sensors, one module each."""
