"""The article-level picture of one analysis: how much of it persuades, how, about what, in which genre.

* **propaganda share** — Prta's measure: the characters covered by at least one technique span
  (overlaps counted once) over the text length, a CRLF line break counted as one character;
* techniques per 1,000 words, spans per technique and per category
  (:data:`propwatch.models.taxonomy.TECHNIQUES`), the dominant category (most spans; ties go to more
  characters covered, then to the taxonomy's order);
* the top frames (``frame`` labels, best score first);
* the predicted genre next to the page's own tag, and whether they disagree (only when the tag names
  one of the three genres: an "analysis" or "interview" tag is not compared);
* cautions: a text in a language the models never learnt, targets in a language no named-entity tagger
  reads (the alias catalogue's only), a substantial part in another script than its language's
  (:func:`other_script_share`), too short for the article-level models, with narrative matches (leads
  to check, not findings), the more so in a language whose threshold was not chosen on it;
* whom the techniques and narratives are aimed at (:func:`target_findings`), in the words every display
  uses (:func:`stance_evidence`, :func:`target_line`), and which spans only report someone else's label.

A technique span is any span whose label is a SemEval-2023 technique name, whichever analyzer made it.
The technique figures are None when no technique analyzer ran and no such span is there: propwatch
does not report "0 %" for what it has not looked for.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from propwatch.domain import Analysis, Span
from propwatch.framing.labels import FRAME_LABEL, GENRE_LABEL, genre_of_page_tag
from propwatch.models.taxonomy import CATEGORIES, TECHNIQUE_ANALYZER, TECHNIQUES, TRAINED_LANGUAGES
from propwatch.narratives.sentences import split_sentences
from propwatch.targets.linking import (
    POLARITY,
    NarrativeAttacks,
    TargetProfile,
    build_profiles,
    is_narrative,
    is_technique,
    linked_mentions,
    mentions_of,
)
from propwatch.targets.reported import is_reported_label

TOP_FRAMES = 3
# The genre and frame models read whole articles; below this many words their verdict means little.
MIN_ARTICLE_WORDS = 100
# Satire in the training articles was short (median 180-290 words outside English), so a short text leans
# to satire: validation articles cut to their first 150 / 250 / 400 words were called satire 36 / 25 / 10
# times, rightly 4 / 4 / 3 times (runs of 2026-12-06, genre model version 5; whole articles: 6, 2 right).
SHORT_SATIRE_WORDS = 400
SHORT_SATIRE_CAUTION = (
    "The genre model reads short texts as satire too often: on validation articles cut to their first "
    "250 words, 4 of the 25 it called satire were. Read the text before treating it as a joke."
)
# A text with at least this share of its words, and this many, in another script than its language's is
# mixed, not one naming a few people or quoting a line: a Polish article quoting a Russian post had 25 %
# Cyrillic words, the SemEval-2023 and PTC training articles at most 11 % (a Russian one's Latin names).
MIXED_SCRIPT_SHARE = 0.2
MIXED_SCRIPT_WORDS = 30
_LETTER_WORD = re.compile(r"[^\W\d_]+")
# The script each language identified (py3langid's) is written in; Serbian and Kurdish are written in two,
# and a language not named here (a record's own field) is taken to be in its text's most common script.
_WRITTEN_IN = {
    "Latin": "af an az br bs ca cs cy da de en eo es et eu fi fo fr ga gl hr ht hu id is it jv la lb lt lv "
    "mg ms mt nb nl nn no oc pl pt qu ro rw se sk sl sq sv sw tl tr vi vo wa xh zu",
    "Cyrillic": "be bg kk ky mk mn ru tg uk",
    "Arabic": "ar fa ps ug ur",
    "Hebrew": "he yi",
    "Greek": "el",
    "CJK": "ja ko zh",
    "Devanagari": "hi mr ne",
    "Bengali": "as bn",
    "Ethiopic": "am",
    "Tibetan": "dz",
    "Gujarati": "gu",
    "Armenian": "hy",
    "Georgian": "ka",
    "Khmer": "km",
    "Kannada": "kn",
    "Lao": "lo",
    "Malayalam": "ml",
    "Oriya": "or",
    "Gurmukhi": "pa",
    "Sinhala": "si",
    "Tamil": "ta",
    "Telugu": "te",
    "Thai": "th",
}
_LANGUAGE_SCRIPTS = {language: script for script, names in _WRITTEN_IN.items() for language in names.split()}
# Japanese and Korean mix these with Han characters in one text: one script for this count.
_ONE_SCRIPT = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK"}
# Letters of no script ("ª", "º", "µ", "ʼ"): their words are not counted.
_NO_SCRIPT = frozenset({"MODIFIER", "FEMININE", "MASCULINE", "MICRO", "UNKNOWN"})
_MODEL_ANALYZERS = (TECHNIQUE_ANALYZER, "genre", "frames")
_ARTICLE_ANALYZERS = ("genre", "frames")
# What docs/narratives.md found on unrelated news and on real articles, said where a match is shown.
NARRATIVE_CAUTION = (
    "A narrative match is a lead to check against its evidence sentences, not a finding: the matcher "
    "follows what a sentence is about, not what it asserts, so sentences that report or debunk a "
    "narrative match too. In a test, 15 of 20 US news and opinion articles on other subjects got a match "
    "near the threshold (docs/narratives.md)."
)


class FrameScore(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    frame: str = Field(description="SemEval-2023 frame name, e.g. 'Security_and_defense'.")
    score: float | None = Field(description="The frame classifier's score in [0, 1].")


class ArticleSummary(BaseModel):
    """Article-level figures computed from the spans and labels of one analysis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    words: int = Field(description="Words in the text (white-space separated).")
    techniques_measured: bool = Field(
        description="Whether a technique analyzer ran (or technique spans are present); when not, the "
        "technique figures are null."
    )
    technique_spans: int = Field(description="Spans labelled with a persuasion technique.")
    propaganda_share: float | None = Field(
        description="Share of the text's characters inside at least one technique span (0-1)."
    )
    techniques_per_1000_words: float | None = Field(description="Technique spans per 1,000 words.")
    per_technique: dict[str, int] = Field(description="Technique spans per technique, most first.")
    per_category: dict[str, int] = Field(description="Technique spans per technique category, most first.")
    dominant_category: str | None = Field(description="The category with the most technique spans.")
    top_frames: list[FrameScore] = Field(description="The highest-scoring frames, best first.")
    genre: str | None = Field(description="Genre predicted by the genre analyzer.")
    genre_score: float | None = Field(description="Its probability.")
    genre_tag: str | None = Field(description="Genre the page gives itself (Article.genre_tag).")
    genre_disagrees: bool | None = Field(
        description="True when the page's tag names another genre than the predicted one; None when "
        "either is missing or the tag names none of opinion/reporting/satire."
    )
    cautions: list[str] = Field(
        default_factory=list,
        description="What makes these findings less reliable than the validation figures: a language the "
        "models never learnt, a substantial part of the words in another script than the language's, a "
        "text too short for the genre and frame models, a satire verdict on a short text (short texts lean "
        "to satire), narrative matches (leads to check against their evidence sentences) and a language "
        "their threshold was not chosen on.",
    )


