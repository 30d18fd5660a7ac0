from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.analyzers import registry
from propwatch.analyzers.base import Analyzer
from propwatch.errors import AnalyzerError

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def plugin_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES / "plugin"))


@pytest.fixture
def faulty_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES / "faulty_plugins"))


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


def test_a_plugin_taking_a_built_in_name_is_reported_and_the_built_in_kept(faulty_installed: None) -> None:
    catalogue = registry.available()
    assert catalogue.analyzers["techniques"].__module__ == "propwatch.analyzers.techniques"
    clash = catalogue.broken["techniques (propwatch_faulty_plugins:FakeTechniques)"]
    assert "propwatch's own analyzer" in clash
    assert [cls.name for cls in registry.resolve(["techniques"], catalogue)] == ["techniques"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("float-version", "version must be a non-empty string, not 1.0"),
        ("string-requires", "requires must be a frozenset of capability names, not 'spans:technique'"),
        ("needs-nobody", "needs spans:sentiment, which no installed analyzer provides"),
    ],
)
def test_a_plugin_breaking_the_contract_is_reported(faulty_installed: None, name: str, reason: str) -> None:
    catalogue = registry.available()
    assert name not in catalogue.analyzers and reason in catalogue.broken[name]
    with pytest.raises(AnalyzerError, match=name):
        registry.resolve([name], catalogue)
    # A default run goes on without it.
    assert name not in [cls.name for cls in registry.resolve(None, catalogue)]


def test_two_plugins_with_one_name_are_both_refused(
    faulty_installed: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    twin = tmp_path / "twin-0.1.dist-info"
    twin.mkdir()
    (twin / "METADATA").write_text("Metadata-Version: 2.1\nName: twin\nVersion: 0.1\n", encoding="utf-8")
    (twin / "entry_points.txt").write_text(
        "[propwatch.analyzers]\nfails-on-nato = twin_module:Other\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    catalogue = registry.available()
    assert "fails-on-nato" not in catalogue.analyzers
    assert catalogue.broken["fails-on-nato"].startswith("is installed twice")


def test_with_dependents_adds_the_analyzers_built_on_the_chosen_ones(plugin_installed: None) -> None:
    catalogue = registry.available()
    assert registry.with_dependents(["keywords"], catalogue) == ["keywords", "keyword-count"]
    assert registry.with_dependents(["keyword-count"], catalogue) == ["keyword-count"]
