"""Cheap surface features that mark checkable statements: figures, dates, amounts, names.

They complement the sentence embedding, which is weak at noticing *that* a number is there. Every
feature is language-neutral or lists its cue words in several languages; the values are scaled
to about [0, 1] so one standardisation (stored with the model) fits them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")
_PERCENT = re.compile(
    r"%|٪|\b(?:percent|per cent|percentage|procent|prozent|pour cent|por ciento|per cento|процент\w*)\b"
    r"|(?:بالمئة|بالمائة|في المئة|في المائة)",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"[$€£¥₽]|\b(?:dollars?|euros?|pounds|rubles?|roubles?|million|billion|trillion|thousand|hundred"
    r"|miljoen|miljard|duizend|millions?|milliards?|milliarden?|тысяч\w*|миллион\w*|миллиард\w*|рубл\w*"
    r"|долл\w*)\b|(?:مليون|مليار|ألف|دولار)",
    re.IGNORECASE,
)
_STATISTIC = re.compile(
    r"\b(?:rate|average|increase[ds]?|decrease[ds]?|double[ds]?|tripled|cut|raised|grew|fell|rose|lowest"
    r"|highest|record|largest|more than|less than|fewer|majority|half|third|quarter|times|number of"
    r"|statistics?|survey|poll|study|report(?:ed|s)?|according to|gestegen|gedaald|aantal"
    r"|рост\w*|снизил\w*|вырос\w*|больше|меньше|согласно|данны\w*)\b|(?:ارتفاع|انخفاض|نسبة|عدد|وفق)",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:I think|I believe|I feel|I hope|I want|we need|we should|we must|let me|thank you|I'm going to"
    r"|ik denk|я думаю|я считаю|мы должны)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+", re.UNICODE)

FEATURE_NAMES: tuple[str, ...] = (
    "numbers",
    "year",
    "percent",
    "amount",
    "statistic_words",
    "names",
    "question",
    "opinion_words",
    "length",
)


def _names_ratio(words: list[str]) -> float:
    """Share of capitalised words after the first one: a crude, script-agnostic named-entity cue."""
    inner = words[1:]
    if not inner:
        return 0.0
    return sum(1 for w in inner if w[:1].isupper()) / len(inner)


def lexical_features(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """One row of :data:`FEATURE_NAMES` values per text."""
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for row, text in enumerate(texts):
        words = _WORD.findall(text)
        out[row] = (
            min(len(_NUMBER.findall(text)), 4) / 4,
            float(bool(_YEAR.search(text))),
            float(bool(_PERCENT.search(text))),
            float(bool(_AMOUNT.search(text))),
            min(len(_STATISTIC.findall(text)), 3) / 3,
            _names_ratio(words),
            float(text.rstrip().rstrip("\"'”’»)").endswith(("?", "؟"))),
            float(bool(_OPINION.search(text))),
            math.log1p(len(words)) / math.log1p(100),
        )
    return out
