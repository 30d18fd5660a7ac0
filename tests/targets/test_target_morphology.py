"""Russian names in the nominative for display, with gender and agreement kept (pymorphy3)."""

from __future__ import annotations

import pytest

from propwatch.targets.morphology import is_adjective, lemmas, name_lemma, nominative


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("Марии Захаровой", "Мария Захарова"),  # a woman's surname stays feminine
        ("Мария Захарова", "Мария Захарова"),
        ("Сергея Лаврова", "Сергей Лавров"),
        ("В.В. Путина", "В.В. Путин"),
        ("Зеленского", "Зеленский"),  # a surname declined like an adjective
        ("Ивана III", "Иван III"),  # numerals stay as written
        ("Киевской митрополии", "Киевская митрополия"),  # the adjective agrees with its noun
        ("Российского государства", "Российское государство"),
        ("Министерства иностранных дел", "Министерство иностранных дел"),  # dependents keep their case
        ("Вооруженных сил Украины", "Вооруженные силы Украины"),  # no ё where the text has е
        ("Нью-Йорка", "Нью-Йорк"),  # capitals per hyphenated part
        ("ВСУ", "ВСУ"),
        ("Белым домом", "Белый дом"),
        ("Мариупольский", "Мариупольский"),
        ("Вооруженные силы", "Вооруженные силы"),  # one word in the nominative keeps the others there
        ("Дмитрий Песков", "Дмитрий Песков"),
        ("Дмитрия Пескова", "Дмитрий Песков"),
        ("Алексей Кущ", "Алексей Кущ"),  # unknown to pymorphy: left as written
        ("Сергея Сидоренко", "Сергей Сидоренко"),  # an indeclinable surname tells nothing
        ("Татьяну Гетьман", "Татьяна Гетьман"),
        ("NATO", "NATO"),
    ],
)
def test_nominative(form: str, expected: str) -> None:
    assert nominative(form) == expected


def test_lemmas_still_merge_the_cases_of_a_name() -> None:
    assert lemmas(["Захаровой"], "ru") == lemmas(["Захарова"], "ru")


def test_polish_and_german_lemmas_merge_cases_other_languages_are_lower_cased() -> None:
    assert lemmas(["Francji", "Francję"], "pl") == ["francja", "francja"]
    assert lemmas(["Kremls", "Moskaus"], "de") == ["kreml", "moskau"]
    assert lemmas(["Russie", "2022"], "fr") == ["russie", "2022"]


@pytest.mark.parametrize(
    ("word", "adjective"),
    [
        ("Мариупольский", True),
        ("Шенгенского", True),
        ("Безвизовый", True),
        ("Мариуполь", False),
        ("Захаровой", False),
        ("NATO", False),
        ("Нью-Йорк", False),
    ],
)
def test_is_adjective(word: str, adjective: bool) -> None:
    assert is_adjective(word) is adjective


@pytest.mark.parametrize(
    ("form", "name"),
    [
        ("Песков", "Песков"),  # not "Пески", the plural of "песок"
        ("Бандера", "Бандера"),
        ("Этинзон", "Этинзон"),
        ("Коломойского", "Коломойский"),  # a surname, not the neuter adjective "Коломойское"
        ("Пескова", "Песков"),
        ("Марии", "Мария"),
        ("Марии Захаровой", "Мария Захарова"),
        ("Ольги Ковитиди", "Ольга Ковитиди"),  # not a guessed verb's participle ("Ковитидущий")
        ("Анналена Бербок", "Анналена Бербок"),  # both may be read as written: not "Аннален"
        ("Келли Дегнан", "Келли Дегнан"),  # not a plural ("Дегнаны")
        ("Александра Новака", "Александр Новак"),  # "Александра" is likelier the genitive of "Александр"
        ("Александра Иванова", "Александра Иванова"),  # her surname agrees with the feminine name
        ("Орбана", "Орбан"),  # not an inanimate noun's nominative the guesser makes of it
        ("Небензю", "Небензя"),
    ],
)
def test_a_tagged_person_is_put_in_the_nominative_as_a_name(form: str, name: str) -> None:
    assert nominative(form, person=True) == name


def test_a_name_is_never_read_as_a_verb() -> None:
    assert nominative("Бучу") == "Буча"  # not "бучить"
    assert name_lemma("Бучу") == name_lemma("Буче") == "буча"


@pytest.mark.parametrize(
    ("forms", "person"),
    [
        (("Песков", "Пескова", "Пескову"), True),  # the surname, not "песок"
        (("Кириллов", "Кириллова"), True),  # not the plural of "Кирилл"
        (("Бандера", "Бандеры"), True),
        (("Зеленского", "Зеленский"), True),
        (("Александра", "Александр"), True),
        (("Буча", "Буче", "Бучу"), False),
        (("Евростата", "Евростат"), False),
    ],
)
def test_the_cases_of_a_name_share_its_name_lemma(forms: tuple[str, ...], person: bool) -> None:
    assert len({name_lemma(form, person) for form in forms}) == 1
