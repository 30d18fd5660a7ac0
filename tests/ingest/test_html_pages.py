"""Web pages whose extraction took more, or less, than the article: short briefs, layout tables, teasers,
wire datelines, genre labels, live blogs, section URLs, relative canonical links, Telegram channels."""

from __future__ import annotations

from datetime import date

import pytest

from propwatch.errors import UnsupportedInputError
from propwatch.ingest.html import parse_html
from propwatch.ingest.html_blocks import clean_blocks
from propwatch.settings import Settings

HEADLINE = "Assembly extends emergency powers"
ONE = (
    "The regional assembly voted on Tuesday to extend the emergency powers for another six months, "
    "despite objections from three opposition parties who called the measure unnecessary."
)
TWO = (
    "The governor's office said the extension was needed to finish repairs to flood defences along "
    "the river, a project that has already run two years over schedule and well over budget."
)
THREE = (
    "Opposition members said they would challenge the decision in the constitutional court and "
    "accused the governing coalition of using the floods as a pretext to avoid scrutiny."
)


def page(body: str, head: str = "", title: str = HEADLINE, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}'
        f"</head><body>{body}</body></html>"
    )


def article(paragraphs: str, head: str = "", above: str = "") -> str:
    return page(
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>{above}<h1>{HEADLINE}</h1>"
        f"{paragraphs}</article><footer>Example Media</footer>",
        head,
    )


@pytest.fixture
def settings() -> Settings:
    return Settings()


# --- 1. short pages: layout tables, the page header recovered after the text ---------------------


LAYOUT_PAGE = page(
    "<table width='100%'><tr><td class='menu'><a href='/'>Главная</a> | <a href='/p'>Политика</a> | "
    "<a href='/e'>Экономика</a></td></tr></table>"
    "<table width='100%'><tr><td class='content'><h1>Власти продлили режим ЧС</h1>"
    "<div class='date'>03.04.2022 14:25</div><div class='text'><p>Областная дума во вторник продлила режим "
    "чрезвычайной ситуации ещё на полгода, несмотря на возражения трёх оппозиционных фракций.</p></div></td>"
    "<td class='sidebar'><b>Читайте также:</b><br><a href='/1'>Курс рубля упал</a><br>"
    "<a href='/2'>Песков прокомментировал санкции</a></td></tr></table>",
    title="Власти продлили режим ЧС - Новости",
    lang="ru",
)


def test_a_layout_table_is_not_read_as_the_text(settings: Settings) -> None:
    # The menu, headline, date, the paragraph a second time and the teasers had been stored as cells.
    article = parse_html(LAYOUT_PAGE, settings)
    assert article.body == (
        "Областная дума во вторник продлила режим чрезвычайной ситуации ещё на полгода, несмотря на "
        "возражения трёх оппозиционных фракций."
    )


def test_the_text_of_a_layout_table_cell_is_read_without_its_headline(settings: Settings) -> None:
    html = page(
        "<table width='100%'><tr><td><a href='/'>Home</a> | <a href='/w'>World</a></td></tr></table>"
        f"<table><tr><td>{HEADLINE}<br><br>{ONE}<br><br>{TWO}</td>"
        "<td><b>Read also:</b><br><a href='/1'>Other story</a><br><a href='/2'>Another story</a></td></tr>"
        "</table>"
    )
    assert parse_html(html, settings).body == f"{ONE}\n{TWO}"


def test_a_data_table_in_the_text_stays_a_table(settings: Settings) -> None:
    table = (
        "<table><tr><th>Region</th><th>Seats</th></tr><tr><td>North</td><td>12</td></tr>"
        "<tr><td>South</td><td>9</td></tr></table>"
    )
    text = parse_html(article(f"<p>{ONE}</p>{table}<p>{TWO}</p>"), settings).body
    assert "| Region | Seats |" in text
    assert "| North | 12 |" in text
    assert text.startswith(ONE) and text.endswith(TWO)


