"""The directory checkov loads (``--external-checks-dir``); checkov skips folders without this file."""
