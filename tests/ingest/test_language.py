"""Language tags read as ISO 639-1 codes, and offline identification."""

from __future__ import annotations

import pytest

from propwatch.ingest.language import identify_language, language_code


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en", "en"),
        ("EN-gb", "en"),
        ("pt_BR", "pt"),
        (" ru ", "ru"),
        ("zh-Hant-TW", "zh"),
        ("eng", "en"),  # ISO 639-2/T
        ("ger", "de"),  # ISO 639-2/B
        ("ch", "ch"),  # in ISO 639-1 though CLDR has no locale data for it
        ("xx", None),
        ("english", None),
        ("fil", None),  # ISO 639-2 without a two-letter code
        ("", None),
        ("e", None),
    ],
)
def test_language_code(tag: str, code: str | None) -> None:
    assert language_code(tag) == code


def test_identify_language_says_nothing_on_too_little_text() -> None:
    assert identify_language("NATO.") is None
    assert (
        identify_language("Die Bundesregierung hat am Montag neue Sanktionen gegen Russland beschlossen.")
        == "de"
    )


def test_a_text_in_capitals_has_a_language() -> None:
    """Read as written, a rant in capitals had come out as Igbo at 3 % confidence: no language."""
    shouted = (
        "WAKE UP PEOPLE! NATO IS LYING TO YOU AGAIN\n"
        "\n"
        "THE GLOBALIST ELITES IN WASHINGTON AND BRUSSELS WANT WAR WITH RUSSIA AND THEY WILL "
        "SACRIFICE YOUR SONS FOR IT. EVERY SINGLE NEWSPAPER IS BOUGHT AND PAID FOR BY THE SAME "
        "CORRUPT PUPPET MASTERS WHO HAVE BEEN DESTROYING OUR COUNTRY FOR DECADES.\n"
        "\n"
        "THE US GOVERNMENT FUNDS BIOLABS IN UKRAINE AND NOBODY IN THE MAINSTREAM MEDIA WILL TELL "
        "YOU THE TRUTH. ASK YOURSELF WHY THEY ARE SO AFRAID OF QUESTIONS. THEY CALL US CONSPIRACY "
        "THEORISTS BECAUSE THEY KNOW WE ARE RIGHT.\n"
        "\n"
        "SHARE THIS BEFORE IT IS DELETED! #StopNATO #WakeUp\n"
    )
    assert identify_language(shouted) == "en"
