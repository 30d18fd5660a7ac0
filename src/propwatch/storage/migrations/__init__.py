"""Alembic migrations of propwatch's database (a package so that env.py ships in the wheel)."""
