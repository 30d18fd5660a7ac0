"""Genre tags, page furniture, bylines, source lines and dates in languages propwatch has no models for
(es, pt, nl, ro, sr, uk, be, ar), after the audit of such pages: the structure is read as in the others."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from propwatch.ingest.datelines import DatelineLine, read_dateline_line
from propwatch.ingest.plaintext import is_boilerplate, is_teaser, parse_plain_text
from propwatch.settings import Settings

ES = "Una vez más, Washington y sus vasallos europeos nos quieren vender la misma mentira de siempre."
ES_SECOND = "Rusia solo pide garantías de seguridad razonables, como haría cualquier país del mundo."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


# --- genre tags ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    ["Opinión", "Opinião", "Opinie", "Mening", "Mišljenje", "Мишљење", "Меркаванне", "Думка", "رأي"],
)
def test_a_genre_tag_over_the_headline_is_the_tag_not_the_title(quiet: Settings, tag: str) -> None:
    # "Opinião", "Mišljenje", "رأي"… had become the headline, and the real headline the first paragraph.
    article = parse_plain_text(f"{tag}\n\nLa OTAN provoca a Rusia\n\n{ES}\n\n{ES_SECOND}", quiet)
    assert (article.genre_tag, article.title) == ("opinion", "La OTAN provoca a Rusia")
    assert article.body == f"{ES}\n\n{ES_SECOND}"


# --- furniture lines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Compartir en Facebook",
        "Compartir en WhatsApp",
        "Partilhar no Facebook",
        "Compartilhar no Twitter",
        "Deel op Facebook",
        "Podeli na Facebook",
        "Подели на Фејсбуку",
        "Distribuie pe Facebook",
        "شارك على فيسبوك",
        "Publicidad",
        "Publicidade",
        "Advertentie",
        "Publicitate",
        "إعلان",
        "Etiquetas: OTAN, Rusia, Ucrania",
        "Trefwoorden: NAVO, Rusland",
        "Lee también: El gas ruso, la única salida para Europa este invierno",
        "Leia também: Preço do gás dispara na Europa",
        "Lees ook: Russisch gas blijft de enige uitweg voor Europa",
        "Citește și: Gazul rusesc, singura salvare pentru Europa",
        "Pročitajte još: Ruski gas jedini spas za Evropu",
        "Прочитајте још: Руски гас једини спас за Европу",
        "Читайте також: Кулеба провів телефонну розмову з Блінкеном",
        "Чытайце таксама: Расійскі газ — адзіны паратунак для Еўропы",
        "اقرأ أيضا: الغاز الروسي هو الحل الوحيد لأوروبا",
    ],
)
def test_furniture_lines_go(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Titular\n\n{ES}\n\n{line}\n\n{ES_SECOND}", quiet)
    assert article.body == f"{ES}\n\n{ES_SECOND}"


@pytest.mark.parametrize(
    "marker",
    [
        "Deja un comentario",
        "Deja tu comentario",
        "Comentarios (12)",
        "Comentários (12)",
        "Deixe um comentário",
        "Reageer op dit artikel",
        "Lasă un comentariu",
        "Comentarii (8)",
        "Komentari (34)",
        "12 comentarios",
    ],
)
def test_a_comment_marker_ends_the_article(quiet: Settings, marker: str) -> None:
    text = f"Titular\n\n{ES}\n\n{marker}\n\nJuan: ¡Qué vergüenza de artículo, lleno de mentiras!"
    assert parse_plain_text(text, quiet).body == ES


@pytest.mark.parametrize(
    "line",
    [
        "Publicidad engañosa: la multa a la empresa llegó a tres millones de euros.",
        "Compartir en Facebook las fotos del desfile le costó el puesto al concejal.",
        "Deja un comentario el ministro sobre el caso, y la oposición pide su dimisión.",
        "Lee también los informes del Gobierno, dijo el portavoz a los periodistas.",
        "Comentarios de los lectores fueron muy críticos con la decisión del alcalde.",
        "Leia também o relatório, pediu o ministro aos deputados na sessão de ontem.",
        "Lees ook de brief van de minister, zei de woordvoerder tegen de pers.",
        "Fuente: el Gobierno ha negado todas las acusaciones sobre el caso en repetidas ocasiones.",
    ],
)
def test_prose_that_opens_like_furniture_stays(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Titular\n\n{ES}\n\n{line}\n\n{ES_SECOND}", quiet)
    assert article.body == f"{ES}\n\n{line}\n\n{ES_SECOND}"
    assert not is_boilerplate(line) and not is_teaser(line)


# --- source lines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Bron: Rossa Primavera", "Rossa Primavera"),
        ("Izvor: Rossa Primavera", "Rossa Primavera"),
        ("Извор: Rossa Primavera", "Rossa Primavera"),
        ("Sursa: Rossa Primavera", "Rossa Primavera"),
        ("Джерело: Укрінформ", "Укрінформ"),
        ("Крыніца: Rossa Primavera", "Rossa Primavera"),
        ("المصدر: روسا بريمافيرا", "روسا بريمافيرا"),
    ],
)
def test_a_labelled_source_line_is_a_source(quiet: Settings, line: str, source: str) -> None:
    article = parse_plain_text(f"Titular\n\n{ES}\n\n{ES_SECOND}\n\n{line}", quiet)
    assert (article.sources, article.body) == ((source,), f"{ES}\n\n{ES_SECOND}")


# --- bylines ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "author", "published"),
    [
        ("Por Carlos Méndez Ruiz | 3 de febrero de 2022", "Carlos Méndez Ruiz", date(2022, 2, 3)),
        ("Por João Almeida | 4 de fevereiro de 2022", "João Almeida", date(2022, 2, 4)),
        ("Door Pieter de Vries | 3 februari 2022", "Pieter de Vries", date(2022, 2, 3)),
        ("Door Pieter de Vries", "Pieter de Vries", None),
        ("De Andrei Popescu | 3 februarie 2022", "Andrei Popescu", date(2022, 2, 3)),
        ("Autor: Dragan Jovanović | 3. februar 2022.", "Dragan Jovanović", date(2022, 2, 3)),
        ("Аутор: Драган Јовановић | 3. фебруар 2022.", "Драган Јовановић", date(2022, 2, 3)),
        ("Автор: Олег Петренко, 5 лютого 2022", "Олег Петренко", date(2022, 2, 5)),
        ("Аўтар: Алег Міхневіч, 3 лютага 2022", "Алег Міхневіч", date(2022, 2, 3)),
        ("بقلم: أحمد الخطيب | 3 فبراير 2022", "أحمد الخطيب", date(2022, 2, 3)),
        ("By Jane Carter | February 3, 2022", "Jane Carter", date(2022, 2, 3)),
    ],
)
def test_a_byline_under_the_headline_gives_author_and_date(
    quiet: Settings, byline: str, author: str, published: date | None
) -> None:
    article = parse_plain_text(
        f"Opinión\n\nLa OTAN provoca a Rusia\n\n{byline}\n\n{ES}\n\n{ES_SECOND}", quiet
    )
    assert (article.title, article.author, article.published) == (
        "La OTAN provoca a Rusia",
        author,
        published,
    )
    assert article.body == f"{ES}\n\n{ES_SECOND}"


@pytest.mark.parametrize(
    "headline",
    [
        "De NAVO provoceert Rusland en speelt dan de vermoorde onschuld",
        "Door de oorlog stijgen de prijzen",
        "De ce NATO minte",
        "Por Qué Rusia Gana",
        "Por Europa",
    ],
)
def test_a_headline_that_opens_like_a_byline_is_the_headline(quiet: Settings, headline: str) -> None:
    article = parse_plain_text(f"Opinie\n\n{headline}\n\n{ES}\n\n{ES_SECOND}", quiet)
    assert (article.title, article.author) == (headline, None)


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Publicado el 3 de febrero de 2022, 10:45", date(2022, 2, 3)),
        ("Publicado em 4 de fevereiro de 2022", date(2022, 2, 4)),
        ("Gepubliceerd op 3 februari 2022", date(2022, 2, 3)),
        ("Опубліковано: 5 лютого 2022", date(2022, 2, 5)),
    ],
)
def test_a_published_line_dates_the_article(quiet: Settings, line: str, published: date) -> None:
    article = parse_plain_text(f"Titular\n\n{line}\n\n{ES}", quiet)
    assert (article.published, article.body) == (published, ES)


def test_an_updated_line_dates_it_only_without_another() -> None:
    assert read_dateline_line("Actualizado el 4 de febrero de 2022") == DatelineLine(updated=date(2022, 2, 4))


def test_a_bar_and_no_date_after_the_names_is_no_byline(quiet: Settings) -> None:
    article = parse_plain_text(f"Titular\n\nBy Ann Lee | Opinion Desk\n\n{ES}", quiet)
    assert article.author is None


# --- wire datelines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "place", "agency"),
    [
        ("MADRID, 3 feb (EFE).- ", "Madrid", "EFE"),
        ("MADRID (EFE).- ", "Madrid", "EFE"),
        ("Madrid (EFE).- ", "Madrid", "EFE"),
        ("RIO DE JANEIRO, 3 feb (EFE).- ", "Rio de Janeiro", "EFE"),
        ("LISBOA, 3 fev (Lusa) - ", "Lisboa", "Lusa"),
        ("КИЇВ, 3 лютого (Укрінформ) — ", "Київ", "Укрінформ"),
    ],
)
def test_a_wire_dateline_gives_place_and_agency(
    quiet: Settings, opening: str, place: str, agency: str
) -> None:
    # EFE's ".-" and a Ukrainian month had left the dateline in the first sentence; "Rio De Janeiro"
    article = parse_plain_text(f"Titular\n\n{opening}{ES}\n\n{ES_SECOND}", quiet)
    assert (article.place, article.sources, article.body) == (place, (agency,), f"{ES}\n\n{ES_SECOND}")


def test_ria_names_its_reporter_after_the_agency(quiet: Settings) -> None:
    text = (
        "Заголовок\n\nМОСКВА, 21 июн — РИА Новости, Николай Гурьянов. Россия и Китай подписали "
        "соглашение.\n\nОб этом сообщил министр."
    )
    article = parse_plain_text(text, quiet)
    assert (article.place, article.sources, article.author) == (
        "Москва",
        ("РИА Новости",),
        "Николай Гурьянов",
    )
    assert article.body == "Россия и Китай подписали соглашение.\n\nОб этом сообщил министр."


def test_a_title_case_place_with_an_unknown_parenthesis_and_efe_dash_is_prose(quiet: Settings) -> None:
    line = f"Madrid (España).- {ES}"
    assert parse_plain_text(f"Titular\n\n{line}\n\n{ES_SECOND}", quiet).body == f"{line}\n\n{ES_SECOND}"


@pytest.mark.parametrize(
    ("byline", "author", "day"),
    [
        ("By Jane Doe, 12 March 2024", "Jane Doe", date(2024, 3, 12)),
        ("Por Carlos Méndez Ruiz, 3 de febrero de 2022", "Carlos Méndez Ruiz", date(2022, 2, 3)),
        ("Par Jean Dupont, 3 février 2022", "Jean Dupont", date(2022, 2, 3)),
    ],
)
def test_a_byline_with_its_date_after_a_comma_is_no_dateline(byline: str, author: str, day: date) -> None:
    """The byline had been read as a dateline: the place 'By Jane Doe', no author."""
    text = (
        f"Talks fail in Geneva\n\n{byline}\n\nThe talks failed on Tuesday after both sides refused to yield."
    )
    article = parse_plain_text(text, Settings(detect_language=False))
    assert (article.author, article.place, article.published) == (author, None, day)
