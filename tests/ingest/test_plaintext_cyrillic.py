"""Russian, Ukrainian and Bulgarian plain text as wires and Telegram leave it: RIA-style datelines,
forwarded posts, subscribe and donate calls, genre labels above a dateline (audit ru33)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from propwatch.ingest.html_blocks import clean_blocks, opening_agency
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

BODY = "Министр иностранных дел заявил, что переговоры с Западом зашли в тупик."
SECOND = "В Брюсселе от комментариев отказались, сообщил источник в Еврокомиссии."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


# --- RIA-style datelines: the agency after the dash ----------------------------------------------


@pytest.mark.parametrize(
    ("dateline", "place", "agency"),
    [
        ("МОСКВА, 12 апр — РИА Новости. ", "Москва", "РИА Новости"),
        ("МОСКВА, 12 апр - Интерфакс. ", "Москва", "Интерфакс"),
        ("УФА — РИА Новости. ", "Уфа", "РИА Новости"),
        ("КИЇВ — Укрінформ. ", "Київ", "Укрінформ"),
    ],
)
def test_a_ria_dateline_gives_place_and_agency_in_plain_text_as_in_a_page(
    quiet: Settings, dateline: str, place: str, agency: str
) -> None:
    """The agency had opened the body ("РИА Новости. Министр…") and no source was read."""
    article = parse_plain_text(f"Переговоры зашли в тупик\n\n{dateline}{BODY}\n\n{SECOND}", quiet)
    assert (article.place, article.sources, article.body) == (place, (agency,), f"{BODY}\n\n{SECOND}")
    assert article.published is None  # "12 апр" has no year
    opening = opening_agency(f"{dateline}{BODY}")  # one reading for pages and plain text
    assert (opening.text, opening.place, opening.sources) == (BODY, place, [agency])


def test_a_date_line_above_a_ria_dateline_gives_the_year(quiet: Settings) -> None:
    text = f"Переговоры зашли в тупик\n\n12.04.2022\n\nМОСКВА, 12 апр — РИА Новости. {BODY}"
    article = parse_plain_text(text, quiet)
    assert (article.published, article.place, article.sources, article.body) == (
        date(2022, 4, 12),
        "Москва",
        ("РИА Новости",),
        BODY,
    )


# --- Telegram: forwarded posts -------------------------------------------------------------------


@pytest.mark.parametrize("label", ["Forwarded from", "Переслано от", "Переслано из", "Переслано з"])
def test_a_forward_line_is_no_title_and_names_the_channel(quiet: Settings, label: str) -> None:
    """Every post forwarded from one channel had its forward line for a title."""
    posts = [
        f"{label} Военная хроника\n🔥🔥 СРОЧНО: Пентагон финансировал биолаборатории\n\n{BODY}",
        f"{label} Военная хроника\n\nЗеленский опять просит денег\n\n{SECOND}",
    ]
    first, second = (parse_plain_text(post, quiet) for post in posts)
    assert (first.title, first.body) == ("🔥🔥 СРОЧНО: Пентагон финансировал биолаборатории", BODY)
    assert (second.title, second.body) == ("Зеленский опять просит денег", SECOND)
    assert first.sources == second.sources == ("Военная хроника",)


# --- Telegram: subscribe and donate calls --------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "👉 Подписывайтесь на канал: https://t.me/voennaya_hronika",
        "❗️Подписывайтесь, чтобы быть в курсе❗️",
        "Подпишись на канал @rybar",
        "Подписаться | Rybar",
        "Поддержать канал: https://t.me/voenkor_pravda",
        "Наш канал: @voenkor",
        "Наш канал 👉 @voenkor",
        "👉 https://t.me/rybar_analytics",
        "Підписуйтесь на наш канал 👇",
        "Підтримати канал: https://t.me/ukr_channel",
        "📢 Поделиться: ВКонтакте Telegram",
        "👉 Follow us on Telegram",
    ],
)
def test_telegram_calls_go_also_behind_an_emoji(quiet: Settings, line: str) -> None:
    """These lines had stayed in the stored text and in search ("search Подписывайтесь")."""
    article = parse_plain_text(f"Зеленский опять просит денег\n\n{BODY}\n\n{line}\n\n{SECOND}", quiet)
    assert article.body == f"{BODY}\n\n{SECOND}"


@pytest.mark.parametrize(
    "line",
    [
        "Наш канал опубликовал расследование о коррупции в министерстве обороны.",
        "👉 Наш канал опубликовал расследование о коррупции в министерстве обороны.",
        "Поддержать канал решили многие читатели, пожертвовавшие деньги на ремонт.",
        "Подписаться под письмом готовы не все депутаты.",
        "Подписывайтесь на канал, — призвал депутат своих избирателей и добавил, что это важно для страны.",
        "Читатели обсуждают пост по ссылке t.me/rybar/1234",
        "t.me/rybar/1234",
    ],
)
def test_prose_that_mentions_a_channel_stays(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Зеленский опять просит денег\n\n{BODY}\n\n{line}\n\n{SECOND}", quiet)
    assert article.body == f"{BODY}\n\n{line}\n\n{SECOND}"


def test_a_call_paragraph_in_a_page_goes() -> None:
    blocks = [BODY, "👉 Подписывайтесь на канал: https://t.me/voennaya_hronika", SECOND]
    assert clean_blocks(blocks, title=None, page="").paragraphs == [BODY, SECOND]


# --- Bulgarian and Ukrainian genre labels --------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "genre"),
    [
        ("Анализ", "analysis"),
        ("Мнение", "opinion"),
        ("Новини", "news"),
        ("Коментар", "commentary"),
        ("Аналітика", "analysis"),
        ("Думка", "opinion"),
        ("Колонка", "column"),
    ],
)
def test_a_bulgarian_or_ukrainian_genre_label_above_a_dateline(
    quiet: Settings, label: str, genre: str
) -> None:
    """ "Анализ" had stayed in the body and kept the dateline under it from being read."""
    body = "Северноатлантическият алианс увеличава военното си присъствие в Черноморския регион."
    text = f"НАТО разширява присъствието си в Черно море\n\n{label}\n\n10.05.2022, София.\n\n{body}"
    article = parse_plain_text(text, quiet)
    assert (article.title, article.genre_tag, article.published, article.place, article.body) == (
        "НАТО разширява присъствието си в Черно море",
        genre,
        date(2022, 5, 10),
        "София",
        body,
    )
