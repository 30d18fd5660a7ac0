"""Scraped plain text: headline and genre tag, dateline, body, source lines and boilerplate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from propwatch.errors import EmptyInputError
from propwatch.ingest.decode import read_text_file
from propwatch.ingest.genres import GENRE_TAGS
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"
BODY = "The Kremlin said on Thursday that the talks had failed and that it would consider its options."
SECOND = "Officials in Brussels declined to comment on the statement, a spokesperson said."


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


# --- the bundled sample ----------------------------------------------------------------------------


def test_bundled_sample_metadata(settings: Settings) -> None:
    raw = read_text_file(SAMPLE, settings)
    article = parse_plain_text(raw, settings, origin=str(SAMPLE))
    assert article.title == "The US and NATO need such agreements that drive Russia into a corner"
    assert article.genre_tag == "opinion"
    assert article.published == date(2022, 2, 3)
    assert article.place == "Moscow"
    assert article.sources == ("Rossa Primavera News Agency",)
    assert "El Pais" in article.quoted_outlets
    assert article.language == "en"
    assert article.body.startswith("The US and NATO responses")
    assert article.body.endswith("This approach to the negotiations makes them senseless.”")
    for removed in ("Leave a Reply", "Source:", "03.02.2022", "drive Russia into a corner"):
        assert removed not in article.body
    assert article.raw == raw
    assert article.raw_format == "text"
    assert article.origin == str(SAMPLE)
    # Paragraph breaks are kept as in the input: six paragraphs.
    assert article.body.count("\n\n") == 5
    assert "\n\n\n" not in article.body


def test_sample_with_crlf_keeps_crlf(quiet: Settings) -> None:
    raw = SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n")
    article = parse_plain_text(raw, quiet)
    assert article.title == "The US and NATO need such agreements that drive Russia into a corner"
    assert article.place == "Moscow"
    assert article.sources == ("Rossa Primavera News Agency",)
    assert "\r\n\r\n" in article.body
    assert "\n" not in article.body.replace("\r\n", "")
    assert "Leave a Reply" not in article.body


# --- headlines and genre tags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_line", "title", "genre"),
    [
        ("Talks fail in Geneva. Opinion", "Talks fail in Geneva", "opinion"),
        ("Talks fail in Geneva | Opinion", "Talks fail in Geneva", "opinion"),
        ("Talks fail in Geneva — Analysis", "Talks fail in Geneva", "analysis"),
        ("Talks fail in Geneva (Op-Ed)", "Talks fail in Geneva", "opinion"),
        ("Talks fail in Geneva [Editorial]", "Talks fail in Geneva", "editorial"),
        ("Opinion: Talks fail in Geneva", "Talks fail in Geneva", "opinion"),
        ("OPINION | Talks fail in Geneva", "Talks fail in Geneva", "opinion"),
        ("[Commentary] Talks fail in Geneva", "Talks fail in Geneva", "commentary"),
        ("Interview: The envoy on Geneva", "The envoy on Geneva", "interview"),
        ("Talks fail in the U.S. | Column", "Talks fail in the U.S.", "column"),
        ("Talks fail in Geneva", "Talks fail in Geneva", None),
        ("A Matter of Opinion", "A Matter of Opinion", None),  # no separator: part of the headline
        ("Why I changed my opinion", "Why I changed my opinion", None),
        ("Report: Talks fail in Geneva", "Report: Talks fail in Geneva", None),  # about a report
        ("Talks fail in Geneva: report", "Talks fail in Geneva: report", None),
        ("Does NATO want peace?", "Does NATO want peace?", None),
    ],
)
def test_title_and_tag_forms(quiet: Settings, first_line: str, title: str, genre: str | None) -> None:
    article = parse_plain_text(f"{first_line}\n\n{BODY}", quiet)
    assert article.title == title
    assert article.genre_tag == genre
    assert article.body == BODY


@pytest.mark.parametrize(
    ("lines", "genre"),
    [
        ("Opinion\n\nTalks fail in Geneva", "opinion"),
        ("Talks fail in Geneva\n\nANALYSIS", "analysis"),
        ("Talks fail in Geneva\n\n[Satire]", "satire"),
        ("News\nTalks fail in Geneva", "news"),
        ("Мнение\n\nTalks fail in Geneva", "opinion"),
    ],
)
def test_tag_on_its_own_line(quiet: Settings, lines: str, genre: str) -> None:
    article = parse_plain_text(f"{lines}\n\n{BODY}", quiet)
    assert article.title == "Talks fail in Geneva"
    assert article.genre_tag == genre
    assert article.body == BODY


def test_genre_mapping_keeps_distinct_genres_apart() -> None:
    assert GENRE_TAGS["op-ed"] == "opinion"
    assert len({GENRE_TAGS[tag] for tag in ("opinion", "editorial", "commentary", "column", "analysis")}) == 5
    assert all(value == value.lower() for value in GENRE_TAGS.values())


def test_sentence_first_line_is_not_a_title(quiet: Settings) -> None:
    article = parse_plain_text(f"{BODY}\n\n{SECOND}", quiet)
    assert article.title is None
    assert article.body == f"{BODY}\n\n{SECOND}"


def test_long_first_line_is_not_a_title(quiet: Settings) -> None:
    long_line = "Word " * 70 + "without end"
    article = parse_plain_text(f"{long_line}\n\n{BODY}", quiet)
    assert article.title is None
    assert article.body.startswith("Word Word")


def test_single_paragraph_is_text_not_title(quiet: Settings) -> None:
    article = parse_plain_text("Talks fail in Geneva", quiet)
    assert article.title is None
    assert article.body == "Talks fail in Geneva"


def test_just_paragraphs(quiet: Settings) -> None:
    text = f"\n\n  {BODY}\n\n{SECOND}\n\n"
    article = parse_plain_text(text, quiet)
    assert article.body == f"{BODY}\n\n{SECOND}"
    assert (article.title, article.published, article.place, article.sources) == (None, None, None, ())
    assert article.raw == text


# --- datelines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dateline", "published", "place"),
    [
        ("03.02.2022, Moscow.", date(2022, 2, 3), "Moscow"),
        ("03/02/2022", date(2022, 2, 3), None),
        ("Feb 3, 2022", date(2022, 2, 3), None),
        ("February 3, 2022", date(2022, 2, 3), None),
        ("3 February 2022", date(2022, 2, 3), None),
        ("2022-02-03", date(2022, 2, 3), None),
        ("Moscow, 3 February 2022", date(2022, 2, 3), "Moscow"),
        ("MOSCOW, 03.02.2022", date(2022, 2, 3), "Moscow"),
        ("Thursday, February 3, 2022", date(2022, 2, 3), None),
        ("Published: Feb 3, 2022 10:30 AM EST", date(2022, 2, 3), None),
        ("Posted on 3rd February 2022", date(2022, 2, 3), None),
        ("Berlin, le 3 février 2022.", date(2022, 2, 3), "Berlin"),
        ("Berlin, den 3. Februar 2022", date(2022, 2, 3), "Berlin"),
        ("Warszawa, dnia 3 lutego 2022 r.", date(2022, 2, 3), "Warszawa"),
        ("Le 3 février 2022", date(2022, 2, 3), None),
    ],
)
def test_dateline_lines(quiet: Settings, dateline: str, published: date, place: str | None) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{dateline}\n\n{BODY}", quiet)
    assert article.published == published
    assert article.place == place
    assert article.title == "Talks fail in Geneva"
    assert article.body == BODY


@pytest.mark.parametrize(
    ("opening", "published", "place", "sources"),
    [
        ("MOSCOW, Feb 3 (Reuters) - ", None, "Moscow", ("Reuters",)),
        ("MOSCOW, Feb 3, 2022 (Reuters) - ", date(2022, 2, 3), "Moscow", ("Reuters",)),
        ("WASHINGTON (AP) — ", None, "Washington", ("AP",)),
        ("KYIV, Ukraine (AP) — ", None, "Kyiv", ("AP",)),
        ("NEW YORK (Reuters) -- ", None, "New York", ("Reuters",)),
        ("MOSCOW, February 3. /TASS/. ", None, "Moscow", ("TASS",)),
        ("Moscow, 3 February 2022 – ", date(2022, 2, 3), "Moscow", ()),
        ("BRUSSELS — ", None, "Brussels", ()),
    ],
)
def test_dateline_opening_the_first_paragraph(
    quiet: Settings, opening: str, published: date | None, place: str, sources: tuple[str, ...]
) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{opening}{BODY}\n\n{SECOND}", quiet)
    assert article.published == published
    assert article.place == place
    assert article.sources == sources
    # Only the dateline goes; the rest of the paragraph is body.
    assert article.body == f"{BODY}\n\n{SECOND}"


@pytest.mark.parametrize(
    "opening",
    [
        "NATO — ",  # an organisation, not a place
        "President Biden — ",  # prose
        "POLITIQUE - ",  # a section label
        "KIEV (remember where that is?) – ",  # an aside, not an agency
        "DRAGHI CADE, PUTIN GODE - GRAMELLINI: SCUSATE IL PENSIERO - ",  # a headline in capitals
    ],
)
def test_openings_that_are_not_datelines(quiet: Settings, opening: str) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{opening}{BODY}", quiet)
    assert article.place is None
    assert article.sources == ()
    assert article.body == f"{opening}{BODY}"


def test_dateline_opening_keeps_crlf(quiet: Settings) -> None:
    text = f"Talks fail\r\n\r\nMOSCOW (Reuters) - {BODY}\r\n\r\n{SECOND}\r\n"
    article = parse_plain_text(text, quiet)
    assert article.body == f"{BODY}\r\n\r\n{SECOND}"


def test_impossible_date_is_not_a_dateline(quiet: Settings) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n31.02.2022\n\n{BODY}", quiet)
    assert article.published is None


def test_byline(quiet: Settings) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\nBy Jane Doe and John Smith\n\n{BODY}", quiet)
    assert article.author == "Jane Doe; John Smith"  # two people, joined as Article.author joins them
    assert article.body == BODY


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("By Ann Lee, Bo Chen & Cy Dee", "Ann Lee; Bo Chen; Cy Dee"),
        # A comma alone parts no people: a suffix, an agency, a role (had become "John Smith; Jr.").
        ("By John Smith, Jr.", "John Smith, Jr."),
        ("By Jane Doe, Reuters", "Jane Doe, Reuters"),
        ("By Jane Doe, Moscow Correspondent", "Jane Doe, Moscow Correspondent"),
        ("By John Smith, Jr. and Ann Lee", "John Smith, Jr.; Ann Lee"),
        ("By Ann Lee, Bo Chen, Cy Dee", "Ann Lee; Bo Chen; Cy Dee"),
        ("By Ann Lee, Bo Chen, and Cy Dee", "Ann Lee; Bo Chen; Cy Dee"),  # had been no byline at all
    ],
)
def test_bylines_name_each_person_once(quiet: Settings, byline: str, author: str) -> None:
    assert parse_plain_text(f"Talks fail in Geneva\n\n{byline}\n\n{BODY}", quiet).author == author


# --- source lines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "sources"),
    [
        ("Source: Rossa Primavera News Agency", ("Rossa Primavera News Agency",)),
        ("Source: Rossa Primavera News Agency.", ("Rossa Primavera News Agency",)),
        ("Sources: TASS, Interfax; RIA Novosti", ("TASS", "Interfax", "RIA Novosti")),
        ("Source — Ministry of Defence, Russia", ("Ministry of Defence, Russia",)),
        ("Source - Kremlin.ru", ("Kremlin.ru",)),
        ("Via Zerohedge…", ("Zerohedge",)),
        ("Originally published by Strategic Culture Foundation", ("Strategic Culture Foundation",)),
        (
            "This article was originally published by Tyler Durden at Zero Hedge",
            ("Tyler Durden at Zero Hedge",),
        ),
        ("Read more at https://example.org/story/1", ("https://example.org/story/1",)),
        ("Источник: vmiresmi.ru", ("vmiresmi.ru",)),
    ],
)
def test_source_lines(quiet: Settings, line: str, sources: tuple[str, ...]) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{BODY}\n\n{SECOND}\n\n{line}\n", quiet)
    assert article.sources == sources
    assert article.body == f"{BODY}\n\n{SECOND}"


def test_source_from_dateline_and_footer_are_both_kept(quiet: Settings) -> None:
    text = f"Talks fail\n\nMOSCOW (Reuters) - {BODY}\n\nSource: Reuters\n\nVia Yahoo News"
    assert parse_plain_text(text, quiet).sources == ("Reuters", "Yahoo News")


@pytest.mark.parametrize(
    "line",
    [
        "Via Telegram, the ministry said the talks had failed.",
        "Source: the Kremlin's own reading of the documents is different.",
        "Follow us down this path, and Europe will burn.",
        "Sign up for war, that is what Washington offers.",
        "Read more: the texts are a declaration of hostility.",
        "Kommentar",  # a genre tag, not a comment section: nothing after it is cut
        "Комментарий",
    ],
)
def test_prose_lines_that_open_like_sources_or_boilerplate_stay(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{BODY}\n\n{line}\n\n{SECOND}", quiet)
    assert article.body == f"{BODY}\n\n{line}\n\n{SECOND}"
    assert article.sources == ()


def test_long_via_sentence_is_body(quiet: Settings) -> None:
    sentence = (
        "Via diplomatic channels, the ministry sent a long note to every embassy in the capital and abroad."
    )
    article = parse_plain_text(f"Talks fail in Geneva\n\n{BODY}\n\n{sentence}", quiet)
    assert article.sources == ()
    assert article.body.endswith(sentence)


# --- boilerplate -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply",
        "Leave a comment",
        "Leave a Reply Cancel reply",
        "Share this:",
        "Share on Facebook",
        "Share on Twitter",
        "Facebook Twitter Telegram",
        "Subscribe to our newsletter for daily updates",
        "Follow us on Telegram",
        "We use cookies to ensure that we give you the best experience on our website.",
        "This website uses cookies. By continuing you agree to our cookie policy.",
        "Accept cookies",
        "Related posts",
        "Tags: NATO, Russia, Europe",
        "Print",
        "Like this:",
        "Loading…",
        "Loading...",
        "Your email address will not be published. Required fields are marked *",
        "Advertisement",
        "© 2022 Example Media. All rights reserved.",
    ],
)
def test_boilerplate_lines(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{BODY}\n\n{line}\n\n{SECOND}", quiet)
    assert line not in article.body
    assert BODY in article.body


@pytest.mark.parametrize("line", ["Share this:", "Advertisement", "Tags: NATO", "Print", "Like this:"])
def test_boilerplate_between_paragraphs_leaves_one_break(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{BODY}\n\n{line}\n\n{SECOND}", quiet)
    assert article.body == f"{BODY}\n\n{SECOND}"


def test_end_markers_cut_comments_and_related_headlines(quiet: Settings) -> None:
    text = (
        f"Talks fail in Geneva\n\n{BODY}\n\n{SECOND}\n\nRelated posts\n\nAnother headline about NATO\n\n"
        "Leave a Reply\n\nJohn says: great article!"
    )
    article = parse_plain_text(text, quiet)
    assert article.body == f"{BODY}\n\n{SECOND}"


@pytest.mark.parametrize(
    "marker",
    [
        "2 thoughts on “Talks fail in Geneva”",
        "Добавить комментарий",
        "Kommentar hinterlassen",
        "Laisser un commentaire",
        "Dodaj komentarz",
        "Lascia un commento",
        "12 Kommentare",
        "Комментарии",
    ],
)
def test_comment_sections_in_the_corpus_languages_end_the_article(quiet: Settings, marker: str) -> None:
    comments = "John Smith says:\n\nGreat article!\n\nReply"
    text = f"Talks fail in Geneva\n\n{BODY}\n\n{SECOND}\n\n{marker}\n\n{comments}"
    assert parse_plain_text(text, quiet).body == f"{BODY}\n\n{SECOND}"


def test_leading_boilerplate(quiet: Settings) -> None:
    text = f"Skip to content\n\nTalks fail in Geneva\n\n{BODY}"
    article = parse_plain_text(text, quiet)
    assert article.title == "Talks fail in Geneva"
    assert article.body == BODY


def test_cookie_mention_inside_a_paragraph_is_kept(quiet: Settings) -> None:
    paragraph = (
        "We use cookies as an example in this report: regulators found that sites which say they "
        "respect privacy still track visitors across the web, and the ministry now plans to fine "
        "them. The fines could reach four per cent of annual turnover, officials said on Monday, "
        "adding that the first cases would be heard in spring. Industry groups called the plan "
        "unworkable and warned of job losses across the advertising sector and beyond it."
    )
    middle = f"The study said that this website uses cookies in the usual way, {BODY.lower()}"
    article = parse_plain_text(f"Talks fail in Geneva\n\n{paragraph}\n\n{middle}", quiet)
    assert article.body == f"{paragraph}\n\n{middle}"


# --- outlets, provenance, errors -------------------------------------------------------------------


def test_quoted_outlets_come_from_the_body(quiet: Settings) -> None:
    text = "Talks fail\n\nWASHINGTON (AP) — The New York Times and TASS both said so.\n\nSource: Reuters"
    article = parse_plain_text(text, quiet)
    assert article.quoted_outlets == ("The New York Times", "TASS")
    assert article.sources == ("AP", "Reuters")


def test_url_origin_and_raw_format(quiet: Settings) -> None:
    article = parse_plain_text(
        f"Talks fail\n\n{BODY}", quiet, origin="https://e.org/a", url="https://e.org/a", raw_format="html"
    )
    assert (article.url, article.origin, article.raw_format) == ("https://e.org/a", "https://e.org/a", "html")


def test_byte_order_mark_is_not_part_of_title(quiet: Settings) -> None:
    article = parse_plain_text(f"\ufeffTalks fail in Geneva\n\n{BODY}", quiet)
    assert article.title == "Talks fail in Geneva"
    assert article.raw is not None and article.raw.startswith("\ufeff")


@pytest.mark.parametrize(
    "text", ["Leave a Reply\n\nShare this:", "   \n\n", "03.02.2022, Moscow.\n\nSource: TASS\n\nPrint"]
)
def test_no_body_raises_empty_input(quiet: Settings, text: str) -> None:
    with pytest.raises(EmptyInputError) as caught:
        parse_plain_text(text, quiet, origin="page.txt")
    assert str(caught.value).startswith("page.txt: ")


def test_a_tagged_headline_alone_becomes_the_text_without_its_tag(quiet: Settings) -> None:
    article = parse_plain_text("They drove Russia into a corner. Opinion\n\n03.02.2022, Moscow.", quiet)
    assert (article.body, article.genre_tag) == ("They drove Russia into a corner.", "opinion")


def test_headline_alone_becomes_the_text(quiet: Settings) -> None:
    article = parse_plain_text("Talks fail\n\n03.02.2022, Moscow.\n\nSource: TASS", quiet)
    assert (article.body, article.title, article.place, article.sources) == (
        "Talks fail",
        None,
        "Moscow",
        ("TASS",),
    )


@pytest.mark.parametrize(
    ("dateline", "published", "place"),
    [
        ("Paris, 3 février 2022", date(2022, 2, 3), "Paris"),
        ("Berlin, 3. Februar 2022", date(2022, 2, 3), "Berlin"),
        ("Roma, 3 febbraio 2022", date(2022, 2, 3), "Roma"),
        ("Warszawa, 3 lutego 2022 r.", date(2022, 2, 3), "Warszawa"),
        ("Москва, 3 февраля 2022 года", date(2022, 2, 3), "Москва"),
        ("2022-02-03T23:30:00-05:00", date(2022, 2, 3), None),
        ("Publié le 3 février 2022", date(2022, 2, 3), None),
        ("Опубликовано: 03.02.2022", date(2022, 2, 3), None),
        ("Publié le 03 février 2022 à 10h30", date(2022, 2, 3), None),
        ("Pubblicato il 3 febbraio 2022 alle 10:30", date(2022, 2, 3), None),
        ("03.02.2022, 10:30 Uhr", date(2022, 2, 3), None),
        ("15:42, 3 февраля 2022", date(2022, 2, 3), None),
        # a weekday is no place
        ("Donnerstag, 3. Februar 2022", date(2022, 2, 3), None),
        ("четверг, 3 февраля 2022", date(2022, 2, 3), None),
        ("Jeudi 3 février 2022", date(2022, 2, 3), None),
    ],
)
def test_datelines_in_the_models_languages(
    quiet: Settings, dateline: str, published: date, place: str | None
) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{dateline}\n\n{BODY}", quiet)
    assert (article.published, article.place, article.body) == (published, place, BODY)


@pytest.mark.parametrize(
    "header",
    [
        "Updated: Feb 5, 2022\nPublished: Feb 3, 2022",
        "Published: Feb 3, 2022\nUpdated: Feb 5, 2022",
        "Published: Feb 3, 2022\nMis à jour le 5 février 2022",
    ],
)
def test_an_update_line_does_not_date_the_article(quiet: Settings, header: str) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{header}\n\n{BODY}", quiet)
    assert (article.published, article.body) == (date(2022, 2, 3), BODY)


def test_an_update_line_alone_dates_the_article(quiet: Settings) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\nUpdated: Feb 5, 2022\n\n{BODY}", quiet)
    assert (article.published, article.body) == (date(2022, 2, 5), BODY)


def test_a_news_agency_dateline_without_a_year_keeps_the_article_undated(quiet: Settings) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\nМОСКВА, 3 февраля. /ТАСС/. {BODY}", quiet)
    assert (article.published, article.place, article.sources, article.body) == (
        None,
        "Москва",
        ("ТАСС",),
        BODY,
    )


def test_a_date_line_after_the_dateline_stays_in_the_text(quiet: Settings) -> None:
    # Only an "Updated" line joins the dateline: "24 February 2022" opening the text was dropped.
    article = parse_plain_text(
        f"Talks fail in Geneva\n\nPublished 3 March 2022\n\n24 February 2022\n\n{BODY}", quiet
    )
    assert article.published == date(2022, 3, 3) and article.body == f"24 February 2022\n\n{BODY}"


def test_a_headline_ending_in_an_abbreviation_before_a_date_line_and_byline(quiet: Settings) -> None:
    """A headline ending "… to the U.S." had been read as body: title, date and author lost."""
    article = parse_plain_text(
        f"China halts rare-earth exports to the U.S.\n\nMarch 14, 2024\n\nBy Jane Doe\n\n{BODY}", quiet
    )
    assert (article.title, article.published, article.author, article.body) == (
        "China halts rare-earth exports to the U.S.",
        date(2024, 3, 14),
        "Jane Doe",
        BODY,
    )
    # Without a date line or byline after it, a first line ending in a full stop is still body text.
    lead = parse_plain_text(f"Prices rose again in the U.S.\n\n{BODY}", quiet)
    assert lead.title is None and lead.body.startswith("Prices rose again in the U.S.")


def test_an_agency_dateline_after_a_date_line_leaves_the_text(quiet: Settings) -> None:
    """The dateline had stayed in the text (and in every claim drawn from it) when a date line came first."""
    article = parse_plain_text(
        f"Inflation falls as economy cools\n\nMarch 14, 2024\n\nWASHINGTON, March 14 (Reuters) - {BODY}",
        quiet,
    )
    assert (article.published, article.place, article.sources, article.body) == (
        date(2024, 3, 14),
        "Washington",
        ("Reuters",),
        BODY,
    )


@pytest.mark.parametrize("label", ["EXPLAINER", "CORRECTION"])
def test_a_section_label_after_a_date_line_is_no_place(quiet: Settings, label: str) -> None:
    """Read as a dateline once datelines were looked for after a date line: place "Correction", and
    the label an analyst needs was cut from the text."""
    article = parse_plain_text(f"What we know\n\nMarch 14, 2024\n\n{label} — {BODY}", quiet)
    assert article.place is None and article.body == f"{label} — {BODY}"


def test_invisible_characters_inside_words_do_not_make_another_text(settings: Settings) -> None:
    """A soft hyphen or zero-width space inside words (an evasion, or a CMS's hyphenation) had made a
    verbatim copy another article, which search and republication could not match either."""
    clean = "NATO Expands Again\n\nThe European security architecture is collapsing, the minister said.\n"
    hidden = (
        "\ufeffNATO Ex\u00adpands Again\n\n"
        "The Euro\u00adpean secu\u200brity archi\u2060tecture is collapsing, the minister said.\n"
    )
    first, second = parse_plain_text(clean, settings), parse_plain_text(hidden, settings)
    assert second.body == first.body and second.title == first.title == "NATO Expands Again"
    assert second.id == first.id
    assert second.raw == hidden  # the input as read stays
    joined = "Emoji 👨\u200d👩\u200d👧 and Persian می\u200cخواهم stay joined."
    assert parse_plain_text(joined, settings).body == joined


def test_a_text_of_invisible_characters_only_is_empty(settings: Settings) -> None:
    with pytest.raises(EmptyInputError):
        parse_plain_text("\u200b\u00ad\n\u2060\n", settings, origin="blank.txt")


def test_share_subscribe_and_read_also_lines_go_in_every_corpus_language(settings: Settings) -> None:
    """Russian and German share/subscribe lines, and "Share this: Facebook Twitter", stayed in the text."""
    body = "НАТО снова расширяется на восток, заявил министр иностранных дел."
    lines = [
        "Поделиться: ВКонтакте Одноклассники",
        "Подписывайтесь на наш Telegram-канал",
        "Читайте также: Песков прокомментировал санкции",
        "Share this: Facebook Twitter",
        "Lesen Sie auch: Scholz in Kiew",
        "À lire aussi : Macron parle à Poutine",
        "Leggi anche: Draghi a Kyiv",
        "Czytaj też: Duda w Kijowie",
        "Abonnez-vous à notre newsletter",
    ]
    article = parse_plain_text("\n\n".join([body, *lines, "Конец статьи уже близко, сказал он."]), settings)
    assert article.body == f"{body}\n\nКонец статьи уже близко, сказал он."
    prose = "Читайте также новости о войне, которые мы публикуем каждый день."
    assert prose in parse_plain_text(f"{body}\n\n{prose}", settings).body  # a sentence is the article's


def test_teasers_go_and_prose_that_reads_like_a_comment_header_stays(settings: Settings) -> None:
    body = "NATO is expanding again, the minister said on Tuesday in Moscow."
    text = "\n\n".join(
        [
            body,
            "Related: Ukraine received more than $100bn in Western weapons – Pentagon",
            "Two responses to the crisis emerged.",
            "2 thoughts on “NATO is expanding again”",
            "Leave a Reply",
        ]
    )
    assert parse_plain_text(text, settings).body == f"{body}\n\nTwo responses to the crisis emerged."


def test_a_press_release_dateline_loses_its_dashes(settings: Settings) -> None:
    release = "HOUSTON, Oct. 26, 2023 /PRNewswire/ -- Northwind Energy Corp. reported record results today."
    article = parse_plain_text(release, settings)
    assert article.body == "Northwind Energy Corp. reported record results today."
    assert article.place == "Houston" and article.published == date(2023, 10, 26)
    assert article.sources == ("PRNewswire",)


def test_a_markdown_heading_is_the_headline_without_its_hashes(settings: Settings) -> None:
    article = parse_plain_text(
        "# The US and NATO Need a Crisis\n\nNATO refused to discuss the issues.\n", settings
    )
    assert article.title == "The US and NATO Need a Crisis"
    assert article.body == "NATO refused to discuss the issues."


def test_prose_that_opens_like_a_teaser_or_a_call_stays(settings: Settings) -> None:
    body = "НАТО снова расширяется на восток, заявил министр иностранных дел."
    kept = [
        "Смотрите — это школа номер 23. От неё остались только стены!",
        "Подпишитесь на петицию о восстановлении школы — призывают местные жители в соцсетях.",
        "OK",
    ]
    text = parse_plain_text("\n\n".join([body, *kept]), settings).body
    assert all(line in text for line in kept)


def test_terminal_controls_leave_a_plain_text(settings: Settings) -> None:
    """A page's ESC[2J and OSC 8 link in its title and text had reached the terminal from list and show."""
    text = (
        "Evil \x1b[2J\x1b]8;;http://evil/title\x1b]8;;\n\n"
        "NATO \x1b[31mred\x1b[0m lies again, he said.\x9b2J\n"
    )
    article = parse_plain_text(text, settings)
    assert not any(ch in (article.title or "") + article.body for ch in "\x1b\x9b")
    assert "NATO [31mred[0m lies again, he said.2J" in article.body


@pytest.mark.parametrize(
    "opening",
    [
        "SHAME — there is no other word for what the Commission did on Monday.",
        "ПОЗОР — иначе не назовёшь то, что сделала Еврокомиссия в понедельник.",
    ],
)
def test_a_shouted_word_and_a_dash_before_lower_case_is_no_dateline(quiet: Settings, opening: str) -> None:
    """Place "Shame" had been taken from the opening and "SHAME —" cut from the text."""
    article = parse_plain_text(f"{opening}\n\n{SECOND}", quiet)
    assert article.place is None and article.body == f"{opening}\n\n{SECOND}"


@pytest.mark.parametrize(
    ("opening", "place", "rest"),
    [
        ("WASHINGTON — The president said the talks had failed.", "Washington", "The president"),
        ("KYIV — «Мы не сдадимся», сказал он.", "Kyiv", "«Мы"),
        ("BERLIN — 2,000 people marched on Saturday.", "Berlin", "2,000"),
    ],
)
def test_a_dateline_in_capitals_opens_a_sentence(
    quiet: Settings, opening: str, place: str, rest: str
) -> None:
    article = parse_plain_text(f"{opening}\n\n{SECOND}", quiet)
    assert article.place == place and article.body.startswith(rest)


def test_direction_marks_and_ligatures_do_not_make_another_text(settings: Settings) -> None:
    """An LRM inside "European" had hidden the copy from search and deduplication; "ﬁgures" (a PDF's
    ligature) was not found by a search for "figures"."""
    clean = "The European Commission said the figures were final.\n\nOfficials in Kyiv offered no comment.\n"
    marked = (
        "The Europe\u200ean Commission said the \ufb01gures were \u202bfinal\u202c.\n\n"
        "O\ufb03cials in \u2066Kyiv\u2069 o\ufb00ered no\u200f comment\u061c.\n"
    )
    first, second = parse_plain_text(clean, settings), parse_plain_text(marked, settings)
    assert second.body == first.body and second.id == first.id
    assert second.raw == marked  # the input as read stays
    spelt = "\ufb00 \ufb01 \ufb02 \ufb03 \ufb04 \ufb05 \ufb06 are letters"
    assert parse_plain_text(spelt, settings).body == "ff fi fl ffi ffl st st are letters"
