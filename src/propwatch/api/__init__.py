"""propwatch.api."""
