from __future__ import annotations

import io

from rich.console import Console

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.narratives.catalogue import CatalogueDisplays
from propwatch.report import highlighted_text, label_style, render_analysis

TEXT = "NATO is essentially making a series of unilateral demands on Russia."


def _render(analysis: Analysis) -> str:
    console = Console(width=120, record=True, color_system="truecolor")
    console.print(render_analysis(analysis))
    return console.export_text()


def test_report_shows_metadata_legend_and_evidence() -> None:
    analysis = Analysis(
        article=Article(text=TEXT, title="A title", place="Moscow", sources=("Agency",)),
        spans=(
            Span(start=39, end=58, label="Loaded_Language", score=0.7, analyzer="t"),
            Span(start=0, end=58, label="Doubt", score=0.4, analyzer="t"),
        ),
        labels=(Label(name="genre", value="opinion", score=0.9, analyzer="g"),),
        analyzers={"t": "1", "g": "1"},
    )
    text = _render(analysis)
    for expected in (
        "A title",
        "Moscow",
        "Agency",
        "Loaded_Language",
        "unilateral demands",
        "Genre",
        "opinion (0.90)",
    ):
        assert expected in text


def test_overlapping_spans_are_marked() -> None:
    analysis = Analysis(
        article=Article(text=TEXT),
        spans=(
            Span(start=0, end=20, label="A", analyzer="t"),
            Span(start=10, end=30, label="B", analyzer="t"),
        ),
    )
    styled = highlighted_text(analysis)
    overlap = [s for s in styled.spans if "underline" in str(s.style)]
    assert [(s.start, s.end) for s in overlap] == [(10, 20)]


def test_label_colours_are_stable() -> None:
    assert label_style("Doubt") == label_style("Doubt")


def test_report_says_when_no_analyzer_ran() -> None:
    article = Article(text=TEXT)
    said = " ".join(_render(Analysis(article=article)).split())
    assert "No analyzer has run on this text yet" in said
    # `propwatch analyze ID` had been suggested: analyze reads files and URLs, "no such file or folder"
    assert f"`propwatch reanalyze {article.id}`" in said


def test_spans_stay_on_their_words_in_crlf_texts() -> None:
    # Rich drops carriage returns, so offsets into a \r\n text must be mapped (SemEval-2023 files are).
    text = "Первый абзац.\r\n\r\nВраги лгут снова.\rLone CR, then\x0cform feed: lies."
    spans = tuple(
        Span(start=text.index(word), end=text.index(word) + len(word), label="Loaded_Language", analyzer="t")
        for word in ("Враги лгут", "Lone", "lies")
    )
    shown = highlighted_text(Analysis(article=Article(text=text), spans=spans))
    assert "\r" not in shown.plain and "\x0c" not in shown.plain and "снова.\nLone" in shown.plain
    styled = [shown.plain[s.start : s.end] for s in shown.spans if s.style == label_style("Loaded_Language")]
    assert styled == ["Враги лгут", "Lone", "lies"]
    # The whole report renders, whatever the offsets.
    Console(file=io.StringIO(), width=80).print(
        render_analysis(Analysis(article=Article(text=text), spans=spans))
    )


