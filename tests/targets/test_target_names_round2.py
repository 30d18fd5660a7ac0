"""Audit contrast35, second round: non-names, merged and glued persons, capitals, lone narrative matches."""

from __future__ import annotations

import pytest

from propwatch.domain import Span
from propwatch.targets.aliases import AliasCatalogue
from propwatch.targets.extraction import extract_mentions, plausible_name
from propwatch.targets.linking import TargetMention, build_profiles
from propwatch.targets.ner import NerMention
from target_ner_fixture import FixedNer


def _tagged(text: str, *forms: tuple[str, str]) -> FixedNer:
    """A tagger that finds each (surface, type) at its first place in ``text``."""
    return FixedNer(*(NerMention(text.index(f), text.index(f) + len(f), kind) for f, kind in forms))


def _names(text: str, language: str, catalogue: AliasCatalogue, ner: FixedNer) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.name) for m in extract_mentions(text, language, catalogue, ner)]


@pytest.mark.parametrize(
    ("form", "language", "plausible"),
    [
        ("QR code", "en", False),  # a common noun after an acronym
        ("Krieg einzumischen", "de", False),  # the tagger ran on into a clause
        ("Pandemie unseren Alltag", "de", False),
        ("Corona trotz Spritze", "de", False),
        ("Sogar Mainstream-Experten", "de", False),  # a sentence opener
        ("Bank of England", "en", True),
        ("Osama bin Laden", "en", True),
        ("Reporter ohne Grenzen", "de", True),
        ("Institut der deutschen Wirtschaft", "de", True),
        ("Bild am Sonntag", "de", True),
        ("Assemblée nationale", "fr", True),  # French and Italian keep their one lower-case word
    ],
)
def test_a_lower_case_word_that_joins_nothing_is_no_part_of_a_name(
    form: str, language: str, plausible: bool
) -> None:
    assert plausible_name(form, language) is plausible


def test_german_common_nouns_are_no_targets_but_names_and_governments_are(catalogue: AliasCatalogue) -> None:
    text = (
        "Die Testerei nervt. Die Kontaktreduktion wirkt. Die Pandemie ist vorbei. Die Omikron-Infektion "
        "verläuft mild. Die Bundesregierung schweigt. Sibirien ist kalt. Vonovia baut."
    )
    ner = _tagged(
        text,
        ("Testerei", "ORG"),
        ("Kontaktreduktion", "LOC"),
        ("Pandemie", "ORG"),
        ("Omikron-Infektion", "ORG"),
        ("Bundesregierung", "ORG"),
        ("Sibirien", "LOC"),
        ("Vonovia", "ORG"),
    )
    assert [name for _, name in _names(text, "de", catalogue, ner)] == [
        "Bundesregierung",
        "Sibirien",
        "Vonovia",
    ]


def test_the_earth_and_a_russian_phrase_natasha_ran_together_are_no_targets(
    catalogue: AliasCatalogue,
) -> None:
    text = "They wiped it off the face of the Earth."
    assert _names(text, "en", catalogue, _tagged(text, ("Earth", "LOC"))) == []
    text = "Херсонская и Запорожская области, Мурманская область и Украина 2.0."
    ner = _tagged(text, ("Запорожская области", "LOC"), ("Мурманская область", "LOC"), ("Украина 2.0", "ORG"))
    assert _names(text, "ru", catalogue, ner) == [
        ("Мурманская область", "Мурманская область"),
        ("Украина", "Ukraine"),  # a number after a catalogued name makes no other name
    ]


def test_full_names_with_the_same_first_and_last_word_are_one_person(catalogue: AliasCatalogue) -> None:
    text = "Barack Obama met Iran. Barack Hussein Obama lied. Obama is a traitor."
    ner = _tagged(text, ("Barack Obama", "PER"), ("Barack Hussein Obama", "PER"), ("Obama is", "PER"))
    ner.mentions[-1] = NerMention(text.rindex("Obama"), text.rindex("Obama") + 5, "PER")
    assert {name for _, name in _names(text, "en", catalogue, ner)} == {"Barack Obama"}
    # Two longer names with other middle names are two people: father and son.
    text = "George W. Bush and George H. W. Bush met."
    ner = _tagged(text, ("George W. Bush", "PER"), ("George H. W. Bush", "PER"))
    assert {name for _, name in _names(text, "en", catalogue, ner)} == {"George W. Bush", "George H. W. Bush"}