def text_characters(text: str) -> int:
    """Characters of ``text``, a CRLF line break counted as one, so that a file saved with Windows line
    ends gets the figures of the same text with Unix ones."""
    return len(text) - text.count("\r\n")


def covered_characters(ranges: Iterable[tuple[int, int]], text: str | None = None) -> int:
    """Characters inside at least one of the ``(start, end)`` ranges (overlaps counted once); given the
    ``text``, the CR of a CRLF line break is not counted, as in :func:`text_characters`."""
    covered = 0
    reach = -1
    for start, end in sorted(ranges):
        start = max(start, reach)
        if end > start:
            covered += end - start
            if text is not None:
                covered -= text.count("\r\n", start, end) + (text[end - 1 : end + 1] == "\r\n")
        reach = max(reach, end)
    return covered


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summarize(analysis: Analysis, top_frames: int = TOP_FRAMES) -> ArticleSummary:
    """The article-level summary of ``analysis``."""
    article = analysis.article
    spans = [s for s in analysis.spans if s.label in TECHNIQUES]
    words = len(article.text.split())
    per_technique = Counter(s.label for s in spans)
    per_category = Counter(TECHNIQUES[s.label].category for s in spans)
    dominant = None
    if spans:
        reach = {
            c: covered_characters(
                ((s.start, s.end) for s in spans if TECHNIQUES[s.label].category == c), article.text
            )
            for c in CATEGORIES
        }
        dominant = max(CATEGORIES, key=lambda c: (per_category[c], reach[c], -CATEGORIES.index(c)))
    frames = sorted(
        (label for label in analysis.labels if label.name == FRAME_LABEL),
        key=lambda label: (-(label.score if label.score is not None else -1.0), label.value),
    )
    genre = next((label for label in analysis.labels if label.name == GENRE_LABEL), None)
    tag_genre = genre_of_page_tag(article.genre_tag)
    measured = bool(spans) or TECHNIQUE_ANALYZER in analysis.analyzers
    return ArticleSummary(
        words=words,
        techniques_measured=measured,
        technique_spans=len(spans),
        propaganda_share=(
            covered_characters(((s.start, s.end) for s in spans), article.text)
            / text_characters(article.text)
            if measured
            else None
        ),
        techniques_per_1000_words=(1000 * len(spans) / words if words else 0.0) if measured else None,
        per_technique=_ranked(per_technique),
        per_category=_ranked(per_category),
        dominant_category=dominant,
        top_frames=[FrameScore(frame=label.value, score=label.score) for label in frames[:top_frames]],
        genre=genre.value if genre else None,
        genre_score=genre.score if genre else None,
        genre_tag=article.genre_tag,
        genre_disagrees=(tag_genre != genre.value) if genre and tag_genre else None,
        cautions=_cautions(analysis, words, genre.value if genre else None),
    )


