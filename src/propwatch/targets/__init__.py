"""Targets: who an article attacks or praises.

:mod:`~propwatch.targets.aliases` (catalogues of names), :mod:`~propwatch.targets.ner` (NER back-ends),
:mod:`~propwatch.targets.extraction` (mentions), :mod:`~propwatch.targets.linking` (technique → target,
stance, :func:`~propwatch.targets.linking.target_profiles`). The analyzer is
:class:`propwatch.analyzers.targets.TargetExtractor`; docs/targets.md describes the whole.
"""
