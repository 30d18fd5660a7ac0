from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.analyzers import registry
from propwatch.analyzers.base import Analyzer
from propwatch.errors import AnalyzerError

PLUGIN_DIR = Path(__file__).parent.parent / "fixtures" / "plugin"


@pytest.fixture
def plugin_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))


def test_plugins_are_found_through_entry_points(plugin_installed: None) -> None:
    catalogue = registry.available()
    assert {"keywords", "keyword-count"} <= set(catalogue.analyzers)
    assert all(issubclass(cls, Analyzer) for cls in catalogue.analyzers.values())


def test_broken_plugin_is_reported_not_fatal(plugin_installed: None) -> None:
    catalogue = registry.available()
    assert "broken" in catalogue.broken
    assert "propwatch_test_plugin_missing_module" in catalogue.broken["broken"]
    with pytest.raises(AnalyzerError, match="broken"):
        registry.resolve(["broken"], catalogue)


def test_resolve_orders_by_needs(plugin_installed: None) -> None:
    catalogue = registry.available()
    ordered = registry.resolve(["keyword-count", "keywords"], catalogue)
    assert [cls.name for cls in ordered] == ["keywords", "keyword-count"]


def test_unmet_requirement_is_an_error(plugin_installed: None) -> None:
    with pytest.raises(AnalyzerError, match="keyword-count needs spans:keyword"):
        registry.resolve(["keyword-count"], registry.available())


def test_unknown_analyzer_names_the_installed_ones(plugin_installed: None) -> None:
    with pytest.raises(AnalyzerError, match=r"'nope'.*not installed.*keywords"):
        registry.resolve(["nope"], registry.available())


def test_without_plugins_nothing_is_faked() -> None:
    catalogue = registry.available()
    assert "keywords" not in catalogue.analyzers
    for cls in catalogue.analyzers.values():
        assert cls.__module__.startswith("propwatch.")
