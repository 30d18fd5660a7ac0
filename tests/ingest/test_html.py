from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from propwatch.errors import EmptyInputError, InputError
from propwatch.ingest.html import parse_html
from propwatch.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"

BODY = """
<p>The regional assembly voted on Tuesday to extend the emergency powers for another six months,
despite objections from three opposition parties who called the measure unnecessary.</p>
<p>The governor's office said the extension was needed to finish repairs to flood defences along
the river, a project that has already run two years over schedule and well over budget.</p>
<p>Opposition members said they would challenge the decision in the constitutional court and
accused the governing coalition of using the floods as a pretext to avoid scrutiny.</p>
"""


def page(head: str = "", body: str = BODY, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Assembly extends emergency powers</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/world">World</a></nav>'
        f"<article><h1>Assembly extends emergency powers</h1>{body}</article>"
        "<footer>Copyright 2024 Example Media</footer></body></html>"
    )


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def opinion_html() -> str:
    return (FIXTURES / "opinion_page.html").read_text(encoding="utf-8")


def test_opinion_page_main_text_only(opinion_html: str, settings: Settings) -> None:
    article = parse_html(opinion_html, settings, origin="opinion_page.html")
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Every week the council publishes another glossy leaflet")
    assert paragraphs[-1].endswith("Trust is rebuilt in rooms, not in press releases.")
    for boilerplate in (
        "cookies",
        "Home",
        "Share on Twitter",
        "Email this article",
        "Related stories",
        "Bin strike enters third week",
        "Totally agree",
        "one-sided nonsense",
        "All rights reserved",
        "Privacy policy",
    ):
        assert boilerplate not in article.body


def test_opinion_page_metadata(opinion_html: str, settings: Settings) -> None:
    article = parse_html(opinion_html, settings, origin="opinion_page.html")
    assert article.title == "The quiet collapse of trust in local councils"
    assert article.published == date(2024, 3, 5)  # first published, not the 20 March update
    assert article.author == "Margaret Ellison"
    assert article.outlet == "The Harbour Herald"
    assert article.genre_tag == "opinion"
    assert article.language == "en"
    assert article.url == "https://www.harbourherald.example/opinion/2024/03/05/trust-in-councils"
    assert article.origin == "opinion_page.html"
    assert article.raw == opinion_html
    assert article.raw_format == "html"
    assert "Reuters" in article.quoted_outlets


def test_given_url_wins_and_is_the_origin_by_default(opinion_html: str, settings: Settings) -> None:
    article = parse_html(opinion_html, settings, url="https://mirror.example/a")
    assert article.url == "https://mirror.example/a"
    assert article.origin == "https://mirror.example/a"


def test_headline_is_not_repeated_in_text(settings: Settings) -> None:
    article = parse_html(page(), settings)
    assert article.title == "Assembly extends emergency powers"
    assert not article.body.startswith("Assembly extends")
    assert article.body.startswith("The regional assembly voted")
    assert article.body.count("\n\n") == 2


def test_outlet_falls_back_to_hostname(settings: Settings) -> None:
    article = parse_html(page(), settings, url="https://www.example-news.org/2024/assembly")
    assert article.outlet == "example-news.org"


@pytest.mark.parametrize(
    ("head", "genre"),
    [
        ('<script type="application/ld+json">{"@type": "ReportageNewsArticle"}</script>', "report"),
        ('<script type="application/ld+json">{"@type": "AnalysisNewsArticle"}</script>', "analysis"),
        ('<script type="application/ld+json">[{"@type": ["SatiricalArticle"]}]</script>', "satire"),
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
            '[{"@type": "WebPage"}, {"@type": "https://schema.org/OpinionNewsArticle"}]}</script>',
            "opinion",
        ),
        ('<script type="application/ld+json">{"@type": "NewsArticle"}</script>', None),
        ('<meta property="og:type" content="article">', None),
        ('<meta property="article:section" content="World">', None),
        ('<meta property="article:section" content="Comment">', "commentary"),
        ('<meta property="article:section" content="News Analysis">', "analysis"),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "articleSection": "Op-Ed"}</script>',
            "opinion",
        ),
        ('<script type="application/ld+json">{not json</script>', None),
    ],
)
def test_declared_genre(head: str, genre: str | None, settings: Settings) -> None:
    assert parse_html(page(head), settings).genre_tag == genre


