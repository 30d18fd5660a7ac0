"""``python -m propwatch`` runs the CLI."""

from propwatch.cli import main

main()
