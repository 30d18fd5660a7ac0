"""propwatch.batch."""
