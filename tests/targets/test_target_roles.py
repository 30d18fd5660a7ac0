"""Who a span is aimed at when the sentence names its speaker, a threatened party or a labelled name.

The cases come from an audit of 270 targets on 38 SemEval-2023 and PTC articles, where only 39 % of the
stances were right: speakers after their words were "attacked" («…», — отметил Буданов), reported
labels counted as the article's own (Hillary Clinton sagt, Putin sei „der neue Hitler“), threatened
parties were "attacked" (Taïwan est menacée par la Chine), a label went to the name before the one it
describes (le candidat d'extrême droite Eric Zemmour), and a rhetorical question undid "Y, not X".
"""

from __future__ import annotations

import pytest

from propwatch.domain import Span
from propwatch.targets.aliases import AliasCatalogue
from propwatch.targets.extraction import extract_mentions
from propwatch.targets.linking import TargetMention, build_profiles
from propwatch.targets.ner import NerMention
from target_ner_fixture import FixedNer

# Names the shipped catalogue does not list, tagged as the NER back-end would.
_TAGGED = (
    "Буданов",
    "ФСБ",
    "Баранец",
    "BFMTV",
    "Eric Zemmour",
    "Kissinger",
    "Hillary Clinton",
    "Borrell",
    "Conte",
    "Bruch",
    "Barack Obama",
    "Louis Farrakhan",
    "Taiwan",
)


def _aimed(
    catalogue: AliasCatalogue, language: str, text: str, quote: str, label: str = "Name_Calling-Labeling"
) -> dict[str, str]:
    """The stance towards each target a span over ``quote`` is linked to."""
    tagged = [
        NerMention(start, start + len(name), "PER")
        for name in _TAGGED
        for start in range(len(text))
        if text.startswith(name, start)
    ]
    mentions = extract_mentions(text, language, catalogue, FixedNer(*tagged))
    start = text.index(quote)
    span = Span(start=start, end=start + len(quote), label=label, analyzer="techniques")
    targets = [TargetMention(m.start, m.end, m.name) for m in mentions]
    return {p.name: p.stance for p in build_profiles(text, language, targets, [span]) if p.evidence}


@pytest.mark.parametrize(
    ("language", "text", "quote", "aimed"),
    [
        # A speaker or source after the words: nobody else is named, so nobody is aimed at.
        ("ru", "«Это его конец, он сам себя загнал в тупик», — отметил Буданов.", "Это его конец", {}),
        ("ru", "Взрыв спланировали спецслужбы, сообщили в ФСБ.", "Взрыв спланировали спецслужбы", {}),
        ("fr", "Le candidat est un danger, comme le rapporte BFMTV.", "un danger", {}),
        ("de", "Die Lage ist eine Katastrophe, sagte Kissinger.", "eine Katastrophe", {}),
        ("en", "This is a disgrace, said Borrell.", "a disgrace", {}),
        ("it", "È una vergogna, ha detto Conte.", "una vergogna", {}),
        ("pl", "To hańba – powiedział Bruch.", "To hańba", {}),
        # The speaker the span opens on: the target is who the rest names, or nobody.
        ("ru", "Позже в ФСБ сообщили, что взрыв спланировали спецслужбы.", "ФСБ сообщили, что взрыв", {}),
        (
            "ru",
            "Баранец назвал фатальную ошибку Киева.",
            "Баранец назвал фатальную ошибку Киева",
            {"Ukraine": "attacked"},
        ),
        # Words of their own speaker, in the first person, are about him.
        (
            "ru",
            "«Я всегда защищал мир», — заявил Путин.",
            "всегда защищал мир",
            {"Vladimir Putin": "praised"},
        ),
    ],
)
def test_the_speaker_named_after_his_words_is_not_their_target(
    catalogue: AliasCatalogue, language: str, text: str, quote: str, aimed: dict[str, str]
) -> None:
    """ "«Это его конец…», — отметил Буданов" had Budanov attacked (he attacks Putin)."""
    label = "Appeal_to_Values" if "защищал" in quote else "Doubt"
    assert _aimed(catalogue, language, text, quote, label) == aimed


@pytest.mark.parametrize(
    ("language", "text", "quote", "aimed"),
    [
        # A label in what a named speaker is reported saying is reported: neutral evidence.
        (
            "de",
            "Hillary Clinton sagt, Putin sei „der neue Hitler“.",
            "der neue Hitler",
            {"Vladimir Putin": "neutral"},
        ),
        (
            "en",
            "Hillary Clinton said on Monday that Putin is the new Hitler.",
            "the new Hitler",
            {"Vladimir Putin": "neutral"},
        ),
        (
            "ru",
            "«Путин — военный преступник», — заявил Буданов.",
            "военный преступник",
            {"Vladimir Putin": "neutral"},
        ),
        (
            "en",
            "Their leaders order the crowds to chant “Death to America” every Friday.",
            "“Death to America”",
            {"United States": "neutral"},
        ),
        # The author's own words: no one else speaks them.
        ("en", "Putin is the new Hitler.", "the new Hitler", {"Vladimir Putin": "attacked"}),
        ("en", "I said that Putin is the new Hitler.", "the new Hitler", {"Vladimir Putin": "attacked"}),
        (
            "ru",
            "Это говорит о том, что Путин — военный преступник.",
            "военный преступник",
            {"Vladimir Putin": "attacked"},
        ),
    ],
)
def test_a_label_in_reported_speech_is_reported(
    catalogue: AliasCatalogue, language: str, text: str, quote: str, aimed: dict[str, str]
) -> None:
    """ "Hillary Clinton sagt, Putin sei „der neue Hitler“" had Putin attacked by a pro-Putin article."""
    assert _aimed(catalogue, language, text, quote) == aimed