def test_declared_language_is_kept_when_the_text_cannot_say(settings: Settings) -> None:
    assert parse_html(page(lang="de-AT", body="<p>NATO 2024.</p>"), settings).language == "de"
    assert parse_html(page(lang="de-AT"), Settings(detect_language=False)).language == "de"


def test_text_confidently_in_another_language_wins_over_the_template(settings: Settings) -> None:
    # Sites declare one language for every page: a Russian article under <html lang="en-US">.
    body = (
        "<p>Министр иностранных дел заявил, что расширение НАТО на восток является прямой угрозой "
        "безопасности страны и что Москва ответит на любые провокации.</p>"
    )
    assert parse_html(page(lang="en-US", body=body), settings).language == "ru"
    assert parse_html(page(lang="de-AT"), settings).language == "en"


def test_a_copyright_year_is_no_publication_date(settings: Settings) -> None:
    assert parse_html(page(), settings).published is None  # the footer says "Copyright 2024"
    dated = page(head='<meta property="article:published_time" content="2024-01-01T10:00:00Z">')
    assert parse_html(dated, settings).published == date(2024, 1, 1)  # a real 1 January stays
    in_text = page(body=BODY + "<p>Published 12 March 2023.</p>")
    assert parse_html(in_text, settings).published == date(2023, 3, 12)


def test_a_declared_language_that_is_no_language_is_ignored(settings: Settings) -> None:
    assert parse_html(page(lang="zz"), settings).language == "en"  # identified from the text instead


def test_language_identified_when_not_declared(settings: Settings) -> None:
    html = page().replace(' lang="en"', "")
    assert parse_html(html, settings).language == "en"
    assert parse_html(html, Settings(detect_language=False)).language is None


def test_russian_windows_1251_page(settings: Settings) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        "<title>Новости дня</title></head><body><div class='menu'><a href='/'>Главная</a></div>"
        "<div class='text'><p>Правительство объявило о новых мерах поддержки сельского хозяйства, "
        "которые вступят в силу с первого числа следующего месяца.</p>"
        "<p>По словам министра, программа коснётся более двух тысяч хозяйств в двенадцати регионах "
        "страны, а её бюджет составит несколько миллиардов рублей.</p></div></body></html>"
    )
    data = html.encode("cp1251")
    article = parse_html(data.decode("cp1251"), settings, url="https://www.novosti.example/agro")
    assert article.language == "ru"
    assert article.body.startswith("Правительство объявило")
    assert "Главная" not in article.body
    assert article.title == "Новости дня"


def test_xhtml_with_an_encoding_declaration(settings: Settings) -> None:
    html = (
        '<?xml version="1.0" encoding="windows-1251"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru"><head><title>Новости дня</title></head>'
        "<body><div><p>Правительство объявило о новых мерах поддержки сельского хозяйства, которые вступят "
        "в силу с первого числа следующего месяца.</p><p>По словам министра, программа коснётся более двух "
        "тысяч хозяйств в двенадцати регионах страны.</p></div></body></html>"
    )
    article = parse_html(html, settings)
    assert article.title == "Новости дня"
    assert article.body.startswith("Правительство объявило")
    assert article.language == "ru"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><body><nav><a href='/'>O\ufb03ce \u200eHome</a></nav></body></html>",  # read as in the text
        "<html><head><title>Only a title</title></head><body></body></html>",
    ],
)
def test_no_article_text(html: str, settings: Settings) -> None:
    with pytest.raises(EmptyInputError, match="no article text found in the page") as caught:
        parse_html(html, settings, origin="saved/page.html")
    assert caught.value.input_name == "saved/page.html"


def test_a_source_line_under_the_text_becomes_a_source(settings: Settings) -> None:
    article = parse_html(page(body=BODY + "<p>Source: Rossa Primavera News Agency</p>"), settings)
    assert article.sources == ("Rossa Primavera News Agency",)
    assert article.body.endswith("to avoid scrutiny.")
    prose = page(body=BODY + "<p>Source: the Kremlin's own reading of the documents is different.</p>")
    assert parse_html(prose, settings).sources == ()


JSON_LD_ONLY = """<!doctype html><html lang="en"><head><title>Site</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Daily Planet"},
 {"@type": ["OpinionNewsArticle"], "headline": "NATO expands again",
  "author": [{"@type": "Person", "name": "Jane Reporter"}], "datePublished": "2022-02-03T10:00:00Z",
  "publisher": {"@type": "Organization", "name": "Daily Planet"},
  "articleBody": "The alliance ignored Moscow's concerns.\\nOfficials said nothing new.\\n\\nMore."}
]}</script></head><body><div id="app"></div><noscript>Enable JavaScript to read this page.</noscript>
</body></html>"""