@cache
def _script(letter: str) -> str:
    """The script of a letter, as Unicode names it ("Latin", "Cyrillic", "Arabic"; "CJK" for Han, kana
    and Hangul)."""
    words = unicodedata.name(letter, "UNKNOWN").split()
    if words[0] in ("FULLWIDTH", "HALFWIDTH") and len(words) > 1:
        words = words[1:]
    if words[0] in _NO_SCRIPT:
        return ""
    name = _ONE_SCRIPT.get(words[0], words[0])
    return name if name == "CJK" else name.title()


def other_script_share(text: str, language: str) -> tuple[float, list[str]]:
    """The share of ``text``'s words (runs of letters, each in the script of its first letter) that are in
    another script than ``language``'s, and those scripts, most words first; ``(0.0, [])`` below
    :data:`MIXED_SCRIPT_WORDS` such words."""
    scripts: Counter[str] = Counter()
    for letter, count in Counter(word[0] for word in _LETTER_WORD.findall(text)).items():
        scripts[_script(letter)] += count
    del scripts[""]
    if not scripts:
        return 0.0, []
    own = _LANGUAGE_SCRIPTS.get(language) or scripts.most_common(1)[0][0]
    others = [(script, count) for script, count in scripts.most_common() if script != own]
    other_words = sum(count for _, count in others)
    if other_words < MIXED_SCRIPT_WORDS:
        return 0.0, []
    # a script with a few words beside another's quotation (a Greek letter in a Russian quote) is not named
    named = [script for index, (script, count) in enumerate(others) if not index or 5 * count >= other_words]
    return other_words / scripts.total(), named


def _mixed_script_caution(text: str, language: str | None) -> str | None:
    if language is None:
        return None
    share, scripts = other_script_share(text, language)
    if share < MIXED_SCRIPT_SHARE:
        return None
    named = f"{' and '.join(scripts)} script{'s' if len(scripts) > 1 else ''}"
    return (
        f"About {share:.0%} of the words are in {named} while the text was read as '{language}': aliases, "
        f"claim thresholds and technique shifts are those of '{language}'; analyse the parts apart where it "
        "matters (README, 'What it reads')."
    )


