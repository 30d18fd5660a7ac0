"""The "Targets" section of the terminal report."""

from __future__ import annotations

from rich.console import Console

from propwatch.domain import Analysis, Article, Span
from propwatch.report import render_analysis

TEXT = "NATO is essentially making a series of unilateral demands on Russia. Russia waits."


def _render(analysis: Analysis) -> str:
    console = Console(width=160, record=True, color_system=None)
    console.print(render_analysis(analysis))
    return console.export_text()


def _target(start: int, end: int, name: str) -> Span:
    return Span(start=start, end=end, label=f"Target:{name}", analyzer="targets")


def test_targets_section_lists_stance_and_technique_counts() -> None:
    analysis = Analysis(
        article=Article(text=TEXT, language="en"),
        spans=(
            _target(0, 4, "NATO"),
            _target(62, 68, "Russia"),
            _target(70, 76, "Russia"),
            Span(start=0, end=58, label="Doubt", score=0.8, analyzer="techniques"),
            Span(start=20, end=58, label="Name_Calling-Labeling", analyzer="techniques"),
        ),
        analyzers={"targets": "1", "techniques": "1"},
    )
    text = _render(analysis)
    assert "Targets" in text
    assert (
        "NATO — attacked (2 spans, 100% of their weight attacking): Name_Calling-Labeling ×1, Doubt ×1"
        in text
    )
    assert "mentioned, no technique linked: Russia ×2" in text
    # Mentions are summed up in the section, not listed as spans among the evidence.
    assert "Target:" not in text
    assert "Name_Calling-Labeling" in text.split("Targets")[0]


def test_no_targets_no_section() -> None:
    analysis = Analysis(
        article=Article(text=TEXT),
        spans=(Span(start=0, end=4, label="Doubt", analyzer="techniques"),),
        analyzers={"techniques": "1"},
    )
    assert "Targets" not in _render(analysis)
