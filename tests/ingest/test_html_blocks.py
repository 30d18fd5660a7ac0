"""The page headline recognised in the extraction however its quotes, apostrophes, dashes and spaces are
typeset (audit fr/it)."""

from __future__ import annotations

import pytest

from propwatch.ingest.html import parse_html
from propwatch.ingest.html_blocks import clean_blocks
from propwatch.settings import Settings

ONE = (
    "Bruxelles a accepté mardi les nouvelles règles commerciales proposées par Washington, sans obtenir "
    "la moindre contrepartie sur les droits de douane qui frappent l'acier et l'aluminium européens."
)
TWO = (
    "Plusieurs gouvernements ont dénoncé un accord signé dans l'urgence, que le Parlement européen devra "
    "encore approuver avant la fin de l'année, selon un diplomate cité par la presse."
)
TITLE = "Les États-Unis dictent, l'Europe s'exécute"


@pytest.mark.parametrize(
    "headline",
    [
        "Les États-Unis dictent, l’Europe s’exécute",
        "Les États\u2011Unis dictent, l\u02bcEurope s\u2019exécute",
        "«\u202fL’Europe s’exécute\u202f» – Les États-Unis dictent",
    ],
)
def test_the_headline_typeset_otherwise_is_no_text(headline: str) -> None:
    title = "\"L'Europe s'exécute\" - Les États-Unis dictent" if headline.startswith("«") else TITLE
    assert clean_blocks([headline, ONE, TWO], title=title, page="").paragraphs == [ONE, TWO]


def test_a_page_s_h1_with_curly_apostrophes_is_no_text() -> None:
    """The h1 ("l’Europe s’exécute") had stayed in the text under og:title ("l'Europe s'exécute")."""
    html = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f'<meta property="og:title" content="{TITLE}"><title>{TITLE} | Exemple</title></head><body>'
        "<article><h1>Les États-Unis dictent, l’Europe s’exécute</h1>"
        f"<p>{ONE}</p><p>{TWO}</p></article></body></html>"
    )
    article = parse_html(html, Settings(detect_language=False))
    assert (article.title, article.text) == (TITLE, f"{TITLE}\n\n{ONE}\n\n{TWO}")  # the headline once


def test_a_paragraph_that_differs_from_the_headline_stays() -> None:
    other = "Les États-Unis dictent, l’Europe résiste"
    assert clean_blocks([other, ONE], title=TITLE, page="").paragraphs == [other, ONE]
