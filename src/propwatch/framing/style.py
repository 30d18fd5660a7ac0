"""Surface features of an article's voice, for the genre head: reporting quotes and attributes,
opinion says "I" and "we", asks and exclaims. The e5 vectors hold the topic well and the voice poorly.

Every feature is a rate or a share, so articles of any length compare. Word lists (pronouns, verbs of
saying) exist for the six SemEval-2023 languages; in another language those features are 0.
:data:`STYLE_FEATURES` names the columns in order; :func:`style_features` computes them.
"""

from __future__ import annotations

import math
import re
from typing import Final

import numpy as np
import numpy.typing as npt

STYLE_FEATURES: Final[tuple[str, ...]] = (
    "log_words",
    "paragraphs_per_100_words",
    "log_sentence_words",
    "quoted_share",
    "quotes_per_1000_words",
    "first_singular_per_1000_words",
    "first_plural_per_1000_words",
    "second_person_per_1000_words",
    "questions_per_sentence",
    "exclamations_per_sentence",
    "numbers_per_1000_words",
    "dateline",
    "agency_mentions",
    "reported_speech_per_1000_words",
    "links_per_1000_words",
    "capitalised_share",
    "title_question_or_exclamation",
)

_WORD: Final = re.compile(r"\w+(?:['’]\w+)?", re.UNICODE)
_SENTENCE_END: Final = re.compile(r"[.!?…]+(?=\s|$)|\n+")
_NUMBER: Final = re.compile(r"\b\d[\d.,:/%-]*")
_LINK: Final = re.compile(r"https?://\S+|www\.\S+")
# Quotations: typographic pairs, guillemets, German low-high quotes and straight double quotes, kept
# within one paragraph (a missing closer must not swallow the rest of the article).
_QUOTE: Final = re.compile(
    r"“[^”\n]{1,2000}”|«[^»\n]{1,2000}»|„[^“”\n]{1,2000}[“”]|\"[^\"\n]{1,2000}\"|»[^«\n]{1,2000}«"
)
_AGENCY: Final = re.compile(
    r"\b(?:Reuters|AFP|AP|Associated Press|dpa|DPA|ANSA|Adnkronos|PAP|Agerpres|Bloomberg|"
    r"ТАСС|РИА Новости|Интерфакс|Interfax|TASS|RIA Novosti|Sputnik)\b"
)
# "WASHINGTON (Reuters) -", "PARIS, 3 mars (AFP) –", "Roma, 12 gen -": a place in capitals or a short
# place-and-date, then a dash, at the start of the body.
_DATELINE: Final = re.compile(
    r"^\s*(?:[A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻА-ЯЁ][\w.'’ -]{1,40}?(?:,[^\n—–-]{1,30})?"
    r"\s*(?:\([^)\n]{1,30}\))?\s*[—–-]{1,2}\s)"
)


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FIRST_SINGULAR: Final[dict[str, frozenset[str]]] = {
    "en": _vocabulary("i me my mine myself i'm i’m i've i’ve i'd i’d i'll i’ll"),
    "fr": _vocabulary("je j j' j’ me m moi mon ma mes"),
    "de": _vocabulary("ich mich mir mein meine meinen meinem meiner meines"),
    "it": _vocabulary("io mi me mio mia miei mie"),
    "pl": _vocabulary("ja mnie mi mną mój moja moje mojego mojej moim moich"),
    "ru": _vocabulary("я меня мне мной мой моя моё мое мои моего моей моих"),
}
_FIRST_PLURAL: Final[dict[str, frozenset[str]]] = {
    "en": _vocabulary("we us our ours ourselves we're we’re we've we’ve"),
    "fr": _vocabulary("nous notre nos"),
    "de": _vocabulary("wir uns unser unsere unseren unserem unserer"),
    "it": _vocabulary("noi ci nostro nostra nostri nostre"),
    "pl": _vocabulary("my nas nam nami nasz nasza nasze naszego naszej naszych"),
    "ru": _vocabulary("мы нас нам нами наш наша наше наши нашего нашей наших"),
}
_SECOND_PERSON: Final[dict[str, frozenset[str]]] = {
    "en": _vocabulary("you your yours yourself yourselves you're you’re"),
    "fr": _vocabulary("tu te toi ton ta tes vous votre vos"),
    "de": _vocabulary("du dich dir dein deine ihr euch euer eure"),
    "it": _vocabulary("tu ti te tuo tua tuoi tue voi vi vostro vostra"),
    "pl": _vocabulary("ty ciebie cię ci twój twoja twoje wy was wam wasz wasza"),
    "ru": _vocabulary("ты тебя тебе тобой твой твоя твоё твои вы вас вам вами ваш ваша ваше ваши"),
}
# Verbs and phrases of attribution; matched on lower-cased text at word starts.
_REPORTED: Final[dict[str, re.Pattern[str]]] = {
    "en": re.compile(r"\b(?:said|says|told|according to|stated|announced|reported|added|explained)\b"),
    "fr": re.compile(
        r"\b(?:a déclaré|a dit|a affirmé|a indiqué|a annoncé|a expliqué|selon|a précisé|a ajouté|"
        r"déclare|affirme|indique)\b"
    ),
    "de": re.compile(
        r"\b(?:sagte|sagt|erklärte|teilte|berichtete|laut|zufolge|betonte|kündigte|hieß es|so der|so die)\b"
    ),
    "it": re.compile(
        r"\b(?:ha detto|ha dichiarato|ha affermato|ha spiegato|ha annunciato|secondo|ha aggiunto|"
        r"ha sottolineato|riferisce|dichiara)\b"
    ),
    "pl": re.compile(
        r"\b(?:powiedział|powiedziała|stwierdził|stwierdziła|poinformował|poinformowała|według|"
        r"oświadczył|oświadczyła|dodał|dodała|zaznaczył|podkreślił)\b"
    ),
    "ru": re.compile(
        r"(?:заявил|сказал|сообщил|отметил|по словам|по данным|подчеркнул|рассказал|"
        r"добавил|пояснил|передает|передаёт|сообщает)"
    ),
}

