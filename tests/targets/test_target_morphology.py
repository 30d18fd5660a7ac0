"""Russian names in the nominative for display, with gender and agreement kept (pymorphy3)."""

from __future__ import annotations

import pytest

from propwatch.targets.morphology import is_adjective, lemmas, name_lemma, nominative, surname_readings


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
        # An indeclinable surname or one with no man's genitive: a woman's name as written, not a man's.
        ("Александра Скочиленко", "Александра Скочиленко"),
        ("Евгения Марченко", "Евгения Марченко"),
        ("Александра Петренко", "Александра Петренко"),
        ("Александра Гончаренко", "Александра Гончаренко"),
        ("Александра Новак", "Александра Новак"),  # "Новак" the inanimate abbreviation is no person's
        ("Александра Седых", "Александра Седых"),  # pymorphy reads "Седых" only as a plural adjective
        ("Евгения Гершковича", "Евгений Гершкович"),  # the surname inflected: Evan Gershkovich's genitive
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
        (("Стрелков", "Стрелкова", "Стрелкову"), True),  # the surname, not the plural of "стрелок"
        (("Бандера", "Бандеры"), True),
        (("Зеленского", "Зеленский"), True),
        (("Александра", "Александр"), True),
        (("Буча", "Буче", "Бучу"), False),
        (("Евростата", "Евростат"), False),
    ],
)
def test_the_cases_of_a_name_share_its_name_lemma(forms: tuple[str, ...], person: bool) -> None:
    assert len({name_lemma(form, person) for form in forms}) == 1


def test_a_person_known_only_as_a_plural_common_noun_is_read_as_a_surname() -> None:
    assert name_lemma("Стрелков", person=True) == "стрелков"
    assert name_lemma("Стрелков") == "стрелок"  # not tagged as a person: the common noun
    assert [str(p.tag) for p in surname_readings("Стрелков")] == ["NOUN,anim,masc,Sgtm,Surn sing,nomn"]
    assert surname_readings("Россия") == () and surname_readings("Песков-") == ()
