"""The headline a reader finds opens the article's text, so the analyzers read it (as the shared-task
files the models learned from have it); ``Article.body`` is the text after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.analyzers.techniques import TechniqueSpanDetector
from propwatch.domain import Analysis, Article
from propwatch.errors import InputError
from propwatch.ingest.bulk import article_from_record
from propwatch.ingest.feeds import fill_from_entry
from propwatch.ingest.html import parse_html
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"
HEADLINE = "NATO Drives Russia Into a Corner"
BODY = "The alliance refused again on Tuesday to discuss the security guarantees Moscow asked for."
SECOND = "Diplomats said the talks would go on next month in Geneva, without giving a date."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, detect_language=False)


def test_a_headline_read_from_a_plain_text_opens_its_text(quiet: Settings) -> None:
    article = parse_plain_text(f"Opinion: {HEADLINE}\n\n{BODY}\n\n{SECOND}\n", quiet)
    assert (article.title, article.genre_tag) == (HEADLINE, "opinion")
    assert article.text == f"{HEADLINE}\n\n{BODY}\n\n{SECOND}"  # the genre tag is no part of it
    assert article.body == f"{BODY}\n\n{SECOND}"


def test_a_crlf_text_keeps_its_line_endings_under_the_headline(quiet: Settings) -> None:
    article = parse_plain_text(f"{HEADLINE}\r\n\r\n{BODY}\r\n\r\n{SECOND}\r\n", quiet)
    assert article.text == f"{HEADLINE}\r\n\r\n{BODY}\r\n\r\n{SECOND}"
    assert article.body == f"{BODY}\r\n\r\n{SECOND}"


def test_a_headline_given_apart_stays_out_of_the_text(quiet: Settings) -> None:
    article = parse_plain_text(f"{BODY}\n\n{SECOND}", quiet, title="Given headline")
    assert (article.title, article.text, article.body) == (
        "Given headline",
        f"{BODY}\n\n{SECOND}",
        article.text,
    )
    fed = parse_plain_text(f"{BODY}\n\n{SECOND}", quiet, title="Feed title", headline_in_text=True)
    assert fed.text == f"Feed title\n\n{BODY}\n\n{SECOND}"


def test_a_record_s_text_is_analysed_as_given(quiet: Settings) -> None:
    record = {"title": HEADLINE, "text": f"{BODY}\n\n{SECOND}"}
    article = article_from_record(record, quiet, origin="records.jsonl:1", raw=json.dumps(record))
    assert (article.title, article.text) == (HEADLINE, f"{BODY}\n\n{SECOND}")


def test_an_html_headline_opens_the_text_once(quiet: Settings) -> None:
    page = (
        f"<html><head><title>{HEADLINE} | Example</title></head><body><article><h1>{HEADLINE}</h1>"
        f"<p>{BODY}</p><p>{SECOND}</p></article></body></html>"
    )
    article = parse_html(page, quiet)
    assert article.title == HEADLINE
    assert article.text == f"{HEADLINE}\n\n{BODY}\n\n{SECOND}"


def test_a_page_that_states_its_text_in_json_ld_gets_its_headline_too(quiet: Settings) -> None:
    stated = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": HEADLINE,
        "articleBody": f"{BODY}\n\n{SECOND}",
    }
    page = (
        f'<html><head><script type="application/ld+json">{json.dumps(stated)}</script></head>'
        "<body><div id='app'>Loading…</div></body></html>"
    )
    article = parse_html(page, quiet)
    assert (article.title, article.body) == (HEADLINE, f"{BODY}\n\n{SECOND}")
    assert article.text.startswith(f"{HEADLINE}\n\n")


def test_body_is_the_whole_text_when_the_text_does_not_open_with_the_headline() -> None:
    article = Article(text=f"{BODY}\n\n{SECOND}", title=HEADLINE)
    assert article.body == article.text
    assert Article(text=f"  {HEADLINE.upper()}\n\n{BODY}", title=HEADLINE).body == BODY


def test_a_nul_in_a_headline_is_named_as_the_headline_s(quiet: Settings) -> None:
    with pytest.raises(InputError, match=r"title holds a NUL character"):
        parse_plain_text(f"{BODY}\n\n{SECOND}", quiet, title="NA\x00TO", headline_in_text=True)


def test_techniques_in_the_sample_s_headline_are_found(tmp_path: Path) -> None:
    """The sample's headline ("… drive Russia into a corner") had never been read by the detector."""
    settings = Settings(data_dir=tmp_path)
    article = parse_plain_text(SAMPLE.read_text(encoding="utf-8"), settings)
    [found] = TechniqueSpanDetector(settings).analyze([Analysis(article=article)])
    assert article.text.startswith(f"{article.title}\n\n")
    in_headline = [span for span in found.spans if span.end <= len(article.title or "")]
    assert in_headline, found.spans


def _page(head: str, h1: str) -> str:
    return (
        f"<html><head>{head}</head><body><article><h1>{h1}</h1>"
        f"<p>{BODY}</p><p>{SECOND}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    "head",
    [
        # the site's name after the headline, as og:title and <title> often give it
        f'<meta property="og:title" content="{HEADLINE} | Daily Sentinel">'
        '<meta property="og:site_name" content="Daily Sentinel">',
        f'<meta property="og:title" content="{HEADLINE}.">',  # closing punctuation the heading lacks
        # a search-engine title readers never see, over the page's own heading
        '<meta property="og:title" content="Alliance refuses security talks again">',
    ],
)
def test_a_page_s_heading_opens_its_text_once(quiet: Settings, head: str) -> None:
    """The heading and a title in another form had both gone into the text: the headline analysed twice
    (16 of 18 spans of an audit's page), or one no reader sees above it."""
    article = parse_html(_page(head, HEADLINE), quiet)
    assert article.text == f"{HEADLINE}\n\n{BODY}\n\n{SECOND}"
    # the headline readers see: so it is known as the one opening the text (no claim, a block's body…)
    assert (article.title, article.body) == (HEADLINE, f"{BODY}\n\n{SECOND}")


def test_a_title_that_names_the_site_first_or_alone_is_read_without_it(quiet: Settings) -> None:
    site = '<meta property="og:site_name" content="Daily Sentinel">'
    first = parse_html(
        _page(f'{site}<meta property="og:title" content="Daily Sentinel | {HEADLINE}">', ""), quiet
    )
    assert (first.title, first.text) == (HEADLINE, f"{HEADLINE}\n\n{BODY}\n\n{SECOND}")
    alone = parse_html(_page(f"{site}<title>Daily Sentinel</title>", ""), quiet)
    assert (alone.title, alone.text) == (None, f"{BODY}\n\n{SECOND}")  # a feed's item title may fill it
    assert fill_from_entry(alone, {"title": HEADLINE}).text == f"{HEADLINE}\n\n{BODY}\n\n{SECOND}"


def test_a_feed_item_s_title_opens_a_page_that_has_no_headline(quiet: Settings) -> None:
    """A feed item whose page named no headline got the item's title stored, not analysed."""
    page = parse_html(f"<html><body><article><p>{BODY}</p><p>{SECOND}</p></article></body></html>", quiet)
    assert page.title is None
    filled = fill_from_entry(page, {"title": HEADLINE})
    assert (filled.title, filled.text) == (HEADLINE, f"{HEADLINE}\n\n{BODY}\n\n{SECOND}")
