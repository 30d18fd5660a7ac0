"""The genre words pages use for themselves, shared by the plain-text and HTML readers.

Analysts want the page's own tag, so distinct genres stay distinct (an editorial is not a column);
only spellings and translations of one genre are merged.
"""

from __future__ import annotations

# The tag as a page prints it (case-folded) → genre_tag. Spellings of one genre share a value;
# distinct genres (editorial, column, commentary, analysis…) stay distinct: analysts want the page's own tag.
GENRE_TAGS: dict[str, str] = {
    # opinion: en, fr, de, it, pl, ru, uk, bg (singular and plural where a section uses the plural)
    "opinion": "opinion",
    "opinions": "opinion",
    "op-ed": "opinion",
    "op-eds": "opinion",
    "op ed": "opinion",
    "oped": "opinion",
    "viewpoint": "opinion",
    "viewpoints": "opinion",
    "point of view": "opinion",
    "point de vue": "opinion",
    "tribune": "opinion",
    "tribunes": "opinion",
    "tribune libre": "opinion",
    "libre opinion": "opinion",
    "meinung": "opinion",
    "meinungen": "opinion",
    "standpunkt": "opinion",
    "gastbeitrag": "opinion",
    "gastbeiträge": "opinion",
    "opinione": "opinion",
    "opinioni": "opinion",
    "punto di vista": "opinion",
    "opinión": "opinion",
    "opinia": "opinion",
    "opinie": "opinion",
    "publicystyka": "opinion",
    "punkt widzenia": "opinion",
    "мнение": "opinion",
    "мнения": "opinion",
    "точка зрения": "opinion",
    "думка": "opinion",
    "думки": "opinion",
    "точка зору": "opinion",
    "гледна точка": "opinion",
    # es, pt, nl, ro, sr (Latin and Cyrillic), be, ar: audited languages without models of their own
    "opiniones": "opinion",
    "opinião": "opinion",
    "opiniões": "opinion",
    "opiniao": "opinion",  # as a Portuguese URL path writes it ("/opiniao/")
    "artigo de opinião": "opinion",
    "artículo de opinión": "opinion",
    "mening": "opinion",
    "opinii": "opinion",
    "mišljenje": "opinion",
    "mišljenja": "opinion",
    "мишљење": "opinion",
    "мишљења": "opinion",
    "меркаванне": "opinion",
    "меркаванні": "opinion",
    "رأي": "opinion",
    "آراء": "opinion",
    "مقال رأي": "opinion",
    "مقالات رأي": "opinion",
    "editorial": "editorial",
    "editorials": "editorial",
    "éditorial": "editorial",
    "éditoriaux": "editorial",
    "édito": "editorial",
    "leitartikel": "editorial",
    "editoriale": "editorial",
    "editoriali": "editorial",
    "передовица": "editorial",
    "редакционная статья": "editorial",
    "редакційна стаття": "editorial",
    # "Comments", "Kommentare", "Commenti", "Komentarze" head readers' comments: only the singular is a genre
    "commentary": "commentary",
    "commentaries": "commentary",
    "comment": "commentary",
    "commentaire": "commentary",
    "kommentar": "commentary",
    "gastkommentar": "commentary",
    "glosse": "commentary",  # a short ironic comment, an opinion piece rather than a satire page
    "commento": "commentary",
    "komentarz": "commentary",
    "комментарий": "commentary",
    "коментар": "commentary",
    "column": "column",
    "columns": "column",
    "columnist": "column",
    "columnists": "column",
    "chronique": "column",
    "chroniques": "column",
    "kolumne": "column",
    "kolumnen": "column",
    "felieton": "column",
    "felietony": "column",
    "колонка": "column",
    "columna": "column",
    "coluna": "column",
    "авторская колонка": "column",
    "авторська колонка": "column",
    "analysis": "analysis",
    "news analysis": "analysis",
    "analyse": "analysis",
    "analyses": "analysis",
    "analisi": "analysis",
    "análisis": "analysis",
    "analiza": "analysis",
    "analizy": "analysis",
    "аналитика": "analysis",
    "анализ": "analysis",  # Bulgarian (and Russian)
    "аналітика": "analysis",
    "análise": "analysis",
    "analiză": "analysis",
    "تحليل": "analysis",
    "news": "news",
    "breaking news": "news",
    "breaking": "news",
    "actualités": "news",
    "nachrichten": "news",
    "notizie": "news",
    "wiadomości": "news",
    "новости": "news",
    "новини": "news",
    "interview": "interview",
    "interviews": "interview",
    "q&a": "interview",
    "entretien": "interview",
    "entretiens": "interview",
    "intervista": "interview",
    "interviste": "interview",
    "entrevista": "interview",
    "wywiad": "interview",
    "wywiady": "interview",
    "интервью": "interview",
    "інтерв'ю": "interview",
    "інтерв’ю": "interview",
    "интервю": "interview",
    "feature": "feature",
    "features": "feature",
    "review": "review",
    "satire": "satire",
    "satirical": "satire",
    "parody": "satire",
    "satira": "satire",
    "satyra": "satire",
    "сатира": "satire",
    "blog": "blog",
    "blog post": "blog",
    "letter": "letter",
    "letters": "letter",
    "letter to the editor": "letter",
    "letters to the editor": "letter",
    "report": "report",
    "special report": "report",
    "reportage": "report",
    "reportages": "report",
    "reportaggio": "report",
    "reportaż": "report",
    "reportaże": "report",
    "репортаж": "report",
    "explainer": "explainer",
    "fact check": "fact-check",
    "fact-check": "fact-check",
    "faktencheck": "fact-check",
    "investigation": "investigation",
    "investigations": "investigation",
    "enquête": "investigation",
    "inchiesta": "investigation",
    "расследование": "investigation",
    "розслідування": "investigation",
    "разследване": "investigation",
    "essay": "essay",
    "obituary": "obituary",
    "nachruf": "obituary",
    "press release": "press release",
    "pressemitteilung": "press release",
    "communiqué de presse": "press release",
    "comunicato stampa": "press release",
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
