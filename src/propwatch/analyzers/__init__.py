"""Analyzers: the components that find things in articles (see :mod:`propwatch.analyzers.base`)."""