def test_a_one_paragraph_brief_is_stored_without_its_page_header(settings: Settings) -> None:
    # trafilatura's sweep of a short page appended the headline, standfirst and "Last modified" line.
    header = (
        "<p class='standfirst'>Opposition says the vote was rushed through before the summer recess</p>"
        "<div class='byline'>By Jane Doe and Bo Chen</div>"
        "<time datetime='2024-03-05T06:00:00Z'>Tue 5 Mar 2024 06.00 GMT</time> "
        "<span class='updated'>Last modified on Thu 7 Mar 2024 18.45 GMT</span>"
    )
    html = article(
        f"{header}<div class='article-body'><p>{ONE}</p></div>"
        "<aside><h3>Related stories</h3><ul><li><a href='/a'>Floods: what we know</a></li></ul></aside>"
    )
    assert parse_html(html, settings).body == ONE


def test_a_byline_paragraph_is_not_text(settings: Settings) -> None:
    html = page(f"<article><h1>{HEADLINE}</h1><p>By Ion Rusu</p><p>{ONE}</p></article>")
    assert parse_html(html, settings).body == ONE


@pytest.mark.parametrize(
    ("blocks", "kept"),
    [
        ([ONE, HEADLINE, ONE], [ONE]),  # the headline and a repeat, wherever they stand
        ([ONE, "Updated: 4 February 2022", TWO], [ONE, TWO]),
        ([ONE, "The modified plan was approved on 3 May 2023.", TWO], None),  # prose, not an update line
        ([ONE, "By Ion Rusu\nLast modified on Thu 16 Mar 2023 18.45 GMT", TWO], [ONE, TWO]),
        (["Yes.", "Yes."], None),  # short repeats may be the text's own
        ([HEADLINE], None),  # the only block stays
    ],
)
def test_what_a_short_extraction_drops(blocks: list[str], kept: list[str] | None) -> None:
    assert clean_blocks(blocks, title=HEADLINE, page="").paragraphs == (blocks if kept is None else kept)


def test_a_fragment_from_above_the_text_goes_but_a_subheading_listed_above_it_stays() -> None:
    standfirst = "Opposition says the vote was rushed"
    page_text = "".join(f"{HEADLINE} {standfirst} Contents: What next {ONE} What next {TWO}".lower().split())
    blocks = [ONE, "What next", TWO, standfirst]
    assert clean_blocks(blocks, title=HEADLINE, page=page_text).paragraphs == [ONE, "What next", TWO]


# --- 2. teasers inside the text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "teaser",
    [
        "Related: Ukraine received more than $100bn in Western weapons – Pentagon",
        "READ MORE: Kiev shells Donetsk school, children among injured",
        "Also read: EU's new sanctions package will hurt Europe more than Russia",
        "Читайте также: ЕС утвердил тринадцатый пакет санкций",
        "Lesen Sie auch: Bundesregierung prüft Lieferung",
        "À lire aussi : Les réseaux prorusses ciblent l'Afrique",
        "Czytaj też: Polska buduje płot na granicy",
        "Leggi anche: Il governo prepara nuove sanzioni",
        "See also: What the new licences mean for your bill?",
    ],
)
def test_a_teaser_paragraph_is_not_text(teaser: str, settings: Settings) -> None:
    html = article(
        f"<p>{ONE}</p><p>{teaser.split(':')[0]}: <a href='/x'>{teaser.split(':', 1)[1]}</a></p>"
        f"<p>{TWO}</p><p>{THREE}</p>"
    )
    assert parse_html(html, settings).body.split("\n\n") == [ONE, TWO, THREE]


def test_a_sentence_that_opens_like_a_teaser_is_text(settings: Settings) -> None:
    prose = "Read more: the ministry's report runs to 400 pages and names every contractor."
    html = article(f"<p>{ONE}</p><p>{prose}</p><p>{TWO}</p>")
    assert prose in parse_html(html, settings).body


