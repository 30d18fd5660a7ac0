"""propwatch.web."""
