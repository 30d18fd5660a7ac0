"""propwatch: find, with evidence, how news and opinion articles try to persuade."""

__version__ = "0.1.0"
