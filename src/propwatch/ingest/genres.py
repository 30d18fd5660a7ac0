"""The genre words pages use for themselves, shared by the plain-text and HTML readers.

Analysts want the page's own tag, so distinct genres stay distinct (an editorial is not a column);
only spellings and translations of one genre are merged.
"""

from __future__ import annotations

# The tag as a page prints it (case-folded) → genre_tag. Spellings of one genre share a value;
# distinct genres (editorial, column, commentary, analysis…) stay distinct: analysts want the page's own tag.
GENRE_TAGS: dict[str, str] = {
    "opinion": "opinion",
    "opinions": "opinion",
    "op-ed": "opinion",
    "op ed": "opinion",
    "oped": "opinion",
    "viewpoint": "opinion",
    "point of view": "opinion",
    "мнение": "opinion",
    "мнения": "opinion",
    "думка": "opinion",
    "meinung": "opinion",
    "opinione": "opinion",
    "opinión": "opinion",
    "opinia": "opinion",
    "tribune": "opinion",
    "editorial": "editorial",
    "editorials": "editorial",
    "éditorial": "editorial",
    "editoriale": "editorial",
    "commentary": "commentary",
    "comment": "commentary",
    "комментарий": "commentary",
    "коментар": "commentary",
    "kommentar": "commentary",
    "commento": "commentary",
    "komentarz": "commentary",
    "column": "column",
    "колонка": "column",
    "kolumne": "column",
    "chronique": "column",
    "felieton": "column",
    "analysis": "analysis",
    "news analysis": "analysis",
    "аналитика": "analysis",
    "анализ": "analysis",  # Bulgarian (and Russian)
    "аналітика": "analysis",
    "analyse": "analysis",
    "analisi": "analysis",
    "análisis": "analysis",
    "news": "news",
    "breaking news": "news",
    "breaking": "news",
    "новости": "news",
    "новини": "news",
    "interview": "interview",
    "q&a": "interview",
    "интервью": "interview",
    "entretien": "interview",
    "intervista": "interview",
    "entrevista": "interview",
    "wywiad": "interview",
    "feature": "feature",
    "features": "feature",
    "review": "review",
    "satire": "satire",
    "op-eds": "opinion",
    "columns": "column",
    "columnist": "column",
    "columnists": "column",
    "viewpoints": "opinion",
    "satirical": "satire",
    "parody": "satire",
    "blog": "blog",
    "blog post": "blog",
    "letter": "letter",
    "letters": "letter",
    "letter to the editor": "letter",
    "letters to the editor": "letter",
    "report": "report",
    "special report": "report",
    "reportage": "report",
    "explainer": "explainer",
    "fact check": "fact-check",
    "fact-check": "fact-check",
    "investigation": "investigation",
    "essay": "essay",
    "obituary": "obituary",
    "press release": "press release",
}

# schema.org article types that name a genre; plain "NewsArticle"/"Article" say nothing about it.
GENRE_TYPES: dict[str, str] = {
    "opinionnewsarticle": "opinion",
    "reportagenewsarticle": "report",
    "analysisnewsarticle": "analysis",
    "reviewnewsarticle": "review",
    "backgroundnewsarticle": "explainer",
    "satiricalarticle": "satire",
}


def canonical_genre(word: str) -> str | None:
    """Our tag for a genre word or phrase ("Op-Ed" → "opinion"), None when it is a topic, not a genre."""
    return GENRE_TAGS.get(" ".join(word.lower().split()))


# Genres too broad to read from a URL path or a breadcrumb: "/news/" and "News ›" head every kind of
# article on a site, and "/report/" may name a topic; a page's markup or label still gives them.
_NOT_SECTION_GENRES = frozenset({"news", "report"})
_NOT_SECTION_WORDS = frozenset({"tribune"})  # a newspaper's name as often as a French op-ed


def section_genre(name: str) -> str | None:
    """Our tag for a site section a page sits in: a URL path segment ("opinion", "op-ed",
    "letters-to-the-editor") or a breadcrumb item ("Opinion"), as a whole; None for a topic or a
    section every kind of article sits in ("News")."""
    words = " ".join(name.replace("_", " ").split())
    if words.lower() in _NOT_SECTION_WORDS:
        return None
    genre = canonical_genre(words) or canonical_genre(words.replace("-", " "))
    return None if genre in _NOT_SECTION_GENRES else genre
