"""The grammatical forms a bare search word, or a quoted phrase, also matches."""

from __future__ import annotations

import re

import pytest

from propwatch.storage.search import parse_query
from propwatch.storage.word_forms import TypedPhrase, phrase_forms, word_forms

_WORD = re.compile(r"[^\W_]+")


def forms(text: str) -> list[tuple[str, ...]]:
    return phrase_forms(TypedPhrase.of(text, _WORD))


@pytest.mark.parametrize(
    ("word", "found", "not_found"),
    [
        ("sanction", {"sanctions"}, set()),
        ("sanctions", {"sanction"}, set()),
        ("policies", {"policy"}, set()),
        ("movies", {"movie"}, set()),
        ("crises", {"crisis"}, set()),
        ("crisis", {"crises"}, set()),
        ("viruses", {"virus"}, set()),
        ("women", {"woman"}, set()),
        ("child", {"children"}, set()),
        ("goods", set(), {"good"}),
        ("news", set(), {"new"}),
        ("her", set(), {"hers"}),  # a function word
        ("war", {"wars"}, set()),
        ("wars", {"war"}, set()),
        ("cases", {"case"}, {"cas"}),  # not the French word
        ("kraków", set(), {"krakóws"}),  # languages without a paradigm here: as typed
    ],
)
def test_english_words(word: str, found: set[str], not_found: set[str]) -> None:
    assert word_forms(word)[0] == word
    assert found <= set(word_forms(word)) and not not_found & set(word_forms(word))


def test_a_capitalised_english_word_is_a_name() -> None:
    assert forms("Williams") == [("williams",)]


def test_russian_words_get_their_paradigm_of_the_same_part_of_speech() -> None:
    nouns = word_forms("санкции")
    assert nouns[0] == "санкции" and {"санкция", "санкций", "санкциям", "санкциях"} <= set(nouns)
    verbs = word_forms("провоцирует")
    assert {"провоцировать", "провоцируют", "провоцировал"} <= set(verbs)
    assert not any(form.startswith("провоцирующ") for form in verbs)  # participles are other words
    assert {"был", "будут"} <= set(word_forms("будет")) and not {"есть", "е", "суть"} & set(
        word_forms("будет")
    )
    assert not any(form.startswith("мы") for form in word_forms("мой"))  # not the imperative of "мыть"


def test_russian_names_typed_with_a_capital_get_the_persons_paradigm() -> None:
    assert {"трампа", "трампу", "трампом"} <= set(w for (w,) in forms("Трамп"))
    assert {"трампа", "трампу"} <= set(word_forms("трамп"))  # every reading of the word is Trump
    peskov = {w for (w,) in forms("Песков")}
    assert {"пескова", "пескову"} <= peskov and "песка" not in peskov  # not the paradigm of "песок"
    musk = {w for (w,) in forms("Маск")}
    assert "маск" in musk and not {"маска", "маски", "маске", "маску"} & musk  # not the paradigm of "маска"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Зеленского", {"зеленский", "зеленскому", "зеленским"}),  # the guessed surname, not typed only
        ("Байдена", {"байден", "байдену", "байденом"}),
        ("Столтенберга", {"столтенберг", "столтенбергу"}),
        ("Небензю", {"небензя", "небензи", "небензей"}),
        ("Небензя", {"небензю", "небензи"}),  # a name, not the gerund of a guessed verb
        ("Орбана", {"орбан", "орбану"}),
        ("Бандера", {"бандеры", "бандере"}),
        ("Новака", {"новак", "новаку"}),
    ],
)
def test_a_capitalised_name_pymorphy_does_not_know_gets_its_guessed_paradigm(
    typed: str, found: set[str]
) -> None:
    assert found <= {w for (w,) in forms(typed)}


def test_a_surname_keeps_its_gender_in_the_singular() -> None:
    his, hers = set(word_forms("зеленский", name=True)), set(word_forms("зеленская", name=True))
    assert {"зеленского", "зеленскому"} <= his and not {"зеленская", "зеленской", "зеленскую"} & his
    assert {"зеленской", "зеленскую"} <= hers and not {"зеленский", "зеленского", "зеленскому"} & hers
    assert "зеленские" in his & hers  # the family's plural goes with both
    assert "зеленская" not in word_forms("зеленского", name=True)
    assert "навального" not in word_forms("навальная", name=True)  # a known adjective typed as a name
    assert "путиной" not in word_forms("путин", name=True)  # a known surname's lexeme holds both genders