def test_a_page_whose_text_is_only_in_json_ld(settings: Settings) -> None:
    # Script-rendered pages failed with "no article text found" though their JSON-LD states the text.
    article = parse_html(JSON_LD_ONLY, settings, url="https://planet.example/nato")
    assert article.body == "The alliance ignored Moscow's concerns.\n\nOfficials said nothing new.\n\nMore."
    assert (article.title, article.author, article.outlet) == (
        "NATO expands again",
        "Jane Reporter",
        "Daily Planet",
    )
    assert article.published == date(2022, 2, 3)
    assert article.genre_tag == "opinion"
    two = JSON_LD_ONLY.replace('"name": "Jane Reporter"}', '"name": "Jane Reporter"}, {"name": "Bo Chen"}')
    assert parse_html(two, settings).author == "Jane Reporter; Bo Chen"  # the first only had been kept
    without_body = JSON_LD_ONLY.replace('"articleBody"', '"description"')
    with pytest.raises(EmptyInputError, match="no article text found"):
        parse_html(without_body, settings, url="https://planet.example/nato")


def test_json_ld_text_wins_over_a_placeholder_and_loses_its_markup(settings: Settings) -> None:
    # "Loading…" was stored as the text; an articleBody holding HTML kept its tags and entities.
    page = JSON_LD_ONLY.replace('<div id="app"></div>', '<div id="root"><p>Loading…</p></div>').replace(
        "The alliance ignored Moscow's concerns.\\nOfficials said nothing new.\\n\\nMore.",
        "<p>The alliance ignored Moscow&#39;s concerns &amp; more.</p><p>Officials said nothing new.</p>"
        + "<p>The ministers met in Brussels on Tuesday and agreed to send more troops east.</p>",
    )
    article = parse_html(page, settings, url="https://planet.example/nato")
    assert article.body.split("\n\n") == [
        "The alliance ignored Moscow's concerns & more.",
        "Officials said nothing new.",
        "The ministers met in Brussels on Tuesday and agreed to send more troops east.",
    ]


def _nested(levels: int) -> str:
    body = (
        "<p>" + "The ministry said on Monday that the bridge would open in May, two years late. " * 8 + "</p>"
    )
    return (
        "<html><head><title>Deep page</title></head><body>"
        + "<div>" * levels
        + f"<article><h1>Deep page</h1>{body}</article>"
        + "</div>" * levels
        + "</body></html>"
    )


def test_a_page_nested_hundreds_of_levels_deep_is_read(settings: Settings) -> None:
    # libxml2 stopped at 256 levels and dropped the article: "no article text found in the page".
    article = parse_html(_nested(2000), settings, origin="deep.html")
    assert article.title == "Deep page"
    assert "two years late" in article.body
    assert article.body == parse_html(_nested(5), settings).body  # as read from a shallow page


def test_a_page_nested_beyond_what_the_parser_reads_says_so(settings: Settings) -> None:
    with pytest.raises(InputError, match=r"deep\.html: its elements are nested 2,040 levels deep or more"):
        parse_html(_nested(50_000), settings, origin="deep.html")


def test_a_year_or_a_date_named_in_the_text_does_not_date_the_page(settings: Settings) -> None:
    # htmldate's search of the whole text made "since 2014" 1 January 2014 and an event the publication.
    for prose in (
        "<p>Sanctions imposed in 2014 have not changed the course of the war begun in February 2022.</p>",
        "<p>The hearing is set for 12 May 2019, the court said in a statement on its website.</p>",
    ):
        assert parse_html(page(body=BODY + prose), settings).published is None


def test_a_page_dated_tomorrow_in_its_own_time_zone_keeps_its_date(settings: Settings) -> None:
    # Read soon after midnight in Moscow, a page is dated a day ahead of a server on UTC.
    from datetime import UTC, datetime, timedelta

    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    stamp = f"{tomorrow.isoformat()}T00:10:00+14:00"
    dated = page(head=f'<meta property="article:published_time" content="{stamp}">')
    assert parse_html(dated, settings).published == tomorrow