# --- 3. wire datelines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "place", "published", "source"),
    [
        ("MOSCOW, Feb 3, 2022 (Reuters) - ", "Moscow", date(2022, 2, 3), "Reuters"),
        ("HOUSTON, Oct. 26, 2023 /PRNewswire/ -- ", "Houston", date(2023, 10, 26), "PRNewswire"),
        ("МОСКВА, 27 фев — РИА Новости. ", "Москва", None, "РИА Новости"),
    ],
)
def test_a_wire_dateline_opening_the_text_dates_places_and_sources_it(
    opening: str, place: str, published: date | None, source: str, settings: Settings
) -> None:
    parsed = parse_html(article(f"<p>{opening}{ONE}</p><p>{TWO}</p>"), settings)
    assert parsed.body == f"{ONE}\n\n{TWO}"
    assert (parsed.place, parsed.published, parsed.sources) == (place, published, (source,))


def test_the_pages_date_markup_wins_over_the_datelines_date(settings: Settings) -> None:
    head = '<meta property="article:published_time" content="2022-02-04T10:00:00Z">'
    parsed = parse_html(article(f"<p>MOSCOW, Feb 3, 2022 (Reuters) - {ONE}</p><p>{TWO}</p>", head), settings)
    assert (parsed.published, parsed.place) == (date(2022, 2, 4), "Moscow")


# --- 4. a genre label above the headline ---------------------------------------------------------


def test_a_genre_label_above_the_headline_is_the_genre_tag(settings: Settings) -> None:
    html = article(f"<p>{ONE}</p><p>{TWO}</p>", above="<p class='label'>Press Release</p>")
    parsed = parse_html(html, settings)
    assert parsed.genre_tag == "press release"
    assert parsed.body == f"{ONE}\n\n{TWO}"
    labelled = article(
        f"<p>{ONE}</p><p>{TWO}</p>", above="<div class='kicker'><a href='/o'>Opinion</a></div>"
    )
    assert parse_html(labelled, settings).genre_tag == "opinion"
    topic = article(f"<p>{ONE}</p><p>{TWO}</p>", above="<p class='label'>Floods</p>")
    assert parse_html(topic, settings).genre_tag is None


# --- 5. live blogs -------------------------------------------------------------------------------


def test_a_live_blog_keeps_its_authors(settings: Settings) -> None:
    # The authorless entries (liveBlogUpdate) had displaced the blog's own authors.
    head = (
        '<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Floods live",'
        ' "author": [{"@type": "Person", "name": "Martin Belam"}, {"@type": "Person", "name": "Ann Lee"},'
        ' {"@type": "Organization", "name": "Example Media"}],'
        ' "liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Vote", "articleBody": "The vote."},'
        ' {"@type": "BlogPosting", "headline": "Court", "articleBody": "The court."}]}</script>'
    )
    assert parse_html(article(f"<p>{ONE}</p><p>{TWO}</p>", head), settings).author == "Martin Belam; Ann Lee"


# --- 6. the section a page sits in ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "above", "genre"),
    [
        (
            '<link rel="canonical" href="https://herald.example/opinion/2023/09/12/europe-blink/">',
            "",
            "opinion",
        ),
        ('<meta property="og:url" content="https://herald.example/world/op-ed/europe-blink">', "", "opinion"),
        ('<link rel="canonical" href="https://herald.example/news/2023/europe-blink/">', "", None),
        ('<link rel="canonical" href="https://herald.example/world/analysis">', "", None),  # the slug
        ('<link rel="canonical" href="https://herald.example/world/opinion-poll-shows-gain/">', "", None),
        (
            "",
            "<nav class='breadcrumb'><a href='/'>Home</a> › <a href='/opinion'>Opinion</a></nav>",
            "opinion",
        ),
        ("", "<ol class='breadcrumbs'><li>News</li><li>Politics</li></ol>", None),
        (
            '<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": ['
            '{"@type": "ListItem", "position": 1, "name": "Opinion"}, {"@type": "ListItem", "position": 2,'
            ' "name": "Global Opinions"}]}</script>',
            "",
            "opinion",
        ),
    ],
)
def test_the_section_in_the_url_or_breadcrumb_gives_the_genre(
    head: str, above: str, genre: str | None, settings: Settings
) -> None:
    assert parse_html(article(f"<p>{ONE}</p><p>{TWO}</p>", head, above), settings).genre_tag == genre