def test_a_capitalised_word_known_only_as_a_plural_is_a_surname() -> None:
    strelkov = {w for (w,) in forms("Стрелков")}
    assert {"стрелкова", "стрелкову", "стрелковым"} <= strelkov and not {"стрелок", "стрелки"} & strelkov
    assert {"стрелков", "стрелкову"} <= {w for (w,) in forms("Стрелкова")}  # the guessed surname's
    assert {"стрелки", "стрелок"} <= set(word_forms("стрелков"))  # typed in lower case: the common noun
    assert ("игоря", "стрелкова") in forms("Игорь Стрелков")


def test_a_guessed_names_paradigm_leaves_out_other_words() -> None:
    assert set(word_forms("маск", name=True)) <= {"маск", "маском", "масков"}  # "маска" is a mask
    assert "маски" in word_forms("маска", name=True)  # a known word typed with a capital: its paradigm


def test_a_hyphenated_word_changes_one_part() -> None:
    press = {" ".join(words) for words in forms("пресс-секретарь")}
    assert {"пресс секретаря", "пресс секретарю", "пресс секретари"} <= press
    assert not any(words.startswith("прессу") for words in press)
    rostov = {" ".join(words) for words in forms("Ростов-на-Дону")}
    assert "ростове на дону" in rostov and not any(words.endswith("доне") for words in rostov)


def test_a_russian_phrase_keeps_its_words_agreeing() -> None:
    found = forms("западные санкции")
    assert found[0] == ("западные", "санкции")
    assert {("западных", "санкций"), ("западную", "санкцию"), ("западным", "санкциям")} <= set(found)
    assert ("западный", "санкция") not in found  # the adjective takes its noun's gender
    assert ("киевские", "режимы") in forms("киевский режим")  # inanimate accusative plural
    assert forms("против России")[:2] == [("против", "россии"), ("против", "россия")]


def test_an_english_phrase_inflects_its_last_word() -> None:
    assert forms("eastward expansion") == [("eastward", "expansion"), ("eastward", "expansions")]


def test_quoting() -> None:
    assert parse_query('"sanctions"').groups == ((("sanctions",),),)  # one quoted word: exactly it
    assert parse_query("sanctions").groups == ((("sanctions",), ("sanction",)),)
    phrase = parse_query('"специальная военная операция"').groups[0]
    assert ("специальной", "военной", "операции") in phrase  # a quoted phrase: together, in any case
    long_phrase = parse_query("западные экономические санкции против российской нефти").groups[0]
    assert 1 < len(long_phrase) <= 64
    negated = parse_query('санкции -"западные санкции" -"Путина"')
    assert len(negated.groups) == 1  # the excluded phrase adds no required word
    assert ("западных", "санкций") in negated.excluded and ("путина",) in negated.excluded
    assert ("путин",) not in negated.excluded  # a quoted single word: only as written


def test_tied_readings_ye_spellings_and_words_of_other_lemmas() -> None:
    assert {"может", "могут"} <= set(word_forms("мочь"))  # the verb is as likely as the noun
    assert set(word_forms("её")) - {"её", "ее"} == set(word_forms("ее")) - {"её", "ее"}
    assert "лет" in word_forms("год") and "лета" not in word_forms("год")  # "лета" is summer's too


def test_a_quoted_phrase_changes_up_to_its_head_noun_and_a_persons_name_whole() -> None:
    press = {" ".join(words) for words in forms("пресс-секретаря президента")}
    assert {"пресс секретарь президента", "пресс секретарю президента"} <= press
    assert not any(words.endswith("президенту") for words in press)  # the genitive stays genitive
    peskov = forms("Дмитрий Песков")
    assert ("дмитрия", "пескова") in peskov and not any(
        w.startswith("пес") and w.endswith("ка") for _, w in peskov
    )


@pytest.mark.parametrize(
    ("word", "plural", "wrong"), [("day", "days", "daies"), ("attorney", "attorneys", "attorneies")]
)
def test_a_word_ending_in_a_vowel_and_y_takes_a_plain_s(word: str, plural: str, wrong: str) -> None:
    assert plural in word_forms(word) and wrong not in word_forms(word)


def test_a_three_letter_word_ending_in_s_is_no_plural() -> None:
    assert "ga" not in word_forms("gas")  # "wars" is "war", but "gas" is no plural of "ga"
