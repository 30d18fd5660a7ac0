"""Readers that turn every kind of input an analyst meets into :class:`~propwatch.domain.Article`."""
