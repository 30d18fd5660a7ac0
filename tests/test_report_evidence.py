"""What the terminal report says the evidence means: a narrative's similarity beside its threshold,
with its case links and a caution; a target's stance with the evidence it rests on; a reported label."""

from __future__ import annotations

from rich.console import Console

from propwatch.domain import Analysis, Label
from propwatch.narratives.catalogue import CatalogueDisplays
from propwatch.report import render_analysis
from propwatch.summary import NARRATIVE_CAUTION
from test_export_meaning import LINKS, TITLES, sample


def _render(analysis: Analysis) -> str:
    console = Console(width=250, record=True, color_system=None)
    console.print(render_analysis(analysis, catalogues=CatalogueDisplays({}, TITLES, None)))
    return console.export_text()


def _row(shown: str, number: int) -> str:
    """Row ``number`` of the Spans table, its folded lines joined."""
    lines = shown.split("Spans")[-1].split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{number} "))
    row = [lines[first]]
    for line in lines[first + 1 :]:
        if not line.strip() or line[:6].strip():  # the table's end, or the next row
            break
        row.append(line)
    return " ".join(" ".join(row).split())


def test_a_narrative_match_shows_its_similarity_threshold_links_and_caution() -> None:
    """ "sanctions-hurt-europe (0.83, 1 sentence)" read as 83 % confidence, with no case to check it by."""
    shown = _render(sample())
    header = shown.split("╭")[0]
    assert "west-provokes (similarity 0.830, threshold 0.819, 1 sentence)" in header
    assert all(link in header for link in LINKS)
    assert " ".join(NARRATIVE_CAUTION.split()[:12]) in " ".join(shown.split())
    assert "similarity 0.830, threshold 0.819" in _row(shown, 3)  # the evidence sentence


def test_a_reported_label_is_marked_in_the_span_table() -> None:
    """The label the article reports ("call Russia the aggressor") read as its own Name_Calling span."""
    shown = _render(sample())
    assert "Name_Calling-Labeling" in _row(shown, 2)
    assert "reported, not the author's label" in _row(shown, 2)
    assert "reported" not in _row(shown, 1)  # the Doubt span is the article's own
    assert "Russia — neutral (1 span): Name_Calling-Labeling ×1; 1 reported label" in shown


def test_a_stance_says_how_many_spans_it_rests_on() -> None:
    """ "Attacked NATO (0.89)" looked like certainty: one weak span gave 1.00, and the page showed
    another figure (the share of the article's evidence) for the same finding."""
    stored = sample().model_copy(
        update={
            "labels": (*sample().labels, Label(name="attacked", value="NATO", score=1.0, analyzer="targets"))
        }
    )
    shown = _render(stored)
    header = shown.split("╭")[0]
    assert "Attacked" in header and "NATO (1 span, 100% of its weight attacking)" in header
    assert "(1.00)" not in header
    assert "NATO — attacked (1 span, 100% of its weight attacking): Doubt ×1" in shown
