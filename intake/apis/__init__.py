"""Intake API views, one module per area (intake, triage ...)."""