def test_the_section_in_a_fetched_pages_url_gives_the_genre(settings: Settings) -> None:
    html = article(f"<p>{ONE}</p><p>{TWO}</p>")
    assert (
        parse_html(html, settings, url="https://herald.example/opinion/europe-blink").genre_tag == "opinion"
    )
    tagged = article(f"<p>{ONE}</p><p>{TWO}</p>").replace(HEADLINE, f"Analysis: {HEADLINE}")
    # the headline's own tag is stronger evidence than the section
    assert parse_html(tagged, settings, url="https://herald.example/opinion/x").genre_tag == "analysis"


# --- 7. the page's address -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "url"),
    [
        (
            '<base href="https://www.eastwatch.example/"><link rel="canonical" href="/en/news/moldova/">',
            "https://www.eastwatch.example/en/news/moldova/",
        ),
        (
            '<base href="https://www.eastwatch.example/"><meta property="og:url" content="en/news/moldova/">',
            "https://www.eastwatch.example/en/news/moldova/",
        ),
        (
            '<link rel="canonical" href="https://t.me/rybar/44101">',
            "https://t.me/rybar/44101",
        ),  # a 4-letter host
        ('<base href="https://www.eastwatch.example/">', None),  # the site's address is not the page's
        ('<link rel="canonical" href="/en/news/moldova/">', None),  # relative to nothing known
    ],
)
def test_the_pages_stated_address(head: str, url: str | None, settings: Settings) -> None:
    assert parse_html(article(f"<p>{ONE}</p><p>{TWO}</p>", head), settings).url == url


# --- 8. Telegram channels ------------------------------------------------------------------------


def _post(number: int, text: str) -> str:
    return (
        f'<div class="tgme_widget_message_wrap"><div class="tgme_widget_message js-widget_message" '
        f'data-post="chan/{number}"><div class="tgme_widget_message_text">{text}</div>'
        f'<a class="tgme_widget_message_date" href="https://t.me/chan/{number}"><time datetime='
        f'"2023-05-02T09:14:51+00:00">09:14</time></a></div></div>'
    )


def test_a_telegram_channel_page_is_refused_with_the_posts_addresses(settings: Settings) -> None:
    # Every post had been merged into one article under the channel's name.
    posts = "".join(_post(number, text) for number, text in ((11, ONE), (12, TWO), (13, THREE)))
    html = page(f'<section class="tgme_channel_history">{posts}</section>', title="Chan – Telegram")
    with pytest.raises(UnsupportedInputError, match=r"Telegram channel page of 3 posts") as caught:
        parse_html(html, settings, origin="chan.html")
    assert "https://t.me/chan/11?embed=1 to https://t.me/chan/13?embed=1" in caught.value.reason
    one = page(f'<section class="tgme_channel_history">{_post(11, ONE + " " + TWO)}</section>')
    assert parse_html(one, settings).body.startswith(ONE)


# --- what ordinary pages keep (regressions an audit found in the rules above) ----------------------