@pytest.mark.parametrize(
    ("language", "text", "quote", "aimed"),
    [
        # A passive threat goes to its agent.
        ("fr", "Taïwan est menacée par la Chine.", "Taïwan est menacée par la Chine", {"China": "attacked"}),
        ("en", "Taiwan is threatened by China.", "Taiwan is threatened", {"China": "attacked"}),
        ("de", "Taiwan wird von China bedroht.", "Taiwan wird von China bedroht", {"China": "attacked"}),
        (
            "pl",
            "Tajwan jest zagrożony przez Chiny.",
            "Tajwan jest zagrożony przez Chiny",
            {"China": "attacked"},
        ),
        # The threatened party, or who faces the threat, is not attacked.
        ("pl", "To zagrożenie dla suwerenności Polski.", "zagrożenie dla suwerenności Polski", {}),
        ("ru", "Это угроза для России.", "угроза для России", {}),
        (
            "fr",
            "Israël doit faire face aux menaces de l'Iran.",
            "Israël doit faire face aux menaces",
            {"Iran": "attacked"},
        ),
        # Controls: who threatens is attacked; a span that attacks nobody leaves the party as it was.
        ("pl", "Rosja zagraża Polsce.", "Rosja zagraża Polsce", {"Russia": "attacked"}),
        ("fr", "Taïwan est menacée par la Chine.", "Taïwan est menacée par la Chine", {"Taiwan": "neutral"}),
    ],
)
def test_a_fear_appeal_is_aimed_at_the_threat_not_the_threatened(
    catalogue: AliasCatalogue, language: str, text: str, quote: str, aimed: dict[str, str]
) -> None:
    """ "Taïwan est menacée par la Chine" had Taiwan attacked."""
    label = "Loaded_Language" if aimed == {"Taiwan": "neutral"} else "Appeal_to_Fear-Prejudice"
    assert _aimed(catalogue, language, text, quote, label) == aimed


@pytest.mark.parametrize(
    ("language", "text", "quote", "aimed"),
    [
        (
            "fr",
            "Donald Trump a échangé par téléphone avec le candidat d’extrême droite Eric Zemmour.",
            "d’extrême droite",
            {"Eric Zemmour": "attacked"},
        ),
        (
            "en",
            "It is a photo of candidate Barack Obama and vicious jihad-supporting racist Louis Farrakhan.",
            "vicious",
            {"Louis Farrakhan": "attacked"},
        ),
        # Controls: a label before a clause break, or before "of", stays with the name before it.
        ("en", "Trump is corrupt, and Biden knows it.", "corrupt", {"Donald Trump": "attacked"}),
        ("en", "Trump is a corrupt puppet of Biden.", "corrupt puppet", {"Donald Trump": "attacked"}),
    ],
)
def test_a_label_right_before_a_name_describes_that_name(
    catalogue: AliasCatalogue, language: str, text: str, quote: str, aimed: dict[str, str]
) -> None:
    """ "avec le candidat d'extrême droite Eric Zemmour" had Donald Trump attacked."""
    assert _aimed(catalogue, language, text, quote) == aimed


@pytest.mark.parametrize(
    ("language", "text", "quote", "aimed"),
    [
        (
            "it",
            "Dovrebbe esserci qualche dubbio sul fatto che sono gli Stati Uniti, e non la Russia, "
            "a minacciare l’intera razza umana per l’eternità?",
            "l’intera razza umana per l’eternità?",
            {"United States": "attacked"},
        ),
        (
            "pl",
            "Czy ktoś wątpi, że to NATO, a nie Rosja, jest agresorem?",
            "jest agresorem?",
            {"NATO": "attacked"},
        ),
        # A question about the pair itself still undoes the contrast.
        (
            "it",
            "Sono gli Stati Uniti, e non la Russia, a minacciare il mondo?",
            "minacciare il mondo?",
            {"Russia": "attacked"},
        ),
    ],
)
def test_a_contrast_inside_a_rhetorical_question_still_holds(
    catalogue: AliasCatalogue, language: str, text: str, quote: str, aimed: dict[str, str]
) -> None:
    """ "…sono gli Stati Uniti, e non la Russia, a minacciare…?" was evidence against Russia."""
    assert _aimed(catalogue, language, text, quote, "Doubt") == aimed
