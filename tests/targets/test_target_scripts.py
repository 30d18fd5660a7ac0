"""Names in another script than the article's language: a Russian quote in a Latin-script article, an
English one in a Russian article, are the catalogue's entities, not targets of their own."""

from __future__ import annotations

import pytest

from propwatch.targets.aliases import AliasCatalogue
from propwatch.targets.extraction import extract_mentions
from propwatch.targets.ner import NerMention
from propwatch.targets.scripts import lookup, stretches
from target_ner_fixture import FixedNer as _FixedNer

# Every text here is written for these tests, after the mixed-language audit's texts.

QUOTE = "«НАТО окружило Россию, а Путин и Лукашенко молчат. Распространите!»"
ARTICLES = {
    "en": f"The post read: {QUOTE} NATO denied it.",
    "de": f"Der Beitrag lautete: {QUOTE} Die NATO wies das zurück.",
    "fr": f"Le message disait : {QUOTE} L'OTAN a démenti.",
    "it": f"Il post diceva: {QUOTE} La NATO ha smentito.",
    "pl": f"Wpis brzmiał: {QUOTE} NATO zaprzeczyło.",
}


def _at(text: str, phrase: str, kind: str) -> NerMention:
    start = text.index(phrase)
    return NerMention(start, start + len(phrase), kind)


def _found(
    text: str, language: str | None, catalogue: AliasCatalogue, *entities: NerMention
) -> list[tuple[str, str]]:
    mentions = extract_mentions(text, language, catalogue, _FixedNer(*entities) if entities else None)
    return [(text[m.start : m.end], m.name) for m in mentions]


@pytest.mark.parametrize("language", sorted(ARTICLES))
def test_a_russian_quote_names_the_catalogues_entities_and_the_taggers_misreadings_go(
    catalogue: AliasCatalogue, language: str
) -> None:
    text = ARTICLES[language]
    # what the English, German, Polish and e5 taggers made of the audit's quotes
    entities = [
        _at(text, "НАТО", "ORG"),
        _at(text, "Россию", "PER"),
        _at(text, "Путин и Лукашенко", "PER"),
        _at(text, "Распространите", "ORG"),
    ]
    found = _found(text, language, catalogue, *entities)
    assert found[:4] == [
        ("НАТО", "NATO"),
        ("Россию", "Russia"),  # as written, on its Russian lemma
        ("Путин", "Vladimir Putin"),
        ("Лукашенко", "Alexander Lukashenko"),
    ]
    assert [name for _, name in found[4:]] == ["NATO"]  # the article's own "NATO", "l'OTAN", once


def test_the_audits_english_fact_check_has_one_target_per_entity(catalogue: AliasCatalogue) -> None:
    text = (
        "A post claims that NATO is massing troops on the border with Belarus: «Срочно! НАТО стягивает "
        "войска к границе Беларуси. Польша и Литва готовят провокацию против Союзного государства.» "
        "Poland and Lithuania denied it."
    )
    entities = [_at(text, w, "LOC") for w in ("Belarus", "Беларуси", "Польша", "Литва", "Союзного")]
    entities += [_at(text, w, "GPE") for w in ("Poland", "Lithuania")]
    names = [name for _, name in _found(text, "en", catalogue, *entities)]
    assert sorted(set(names)) == ["Belarus", "Lithuania", "NATO", "Poland"]


def test_a_quote_in_a_language_without_ner_is_read_on_russian_lemmas_once(catalogue: AliasCatalogue) -> None:
    text = "Post: «НАТО давно готовило нападение на Россию, а Запад молчит.» NATO."
    assert _found(text, None, catalogue) == [
        ("НАТО", "NATO"),  # all languages' names as written, and not twice
        ("Россию", "Russia"),
        ("Запад", "the West"),
        ("NATO", "NATO"),
    ]
    ukrainian = "НАТО має негайно дати Україні ППО.\n\nНАТО должно немедленно дать Украине системы ПВО."
    assert [name for _, name in _found(ukrainian, "uk", catalogue)] == ["NATO", "Ukraine", "NATO", "Ukraine"]


def test_an_english_quote_in_a_russian_article_names_the_catalogues_entities(
    catalogue: AliasCatalogue,
) -> None:
    text = (
        "Вот что заявил сенатор:\n\n"
        '"Putin is a war criminal. NATO will stand with Kyiv, and anyone who talks about negotiations is '
        "doing the Kremlin's dirty work.\"\n\nКак сообщает Reuters, Вашингтон и НАТО молчат."
    )
    entities = [_at(text, "Kremlin's", "ORG"), _at(text, "Reuters", "ORG"), _at(text, "Вашингтон", "LOC")]
    assert _found(text, "ru", catalogue, *entities) == [
        ("Putin", "Vladimir Putin"),
        ("NATO", "NATO"),  # the Russian table's own canonical name, once
        ("Kyiv", "Ukraine"),
        ("Kremlin", "Russia"),  # not a target "Kremlin's" of its own
        ("Reuters", "Reuters"),  # natasha reads Latin-script names well: they stay
        ("Вашингтон", "United States"),
        ("НАТО", "NATO"),
    ]


def test_a_latin_script_mention_in_a_russian_text_is_looked_up_in_every_language(
    catalogue: AliasCatalogue,
) -> None:
    found = lookup(catalogue, "Kremlin's", "ru")
    assert found is not None and found.name == "Russia"
    assert catalogue.lookup("Kremlin's", "ru") is None  # what the Russian table alone gave
    assert lookup(catalogue, "Kremlin", "en") is not None and lookup(catalogue, "Moskau", "en") is None


def test_stretches_end_at_the_last_letter_of_their_script() -> None:
    text = "He said: «Запад лжёт, 2022.» and left"
    assert [text[a:b] for a, b in stretches(text, "cyrillic")] == ["Запад лжёт"]
    assert [text[a:b] for a, b in stretches(text, "latin")] == ["He said", "and left"]
