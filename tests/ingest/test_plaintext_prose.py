"""Prose that reads like a page's furniture stays in plain text and records: list items that name
platforms, reported and explained calls, a forward line in the body, a capitalised word after a
dateline's dash (audit break33b)."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.domain import Article
from propwatch.ingest.bulk import article_from_record
from propwatch.ingest.html_blocks import opening_agency
from propwatch.ingest.plaintext import is_boilerplate, parse_plain_text
from propwatch.settings import Settings

BODY = "The Kremlin said on Thursday that the talks had failed and that it would consider its options."
SECOND = "Officials in Brussels declined to comment on the statement, a spokesperson said."
RU_BODY = "Министр иностранных дел заявил, что переговоры с Западом зашли в тупик."
RU_SECOND = "В Брюсселе от комментариев отказались, сообщил источник в Еврокомиссии."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


# --- list items that name platforms or menu words ------------------------------------------------


@pytest.mark.parametrize(
    "items",
    [
        "• Facebook\n• Twitter\n• YouTube",  # a platform the share bars never name
        "* Advertising\n* Print\n* Broadcasting",
        "• Facebook\n• Twitter",  # all platforms, but the article's line introduces them
        "* Advertising\n\n* Print",
    ],
)
def test_an_article_s_list_of_platforms_or_sectors_stays(quiet: Settings, items: str) -> None:
    """Only "• YouTube" and "* Broadcasting" had stayed: the bullet was stripped as an emoji's."""
    lead = "The clip was removed by these platforms and sectors:"
    article = parse_plain_text(f"Who took the video down\n\n{BODY} {lead}\n\n{items}\n\n{SECOND}", quiet)
    assert article.body == f"{BODY} {lead}\n\n{items}\n\n{SECOND}"


def test_one_bulleted_platform_among_prose_stays(quiet: Settings) -> None:
    article = parse_plain_text(f"Who took the video down\n\n{BODY}\n\n• Telegram\n\n{SECOND}", quiet)
    assert article.body == f"{BODY}\n\n• Telegram\n\n{SECOND}"
    assert not is_boilerplate("• Facebook") and is_boilerplate("Facebook")


@pytest.mark.parametrize(
    "bar",
    [
        "• Facebook\n• Twitter\n• Telegram",
        "Share this:\n• Facebook\n• Twitter\n• Email",
        "📘 Facebook\n🐦 Twitter\n\n✉️ Email\n🖨 Print",
        "Facebook\nTwitter",
    ],
)
def test_a_share_bar_of_bulleted_platforms_goes(quiet: Settings, bar: str) -> None:
    article = parse_plain_text(f"Talks fail in Geneva\n\n{BODY}\n\n{bar}\n\n{SECOND}", quiet)
    assert article.body == f"{BODY}\n\n{SECOND}"


def test_a_share_bar_under_a_line_that_ends_in_an_emoji_goes(quiet: Settings) -> None:
    text = f"Talks fail in Geneva\n\n{BODY} 🤬\n\n📘 Facebook\n🐦 Twitter\n\n{SECOND}"
    assert parse_plain_text(text, quiet).body == f"{BODY} 🤬\n\n{SECOND}"


def test_a_share_bar_above_the_headline_goes(quiet: Settings) -> None:
    article = parse_plain_text(f"• Facebook\n• Twitter\n\nTalks fail in Geneva\n\n{BODY}", quiet)
    assert (article.title, article.body) == ("Talks fail in Geneva", BODY)


def test_a_record_keeps_its_list_of_sectors(quiet: Settings) -> None:
    """JSONL records go through the plain-text reader: "* Advertising" and "* Print" had gone."""
    text = "The new sanctions cover several sectors:\n\n* Advertising\n* Print\n* Broadcasting\n\n" + SECOND
    article = article_from_record({"title": "Sanctions", "text": text}, quiet, origin="x.jsonl:1")
    assert isinstance(article, Article) and article.body == text