def test_labels_are_grouped_and_narratives_count_their_evidence_sentences() -> None:
    second = TEXT + " NATO refused to talk."
    analysis = Analysis(
        article=Article(text=second),
        spans=(
            Span(start=0, end=len(TEXT), label="narrative:west-provokes", score=0.87, analyzer="n"),
            Span(
                start=len(TEXT) + 1,
                end=len(second),
                label="narrative:west-provokes",
                score=0.85,
                analyzer="n",
            ),
            Span(start=0, end=len(TEXT), label="narrative:us-controls-eu", score=0.83, analyzer="n"),
        ),
        labels=(
            Label(name="frame", value="Political", score=0.7, analyzer="f"),
            Label(name="frame", value="Economic", score=0.4, analyzer="f"),
            Label(name="narrative", value="west-provokes", score=0.87, analyzer="n"),
            Label(name="narrative", value="us-controls-eu", score=0.83, analyzer="n"),
            Label(name="target", value="NATO", score=0.5, analyzer="t"),
            Label(name="attacked", value="NATO", score=0.8, analyzer="t"),
        ),
        analyzers={"f": "1", "n": "1", "t": "1"},
    )
    header = _render(analysis).split("╭")[0]
    assert "Political (0.70), Economic (0.40)" in header  # one row per label name
    assert header.count("Frame") == 1
    # a cosine similarity, named as one beside the threshold it was compared with (0.83 read as 83 %)
    assert "west-provokes (similarity 0.870, threshold 0.837, 2 sentences)" in header
    assert "us-controls-eu (similarity 0.830, threshold 0.837, 1 sentence)" in header
    many = analysis.model_copy(
        update={
            "spans": tuple(
                Span(start=0, end=4, label="narrative:west-provokes", analyzer="n") for _ in range(5)
            )
        }
    )
    assert "west-provokes (similarity 0.870, threshold 0.837, 5+ sentences)" in _render(many)  # five kept
    assert "Attacked" in header and "NATO (80% of its evidence weight attacking)" in header
    assert "Target " not in header  # the Targets section below sums targets up
    # With the catalogues' titles, an id says what it stands for, in the header and by its evidence.
    console = Console(width=160, record=True, color_system=None)
    titles = {"west-provokes": "The West provokes Russia (catalogue: desk)"}
    catalogues = CatalogueDisplays({}, titles, "1.1+current")
    console.print(render_analysis(analysis, catalogues=catalogues))
    shown = console.export_text()
    assert shown.split("╭")[0].count("The West provokes Russia (catalogue: desk)") == 1
    assert shown.split("Spans")[-1].count("The West provokes Russia (catalogue: desk)") == 2
    # Matched with other catalogues than those in use: said, with how to match again.
    stale = analysis.model_copy(update={"analyzers": {**analysis.analyzers, "narratives": "1.1+earlier"}})
    console = Console(width=200, record=True, color_system=None)
    console.print(render_analysis(stale, catalogues=catalogues))
    said = " ".join(console.export_text().split())
    assert "than those in use now (narratives 1.1+earlier; now 1.1+current)" in said
    assert f"propwatch reanalyze {stale.article.id} -a narratives" in said
    current = analysis.model_copy(update={"analyzers": {**analysis.analyzers, "narratives": "1.1+current"}})
    console = Console(width=200, record=True, color_system=None)
    console.print(render_analysis(current, catalogues=catalogues))
    assert "reanalyze" not in console.export_text()


def test_where_no_colour_shows_each_span_is_bracketed() -> None:
    text = "They lie.\r\nNATO lies again."
    spans = (
        Span(start=5, end=8, label="Loaded_Language", analyzer="techniques"),
        Span(start=11, end=26, label="Doubt", analyzer="techniques"),
        Span(start=16, end=20, label="Loaded_Language", analyzer="techniques"),
    )
    console = Console(width=100, color_system=None, record=True)
    console.print(render_analysis(Analysis(article=Article(text=text), spans=spans), plain=True))
    shown = console.export_text()
    assert "They ⟦lie⟧." in shown and "⟦NATO ⟦lies⟧ again⟧." in shown


def test_republications_mark_the_shown_article_and_say_no_sites_when_none_is_known() -> None:
    """Copies read from a folder had been "on 0 sites", and nothing told the shown article's own row."""
    from datetime import date

    from propwatch.report import render_republications
    from propwatch.republication import Copy
    from propwatch.republication.minhash import build_cluster

    shown = Article(text="One text.", title="Second", published=date(2022, 2, 5))
    cluster = build_cluster(
        [
            Copy(shown.id, published=date(2022, 2, 3), title="First"),
            Copy(shown.id, published=date(2022, 2, 5), title="Second"),
        ]
    )
    console = Console(width=200, record=True, color_system=None)
    console.print(render_republications(cluster, shown))
    said = console.export_text()
    assert "This text also appeared 1 other time (earliest first)" in said
    assert "2022-02-05 (this)" in said and "2022-02-03 (this)" not in said