def test_a_surname_glued_before_a_catalogued_person_is_another_person(catalogue: AliasCatalogue) -> None:
    text = "Steve Rosenberg fragte. Dennoch durfte Rosenberg Lawrow auch jetzt kritische Fragen stellen."
    ner = _tagged(text, ("Steve Rosenberg", "PER"), ("Rosenberg Lawrow", "PER"))
    assert _names(text, "de", catalogue, ner) == [
        ("Steve Rosenberg", "Steve Rosenberg"),
        ("Rosenberg", "Steve Rosenberg"),
        ("Lawrow", "Sergey Lavrov"),
    ]
    # A first name before a catalogued surname stays another person of the family.
    text = "Hunter Biden schwieg."
    assert _names(text, "de", catalogue, _tagged(text, ("Hunter Biden", "PER"))) == [
        ("Hunter Biden", "Hunter Biden")
    ]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("it", "Ankara ha accusato più volte Atene.", ["Turkey", "Greece"]),
        ("en", "Tehran and Beijing back Moscow.", ["Iran", "China", "Russia"]),
        ("de", "Berlin, Warschau und Budapest streiten.", ["Germany", "Poland", "Hungary"]),
        ("pl", "Nie Moskwa, ale Berlin i Warszawa.", ["Russia", "Germany", "Poland"]),
        ("ru", "Анкара и Афины спорят, а в Тегеране молчат.", ["Turkey", "Greece", "Iran"]),
        ("fr", "Paris et Londres hésitent.", ["France", "United Kingdom"]),
        # The city, not its state: another name, a lower-case noun or a number after, a mayor before.
        ("en", "Paris Hilton saw the Berlin wall, the Paris agreement and London Breed.", []),
        ("en", "Paris 2024 and Minsk-2; the mayor of London spoke.", []),
        ("fr", "Les accords de Minsk et la mairie de Paris.", []),
        ("pl", "Prezydent Warszawy przemawiał.", []),
        ("ru", "Мэр Лондона выступил.", []),
    ],
)
def test_capitals_stand_for_their_states(
    catalogue: AliasCatalogue, language: str, text: str, expected: list[str]
) -> None:
    assert [m.entity.name for m in catalogue.find(text, language)] == expected


def test_capitals_of_countries_the_cldr_names_leave_english_names_to_ner(catalogue: AliasCatalogue) -> None:
    assert catalogue.lookup("Hungary", "en") is None
    assert catalogue.lookup("Węgier", "pl").name == "Hungary"  # type: ignore[union-attr]
    assert catalogue.lookup("Teheran", "de").name == "Iran"  # type: ignore[union-attr]


def _narrative(text: str, sentence: str, narrative: str = "west-provokes-russia-to-blame-it") -> Span:
    start = text.index(sentence)
    return Span(
        start=start, end=start + len(sentence), label=f"narrative:{narrative}", score=0.85, analyzer="n"
    )


def test_one_narrative_sentence_alone_decides_no_stance() -> None:
    text = "The US diplomats fell ill in Cuba. The US embassy was closed. The US helps."
    mentions = [TargetMention(i, i + 2, "United States") for i in (4, 39, 63)]
    attacks = {
        "west-provokes-russia-to-blame-it": frozenset({"United States"}),
        "other": frozenset({"United States"}),
    }
    first = _narrative(text, "The US diplomats fell ill in Cuba.")
    praise = Span(
        start=text.index("helps"), end=len(text) - 1, label="Appeal_to_Values", score=0.3, analyzer="t"
    )

    def us(*narratives: Span, techniques: tuple[Span, ...] = ()) -> tuple[str, float]:
        profile = next(
            p
            for p in build_profiles(
                text, "en", mentions, list(techniques), narratives=narratives, narrative_attacks=attacks
            )
            if p.name == "United States"
        )
        return profile.stance, profile.attack

    assert us(first) == ("neutral", 0.0)  # shown as evidence, decides nothing
    assert us(first, techniques=(praise,))[0] == "praised"  # no longer outweighed by one match
    # Two matches of two different narratives are still two lone matches.
    other = _narrative(text, "The US embassy was closed.", "other")
    assert us(first, other)[0] == "neutral"
    # One narrative matching two sentences, or a technique span attacking the target too, decides.
    again = _narrative(text, "The US embassy was closed.")
    assert us(first, again) == ("attacked", pytest.approx(1.7))
    doubt = Span(
        start=text.index("closed"), end=text.index("closed") + 6, label="Doubt", score=0.2, analyzer="t"
    )
    assert us(first, techniques=(doubt,)) == ("attacked", pytest.approx(1.05))