FloatVector = npt.NDArray[np.float64]


def _per_1000(count: int, words: int) -> float:
    return 1000.0 * count / max(words, 1)


def _body_start(paragraphs: list[str]) -> str:
    """The first paragraph after the title (SemEval-style files put the title on the first line)."""
    return paragraphs[1] if len(paragraphs) > 1 else (paragraphs[0] if paragraphs else "")


def style_features(text: str, language: str | None) -> FloatVector:
    """The :data:`STYLE_FEATURES` of ``text`` (its title on the first line, as the shared-task files
    and the readers' articles have it), in that order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a file's line endings change no feature
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    words = _WORD.findall(text)
    lowered = [w.lower() for w in words]
    n_words = len(words)
    sentences = max(len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]), 1)
    quotes = _QUOTE.findall(text)
    language = language if language in _FIRST_SINGULAR else None

    def rate(vocabulary: dict[str, frozenset[str]]) -> float:
        if language is None:
            return 0.0
        chosen = vocabulary[language]
        return _per_1000(sum(w in chosen for w in lowered), n_words)

    reported = len(_REPORTED[language].findall(text.lower())) if language else 0
    capitalised = sum(len(w) > 1 and w.isupper() and not w.isdigit() for w in words)
    title = paragraphs[0] if paragraphs else ""
    values = (
        math.log1p(n_words),
        100.0 * len(paragraphs) / max(n_words, 1),
        math.log1p(n_words / sentences),
        sum(len(q) for q in quotes) / max(len(text), 1),
        _per_1000(len(quotes), n_words),
        rate(_FIRST_SINGULAR),
        rate(_FIRST_PLURAL),
        rate(_SECOND_PERSON),
        text.count("?") / sentences,
        text.count("!") / sentences,
        _per_1000(len(_NUMBER.findall(text)), n_words),
        1.0 if _DATELINE.match(_body_start(paragraphs)) else 0.0,
        math.log1p(len(_AGENCY.findall(text))),
        _per_1000(reported, n_words),
        _per_1000(len(_LINK.findall(text)), n_words),
        capitalised / max(n_words, 1),
        1.0 if title.rstrip().endswith(("?", "!")) else 0.0,
    )
    return np.array(values, dtype=np.float64)
