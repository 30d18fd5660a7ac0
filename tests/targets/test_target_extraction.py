"""Target mentions from NER + the alias catalogue, in English (spaCy) and Russian (natasha)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from propwatch.targets.aliases import AliasCatalogue
from propwatch.targets.extraction import Mention, extract_mentions, plausible_name
from propwatch.targets.ner import NatashaBackend, NerMention, SpacyBackend
from target_ner_fixture import FixedNer as _FixedNer

# Written for these tests.
ENGLISH = (
    "George Washington never met the Washington Post editors. Washington and NATO's generals blamed "
    "Gazprom, and Gazprom's chief Alexei Miller said Miller would answer the Russians on 03.02.2022."
)
RUSSIAN = (
    "США и НАТО давят на Россию. В России ответили Вашингтону. "
    "Глава Газпрома Алексей Миллер заявил, что Миллера не смутили санкции, а Газпром промолчал."
)


@pytest.fixture(scope="module")
def spacy_backend() -> SpacyBackend:
    return SpacyBackend()


@pytest.fixture(scope="module")
def natasha_backend() -> NatashaBackend:
    return NatashaBackend()


def _found(text: str, mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.name) for m in mentions]


def test_english_mentions(catalogue: AliasCatalogue, spacy_backend: SpacyBackend) -> None:
    mentions = extract_mentions(ENGLISH, "en", catalogue, spacy_backend)
    found = _found(ENGLISH, mentions)
    # The longer names around "Washington" win; the metonym alone is the United States.
    assert ("George Washington", "George Washington") in found
    assert ("Washington", "United States") in found
    assert sum(name == "United States" for _, name in found) == 1
    assert ("NATO", "NATO") in found  # the possessive is not part of the mention
    assert [name for surface, name in found if surface.startswith("Gazprom")] == ["Gazprom", "Gazprom"]
    assert ("Alexei Miller", "Alexei Miller") in found and ("Miller", "Alexei Miller") in found
    assert ("Russians", "Russians") in found
    assert not any(s.startswith("03") for s, _ in found)  # a date is no target
    assert all(ENGLISH[m.start : m.end] == ENGLISH[m.start : m.end].strip() for m in mentions)


def test_russian_mentions_merge_by_lemma(catalogue: AliasCatalogue, natasha_backend: NatashaBackend) -> None:
    found = _found(RUSSIAN, extract_mentions(RUSSIAN, "ru", catalogue, natasha_backend))
    assert found[:5] == [
        ("США", "United States"),
        ("НАТО", "NATO"),
        ("Россию", "Russia"),
        ("России", "Russia"),
        ("Вашингтону", "United States"),
    ]
    gazprom = [name for surface, name in found if surface.startswith("Газпром")]
    assert gazprom == ["Газпром", "Газпром"]  # "Газпрома" merged under the nominative
    assert ("Миллера", "Алексей Миллер") in found  # the surname alone joins the full name


def test_catalogue_wins_over_a_shorter_or_partial_entity(catalogue: AliasCatalogue) -> None:
    text = "The United States Army left."
    # NER says "States Army": partial overlap with the catalogue's "United States" → catalogue wins.
    ner = _FixedNer(NerMention(text.index("States"), text.index(" left"), "ORG"))
    assert _found(text, extract_mentions(text, "en", catalogue, ner)) == [("United States", "United States")]


def test_no_backend_means_catalogue_only_and_unlisted_russian_names_get_the_nominative(
    catalogue: AliasCatalogue,
) -> None:
    assert _found("Die NATO tagt.", extract_mentions("Die NATO tagt.", "de", catalogue, None)) == [
        ("NATO", "NATO")
    ]
    text = "Эксперты Сколкова спорят. В Сколково молчат."
    spans = [NerMention(9, 17, "ORG"), NerMention(text.index("Сколково"), text.index(" молчат"), "ORG")]
    names = {name for _, name in _found(text, extract_mentions(text, "ru", catalogue, _FixedNer(*spans)))}
    assert len(names) == 1


def test_unlisted_russian_names_are_shown_in_the_nominative_and_titled_names_reach_the_catalogue(
    catalogue: AliasCatalogue,
) -> None:
    text = "Слова Марии Захаровой повторил Президент В.В. Путин. Захаровой никто не ответил."
    entities = [
        NerMention(text.index("Марии"), text.index(" повторил"), "PER"),
        NerMention(text.index("Президент"), text.index(". Захаровой"), "PER"),
        NerMention(text.rindex("Захаровой"), text.index(" никто"), "PER"),
    ]
    found = _found(text, extract_mentions(text, "ru", catalogue, _FixedNer(*entities)))
    # "Мария Захаров" (the lemmas) would make her a man; the surname alone joins the full name.
    assert [name for _, name in found].count("Мария Захарова") == 2
    assert ("Путин", "Vladimir Putin") in found  # neither the title nor the initials hide him
    assert not any("В.В." in name or "Президент" in name for _, name in found)


def test_unlisted_russian_names_merge_by_their_reading_as_names(catalogue: AliasCatalogue) -> None:
    text = (
        "Пресс-секретарь Дмитрий Песков напомнил о гарантиях. Пескову задали вопрос о Буче. "
        "Войска покинули Бучу в марте, сказал вице-премьер Александра Новака помощник."
    )
    entities = [("Дмитрий Песков", "PER"), ("Пескову", "PER"), ("Буче", "LOC"), ("Бучу", "LOC")]
    ner = _tagged(text, *entities, ("Александра Новака", "PER"))
    found = _found(text, extract_mentions(text, "ru", catalogue, ner))
    assert found == [
        ("Дмитрий Песков", "Дмитрий Песков"),
        ("Пескову", "Дмитрий Песков"),  # the surname, not "песок": it joins the full name
        ("Буче", "Буча"),
        ("Бучу", "Буча"),  # a place, not the verb "бучить"
        ("Александра Новака", "Александр Новак"),  # Alexander Novak in the genitive
    ]


def test_a_womans_name_with_an_indeclinable_surname_stays_hers_and_a_surname_is_no_plural(
    catalogue: AliasCatalogue,
) -> None:
    text = (
        "Художница Александра Скочиленко приговорена. Скочиленко вину не признала. "
        "Игорь Стрелков раскритиковал руководство. Стрелкова поддержали военкоры, а Стрелкову ответили."
    )
    entities = [("Александра Скочиленко", "PER"), ("Игорь Стрелков", "PER"), ("Стрелкова", "LOC")]
    ner = _tagged(text, *entities, ("Стрелкову", "PER"))
    names = [name for _, name in _found(text, extract_mentions(text, "ru", catalogue, ner))]
    assert names == ["Александра Скочиленко", "Игорь Стрелков", "Игорь Стрелков", "Игорь Стрелков"]


def test_a_russian_surname_the_tagger_takes_for_a_place_joins_the_full_name(
    catalogue: AliasCatalogue,
) -> None:
    text = "Дмитрий Песков ответил. Песков добавил, что Кремль не согласен."
    alone = text.rindex("Песков")
    ner = _FixedNer(_entity(text, "Дмитрий Песков", "PER"), NerMention(alone, alone + len("Песков"), "LOC"))
    names = [name for _, name in _found(text, extract_mentions(text, "ru", catalogue, ner))]
    assert names.count("Дмитрий Песков") == 2  # as "Stoltenberg" joins "Jens Stoltenberg" in English


def test_a_russian_place_or_organisation_that_is_one_adjective_is_no_target(
    catalogue: AliasCatalogue,
) -> None:
    text = "Безвизовый статус помог, а президента Зеленского критикуют."
    entities = [
        NerMention(0, len("Безвизовый"), "LOC"),
        NerMention(text.index("Зеленского"), text.index(" критикуют"), "PER"),
    ]
    names = [name for _, name in _found(text, extract_mentions(text, "ru", catalogue, _FixedNer(*entities)))]
    assert "Безвизовый" not in names
    assert names  # the person stays (here the catalogue's Zelensky)


def test_empty_text_has_no_mentions(catalogue: AliasCatalogue, tmp_path: Path) -> None:
    assert extract_mentions("", "en", catalogue, _FixedNer()) == []


@pytest.mark.parametrize(
    ("form", "plausible"),
    [
        ("Greta Thunberg", True),
        ("Organisation for Security and Co-operation in Europe", True),
        ("Assemblée nationale", True),
        ("La Repubblica", True),
        ("St. Petersburg", True),
        ("Bundesamt für Migration und Flüchtlinge", True),
        ("La dévotion de Greta Thunberg", False),  # an article before a common noun
        ("La giustificazione della FDA fu la seguente", False),
        ("pion, ou l’Establishment de Grande-Bretagne", False),  # clause punctuation
        ("islamische Migrantenheer: Nach", False),
        ("Alpha Beta Gamma Delta Epsilon Zeta", False),  # six words: a clause, not a name
        ("l’Ukraine", True),
        ("de Gaulle", True),
        ("soif de pouvoir et de richesse", False),  # a name starts with a capital
        ("d’accumulation de capital", False),
        ("États clients de la", False),  # nor ends on a stop word
        ("perverse de destruction du politique", False),
        ("Ranking najbardziej zanieczyszczających elektrowni", False),  # lower-case words: a phrase
        ("Perché il putsch di Maidan", False),  # a sentence opener
        ("Damit Deutschland", False),
        ("1957 roku", False),
        ("3M", True),
        ("al-Qaeda", True),
        ("Украинский аналитический центр", True),  # Russian names keep the other words in lower case
    ],
)
def test_a_tagged_entity_must_read_like_a_name(form: str, plausible: bool) -> None:
    assert plausible_name(form) is plausible


@pytest.mark.parametrize(
    ("form", "language", "plausible"),
    [
        ("Ich", "de", False),  # a stop word of the language first
        ("Oni", "pl", False),
        ("Da Stalin", "it", False),
        ("Die Linke", "de", True),  # an article may open a name
        ("UNO", "it", True),  # so may an acronym
        ("Da Stalin", None, True),  # no list for an unknown language
    ],
)
def test_a_name_does_not_open_with_a_stop_word(form: str, language: str | None, plausible: bool) -> None:
    assert plausible_name(form, language) is plausible


def test_clauses_the_tagger_takes_for_names_are_no_targets(catalogue: AliasCatalogue) -> None:
    text = "La dévotion de Greta Thunberg inquiète. « GdW » proteste, dit Greta Thunberg (GT)."
    spans = [
        NerMention(0, text.index(" inquiète"), "PER"),
        NerMention(text.index("« GdW »"), text.index(" proteste"), "ORG"),
        NerMention(text.rindex("Greta"), len(text) - 1, "PER"),
    ]
    found = _found(text, extract_mentions(text, "fr", catalogue, _FixedNer(*spans)))
    assert found == [("GdW", "GdW"), ("Greta Thunberg", "Greta Thunberg")]  # quotes, "(GT)" trimmed


def test_an_article_or_a_list_around_catalogued_names_does_not_hide_them(catalogue: AliasCatalogue) -> None:
    text = "Les États-Unis et l'OTAN veulent le chaos. La Russie répond, selon La Repubblica."
    spans = [
        NerMention(0, text.index(" veulent"), "ORG"),  # a list the tagger read as one name
        NerMention(text.index("La Russie"), text.index(" répond"), "LOC"),
        NerMention(text.index("La Repubblica"), len(text) - 1, "ORG"),  # a name with its article
    ]
    found = _found(text, extract_mentions(text, "fr", catalogue, _FixedNer(*spans)))
    assert found == [
        ("États-Unis", "United States"),
        ("OTAN", "NATO"),
        ("Russie", "Russia"),
        ("La Repubblica", "La Repubblica"),
    ]


def test_an_implausible_entity_around_a_catalogued_name_leaves_the_name(catalogue: AliasCatalogue) -> None:
    text = "Stati membri della NATO tacciono."
    ner = _FixedNer(NerMention(0, text.index(" tacciono"), "ORG"))  # a phrase, opening with a stop word
    assert _found(text, extract_mentions(text, "it", catalogue, ner)) == [("NATO", "NATO")]


def _entity(text: str, phrase: str, kind: str = "ORG") -> NerMention:
    return NerMention(text.index(phrase), text.index(phrase) + len(phrase), kind)


def test_a_tagger_that_runs_on_past_an_inflected_catalogued_name_leaves_the_name(
    catalogue: AliasCatalogue,
) -> None:
    text = "Moskaus Diplomaten schweigen. In Washingtons Augen ist Russlands Krieg ein Fehler."
    ner = _FixedNer(
        _entity(text, "Moskaus Diplomaten schweigen"),
        _entity(text, "Washingtons Augen", "LOC"),
        _entity(text, "Russlands Krieg ein Fehler", "MISC"),
    )
    assert [name for _, name in _found(text, extract_mentions(text, "de", catalogue, ner))] == [
        "Russia",
        "United States",
        "Russia",
    ]
    text = "Putinowi grozi Haga."
    ner = _FixedNer(_entity(text, "Putinowi grozi Haga", "PER"))
    assert [name for _, name in _found(text, extract_mentions(text, "pl", catalogue, ner))] == [
        "Vladimir Putin"
    ]
    text = "Laut Joe Biden Russland bedroht den Frieden."  # two catalogued names run together
    ner = _FixedNer(_entity(text, "Joe Biden Russland", "PER"))
    names = [name for _, name in _found(text, extract_mentions(text, "de", catalogue, ner))]
    assert names == ["Joe Biden", "Russia"]
    # A person's name may end with an inflected place name: "Джорджа Вашингтона" is not the United States.
    text = "Портрет Джорджа Вашингтона висит в зале."
    ner = _FixedNer(_entity(text, "Джорджа Вашингтона", "PER"))
    assert [name for _, name in _found(text, extract_mentions(text, "ru", catalogue, ner))] == [
        "Джордж Вашингтон"
    ]


def test_common_words_the_tagger_takes_for_names_are_no_targets(catalogue: AliasCatalogue) -> None:
    # German capitalises every noun: a word this text also writes after "eine", "dieser", "unserer" or
    # after an article and an adjective is a common noun; month names are no targets in any language.
    text = (
        "Der andauernde Krieg trifft die Region. Im Juli sprach Wjazowski über Krieg und eine Region, "
        "die SoZ berichtete aus Dresden."
    )
    words = ["Krieg", "Region", "Juli", "Wjazowski", "SoZ", "Dresden"]
    spans = [
        NerMention(m.start(), m.end(), "ORG" if w != "Wjazowski" else "PER")
        for w in words
        for m in re.finditer(w, text)
    ]
    names = {m.name for m in extract_mentions(text, "de", catalogue, _FixedNer(*spans))}
    assert names == {"Wjazowski", "SoZ", "Dresden"}
    # the same nouns without such a context stay (the tagger's reading is all there is to go on)
    text = "Krieg trifft die Region Dresden."
    spans = [NerMention(0, 5, "ORG"), NerMention(text.index("Region"), text.index(" Dresden"), "LOC")]
    assert {m.name for m in extract_mentions(text, "de", catalogue, _FixedNer(*spans))} == {"Krieg", "Region"}
    text = "В июле Лавров сказал."
    spans = [NerMention(2, 7, "ORG")]
    assert [m.name for m in extract_mentions(text, "ru", catalogue, _FixedNer(*spans))] == ["Sergey Lavrov"]


def test_a_person_ends_at_the_last_capitalised_word(catalogue: AliasCatalogue) -> None:
    text = "Jak mówi Władimir Putin często, a Jan Kowalski zawsze milczy."
    spans = [
        NerMention(text.index("Władimir"), text.index(", a"), "PER"),
        NerMention(text.index("Jan"), text.index(" milczy"), "PER"),
    ]
    found = extract_mentions(text, "pl", catalogue, _FixedNer(*spans))
    assert [(text[m.start : m.end], m.name) for m in found] == [
        ("Władimir Putin", "Vladimir Putin"),
        ("Jan Kowalski", "Jan Kowalski"),
    ]


def test_a_person_starts_at_its_first_capitalised_word_or_particle(catalogue: AliasCatalogue) -> None:
    text = "Le ministre Jean Dupont a salué la présidente von der Leyen et il presidente Mario Draghi."
    spans = [
        NerMention(text.index("ministre"), text.index(" a salué"), "PER"),
        NerMention(text.index("présidente"), text.index(" et il"), "PER"),
        NerMention(text.index("presidente"), text.index("."), "PER"),
    ]
    found = extract_mentions(text, "fr", catalogue, _FixedNer(*spans))
    assert [text[m.start : m.end] for m in found] == ["Jean Dupont", "von der Leyen", "Mario Draghi"]


def test_a_patronymic_or_a_title_does_not_hide_a_catalogued_person(catalogue: AliasCatalogue) -> None:
    text = "Владимир Владимирович Путин выступил."
    ner = _FixedNer(_entity(text, "Владимир Владимирович Путин", "PER"))
    assert [name for _, name in _found(text, extract_mentions(text, "ru", catalogue, ner))] == [
        "Vladimir Putin"
    ]
    text = "Die Kommissionspräsidentin Ursula von der Leyen sprach."
    ner = _FixedNer(_entity(text, "Kommissionspräsidentin Ursula von der Leyen", "PER"))
    assert [name for _, name in _found(text, extract_mentions(text, "de", catalogue, ner))] == [
        "Ursula von der Leyen"
    ]
    assert [
        name
        for _, name in _found(
            "The E.U. said no.", extract_mentions("The E.U. said no.", "en", catalogue, None)
        )
    ] == ["European Union"]


def test_a_phrase_opening_with_a_month_is_no_target_but_a_person_may_be_named_so(
    catalogue: AliasCatalogue,
) -> None:
    text = "Juli 2022 in der Zeitung Unsere Zeit. Juli Zeh schreibt."
    ner = _FixedNer(
        _entity(text, "Juli 2022 in der Zeitung Unsere Zeit", "MISC"), _entity(text, "Juli Zeh", "PER")
    )
    assert [name for _, name in _found(text, extract_mentions(text, "de", catalogue, ner))] == ["Juli Zeh"]


def test_a_title_alone_is_no_target(catalogue: AliasCatalogue) -> None:
    text = "Gen. Waleri Gerassimow sprach."
    ner = _FixedNer(_entity(text, "Gen", "PER"), _entity(text, "Waleri Gerassimow", "PER"))
    assert [name for _, name in _found(text, extract_mentions(text, "de", catalogue, ner))] == [
        "Waleri Gerassimow"
    ]


def _tagged(text: str, *entities: tuple[str, str]) -> _FixedNer:
    return _FixedNer(
        *(NerMention(text.index(form), text.index(form) + len(form), kind) for form, kind in entities)
    )


@pytest.mark.parametrize(
    ("text", "language", "entities", "expected"),
    [
        # A curly possessive ends the name: not "Trump’s Stalinist".
        (
            "President Trump’s Stalinist statements shocked everyone.",
            "en",
            [("Trump’s Stalinist", "PER")],
            [("Trump", "Donald Trump")],
        ),
        # Titles before a name, abbreviated, inflected or compound.
        (
            "Bill Gates parle. M. Gates insiste.",
            "fr",
            [("Bill Gates", "PER"), ("M. Gates", "PER")],
            [("Bill Gates", "Bill Gates"), ("Gates", "Bill Gates")],
        ),
        (
            "Christian Lindner sprach. Dann kam Herrn Lindner nichts mehr ein. "
            "Verkehrsminister Grant Shapps schwieg.",
            "de",
            [
                ("Christian Lindner", "PER"),
                ("Herrn Lindner", "PER"),
                ("Verkehrsminister Grant Shapps", "PER"),
            ],
            [
                ("Christian Lindner", "Christian Lindner"),
                ("Lindner", "Christian Lindner"),
                ("Grant Shapps", "Grant Shapps"),
            ],
        ),
        # A surname the tagger typed otherwise, and a German genitive, join the full name.
        (
            "Al Franken groped her. Franken is a creep.",
            "en",
            [("Al Franken", "PER"), ("Franken", "LOC")],
            [("Al Franken", "Al Franken"), ("Franken", "Al Franken")],
        ),
        (
            "Boris Johnson trat zurück. Johnsons Nachfolger schweigt.",
            "de",
            [("Boris Johnson", "PER"), ("Johnsons", "PER")],
            [("Boris Johnson", "Boris Johnson"), ("Johnsons", "Boris Johnson")],
        ),
        # A group's label is no target: the technique span aims past it.
        (
            "The regime is run by neo-Nazis and Globalists.",
            "en",
            [("neo-Nazis", "GROUP"), ("Globalists", "GROUP")],
            [],
        ),
    ],
)
def test_names_after_titles_possessives_and_labels(
    catalogue: AliasCatalogue,
    text: str,
    language: str,
    entities: list[tuple[str, str]],
    expected: list[tuple[str, str]],
) -> None:
    assert _found(text, extract_mentions(text, language, catalogue, _tagged(text, *entities))) == expected


def test_a_word_in_capitals_stays_a_word_when_the_tagger_takes_it_for_a_name(
    catalogue: AliasCatalogue,
) -> None:
    text = "LET US PRAY for peace. The US sanctions hurt."
    tagged = _FixedNer(
        NerMention(4, 6, "LOC"), NerMention(text.index("US sanctions"), text.index(" sanctions"), "LOC")
    )
    assert _found(text, extract_mentions(text, "en", catalogue, tagged)) == [("US", "United States")]
    assert extract_mentions(text, "en", catalogue, tagged)[0].start == text.index("US sanctions")


def test_the_west_bank_is_not_the_west(catalogue: AliasCatalogue) -> None:
    text = "Settlements in the West Bank grow. The West lies again."
    assert _found(text, extract_mentions(text, "en", catalogue, None)) == [("The West", "the West")]


def test_italian_papers_write_acronyms_in_title_case(catalogue: AliasCatalogue) -> None:
    text = "Gli Usa e l'Ue chiedono all'Onu di agire."
    assert _found(text, extract_mentions(text, "it", catalogue, None)) == [
        ("Usa", "United States"),
        ("Ue", "European Union"),
        ("Onu", "United Nations"),
    ]


def test_polish_cases_of_the_catalogues_persons(catalogue: AliasCatalogue) -> None:
    text = "Rozmawiał z Joe Bidenem, Emmanuelem Macronem i Wołodymyrem Zełenskim o Olafie Scholzu."
    assert [name for _, name in _found(text, extract_mentions(text, "pl", catalogue, None))] == [
        "Joe Biden",
        "Emmanuel Macron",
        "Volodymyr Zelensky",
        "Olaf Scholz",
    ]


def test_the_alliance_and_a_us_without_its_last_dot(catalogue: AliasCatalogue) -> None:
    text = "The Alliance keeps growing, the U.S says."
    assert _found(text, extract_mentions(text, "en", catalogue, None)) == [
        ("The Alliance", "NATO"),
        ("U.S", "United States"),
    ]