def test_data_tables_with_paragraphs_in_cells_or_one_column_stay_tables(settings: Settings) -> None:
    pasted = (
        "<table><tr><td><p>Month</p></td><td><p>Revenue</p></td></tr>"
        "<tr><td><p>January</p></td><td><p>1,000.5</p></td></tr>"
        "<tr><td><p>February</p></td><td><p>1,341.6</p></td></tr></table>"
    )
    banks = "<table><tr><th>Banks under EU sanctions</th></tr>" + "".join(
        f"<tr><td>{name}</td></tr>" for name in ("VTB Bank", "Bank Otkritie", "Novikombank", "Sovcombank")
    )
    text = parse_html(
        article(f"<p>{ONE}</p>{pasted}<p>{TWO}</p>{banks}</table><p>{THREE}</p>"), settings
    ).body
    assert "| January | 1,000.5 |" in text and "| February | 1,341.6 |" in text
    assert "| Novikombank |" in text and "| Sovcombank |" in text
    assert text.startswith(ONE) and text.endswith(THREE)


def test_a_transcript_keeps_an_answer_given_several_times(settings: Settings) -> None:
    answer = "Dmitry Peskov: We have nothing to add to what the President has already said on this matter."
    questions = [f"Question: {sentence}" for sentence in (ONE, TWO, THREE)]
    body = "".join(f"<p>{q}</p><p>{answer}</p>" for q in questions)
    assert parse_html(article(body), settings).body.count(answer) == 3


def test_lines_of_a_list_and_title_case_subheadings_are_the_text_s_own(settings: Settings) -> None:
    stores = "<p>Google Play<br>Apple App Store<br>Telegram<br>Viber</p>"
    body = (
        f"<p>{ONE}</p><p>Apps were removed from these stores:</p>{stores}<h2>By The Numbers</h2><p>{TWO}</p>"
    )
    text = parse_html(article(body), settings).body
    assert "Telegram\nViber" in text and "By The Numbers" in text


def test_an_opening_that_is_not_a_wire_dateline_stays_in_the_text(settings: Settings) -> None:
    for opening in ("Saturday, 26 February — a day no one will forget — ", "GAZPROM — the gas giant — "):
        found = parse_html(article(f"<p>{opening}{ONE}</p><p>{TWO}</p>"), settings)
        assert found.body.startswith(opening.strip()) and found.place is None, opening


def test_a_sidebar_card_named_like_a_breadcrumb_gives_no_genre(settings: Settings) -> None:
    card = "<aside><div class='card-breadcrumb'><a href='/opinion'>Opinion</a></div></aside>"
    trail = "<nav class='breadcrumbs'><a href='/'>Home</a> › <a href='/russia'>Russia</a></nav>"
    html = page(f"{trail}<article><h1>{HEADLINE}</h1><p>{ONE}</p><p>{TWO}</p></article>{card}")
    assert parse_html(html, settings).genre_tag is None
    assert parse_html(html.replace("card-breadcrumb", "breadcrumb"), settings).genre_tag == "opinion"


def test_a_channel_page_s_refusal_names_only_real_posts(settings: Settings) -> None:
    hostile = "rybar/1&#27;[2K&#27;]8;;https://evil.example/&#27;\\Analysis complete"
    posts = "".join(
        f"<div class='tgme_widget_message' data-post='{post}'><p>{ONE}</p></div>"
        for post in ("rybar/44101", hostile, "rybar/44102")
    )
    html = page(f"<section class='tgme_channel_history'>{posts}</section>")
    with pytest.raises(UnsupportedInputError) as refused:
        parse_html(html, settings)
    assert "\x1b" not in str(refused.value) and "evil" not in str(refused.value)
    assert "https://t.me/rybar/44101?embed=1 to https://t.me/rybar/44102?embed=1" in str(refused.value)


