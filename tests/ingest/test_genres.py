"""Genre words in the corpus languages: the page's own tag, read from a tag line, a kicker, a section or
a URL path (audits fr/it and pl/de)."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.ingest.genres import GENRE_TAGS, canonical_genre, section_genre
from propwatch.ingest.html import parse_html
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

PL_ONE = "Rząd przyjął we wtorek projekt ustawy, który ma ograniczyć wpływy zagranicznych fundacji w kraju."
PL_TWO = "Opozycja zapowiedziała, że zaskarży ustawę do Trybunału Konstytucyjnego, gdy tylko wejdzie w życie."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


@pytest.mark.parametrize(
    ("word", "genre"),
    [
        ("Opinie", "opinion"),
        ("Opinia", "opinion"),
        ("Publicystyka", "opinion"),
        ("Felietony", "column"),
        ("Satyra", "satire"),
        ("Reportaż", "report"),
        ("Meinungen", "opinion"),
        ("Gastbeitrag", "opinion"),
        ("Kommentar", "commentary"),
        ("Leitartikel", "editorial"),
        ("Tribune libre", "opinion"),
        ("Éditorial", "editorial"),
        ("Point de vue", "opinion"),
        ("Enquête", "investigation"),
        ("Editoriale", "editorial"),
        ("Opinioni", "opinion"),
        ("satira", "satire"),
        ("Commento", "commentary"),
        ("Сатира", "satire"),
        ("Точка зрения", "opinion"),
        ("Інтерв’ю", "interview"),
        ("Интервю", "interview"),
    ],
)
def test_genre_words_of_the_corpus_languages(word: str, genre: str) -> None:
    assert canonical_genre(word) == genre


@pytest.mark.parametrize("word", ["Commenti", "Kommentare", "Komentarze", "Commentaires", "Комментарии"])
def test_readers_comments_are_no_genre(word: str) -> None:
    # the plural heads the readers' comments under an article, not a commentary
    assert canonical_genre(word) is None


def test_every_tag_is_written_as_it_is_looked_up() -> None:
    assert all(tag == " ".join(tag.casefold().split()) for tag in GENRE_TAGS)


def test_a_polish_opinion_section_is_the_genre() -> None:
    assert section_genre("opinie") == "opinion"
    assert section_genre("Wiadomości") is None  # every kind of article sits under "news"


@pytest.mark.parametrize("tag", ["Satyra", "Opinie", "Satira"])
def test_a_tag_line_above_the_headline_is_no_title(quiet: Settings, tag: str) -> None:
    """ "Satyra" had been taken as the title and the headline as text."""
    article = parse_plain_text(f"{tag}\n\nRząd przyjął ustawę\n\n{PL_ONE}\n\n{PL_TWO}", quiet)
    assert (article.genre_tag, article.title) == (canonical_genre(tag), "Rząd przyjął ustawę")
    assert article.body == f"{PL_ONE}\n\n{PL_TWO}"


def _polish_page(head: str = "", above: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Rząd przyjął ustawę</title>{head}'
        f"</head><body><article>{above}<h1>Rząd przyjął ustawę</h1><p>{PL_ONE}</p><p>{PL_TWO}</p>"
        "</article></body></html>"
    )


@pytest.mark.parametrize(
    ("html", "url"),
    [
        (_polish_page(head='<meta property="article:section" content="Opinie">'), None),
        (_polish_page(above="<div class='kicker'>Opinie</div>"), None),
        (_polish_page(), "https://example.pl/opinie/2024/rzad-przyjal-ustawe"),
    ],
)
def test_a_polish_opinion_page_is_tagged(quiet: Settings, html: str, url: str | None) -> None:
    """The page had shown no genre tag: "Opinie" was not known, only "Opinia"."""
    assert parse_html(html, quiet, url=url).genre_tag == "opinion"
