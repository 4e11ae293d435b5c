"""AI-assisted development telemetry warehouse: generator, raw loader and orchestration."""
