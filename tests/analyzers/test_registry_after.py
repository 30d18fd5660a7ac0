"""Optional inputs (``after``): an analyzer runs after what it can use, without needing it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pytest

from propwatch.analyzers import registry
from propwatch.analyzers.base import Analyzer
from propwatch.analyzers.targets import TargetExtractor
from propwatch.domain import Analysis, Annotations
from propwatch.errors import AnalyzerError


class _Base(Analyzer):
    version = "1"

    def analyze(self, batch: Sequence[Analysis]) -> Sequence[Annotations]:
        return [Annotations() for _ in batch]


class Techniques(_Base):
    name = "techniques"
    provides: ClassVar[frozenset[str]] = frozenset({"spans:technique"})


class Targets(_Base):
    name = "targets"
    after: ClassVar[frozenset[str]] = frozenset({"spans:technique"})
    provides: ClassVar[frozenset[str]] = frozenset({"spans:target"})


class NeedsTargets(_Base):
    name = "needs-targets"
    requires: ClassVar[frozenset[str]] = frozenset({"spans:target"})


class A(_Base):
    name = "a"
    after: ClassVar[frozenset[str]] = frozenset({"b"})
    provides: ClassVar[frozenset[str]] = frozenset({"a"})


class B(_Base):
    name = "b"
    after: ClassVar[frozenset[str]] = frozenset({"a"})
    provides: ClassVar[frozenset[str]] = frozenset({"b"})


def _catalogue(*classes: type[Analyzer]) -> registry.Catalogue:
    return registry.Catalogue(analyzers={cls.name: cls for cls in classes})


def _order(names: list[str] | None, *classes: type[Analyzer]) -> list[str]:
    return [cls.name for cls in registry.resolve(names, _catalogue(*classes))]


def test_an_optional_input_orders_when_its_provider_is_chosen() -> None:
    assert _order(["targets", "techniques"], Targets, Techniques) == ["techniques", "targets"]
    assert _order(None, Targets, Techniques, NeedsTargets) == ["techniques", "targets", "needs-targets"]


def test_an_optional_input_is_not_required() -> None:
    assert _order(["targets"], Targets, Techniques) == ["targets"]
    assert _order(None, Targets) == ["targets"]


def test_a_cycle_of_optional_inputs_does_not_block() -> None:
    assert sorted(_order(None, A, B)) == ["a", "b"]


def test_hard_requirements_still_fail() -> None:
    with pytest.raises(AnalyzerError, match="needs-targets needs spans:target"):
        registry.resolve(["needs-targets"], _catalogue(NeedsTargets, Targets))


def test_target_extractor_declares_techniques_as_optional() -> None:
    assert TargetExtractor.requires == frozenset({"text"})
    assert "spans:technique" in TargetExtractor.after
    assert Analyzer.after == frozenset()
