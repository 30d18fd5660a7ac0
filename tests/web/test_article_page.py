"""The article page through an in-process client: the summary and targets sections, and which spans
are highlighted in the text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from article_findings_fixture import findings_analysis
from propwatch.api.app import create_app
from propwatch.domain import Analysis, Article, Span
from propwatch.settings import Settings
from propwatch.storage.store import ArticleStore


@pytest.fixture
def app_store(tmp_path: Path) -> Iterator[tuple[TestClient, ArticleStore]]:
    settings = Settings(db=f"sqlite:///{tmp_path / 'page.db'}", data_dir=tmp_path, analyzers=())
    store = ArticleStore.from_settings(settings)
    client = TestClient(create_app(settings, store=store), base_url="http://127.0.0.1")
    try:
        yield client, store
    finally:
        client.close()
        store.close()


def _page(app_store: tuple[TestClient, ArticleStore], analysis: Analysis) -> str:
    client, store = app_store
    store.save_analysis(analysis)
    response = client.get(f"/articles/{analysis.article.id}")
    assert response.status_code == 200, response.text
    return response.text


def _section(page: str, css_class: str) -> str:
    found = re.search(rf'<section class="card panel {css_class}".*?</section>', page, re.S)
    assert found, f"no {css_class} section"
    return html.unescape(found.group(0))


def _text(fragment: str) -> str:
    """The words a reader sees: each tag as a space, none before punctuation."""
    words = " ".join(re.sub(r"<[^>]+>", " ", fragment).split())
    return re.sub(r" ([,;:.])", r"\1", words)


def test_summary_section_and_genre_note(app_store: tuple[TestClient, ArticleStore]) -> None:
    page = _page(app_store, findings_analysis())
    note = re.search(r'<p class="notice genre-note" role="note">(.*?)</p>', page)
    assert note and html.unescape(note.group(1)) == (
        "The page calls itself 'news', but the genre model reads it as 'opinion' (0.93)."
    )
    summary = _text(_section(page, "summary-panel"))
    assert "Genre opinion (0.93); the page says “news” disagree" in summary
    assert "Top frames Security and defense 0.71 Political 0.55 International relations 0.42" in summary
    assert "Morality" not in summary  # only the top three frames
    assert "Techniques 3 spans" in summary and "Per 1,000 words 142.9" in summary
    assert "Text covered 58.9% of the characters" in summary
    assert "Categories Attack on Reputation 2 Justification 1" in summary
    assert "Dominant Attack on Reputation" in summary


def test_targets_section_and_no_target_marks(app_store: tuple[TestClient, ArticleStore]) -> None:
    page = _page(app_store, findings_analysis())
    section = _section(page, "targets-panel")
    targets = _text(section)
    assert targets.startswith(
        "Targets 2 NATO attacked 2 spans, 100% of their weight attacking Name Calling / Labeling ×1, Doubt ×1"
    )
    assert "named 1× · evidence 1, 2" in targets
    assert "Mentioned, no technique linked: Russia ×2" in targets
    line = "NATO — attacked (2 spans, 100% of their weight attacking): Name_Calling-Labeling ×1, Doubt ×1"
    assert f'title="{line}"' in section
    # Its evidence links lead to the technique marks in the text.
    for link in re.findall(r'href="#(s\d+)"', section):
        assert f'id="{link}"' in page
    marks = re.findall(r'<mark class="hl [^"]*"[^>]*data-key="([^"]*)"', page)
    assert {html.unescape(key).split("\x1f")[1] for key in marks} == {
        "Doubt",
        "Name_Calling-Labeling",
        "Flag_Waving",
    }
    assert "Target:" not in page  # neither marked, nor in the legend, nor listed as a layer of evidence
    legend = re.search(r'<ul class="legend-items">.*?</ul>', page, re.S)
    assert legend and 'data-key="targets' not in legend.group(0)
    # The targets analyzer's own labels are not repeated as panels next to the section.
    assert 'data-label-name="attacked"' not in page and 'data-label-name="target"' not in page
    assert 'data-label-name="genre"' in page and 'data-label-name="frame"' in page


def test_no_findings_no_sections(app_store: tuple[TestClient, ArticleStore]) -> None:
    analysis = Analysis(
        article=Article(text="A quiet report about the weather.", genre_tag="news"),
        spans=(Span(start=2, end=7, label="Topic", analyzer="keywords"),),
        analyzers={"keywords": "1"},
    )
    page = _page(app_store, analysis)
    assert "summary-panel" not in page and "targets-panel" not in page and "genre-note" not in page
    assert 'data-key="keywords\x1fTopic"' in html.unescape(page)


def test_techniques_not_looked_for_are_not_reported_as_zero(
    app_store: tuple[TestClient, ArticleStore],
) -> None:
    text = "NATO met. Russia answered."
    analysis = Analysis(
        article=Article(text=text, genre_tag="opinion"),
        spans=(Span(start=0, end=4, label="Target:NATO", analyzer="targets"),),
        labels=(findings_analysis().labels[0],),
        analyzers={"genre": "test-1", "targets": "test-1"},
    )
    page = _page(app_store, analysis)
    summary = _text(_section(page, "summary-panel"))
    assert "Genre opinion (0.93); the page says “opinion”" in summary and "disagree" not in summary
    assert "Techniques not looked for" in summary and "0.0%" not in summary
    assert "genre-note" not in page
    assert "NATO ×1" in _text(_section(page, "targets-panel"))
    assert "<mark" not in page.split('id="article-text"')[1].split("</div>")[0]


def test_a_narrative_match_says_what_the_narrative_is(
    app_store: tuple[TestClient, ArticleStore], tmp_path: Path
) -> None:
    """Matched narratives had shown by id only, their evidence with an empty explanation."""
    from propwatch.domain import Label
    from propwatch.narratives.catalogue import narrative_titles

    narrative = "west-provokes-russia-to-blame-it"
    title = narrative_titles(Settings(data_dir=tmp_path))[narrative]
    assert "(catalogue: " in title
    text = "NATO pushed east on purpose. Then it blamed Moscow for reacting."
    analysis = Analysis(
        article=Article(text=text),
        spans=(Span(start=0, end=28, label=f"narrative:{narrative}", score=0.9, analyzer="narratives"),),
        labels=(Label(name="narrative", value=narrative, score=0.9, analyzer="narratives"),),
        analyzers={"narratives": "1"},
    )
    page = html.unescape(_page(app_store, analysis))
    assert f'data-explanation="{title}"' in page  # the evidence's tooltip
    assert f'<span class="narrative-title">{title}</span>' in page  # the Narratives panel
    # Matched with other catalogues than those in use: the page says so, and how to match again.
    assert f"propwatch reanalyze {analysis.article.id} -a narratives" in page
    from propwatch.analyzers.narratives import matcher_version
    from propwatch.narratives.catalogue import load_catalogues

    current = matcher_version(Settings(data_dir=tmp_path), load_catalogues(Settings(data_dir=tmp_path)))
    again = analysis.model_copy(update={"analyzers": {"narratives": current}})
    client, store = app_store
    store.save_analysis(again)
    assert "propwatch reanalyze" not in client.get(f"/articles/{analysis.article.id}").text
    # A catalogue added while the server runs: its pages compare with the files as they are now.
    folder = tmp_path / "narratives"
    folder.mkdir()
    (folder / "desk.yaml").write_text(
        "format: propwatch-narratives/1\nnarratives:\n  - id: desk-1\n    title: A desk narrative\n"
        "    description: Written by the desk.\n    example_claims:\n      en: [One claim of the desk.]\n",
        encoding="utf-8",
    )
    assert "propwatch reanalyze" in client.get(f"/articles/{analysis.article.id}").text


def test_the_page_says_which_findings_are_outdated(
    app_store: tuple[TestClient, ArticleStore],
) -> None:
    from propwatch.analyzers.claims import ANALYZER_VERSION

    old = Analysis(article=Article(text="The puppets in Brussels lie again."), analyzers={"claims": "3"})
    page = " ".join(html.unescape(_page(app_store, old)).split())
    assert f"claims 3 (now {ANALYZER_VERSION})" in page
    assert f"propwatch reanalyze {old.article.id}" in page
    current = old.model_copy(update={"analyzers": {"claims": ANALYZER_VERSION}})
    assert "propwatch reanalyze" not in _page(app_store, current)


def test_the_api_says_which_findings_are_outdated_as_the_page_does(
    app_store: tuple[TestClient, ArticleStore],
) -> None:
    """`show` and the article page named outdated findings; GET /api/articles/ID had said nothing."""
    from propwatch.analyzers.claims import ANALYZER_VERSION

    client, store = app_store
    old = Analysis(article=Article(text="The puppets in Brussels lie again."), analyzers={"claims": "3"})
    store.save_analysis(old)
    body = client.get(f"/api/articles/{old.article.id}").json()
    assert body["outdated"] == [{"analyzer": "claims", "stored": "3", "now": ANALYZER_VERSION}]
    assert f"propwatch reanalyze {old.article.id}" in body["caution"]
    store.save_analysis(old.model_copy(update={"analyzers": {"claims": ANALYZER_VERSION}}))
    body = client.get(f"/api/articles/{old.article.id}").json()
    assert body["outdated"] == [] and body["caution"] is None


def test_the_page_says_what_narrative_scores_stances_and_reported_labels_mean(tmp_path: Path) -> None:
    """The page showed "0.83" on a 0-1 meter for a cosine similarity, no case link, "attacked 58.1 %" (the
    share of the article's evidence) where `show` said 0.89 (the stance score), and a reported label as
    the article's own Name_Calling."""
    from propwatch.summary import NARRATIVE_CAUTION
    from test_export_meaning import LINKS, sample

    folder = tmp_path / "narratives"
    folder.mkdir()
    (folder / "desk.yaml").write_text(
        "format: propwatch-narratives/1\nname: desk\nnarratives:\n  - id: west-provokes\n"
        "    title: The West provokes Russia\n    description: Written by the desk.\n"
        f"    example_claims:\n      en: [One claim of the desk.]\n    links: [{', '.join(LINKS)}]\n",
        encoding="utf-8",
    )
    settings = Settings(db=f"sqlite:///{tmp_path / 'page.db'}", data_dir=tmp_path, analyzers=())
    from propwatch.narratives.catalogue import current_matcher_version

    matched = sample().model_copy(  # matched with the catalogues in use: its threshold is known
        update={"analyzers": {**sample().analyzers, "narratives": current_matcher_version(settings)}}
    )
    with ArticleStore.from_settings(settings) as store:
        client = TestClient(create_app(settings, store=store), base_url="http://127.0.0.1")
        try:
            page = _page((client, store), matched)
            body = client.get(f"/api/articles/{sample().article.id}").json()
        finally:
            client.close()
    panel = re.search(
        r'<section class="card panel labels-panel" data-label-name="narrative".*?</section>', page, re.S
    )
    assert panel and "<meter" not in panel.group(0)
    said = _text(html.unescape(panel.group(0)))
    assert "west-provokes The West provokes Russia (catalogue: desk)" in said
    assert "similarity 0.830, threshold 0.819, 1 sentence" in said
    assert all(f'href="{link}"' in panel.group(0) for link in LINKS)
    assert html.escape(NARRATIVE_CAUTION, quote=True) in page
    evidence = _text(html.unescape(_section(page, 'layer-panel" data-analyzer="narratives')))
    assert "similarity 0.830" in evidence and "threshold 0.819" in evidence
    # The stance with what it rests on, in the words of `show`: one weak span is one span.
    targets = _text(_section(page, "targets-panel"))
    assert "NATO attacked 1 span, 100% of its weight attacking" in targets
    assert "%" not in targets.replace("100% of its weight", "")  # no second figure for the same finding
    techniques = _section(page, 'layer-panel" data-analyzer="techniques')
    items = re.findall(r'<li id="d\d+"[^>]*data-title="([^"]*)".*?</li>', techniques, re.S)
    flag = r'<li id="d\d+"[^>]*data-title="([^"]*)"[^>]*>(?:(?!</li>).)*reported-label'
    flagged = re.findall(flag, techniques, re.S)
    assert flagged == ["Name Calling / Labeling"] and "Doubt" in items
    # The API returns the export record: the same matches, thresholds and links.
    assert body["narratives"][0]["threshold"] == 0.819 and body["narratives"][0]["links"] == list(LINKS)
    assert [s["label"] for s in body["spans"] if s["reported_label"]] == ["Name_Calling-Labeling"]


def test_a_target_card_says_its_reported_labels_and_marks_their_evidence(
    app_store: tuple[TestClient, ArticleStore],
) -> None:
    """`show` says "; 1 reported label" and the Techniques list marks the span; the card had said neither,
    its evidence link read as the article's own Name_Calling."""
    from test_export_meaning import sample

    page = _page(app_store, sample())
    card = re.search(r'<li class="target" data-target="Russia".*?</li>', page, re.S)
    assert card
    said = _text(html.unescape(card.group(0)))
    assert "Name Calling / Labeling ×1; 1 reported label" in said
    number = re.search(r'aria-label="evidence (\d+): Name Calling / Labeling \(reported\)"', card.group(0))
    assert number and f"evidence {number.group(1)} (reported)" in said
    nato = re.search(r'<li class="target" data-target="NATO".*?</li>', page, re.S)
    assert nato and "reported" not in _text(html.unescape(nato.group(0)))


def test_a_target_cards_evidence_is_in_the_order_of_its_numbers(
    app_store: tuple[TestClient, ArticleStore],
) -> None:
    """Spans that start together are numbered longest first but were listed shortest first: "2, 1"."""
    text = "NATO is essentially making a series of unilateral demands on Russia."
    analysis = Analysis(
        article=Article(text=text, language="en"),
        spans=(
            Span(start=0, end=4, label="Target:NATO", analyzer="targets"),
            Span(start=0, end=19, label="Doubt", score=0.6, analyzer="techniques"),
            Span(start=0, end=57, label="Name_Calling-Labeling", score=0.7, analyzer="techniques"),
        ),
        analyzers={"techniques": "1", "targets": "1"},
    )
    card = _text(_section(_page(app_store, analysis), "targets-panel"))
    assert "evidence 1, 2" in card


def test_a_catalogue_imported_while_the_server_runs_explains_its_matches(
    app_store: tuple[TestClient, ArticleStore], tmp_path: Path
) -> None:
    """Titles, case links and ids were read at start: a new catalogue's match showed as a bare id, and the
    narrative filter refused its ids, until a restart."""
    from propwatch.domain import Label

    text = "NATO pushed east on purpose. Then it blamed Moscow for reacting."
    analysis = Analysis(
        article=Article(text=text, language="en"),
        spans=(Span(start=0, end=28, label="narrative:desk-1", score=0.9, analyzer="narratives"),),
        labels=(Label(name="narrative", value="desk-1", score=0.9, analyzer="narratives"),),
        analyzers={"narratives": "1"},
    )
    client, _ = app_store
    assert "A desk narrative" not in _page(app_store, analysis)
    assert client.get("/api/articles", params={"narrative": "desk-2"}).status_code == 422  # unknown id
    folder = tmp_path / "narratives"
    folder.mkdir()
    entry = (
        "    description: Written by the desk.\n    example_claims:\n      en: [A claim of the desk {}.]\n"
    )
    (folder / "desk.yaml").write_text(
        "format: propwatch-narratives/1\nname: desk\nnarratives:\n"
        f"  - id: desk-1\n    title: A desk narrative\n{entry.format(1)}"
        "    links: [https://example.org/cases/desk-1]\n"
        f"  - id: desk-2\n    title: Another\n{entry.format(2)}",
        encoding="utf-8",
    )
    page = html.unescape(client.get(f"/articles/{analysis.article.id}").text)
    assert '<span class="narrative-title">A desk narrative (catalogue: desk)</span>' in page
    assert 'href="https://example.org/cases/desk-1"' in page
    assert client.get("/api/articles", params={"narrative": "desk-2"}).status_code == 200  # the filter too


def test_the_page_says_the_headline_opening_the_text_was_analysed(
    app_store: tuple[TestClient, ArticleStore],
) -> None:
    """The headline showed as the page's heading and again, unexplained, as the text's first line."""
    note = "The headline opens the text below: it was analysed with it."
    opened = Article(
        text="Quiet weather ahead\n\nA quiet report about the weather.", title="Quiet weather ahead"
    )
    assert note in _page(app_store, Analysis(article=opened))
    apart = Article(text="Another quiet report about the weather.", title="Quiet weather ahead")
    assert note not in _page(app_store, Analysis(article=apart))
