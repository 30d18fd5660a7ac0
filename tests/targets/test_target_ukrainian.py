"""Ukrainian texts have no NER and no lemmatizer: their targets are the catalogue's ``uk`` names, matched
exactly, so the starter catalogue lists their case forms (docs/targets.md, "Alias catalogues")."""

from __future__ import annotations

from itertools import pairwise

from propwatch.targets.aliases import AliasCatalogue, builtin_catalogue
from propwatch.targets.extraction import extract_mentions

# Written for these tests, after the mixed-language audit's Ukrainian Telegram post.
UKRAINIAN = (
    "Путін знову погрожує Україні. Зеленський заявив, що Росія має відповісти за кожен удар по Харкову, "
    "а Москва бреше. Кремль мовчить. Володимир Зеленський закликав НАТО та Європейський Союз допомогти "
    "Україною обіцяним. Допомога Сполучених Штатів і Вашингтона важлива, так само як і рішення Заходу. "
    "Путіна засудили в Брюсселі, Путіну не вірять у Києві, а з Путіним не говорять у Євросоюзі. "
    "Володимира Зеленського підтримали Польща, Німеччина, Франція та Велика Британія. "
    "Зеленському подякували з Білорусі? Ні: Лукашенко разом із Росією, а Зеленським пишаються. "
    "Байдена та Трампа порівнюють, Лавров погрожує Заходом, ООН засуджує, Китай мовчить. "
    "Шольца й Макрона запросили до Києва; санкції проти Росії та Москви посилять."
)
EXPECTED = {
    "Vladimir Putin": ["Путін", "Путіна", "Путіну", "Путіним"],
    "Ukraine": ["Україні", "Україною", "Києві", "Києва"],
    "Volodymyr Zelensky": [
        "Зеленський",
        "Володимир Зеленський",
        "Володимира Зеленського",
        "Зеленському",
        "Зеленським",
    ],
    "Russia": ["Росія", "Москва", "Кремль", "Росією", "Росії", "Москви"],
    "NATO": ["НАТО"],
    "European Union": ["Європейський Союз", "Брюсселі", "Євросоюзі"],
    "United States": ["Сполучених Штатів", "Вашингтона"],
    "the West": ["Заходу", "Заходом"],
    "Poland": ["Польща"],
    "Germany": ["Німеччина"],
    "France": ["Франція"],
    "United Kingdom": ["Велика Британія"],
    "Belarus": ["Білорусі"],
    "Alexander Lukashenko": ["Лукашенко"],
    "Joe Biden": ["Байдена"],
    "Donald Trump": ["Трампа"],
    "Sergey Lavrov": ["Лавров"],
    "United Nations": ["ООН"],
    "China": ["Китай"],
    "Olaf Scholz": ["Шольца"],
    "Emmanuel Macron": ["Макрона"],
}
RUSSIAN = (
    "Путин снова угрожает Украине. Зеленский заявил, что Россия должна ответить, а Москва лжёт. "
    "НАТО и Евросоюз обещают помощь, Вашингтон молчит, Запад спорит. Путина осудили в Брюсселе."
)


def _found(text: str, language: str, catalogue: AliasCatalogue) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.name) for m in extract_mentions(text, language, catalogue, None)]


def test_the_ukrainian_names_in_their_cases_are_one_target_per_entity(catalogue: AliasCatalogue) -> None:
    found = _found(UKRAINIAN, "uk", catalogue)
    by_name: dict[str, list[str]] = {}
    for form, name in found:
        by_name.setdefault(name, []).append(form)
    assert by_name == EXPECTED
    # no two mentions over the same words (the exact Ukrainian pass and the Russian-lemma one)
    spans = sorted((m.start, m.end) for m in extract_mentions(UKRAINIAN, "uk", catalogue, None))
    assert all(end <= start for (_, end), (start, _) in pairwise(spans))


def test_the_audits_ukrainian_and_russian_post_names_each_entity_once(catalogue: AliasCatalogue) -> None:
    text = (
        "Путін — терорист. Путин — террорист. НАТО має негайно дати Україні системи ППО. НАТО должно "
        "немедленно дать Украине системы ПВО. Зеленський заявив, що Росія має відповісти за кожен удар. "
        "Зеленский заявил, что Россия должна ответить за каждый удар."
    )
    assert _found(text, "uk", catalogue) == [
        ("Путін", "Vladimir Putin"),
        ("Путин", "Vladimir Putin"),  # the Russian half, on Russian lemmas
        ("НАТО", "NATO"),
        ("Україні", "Ukraine"),
        ("НАТО", "NATO"),
        ("Украине", "Ukraine"),
        ("Зеленський", "Volodymyr Zelensky"),
        ("Росія", "Russia"),
        ("Зеленский", "Volodymyr Zelensky"),
        ("Россия", "Russia"),
    ]


def test_a_russian_text_is_read_as_before(catalogue: AliasCatalogue) -> None:
    assert _found(RUSSIAN, "ru", catalogue) == [
        ("Путин", "Vladimir Putin"),
        ("Украине", "Ukraine"),
        ("Зеленский", "Volodymyr Zelensky"),
        ("Россия", "Russia"),
        ("Москва", "Russia"),
        ("НАТО", "NATO"),
        ("Евросоюз", "European Union"),
        ("Вашингтон", "United States"),
        ("Запад", "the West"),
        ("Путина", "Vladimir Putin"),
        ("Брюсселе", "European Union"),
    ]


def test_the_starter_catalogue_names_the_main_entities_in_ukrainian() -> None:
    uk = builtin_catalogue().aliases["uk"]
    for form, name in {
        "Сполучені Штати": "United States",
        "Російська Федерація": "Russia",
        "РФ": "Russia",
        "Північноатлантичний альянс": "NATO",
        "ЄС": "European Union",
        "Олександр Лукашенко": "Alexander Lukashenko",
        "Еммануель Макрон": "Emmanuel Macron",
        "Сергій Лавров": "Sergey Lavrov",
    }.items():
        assert uk[form] == name
    metonyms = builtin_catalogue().metonyms["uk"]
    assert metonyms["Вашингтон"] == "United States" and metonyms["Кремль"] == "Russia"
