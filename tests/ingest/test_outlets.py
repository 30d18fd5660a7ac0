"""The outlet gazetteer and the "newspaper X" / "news agency X" patterns."""

from __future__ import annotations

import pytest

from propwatch.ingest.outlets import AMBIGUOUS, OUTLETS, canonical_outlet, find_quoted_outlets


def test_gazetteer_is_large_and_consistent() -> None:
    assert len(OUTLETS) >= 150
    aliases = [alias for canonical, names in OUTLETS.items() for alias in (canonical, *names)]
    for name in AMBIGUOUS:
        assert name in aliases, f"{name} is marked ambiguous but is no alias"
    # One alias, one outlet: the same spelling must not lead to two canonical names.
    seen: dict[str, str] = {}
    for canonical, names in OUTLETS.items():
        for alias in (canonical, *names):
            assert seen.setdefault(alias, canonical) == canonical, alias


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Spanish newspaper El País published the answers", ("El Pais",)),
        ("the Spanish newspaper El Pais published the answers", ("El Pais",)),
        ("Reuters and the Associated Press reported", ("Reuters", "Associated Press")),
        ("(AP) and AFP said, as did Agence France-Presse", ("Associated Press", "AFP")),
        ("TASS and RIA Novosti quoted Interfax", ("TASS", "RIA Novosti", "Interfax")),
        ("Sputnik and RT aired it; Russia Today again", ("Sputnik", "RT")),
        ("BBC, CNN and The New York Times disagreed with The Washington Post", None),
        ("The Guardian, Der Spiegel and Le Monde wrote", ("The Guardian", "Der Spiegel", "Le Monde")),
        ("Politico and Fox News; Al Jazeera and Xinhua", ("Politico", "Fox News", "Al Jazeera", "Xinhua")),
        ("Izvestia, Kommersant and Rossiyskaya Gazeta", ("Izvestia", "Kommersant", "Rossiyskaya Gazeta")),
        ("Как сообщает ТАСС, а также «Коммерсантъ»", ("TASS", "Kommersant")),
        ("according to Bloomberg, the deal is off", ("Bloomberg",)),
        ("the German tabloid Bild reported", ("Bild",)),
        ("the newspaper Süddeutsche Zeitung and the SZ", ("Süddeutsche Zeitung",)),
    ],
)
def test_gazetteer_finds_canonical_names_in_order(text: str, expected: tuple[str, ...] | None) -> None:
    if expected is None:
        expected = ("BBC", "CNN", "The New York Times", "The Washington Post")
    assert find_quoted_outlets(text) == expected


def test_deduplicated_by_first_mention() -> None:
    text = "El Pais said so. Reuters agreed. El País repeated it, and so did Reuters."
    assert find_quoted_outlets(text) == ("El Pais", "Reuters")


@pytest.mark.parametrize(
    "text",
    [
        "The Atlantic ocean is wide and Time flies.",
        "Michael Bloomberg spoke to voters.",
        "Das Bild zeigt die Welt. Die Welt ist groß.",
        "The Vice President arrived.",
        "Please RT @someone if you agree.",
        "Shares of the APPLE group rose; rap artists and party guests.",
        "The sun rose over the hill as the nation slept.",
    ],
)
def test_ambiguous_words_need_a_cue(text: str) -> None:
    assert find_quoted_outlets(text) == ()


def test_ambiguous_names_count_with_a_cue() -> None:
    text = "An essay in The Atlantic and a cover of Time magazine; The Hill reported."
    assert find_quoted_outlets(text) == ("The Atlantic", "Time", "The Hill")


def test_uppercase_dateline_agency() -> None:
    assert find_quoted_outlets("MOSCOW (REUTERS) - talks") == ("Reuters",)


def test_names_inside_words_do_not_match() -> None:
    assert find_quoted_outlets("CNNs, TASSology and Reutersville") == ()


def test_cue_patterns_find_unknown_outlets() -> None:
    text = (
        "The Ukrainian news agency Ukrinform and the newspaper Kyivskyi Visnyk reported it, "
        "as did the Serbian daily Vecernje Novosti."
    )
    assert find_quoted_outlets(text) == ("Ukrinform", "Kyivskyi Visnyk", "Vecernje Novosti")


def test_cue_pattern_names_keep_their_accents_and_quotes() -> None:
    assert find_quoted_outlets("selon le quotidien Le Télégramme, hier") == ("Le Télégramme",)
    assert find_quoted_outlets("пишет газета «Вечерняя Москва»") == ("Вечерняя Москва",)


def test_cue_followed_by_prose_is_not_a_name() -> None:
    assert find_quoted_outlets("the newspaper On Monday said so; the magazine This week wrote") == ()
    assert find_quoted_outlets("the newspaper said, the news agency reported") == ()


def test_canonical_outlet() -> None:
    assert canonical_outlet("El País") == "El Pais"
    assert canonical_outlet("Agence France Presse") == "AFP"
    assert canonical_outlet("Nowhere Gazette") is None