# --- calls that the text reports or explains -------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Подпишитесь, если вы против войны, — написали авторы.",
        "Подписывайтесь, — призвал депутат.",
        "Підпишіться, — закликали волонтери.",
        "«Подписывайтесь на нас», — пишет автор.",
        "Подпишитесь на петицию о школе — призывают жители.",
        "Подпишитесь на канал, чтобы помочь редакции пережить эту зиму.",
        "Поддержите автора: он в СИЗО уже месяц.",
        "Поддержите автора — он в СИЗО уже месяц.",
        "Поддержать канал: его авторы работают бесплатно.",
        "Наш канал: его заблокировали трижды.",
        "👉 Наш канал: его заблокировали трижды.",
    ],
)
def test_a_reported_or_explained_call_is_prose(quiet: Settings, line: str) -> None:
    text = f"Канал заблокирован\n\n{RU_BODY}\n\n{line}\n\n{RU_SECOND}"
    assert parse_plain_text(text, quiet).body == f"{RU_BODY}\n\n{line}\n\n{RU_SECOND}"


@pytest.mark.parametrize(
    "line",
    [
        "Поддержите автора",
        "Поддержать канал | Rybar",
        "Поддержать проект: 2202 2002 1234 5678 (Сбер)",
        "Поддержите редакцию: +7 912 345-67-89",
        "Наш канал",
        "Наш канал в Telegram: https://t.me/voenkor",
        "🔥 Наш канал: @voenkor",
        "Подписывайтесь на наш канал, не пропустите главное!",
        "Подписывайтесь — пишем только правду",  # the channel's own slogan, no one reported
    ],
)
def test_a_call_that_points_to_a_link_number_or_nothing_goes(quiet: Settings, line: str) -> None:
    text = f"Канал заблокирован\n\n{RU_BODY}\n\n{line}\n\n{RU_SECOND}"
    assert parse_plain_text(text, quiet).body == f"{RU_BODY}\n\n{RU_SECOND}"


# --- forward lines ---------------------------------------------------------------------------------


def test_a_forward_line_in_the_body_is_prose(quiet: Settings) -> None:
    """It had been removed and "the embassy in Berlin" stored as the article's source."""
    line = "Forwarded from the embassy in Berlin."
    article = parse_plain_text(f"Moscow answers Brussels\n\n{BODY}\n\n{line}\n\n{SECOND}", quiet)
    assert (article.sources, article.body) == ((), f"{BODY}\n\n{line}\n\n{SECOND}")


@pytest.mark.parametrize(
    "text",
    [
        f"Moscow answers Brussels\n\n{BODY}\n\nForwarded from Rybar\n\n{SECOND}",  # not at the top
        f"Forwarded from Rybar.\n\n{BODY}",  # a full stop: a sentence
        f"Переслано от пресс-службы министерства обороны России и его региональных отделений\n\n{BODY}",
    ],
)
def test_a_forward_line_that_is_no_telegram_s_is_text(quiet: Settings, text: str) -> None:
    assert parse_plain_text(text, quiet).sources == ()


@pytest.mark.parametrize(
    "text",
    [
        f"Forwarded from Rybar\n\n{BODY}",
        f"Moscow answers Brussels\nForwarded from Rybar\n\n{BODY}",  # under the headline
        f"Переслано от Военная хроника\nНАТО готовит провокацию\n\n{RU_BODY}",
    ],
)
def test_a_forward_line_at_the_top_names_the_channel(quiet: Settings, text: str) -> None:
    article = parse_plain_text(text, quiet)
    assert len(article.sources) == 1 and "Forward" not in article.body and "Переслано" not in article.body


# --- a capitalised word after a dateline's dash ----------------------------------------------------


def test_a_word_after_a_dateline_s_dash_is_no_agency_unless_it_is_one(quiet: Settings) -> None:
    """ "NATO" had been stored as the source and "NATO." cut from the text."""
    opening = "WASHINGTON — NATO. That is the word on every lip in the capital this week."
    article = parse_plain_text(f"{opening}\n\n{SECOND}", quiet)
    assert (article.place, article.sources) == ("Washington", ())
    assert article.body == f"NATO. That is the word on every lip in the capital this week.\n\n{SECOND}"
    assert opening_agency(opening).sources == []  # a page's first paragraph reads the same
    for agency in ("ТАСС", "Reuters", "РИА Новости"):
        found = parse_plain_text(f"МОСКВА — {agency}. {RU_BODY}", quiet)
        assert (found.place, found.sources, found.body) == ("Москва", (agency,), RU_BODY)
