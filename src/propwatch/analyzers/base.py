"""The one extension point of propwatch: the Analyzer contract.

An analyzer is a class with

* ``name`` — unique, stable; it labels every span and label the analyzer makes;
* ``version`` — changes whenever its output may change (a new model, new rules); analyses are
  stored per version, so a new version never overwrites an old result;
* ``requires`` — the capabilities it needs before it runs (``"text"`` is always there; others are
  what earlier analyzers ``provide``, e.g. ``"spans:technique"``);
* ``provides`` — the capabilities it adds, e.g. ``"spans:technique"``, ``"labels:genre"``;
* ``after`` — capabilities it uses when they are there but does not need (default: none): when a
  chosen analyzer provides one of them, that analyzer runs first; when none does, it runs anyway
  (e.g. the target extractor links technique spans when a technique analyzer is installed);
* ``__init__(self, settings)`` — loads its model once; the pipeline builds one instance per run
  (per Dask worker in a batch), never one per article;
* ``analyze(self, batch)`` — takes a batch of :class:`~propwatch.domain.Analysis` (each holding the
  article and what earlier analyzers added) and returns one :class:`~propwatch.domain.Annotations`
  per item, in the same order. It must not mutate anything and must not drop items.
  An item's annotations must not depend on the other items of the batch: batching is for speed
  only, and an article gets the same result alone, in a crawl or on any Dask worker. (An int8 graph
  that quantises activations per call must therefore not mix items in one call: see
  :func:`propwatch.models.technique_decode.text_logits`.)

Analyzers are found through the ``propwatch.analyzers`` entry-point group; built-ins register in
propwatch's own ``pyproject.toml`` exactly like a plugin does in its own.

Enforced: the attributes' types, unique names, needs some installed analyzer meets
(:func:`propwatch.analyzers.registry.available`); one result per item, of type Annotations, with spans
inside the text and every finding carrying the analyzer's ``name`` (:class:`propwatch.pipeline.Pipeline`).
When findings are stored, the items an analyzer gets hold the stored findings of the analyzers not
re-run, and the analyzers built on a re-run one run again (:meth:`Pipeline.from_settings`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from propwatch.domain import Analysis, Annotations
from propwatch.settings import Settings

TEXT = "text"


class Analyzer(ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    requires: ClassVar[frozenset[str]] = frozenset({TEXT})
    provides: ClassVar[frozenset[str]] = frozenset()
    after: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def analyze(self, batch: Sequence[Analysis]) -> Sequence[Annotations]:
        """Return one Annotations per item of ``batch``, in order."""