def _cautions(analysis: Analysis, words: int, genre: str | None) -> list[str]:
    ran = set(analysis.analyzers)
    cautions = []
    language = analysis.article.language
    if ran.intersection(_MODEL_ANALYZERS):
        trained = ", ".join(TRAINED_LANGUAGES)
        if language is None:
            cautions.append(f"The text's language could not be identified; the models learnt {trained} only.")
        elif language not in TRAINED_LANGUAGES:
            cautions.append(
                f"The text is in '{language}', which the technique, genre and frame models never learnt "
                f"(they learnt {trained}): their findings here are not validated."
            )
    if "targets" in ran and language is not None:
        from propwatch.targets.ner import NER_LANGUAGES  # the taggers' modules (numpy, crfsuite): only here

        if language not in NER_LANGUAGES:
            cautions.append(
                f"No named-entity tagger reads '{language}': its targets come from the alias catalogue only "
                "(docs/targets.md), so people and organisations not listed there are missed."
            )
    if (mixed := _mixed_script_caution(analysis.article.text, language)) is not None:
        cautions.append(mixed)
    if any(label.name == "narrative" for label in analysis.labels):
        cautions.append(NARRATIVE_CAUTION)
        from propwatch.narratives.matching import CALIBRATED_THRESHOLDS  # numpy and the embedder: only here

        if language not in CALIBRATED_THRESHOLDS:
            calibrated = " and ".join(sorted(CALIBRATED_THRESHOLDS))
            cautions.append(
                f"The narrative matches use a threshold chosen on {calibrated} sentences only, not on "
                f"'{language or 'unknown'}' ones (docs/narratives.md): read each evidence sentence."
            )
    if genre == "satire" and MIN_ARTICLE_WORDS <= words < SHORT_SATIRE_WORDS:
        cautions.append(SHORT_SATIRE_CAUTION)
    if ran.intersection(_ARTICLE_ANALYZERS) and words < MIN_ARTICLE_WORDS:
        cautions.append(
            f"The text has {words} word{'' if words == 1 else 's'}: the genre and frame models read whole "
            "articles, so their verdict on it means little."
        )
    return cautions


def genre_note(summary: ArticleSummary) -> str | None:
    """One line for a reader when the page's tag and the predicted genre disagree, else None."""
    if not summary.genre_disagrees:
        return None
    score = f" ({summary.genre_score:.2f})" if summary.genre_score is not None else ""
    return (
        f"The page calls itself {summary.genre_tag!r}, but the genre model reads it as "
        f"{summary.genre!r}{score}."
    )


class TargetFindings(NamedTuple):
    """Whom the article's techniques and narratives are aimed at, and which spans report a label."""

    profiles: list[TargetProfile]
    """:func:`propwatch.targets.linking.target_profiles`."""
    reported: frozenset[Span]
    """The attacking or praising spans that report a label someone else gives their target."""


def target_findings(analysis: Analysis, narrative_attacks: NarrativeAttacks | None = None) -> TargetFindings:
    """The target profiles of ``analysis`` and its reported labels, from one split into sentences: the
    profiles count reported labels, and a display marks the spans themselves."""
    text, language = analysis.article.text, analysis.article.language
    mentions = mentions_of(analysis.spans)
    if not mentions:
        return TargetFindings([], frozenset())
    techniques = [s for s in analysis.spans if is_technique(s)]
    # the sentences build_profiles would split: those of the spans with no mention inside
    unplaced = [
        (s.start, s.end)
        for s in techniques
        if s.label in POLARITY and not any(m.start < s.end and s.start < m.end for m in mentions)
    ]
    sentences = split_sentences(text, language, near=unplaced) if unplaced else []
    profiles = build_profiles(
        text,
        language,
        mentions,
        techniques,
        sentences,
        narratives=[s for s in analysis.spans if is_narrative(s)],
        narrative_attacks=narrative_attacks,
    )
    reported = frozenset(
        span
        for span in techniques
        if POLARITY.get(span.label, "neutral") != "neutral"
        and is_reported_label(text, span, linked_mentions(text, span, mentions, sentences))
    )
    return TargetFindings(profiles, reported)


REPORTED_NOTE = "reported, not the author's label"


def stance_evidence(profile: TargetProfile) -> str:
    """What a target's stance rests on, as every display says it: "12 spans, 89% of their weight
    attacking" (the stance score: the winning side's share of its linked evidence weight), so that one
    weak span shows as one span."""
    count = len(profile.evidence)
    spans = f"{count} span{'' if count == 1 else 's'}"
    if profile.stance_score is None or profile.stance not in ("attacked", "praised"):
        return spans
    side = "attacking" if profile.stance == "attacked" else "praising"
    return f"{spans}, {profile.stance_score:.0%} of {'its' if count == 1 else 'their'} weight {side}"


def target_line(profile: TargetProfile) -> str:
    """One line per target: "NATO — attacked (3 spans, 89% of their weight attacking): Doubt ×2, …"."""
    if not profile.techniques:
        return profile.summary()
    counts = ", ".join(f"{name} ×{count}" for name, count in profile.techniques)
    if profile.reported:
        counts += f"; {profile.reported} reported label{'s' if profile.reported > 1 else ''}"
    return f"{profile.name} — {profile.stance} ({stance_evidence(profile)}): {counts}"
