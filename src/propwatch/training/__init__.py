"""Training entry points for the models propwatch ships (need the `train` extra)."""
