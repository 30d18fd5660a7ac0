"""propwatch.models."""