def test_dates_before_the_web_are_kept_and_impossible_ones_dropped(settings: Settings) -> None:
    old = page(head='<meta property="article:published_time" content="1991-08-19T10:00:00+03:00">')
    assert parse_html(old, settings).published == date(1991, 8, 19)
    future = page(head='<meta property="article:published_time" content="2099-01-01T10:00:00Z">')
    assert parse_html(future, settings).published is None


@pytest.mark.parametrize(
    "line",
    [
        "Publié le 03 février 2022 à 10h30",
        "Pubblicato il 3 febbraio 2022 alle 10:30",
        "03.02.2022, 10:30 Uhr",
        "15:42, 3 февраля 2022",
        "By Jane Doe | February 3, 2022",
        "Posted on February 3, 2022 by admin",
        "3 Feb 2022 • 4 min read",
    ],
)
def test_a_byline_or_dateline_paragraph_dates_a_page_without_markup(settings: Settings, line: str) -> None:
    # htmldate's search of the whole text found these; markup alone does not.
    assert parse_html(page(body=f"<p class='byline'>{line}</p>" + BODY), settings).published == date(
        2022, 2, 3
    )


def test_an_update_line_dates_a_page_only_when_nothing_else_does(settings: Settings) -> None:
    updated = "<p>Updated: 4 February 2022</p>"
    assert parse_html(page(body=updated + BODY), settings).published == date(2022, 2, 4)
    both = updated + "<p>Published 3 February 2022</p>"
    assert parse_html(page(body=both + BODY), settings).published == date(2022, 2, 3)


def test_a_dateline_paragraph_above_the_text_gives_date_and_place_and_is_not_analysed(
    settings: Settings,
) -> None:
    # It stayed in the analysed text and its place was lost (the sample article as a web page).
    article = parse_html(page(body="<p>03.02.2022, Moscow.</p>" + BODY), settings)
    assert (article.published, article.place) == (date(2022, 2, 3), "Moscow")
    assert not article.body.startswith("03.02.2022")
    assert parse_html(page(body=BODY), settings).body == article.body


def test_a_genre_tag_in_the_headline_is_the_pages_genre(settings: Settings) -> None:
    """ "Opinion: …" had stayed in the title and no genre tag was read, unlike the same plain text."""
    tagged = page().replace("Assembly extends emergency powers", "Opinion: Assembly extends emergency powers")
    article = parse_html(tagged, settings)
    assert (article.title, article.genre_tag) == ("Assembly extends emergency powers", "opinion")
    declared = page(head='<meta property="article:section" content="Editorial">').replace(
        "Assembly extends emergency powers", "Analysis: Assembly extends emergency powers"
    )
    article = parse_html(declared, settings)  # the markup contradicts the headline: both are kept
    assert (article.title, article.genre_tag) == ("Analysis: Assembly extends emergency powers", "editorial")
    same = page(head='<meta property="article:section" content="Opinion">').replace(
        "Assembly extends emergency powers", "Opinion: Assembly extends emergency powers"
    )
    assert parse_html(same, settings).title == "Assembly extends emergency powers"
    plain = parse_html(page(), settings)
    assert (plain.title, plain.genre_tag) == ("Assembly extends emergency powers", None)


def test_json_ld_text_drops_direction_marks_and_spells_out_ligatures(settings: Settings) -> None:
    # as the page's own text and plain text are read: "ﬁrm" had not been found by a search for "firm"
    page = JSON_LD_ONLY.replace("Moscow's concerns", "Mos\u200ecow's \ufb01rm concerns").replace(
        "NATO expands", "NATO \u2066\ufb01ghts\u2069"
    )
    article = parse_html(page, settings, url="https://planet.example/nato")
    assert article.body.startswith("The alliance ignored Moscow's firm concerns.\n\n")
    assert article.title == "NATO fights again"


def test_a_closing_agency_signature_is_the_source_not_text(settings: Settings) -> None:
    paragraphs = "".join(
        f"<p>{p}</p>"
        for p in (
            "Il governo ha approvato il decreto sugli aiuti all'Ucraina dopo una lunga riunione notturna.",
            "Il testo passa ora alle Camere, che dovranno convertirlo in legge entro sessanta giorni. "
            "(ANSA).",
        )
    )
    html = (
        "<html><head><title>Decreto approvato</title></head><body><article><h1>Decreto approvato</h1>"
        f"{paragraphs}</article></body></html>"
    )
    article = parse_html(html, settings)
    assert article.body.endswith("entro sessanta giorni.")
    assert "ANSA" in article.sources
