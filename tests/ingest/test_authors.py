"""A page's byline as trafilatura hands it over: the names alone, and its publication date read."""

from __future__ import annotations

from datetime import date

import pytest

from propwatch.ingest.html import parse_html
from propwatch.settings import Settings

BODY = (
    "<p>El Kremlin acusó el martes a la OTAN de preparar una provocación en el este de Ucrania, sin aportar "
    "pruebas de ello ante la prensa.</p><p>Los diplomáticos europeos rechazaron la acusación y pidieron a "
    "Moscú que retire sus tropas de la frontera.</p>"
)


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("Por Laura Gómez | Publicado el 3 de febrero de 2022, 10:45", "Laura Gómez"),
        ("By Laura Gómez | Published February 3, 2022, 10:45", "Laura Gómez"),
    ],
)
def test_a_byline_gives_its_names_and_date_only(byline: str, author: str) -> None:
    """The author had been 'Por Laura Gómez; Publicado el' (and 'Laura Gómez; Published'), with no date."""
    page = (
        "<html><head><title>Rusia acusa a la OTAN</title></head><body><article><h1>Rusia acusa a la OTAN</h1>"
        f'<p class="byline">{byline}</p>{BODY}</article></body></html>'
    )
    article = parse_html(page, Settings(detect_language=False))
    assert (article.author, article.published) == (author, date(2022, 2, 3))


@pytest.mark.parametrize("name", ["De Luca", "Di Maio", "von der Leyen"])
def test_a_name_that_opens_like_a_byline_word_is_kept(name: str) -> None:
    from propwatch.ingest.authors import byline_authors

    assert byline_authors(f"{name}; Published") == name
