"""The label sets of SemEval-2023 Task 3 subtasks 1 (genre) and 2 (frames), in the official order."""

from __future__ import annotations

from typing import Final

GENRES: Final[tuple[str, ...]] = ("opinion", "reporting", "satire")
"""Subtask-1 classes."""

FRAMES: Final[tuple[str, ...]] = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)
"""Subtask-2 frames (the order of the organisers' ``frames_subtask2.txt``)."""

GENRE_LABEL: Final = "genre"
FRAME_LABEL: Final = "frame"


def frame_title(frame: str) -> str:
    """A frame name for people: ``Security_and_defense`` → ``Security and defense``."""
    return frame.replace("_", " ")


# The page tags of propwatch.ingest.genres that name one of the three genres; the others (analysis,
# interview, feature, explainer, fact-check…) straddle them, so they are not compared.
_PAGE_TAG_GENRES: Final = {
    "opinion": "opinion",
    "editorial": "opinion",
    "commentary": "opinion",
    "column": "opinion",
    "blog": "opinion",
    "letter": "opinion",
    "essay": "opinion",
    "review": "opinion",
    "news": "reporting",
    "report": "reporting",
    "investigation": "reporting",
    "obituary": "reporting",
    "press release": "reporting",
    "satire": "satire",
}


def genre_of_page_tag(tag: str | None) -> str | None:
    """The subtask-1 genre a page's own tag names ("editorial" → "opinion"), None when it names none."""
    return _PAGE_TAG_GENRES.get(" ".join((tag or "").lower().split()))
