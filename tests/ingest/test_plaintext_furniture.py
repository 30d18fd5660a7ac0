"""Page furniture, bylines, forward lines and section labels in French, Italian, German and Polish plain
text (audits of the fr/it and pl/de desks): what the English reader already left out, the others now do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from propwatch.domain import Article
from propwatch.ingest.plaintext import is_boilerplate, parse_plain_text
from propwatch.settings import Settings

FR = "Le gouvernement a annoncé jeudi une nouvelle réforme des retraites, selon un communiqué officiel."
FR_SECOND = "L'opposition a dénoncé un passage en force et promet de saisir le Conseil constitutionnel."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


# --- furniture lines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Publicité",
        "Pubblicità",
        "Anzeige",
        "Werbung",
        "Reklama",
        "Реклама",
        "Partager sur Facebook",
        "Condividi su Facebook",
        "Teilen auf Facebook",
        "Teilen bei WhatsApp",
        "Udostępnij na Facebooku",
        "Поделиться в Telegram",
        "Mi piace · Commenta · Condividi",
        "J'aime Commenter Partager",
        "Réagir",
        "Commenta",
        "Kommentieren",
        "Wir verwenden Cookies, um unsere Website für Sie zu verbessern. Akzeptieren",
        "Ta strona używa plików cookies. Akceptuję",
        "Ce site utilise des cookies pour améliorer votre expérience. Accepter",
        "Questo sito utilizza cookie per migliorarne l'esperienza. Accetta",
        "Alle akzeptieren",
        "👉 Abonniert unseren Kanal: t.me/kanal",
    ],
)
def test_furniture_lines_go(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Titre\n\n{FR}\n\n{line}\n\n{FR_SECOND}", quiet)
    assert article.body == f"{FR}\n\n{FR_SECOND}"


@pytest.mark.parametrize("line", ["Komentarze (24)", "Kommentare (12)", "Commentaires (3)", "Commenti (5)"])
def test_a_comment_count_in_brackets_ends_the_article(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Titre\n\n{FR}\n\n{line}\n\nSuper article, merci !", quiet)
    assert article.body == FR


@pytest.mark.parametrize(
    "line",
    [
        "Die Anzeige wurde erstattet.",
        "Werbung ist überall, auch in den Schulen.",
        "Reklama w telewizji kosztuje miliony.",
        "Teilen auf dem Markt wird schwieriger.",
        "Condividi su Facebook la tua opinione, ha scritto il ministro.",
        "Comment partager",  # French for "how to share": a subheading
        "Commenta il ministro: «È grave».",
        "Abonniert haben das Blatt nur 2000 Leser.",
        "Akzeptieren wir das?",
    ],
)
def test_prose_that_holds_a_furniture_word_stays(quiet: Settings, line: str) -> None:
    assert not is_boilerplate(line)
    article = parse_plain_text(f"Titre\n\n{FR}\n\n{line}\n\n{FR_SECOND}", quiet)
    assert article.body == f"{FR}\n\n{line}\n\n{FR_SECOND}"


# --- forward lines, bylines, date lines ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "channel"),
    [
        ("Weitergeleitet von Rybar", "Rybar"),
        ("Transféré de Canal Info", "Canal Info"),
        ("Inoltrato da Il Risveglio", "Il Risveglio"),
        ("Przekazano od Kanał Wschód", "Kanał Wschód"),
        ("Переслано з Труха", "Труха"),
    ],
)
def test_forward_lines_name_the_source(quiet: Settings, line: str, channel: str) -> None:
    article = parse_plain_text(f"{line}\n\n{FR}", quiet)
    assert article.sources == (channel,)
    assert article.body == FR


@pytest.mark.parametrize(
    ("byline", "date_line", "author"),
    [
        ("Par Jean Dupont", "3 février 2022", "Jean Dupont"),
        ("Par Jean Dupont", "Publié le 3 février 2022 à 10h30", "Jean Dupont"),
        ("di Mario Rossi", "Pubblicato il 3 febbraio 2022", "Mario Rossi"),
        ("Di Mario Rossi e Luca Bianchi", "3 febbraio 2022", "Mario Rossi; Luca Bianchi"),
        ("Von Hans Müller", "Veröffentlicht am 3. Februar 2022", "Hans Müller"),
        ("Autor: Łukasz Nowak", "Opublikowano: 3 lutego 2022", "Łukasz Nowak"),
    ],
)
def test_bylines_and_date_lines_in_the_desks_languages(
    quiet: Settings, byline: str, date_line: str, author: str
) -> None:
    article = parse_plain_text(f"Titre de l'article\n{byline}\n{date_line}\n\n{FR}", quiet)
    assert (article.title, article.author, article.published) == (
        "Titre de l'article",
        author,
        date(2022, 2, 3),
    )
    assert article.body == FR


@pytest.mark.parametrize("line", ["Par ailleurs, le ministre a parlé.", "di quanto detto ieri", "Di Maio"])
def test_a_line_that_is_no_name_is_no_byline(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Titre\n{line}\n\n{FR}", quiet)
    assert article.author is None
    assert article.body == f"{line}\n\n{FR}"


def test_an_afp_dateline_with_fev(quiet: Settings) -> None:
    article = parse_plain_text(f"Titre\n\nPARIS, 3 fév 2022 (AFP) - {FR}", quiet)
    assert (article.place, article.published, article.sources) == ("Paris", date(2022, 2, 3), ("AFP",))
    assert article.body == FR


# --- section labels, sources under an end marker, teaser lists ---------------------------------------


@pytest.mark.parametrize(
    "label", ["Société", "Politique", "Esteri", "Politik", "Polityka", "Politics", "POLITIK"]
)
def test_a_section_label_over_the_headline_is_no_title(quiet: Settings, label: str) -> None:
    article = parse_plain_text(f"{label}\nLa réforme des retraites adoptée\n\n{FR}", quiet)
    assert (article.title, article.genre_tag) == ("La réforme des retraites adoptée", None)
    assert article.body == FR


def test_a_genre_word_over_the_headline_is_the_tag(quiet: Settings) -> None:
    article = parse_plain_text(f"Meinung\nDie Rentenreform ist beschlossen\n\n{FR}", quiet)
    assert (article.title, article.genre_tag) == ("Die Rentenreform ist beschlossen", "opinion")


@pytest.mark.parametrize(
    "line", ["Fonte: Il Risveglio", "Quelle: Il Risveglio", "Źródło: Il Risveglio", "Источник: Il Risveglio"]
)
def test_a_source_line_below_the_comments_is_read(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Titolo\n\n{FR}\n\nCommenti\n\nBell'articolo!\n\n{line}", quiet)
    assert article.body == FR
    assert article.sources == ("Il Risveglio",)


def test_a_commenter_s_via_line_is_no_source(quiet: Settings) -> None:
    article = parse_plain_text(f"Titolo\n\n{FR}\n\nCommenti\n\nVia Roma", quiet)
    assert article.sources == ()


@pytest.mark.parametrize(
    "teasers",
    [
        "Mehr zum Thema\nBaerbock blamiert sich in China\nScholz in Washington: ein Besuch ohne Ergebnis",
        "Lesen Sie auch:\n\nBaerbock blamiert sich in China\nBerlin zögert bei Panzern",
        "Czytaj także\nBaerbock kompromituje się w Chinach",
        "Lire aussi\nBaerbock se ridiculise en Chine",
        "Leggi anche\nBaerbock si rende ridicola in Cina",
    ],
)
def test_the_headlines_under_a_teaser_label_go(quiet: Settings, teasers: str) -> None:
    article = parse_plain_text(f"Titre\n\n{FR}\n\n{teasers}\n\n{FR_SECOND}", quiet)
    assert article.body == f"{FR}\n\n{FR_SECOND}"


def test_the_last_headlines_under_a_teaser_label_go(quiet: Settings) -> None:
    article = parse_plain_text(f"Titre\n\n{FR}\n\nLeggi anche\nUn altro titolo\n\nFonte: ANSA", quiet)
    assert article.body == FR
    assert article.sources == ("ANSA",)


@pytest.mark.parametrize(
    "under",
    [
        "Le ministre a dit\nque la réforme passera.",  # a paragraph wrapped under the label
        "La réforme passera, a dit le ministre.",
    ],
)
def test_prose_under_a_teaser_label_stays(quiet: Settings, under: str) -> None:
    article = parse_plain_text(f"Titre\n\n{FR}\n\nLire aussi\n{under}\n\n{FR_SECOND}", quiet)
    assert article.body == f"{FR}\n\n{under}\n\n{FR_SECOND}"


@pytest.mark.parametrize(
    ("teasers", "subheads"),
    [
        ("Lire aussi\nRetraites : ce que contient le texte", "Quelles conséquences pour les salariés ?"),
        ("Mehr zum Thema\nScholz in Kiew", "Kernpunkte des Besuchs"),
        ("Leggi anche\nGiustizia, la riforma arriva in Aula", "Le reazioni\nOpposizioni all'attacco"),
        # a label alone lists the block under it only; a question is a subhead
        ("Lesen Sie auch:\n\nBaerbock blamiert sich in China", "Warum Berlin zögert?"),
        ("Lire aussi", "Quelles conséquences pour les salariés ?"),
    ],
)
def test_the_next_section_s_subheads_stay_under_a_teaser_list(
    quiet: Settings, teasers: str, subheads: str
) -> None:
    """The subheads after a teaser block had gone with it, up to the next paragraph of prose."""
    article = parse_plain_text(f"Titre\n\n{FR}\n\n{teasers}\n\n{subheads}\n\n{FR_SECOND}", quiet)
    assert article.body == f"{FR}\n\n{subheads}\n\n{FR_SECOND}"


@pytest.mark.parametrize(
    "line",
    [
        "Wir verwenden Cookies nur mit ausdrücklicher Einwilligung der Nutzer, sagte ein Sprecher.",
        "Nous utilisons des cookies uniquement avec le consentement des internautes, a répondu le groupe.",
        "We use cookies only with the explicit consent of our users, a spokesman for the company said.",
        "Utilizziamo i cookie solo con il consenso degli utenti, ha detto il portavoce.",
        "This website uses cookies, the regulator found.",  # no button, purpose or settings: no banner
    ],
)
def test_a_reported_statement_about_cookies_stays(quiet: Settings, line: str) -> None:
    assert not is_boilerplate(line)
    article = parse_plain_text(f"Titre\n\n{FR}\n\n{line}\n\n{FR_SECOND}", quiet)
    assert article.body == f"{FR}\n\n{line}\n\n{FR_SECOND}"


@pytest.mark.parametrize(
    "banner",
    [
        "We use cookies to personalise content and to analyse our traffic.",
        "Wir verwenden Cookies nur mit Ihrer Einwilligung. Mehr erfahren",
        "Nous utilisons des cookies. En savoir plus",
        "Мы используем cookies для улучшения работы сайта. Понятно",
    ],
)
def test_a_banner_names_its_button_purpose_or_settings(banner: str) -> None:
    assert is_boilerplate(banner)


def test_a_title_case_headline_under_a_section_label_is_no_byline(quiet: Settings) -> None:
    prose = "The golfer struggled on the back nine, finishing three over par after a disappointing round."
    article = parse_plain_text(f"Sport\nPar Four Is Not Enough\n\n{prose}", quiet)
    assert (article.title, article.author, article.body) == ("Par Four Is Not Enough", None, prose)


@pytest.mark.parametrize("line", ["Par Four Is Not Enough", "Von Anfang An Nicht", "By The Numbers"])
def test_a_name_has_no_headline_words(quiet: Settings, line: str) -> None:
    article = parse_plain_text(f"Titre\n{line}\n\n{FR}", quiet)
    assert article.author is None


@pytest.mark.parametrize(
    "byline", ["Par Marine Le Pen", "di Ignazio La Russa", "By Will Smith", "By Dawie Van Der Merwe"]
)
def test_names_that_hold_articles_are_bylines(quiet: Settings, byline: str) -> None:
    article = parse_plain_text(f"Sport\nTitre du jour\n{byline}\n\n{FR}", quiet)
    assert (article.title, article.author, article.body) == ("Titre du jour", byline.split(" ", 1)[1], FR)


def test_an_acronym_the_sentence_spells_out_is_no_agency(quiet: Settings) -> None:
    last = "The report was dismissed as baseless by the Armed Forces of the Philippines (AFP)."
    article = parse_plain_text(f"Manila rejects claims\n\n{FR}\n\n{last}", quiet)
    assert (article.body, article.sources) == (f"{FR}\n\n{last}", ())


# --- end to end: one language's furniture, read as the clean article -------------------------------

# Each article as lines: headline, byline, date line, first paragraph, second paragraph, source line.
CLEAN = {
    "fr": ("La réforme des retraites adoptée", "Par Jean Dupont", "3 février 2022", "Source : Le Réveil"),
    "it": ("La riforma delle pensioni approvata", "di Mario Rossi", "3 febbraio 2022", "Fonte: Il Risveglio"),
    "de": ("Die Rentenreform ist beschlossen", "Von Hans Müller", "3. Februar 2022", "Quelle: Der Wecker"),
    "pl": ("Reforma emerytalna przyjęta", "Autor: Jan Kowalski", "3 lutego 2022", "Źródło: Budzik"),
}
FURNISHED = {
    "fr": (
        "Société\nLa réforme des retraites adoptée\nPar Jean Dupont\nPublié le 3 février 2022 à 10h30\n"
        "Partager sur Facebook\n\n{one}\n\nPublicité\n\nLire aussi\nLe Sénat dit non\n\n{two}\n\n"
        "J'aime · Commenter · Partager\nRéagir\n\n"
        "Ce site utilise des cookies pour améliorer votre expérience. Accepter\n\n"
        "Commentaires (3)\n\nBravo !\n\nSource : Le Réveil"
    ),
    "it": (
        "Esteri\nLa riforma delle pensioni approvata\ndi Mario Rossi\nPubblicato il 3 febbraio 2022\n"
        "Condividi su Facebook\n\n{one}\n\nPubblicità\n\nLeggi anche\nIl Senato dice no\n\n{two}\n\n"
        "Mi piace · Commenta · Condividi\n\nQuesto sito utilizza cookie. Accetta\n\nCommenti (5)\n\n"
        "Bell'articolo!\n\nFonte: Il Risveglio"
    ),
    "de": (
        "Politik\nDie Rentenreform ist beschlossen\nVon Hans Müller\nVeröffentlicht am 3. Februar 2022\n"
        "Teilen auf Facebook\n\n{one}\n\nAnzeige\n\n"
        "Mehr zum Thema\nBaerbock blamiert sich in China\n\n{two}\n\n"
        "👉 Abonniert unseren Kanal: t.me/wecker\n\nKommentieren\n\n"
        "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten. Akzeptieren\n\nKommentare (12)\n\n"
        "Quelle: Der Wecker"
    ),
    "pl": (
        "Polityka\nReforma emerytalna przyjęta\nAutor: Jan Kowalski\nOpublikowano: 3 lutego 2022\n"
        "Udostępnij na Facebooku\n\n{one}\n\nReklama\n\nCzytaj także\nSenat mówi nie\n\n{two}\n\n"
        "Udostępnij\n\nTa strona używa plików cookies. Akceptuję\n\nKomentarze (24)\n\nŹródło: Budzik"
    ),
}
PROSE = {
    "fr": (FR, FR_SECOND),
    "it": (
        "Il governo ha annunciato giovedì una nuova riforma delle pensioni, secondo un comunicato.",
        "L'opposizione ha denunciato una forzatura e promette di ricorrere alla Corte costituzionale.",
    ),
    "de": (
        "Die Regierung hat am Donnerstag eine neue Rentenreform angekündigt, hieß es in einer Mitteilung.",
        "Die Opposition spricht von einem Alleingang und will vor das Verfassungsgericht ziehen.",
    ),
    "pl": (
        "Rząd ogłosił w czwartek nową reformę emerytalną, wynika z komunikatu.",
        "Opozycja mówi o przepchnięciu ustawy i zapowiada skargę do Trybunału Konstytucyjnego.",
    ),
}


def _reading(article: Article) -> tuple[object, ...]:
    return (
        article.title,
        article.body,
        article.sources,
        article.author,
        article.published,
        article.genre_tag,
    )


@pytest.mark.parametrize("language", ["fr", "it", "de", "pl"])
def test_a_furnished_article_reads_as_the_clean_one(quiet: Settings, language: str) -> None:
    one, two = PROSE[language]
    headline, byline, date_line, source = CLEAN[language]
    clean = parse_plain_text(f"{headline}\n{byline}\n{date_line}\n\n{one}\n\n{two}\n\n{source}", quiet)
    furnished = parse_plain_text(FURNISHED[language].format(one=one, two=two), quiet)
    assert _reading(furnished) == _reading(clean)
    assert clean.body == f"{one}\n\n{two}"
    assert clean.published == date(2022, 2, 3)
    assert clean.author is not None and clean.sources


def test_a_closing_agency_signature_is_the_source_not_text(quiet: Settings) -> None:
    text = (
        "Decreto approvato\n\nROMA, 3 FEB - Il governo ha approvato il decreto sugli aiuti all'Ucraina.\n\n"
        "Il testo passa ora alle Camere, che dovranno convertirlo in legge. (ANSA).\n"
    )
    article = parse_plain_text(text, quiet)
    assert article.body.endswith("convertirlo in legge.")
    assert "ANSA" in article.sources