@pytest.mark.parametrize(
    "first_cell", ["<td>Price of diesel on Monday</td>", "<td><p>Price of diesel on Monday</p></td>"]
)
def test_a_one_row_data_table_stays_a_table_row(settings: Settings, first_cell: str) -> None:
    """Every one-row table had been read as layout: the row of figures was lost from the text."""
    row = f"<table><tr>{first_cell}<td>2.31 euros</td><td>up 41 per cent on a year ago</td></tr></table>"
    text = parse_html(article(f"<p>{ONE}</p>{row}<p>{TWO}</p>"), settings).body
    assert (
        text == f"{ONE}\n\n| Price of diesel on Monday | 2.31 euros | up 41 per cent on a year ago |\n\n{TWO}"
    )


def test_a_one_row_table_of_lines_or_boxes_is_layout(settings: Settings) -> None:
    # a menu cell of short lines and a text cell of paragraphs: the page's layout, not a row of data
    menu = "<td><b>Sections</b><br>Politics<br>Economy</td>"
    html = article(f"<table><tr>{menu}<td><p>{ONE}</p><p>{TWO}</p></td></tr></table><p>{THREE}</p>")
    text = parse_html(html, settings).body
    assert "|" not in text and f"{ONE}\n\n{TWO}" in text and text.endswith(THREE)


def test_direction_marks_and_ligatures_read_as_in_plain_text(settings: Settings) -> None:
    """trafilatura drops direction marks but keeps ligatures: "ﬁgures" was not found by "figures"."""
    opening = "The Europe\u200ean Commission gave the \ufb01gures on Monday."
    marked = article(f"<p>{opening} {ONE}</p><p>O\ufb03cials: {TWO}</p>").replace(
        HEADLINE, f"\ufb01gures \u202bof\u202c {HEADLINE}"
    )
    found = parse_html(marked, settings)
    assert found.body == f"The European Commission gave the figures on Monday. {ONE}\n\nOfficials: {TWO}"
    assert found.title == f"figures of {HEADLINE}"


def test_a_brief_s_headline_with_a_ligature_or_direction_mark_is_no_text(settings: Settings) -> None:
    # the headline read from the markup is spelt out; the extraction's copy of it had stayed in the text
    headline = "O\ufb03cials \u200eextend emergency powers"
    html = article(f"<div class='article-body'><p>{ONE}</p></div>").replace(HEADLINE, headline)
    found = parse_html(html, settings)
    assert (found.title, found.body) == ("Officials extend emergency powers", ONE)
    assert clean_blocks([ONE, headline], title="Officials extend emergency powers", page="").paragraphs == [
        ONE
    ]


@pytest.mark.parametrize("caption", ["Photo: Reuters. Peskov in Moscow, 2023.", "Peskov in Moscow, 2023"])
def test_a_one_row_table_with_a_cell_of_prose_is_layout(settings: Settings, caption: str) -> None:
    """A paragraph beside its photo's caption had become a pipe row, and a claim had opened with "| "."""
    row = f"<table><tr><td><p>{ONE}</p></td><td><p>{caption}</p></td></tr></table>"
    text = parse_html(article(f"<p>{TWO}</p>{row}<p>{THREE}</p>"), settings).body
    assert "|" not in text and f"{TWO}\n\n{ONE}\n\n" in text and text.endswith(THREE)


def test_a_one_row_table_with_a_two_sentence_cell_is_layout(settings: Settings) -> None:
    row = (
        "<table><tr><td>Peskov said talks were over.</td><td>Photo: Reuters. Moscow, 2023.</td></tr></table>"
    )
    text = parse_html(article(f"<p>{ONE}</p>{row}<p>{TWO}</p>"), settings).body
    assert "|" not in text and text.startswith(ONE) and text.endswith(TWO)


def test_a_one_row_table_of_short_cells_with_abbreviations_stays_a_row(settings: Settings) -> None:
    row = "<table><tr><td>U.S. Treasury yield</td><td>4.2 per cent</td><td>Mr. Powell</td></tr></table>"
    text = parse_html(article(f"<p>{ONE}</p>{row}<p>{TWO}</p>"), settings).body
    assert "| U.S. Treasury yield | 4.2 per cent | Mr. Powell |" in text
