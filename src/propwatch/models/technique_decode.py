"""Decoding of the technique model's token logits into character spans (numpy only).

This is the one decoding path, shared by training-time validation and by inference, so that the
validation figures in a model card are the figures users get. Steps, in order:

1. :func:`plan_windows` — cut an article's tokens into overlapping windows the encoder can take;
   :func:`pack_windows` builds the ``<s> … </s>`` id and mask matrices;
2. :func:`text_logits` — run the encoder on each window alone and :func:`merge_window_logits` average
   the logits of tokens that several windows saw;
3. :func:`token_probabilities` — begin probability (plain sigmoid) and calibrated inside probability
   ``sigmoid(logit / temperature + bias)`` per label;
4. :func:`token_char_ranges` — tokenizer offsets to character ranges of the original text (the space a
   ``▁`` token stands for is dropped, so ``\\r\\n`` texts stay exact);
5. :func:`decode_spans` — per label, maximal runs of tokens whose inside probability reaches the label's
   threshold, split where the begin probability reaches 0.5; widened to whole words
   (:func:`whole_words`), boundaries cleaned by :func:`clean_boundaries`, too-short spans dropped
   (:func:`substantial`), overlapping spans of a label joined; score = mean calibrated inside
   probability of the span's tokens.

Helpers for the shared tasks: :func:`technique_scores_for_range` (PTC technique classification of a
given span) and :func:`paragraph_labels` (SemEval-2023 subtask 3, paragraphs = non-empty lines).

Logits are ``[T, 2K]``: channel ``2k`` is the begin of label ``k``, ``2k + 1`` its inside.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from propwatch.characters import extends, inside_character
from propwatch.corpora.corpus import paragraph_ranges

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

BEGIN_THRESHOLD: Final = 0.5
SPECIAL_TOKENS_PER_WINDOW: Final = 2  # <s> and </s>

# Openers and their closers: a quote or bracket at a span boundary stays only when its partner is inside.
_PAIRS: Final = {
    "\u201c": "\u201d",  # “ ”
    "\u2018": "\u2019",  # ‘ ’
    "\u201e": "\u201c",  # „ “ (German)
    "\u201a": "\u2018",  # ‚ ‘
    "\u00ab": "\u00bb",  # « »
    "\u00bb": "\u00ab",  # » « (reversed guillemets, Danish/German style)
    "\u2039": "\u203a",  # ‹ ›
    "(": ")",
    "[": "]",
    "{": "}",
    '"': '"',
    "'": "'",
}
_CLOSERS: Final = {closer: opener for opener, closer in _PAIRS.items()}
# Kept at the end of a span: gold spans end on these (rhetorical questions, exclamations, trailing off).
_KEPT_AT_END: Final = frozenset("?!…%")
# Kept at the start: hashtags and mentions are part of the slogan or name they introduce.
_KEPT_AT_START: Final = frozenset("#@")


class LabeledRange(Protocol):
    """Anything with a character range and a label (decoded spans, domain spans)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class DecodedSpan:
    """A technique span in characters of the original text, with its mean calibrated probability."""

    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class Calibration:
    """Per-label decoding parameters, in the model's channel order."""

    labels: tuple[str, ...]
    temperature: FloatArray  # [K], > 0
    bias: FloatArray  # [K]
    threshold: FloatArray  # [K], on the calibrated inside probability
    # Added to every inside logit of a text in that language (ISO 639-1): one tuned value per language,
    # since a multilingual model's logit scale differs by language while 23 thresholds per language
    # would overfit the few validation articles each language has.
    language_shift: Mapping[str, float] = field(default_factory=dict)
    # A span's run goes on down to threshold * (1 - hysteresis) once a token reaches the threshold:
    # single tokens just under it cut spans that gold marks whole (0: plain runs).
    hysteresis: float = 0.0

    def __post_init__(self) -> None:
        k = len(self.labels)
        for name in ("temperature", "bias", "threshold"):
            if getattr(self, name).shape != (k,):
                raise ValueError(f"{name} must have one value per label ({k})")
        if not np.all(self.temperature > 0):
            raise ValueError("temperatures must be positive")
        if not all(math.isfinite(v) for v in self.language_shift.values()):
            raise ValueError("language shifts must be finite numbers")
        if not 0.0 <= self.hysteresis < 1.0:
            raise ValueError(f"hysteresis must be at least 0 and below 1, got {self.hysteresis}")

    def for_language(self, language: str | None) -> Calibration:
        """The calibration of a text in ``language``: its shift folded into the biases."""
        shift = self.language_shift.get(language or "", 0.0)
        return replace(self, bias=(self.bias + np.float32(shift)).astype(np.float32), language_shift={})

    @classmethod
    def identity(cls, labels: Sequence[str], threshold: float = 0.5) -> Calibration:
        """No calibration (temperature 1, bias 0) and one threshold for every label."""
        k = len(labels)
        return cls(
            tuple(labels),
            np.ones(k, dtype=np.float32),
            np.zeros(k, dtype=np.float32),
            np.full(k, threshold, dtype=np.float32),
        )

    @classmethod
    def from_mappings(
        cls,
        labels: Sequence[str],
        thresholds: Mapping[str, float],
        calibration: Mapping[str, Mapping[str, float]],
        language_shift: Mapping[str, float] | None = None,
        hysteresis: float = 0.0,
    ) -> Calibration:
        """From model.json's ``thresholds``, ``calibration``, ``language_shift`` and ``span_hysteresis``; a
        missing label raises KeyError."""
        return cls(
            tuple(labels),
            np.asarray([float(calibration[label]["temperature"]) for label in labels], dtype=np.float32),
            np.asarray([float(calibration[label]["bias"]) for label in labels], dtype=np.float32),
            np.asarray([float(thresholds[label]) for label in labels], dtype=np.float32),
            {str(code): float(value) for code, value in (language_shift or {}).items()},
            float(hysteresis),
        )


# --- windows -------------------------------------------------------------------------------------


def plan_windows(n_tokens: int, window: int, stride: int) -> list[tuple[int, int]]:
    """Token ranges ``[start, end)`` of the article's windows, each at most ``window - 2`` tokens.

    ``window`` counts ``<s>`` and ``</s>`` (model.json's ``window_tokens``); consecutive windows start
    ``stride`` tokens apart, so they overlap by ``window - 2 - stride`` tokens. The last window is
    moved back to end exactly at the last token (a full-size window rather than a short tail).
    """
    capacity = window - SPECIAL_TOKENS_PER_WINDOW
    if capacity < 1:
        raise ValueError(f"window of {window} tokens leaves no room between <s> and </s>")
    if not 0 < stride <= capacity:
        raise ValueError(f"stride must be between 1 and {capacity} tokens, got {stride}")
    if n_tokens < 0:
        raise ValueError("negative token count")
    if n_tokens <= capacity:
        return [(0, n_tokens)] if n_tokens else []
    windows = []
    start = 0
    while start + capacity < n_tokens:
        windows.append((start, start + capacity))
        start += stride
    windows.append((n_tokens - capacity, n_tokens))
    return windows


def pack_windows(
    token_ids: Sequence[int] | IntArray,
    windows: Sequence[tuple[int, int]],
    *,
    bos: int,
    eos: int,
    pad: int,
    length: int | None = None,
) -> tuple[IntArray, IntArray]:
    """``<s> tokens </s>`` per window, right-padded to ``length`` (default: the longest): ids and mask."""
    ids = np.asarray(token_ids, dtype=np.int64)
    longest = max((end - start for start, end in windows), default=0) + SPECIAL_TOKENS_PER_WINDOW
    width = longest if length is None else length
    if width < longest:
        raise ValueError(f"length {width} is shorter than the longest window ({longest})")
    matrix = np.full((len(windows), width), pad, dtype=np.int64)
    mask = np.zeros((len(windows), width), dtype=np.int64)
    for row, (start, end) in enumerate(windows):
        size = end - start
        matrix[row, 0] = bos
        matrix[row, 1 : 1 + size] = ids[start:end]
        matrix[row, 1 + size] = eos
        mask[row, : size + SPECIAL_TOKENS_PER_WINDOW] = 1
    return matrix, mask


def text_logits(
    token_ids: Sequence[int] | IntArray,
    windows: Sequence[tuple[int, int]],
    run: Callable[[IntArray, IntArray], FloatArray],
    *,
    bos: int,
    eos: int,
    pad: int,
    width: int,
) -> FloatArray:
    """Merged logits ``[T, width]`` of a text's ``windows``, each window one unpadded ``run`` call.

    One window per call: an int8 graph quantises its activations per call, so windows (or padding)
    sharing a call would move each other's logits; alone, a text's logits depend on its tokens only.
    """
    if not windows:
        return np.zeros((len(token_ids), width), dtype=np.float32)
    pieces = []
    for start, end in windows:
        ids, mask = pack_windows(token_ids, [(start, end)], bos=bos, eos=eos, pad=pad)
        pieces.append(run(ids, mask)[0, 1 : 1 + end - start])
    return merge_window_logits(len(token_ids), windows, pieces)


class TextTokenizer(Protocol):
    """What :func:`text_ranges_and_logits` needs of a ``tokenizers.Tokenizer``."""

    def encode(self, sequence: str, *, add_special_tokens: bool) -> Any: ...


def text_ranges_and_logits(
    tokenizer: TextTokenizer,
    text: str,
    window: int,
    stride: int,
    run: Callable[[IntArray, IntArray], FloatArray],
    *,
    bos: int,
    eos: int,
    pad: int,
    width: int,
) -> tuple[IntArray, FloatArray]:
    """``text``'s tokens as cleaned character ranges ``[T, 2]`` and their merged logits ``[T, width]``
    over windows of ``window`` tokens ``stride`` apart (:func:`text_logits`)."""
    encoding = tokenizer.encode(text, add_special_tokens=False)
    logits = text_logits(
        encoding.ids,
        plan_windows(len(encoding.ids), window, stride),
        run,
        bos=bos,
        eos=eos,
        pad=pad,
        width=width,
    )
    ranges = token_char_ranges(text, np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2))
    return ranges, logits


def merge_window_logits(
    n_tokens: int, windows: Sequence[tuple[int, int]], window_logits: Sequence[FloatArray]
) -> FloatArray:
    """Average the logits each token got from the windows that contain it: ``[n_tokens, 2K]``.

    ``window_logits[i]`` holds the logits of window ``i``'s own tokens only (``<s>``, ``</s>`` and
    padding removed), ``[end - start, 2K]``.
    """
    if len(windows) != len(window_logits):
        raise ValueError("one logits array per window is needed")
    if not windows:
        width = window_logits[0].shape[-1] if window_logits else 0
        return np.zeros((n_tokens, width), dtype=np.float32)
    width = window_logits[0].shape[-1]
    total = np.zeros((n_tokens, width), dtype=np.float64)
    seen = np.zeros(n_tokens, dtype=np.int64)
    for (start, end), logits in zip(windows, window_logits, strict=True):
        if logits.shape != (end - start, width):
            raise ValueError(f"window {start}-{end}: logits of shape {logits.shape}")
        total[start:end] += logits
        seen[start:end] += 1
    if np.any(seen == 0):
        raise ValueError("the windows do not cover every token")
    return (total / seen[:, None]).astype(np.float32)


# --- probabilities -------------------------------------------------------------------------------


def _sigmoid(values: npt.NDArray[np.floating]) -> FloatArray:
    return (0.5 * (1.0 + np.tanh(0.5 * values.astype(np.float64)))).astype(np.float32)


def token_probabilities(logits: FloatArray, calibration: Calibration) -> tuple[FloatArray, FloatArray]:
    """Begin probabilities (uncalibrated) and calibrated inside probabilities, each ``[T, K]``."""
    k = len(calibration.labels)
    if logits.ndim != 2 or logits.shape[1] != 2 * k:
        raise ValueError(f"logits of shape {logits.shape}; expected [T, {2 * k}]")
    begin = _sigmoid(logits[:, 0::2])
    inside = _sigmoid(logits[:, 1::2] / calibration.temperature + calibration.bias)
    return begin, inside


# --- characters ----------------------------------------------------------------------------------


def token_char_ranges(text: str, offsets: Sequence[tuple[int, int]] | IntArray) -> IntArray:
    """Tokenizer offsets → ``[T, 2]`` character ranges without surrounding whitespace.

    A word-initial ``▁`` token's offsets include the space (or ``\\r\\n``) it stands for; that is
    dropped. A token made only of whitespace gets an empty range; a token overlapping the next one is
    cut where the next one starts.
    """
    ranges = np.asarray(offsets, dtype=np.int64).reshape(-1, 2).copy()
    for row in range(len(ranges)):
        start, end = int(ranges[row, 0]), int(ranges[row, 1])
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        ranges[row] = (start, end)
    # The "▁" prepended to a text that starts with a word gets that word's first character too.
    for row in range(len(ranges) - 1):
        if ranges[row, 0] <= ranges[row + 1, 0] < ranges[row, 1]:
            ranges[row, 1] = ranges[row + 1, 0]
    return ranges


def _is_stray(char: str) -> bool:
    # Punctuation, separators, controls and maths/modifier symbols; currency signs and emoji carry meaning.
    category = unicodedata.category(char)
    if extends(char):  # a skin tone (Sk) or joiner (Cf) is part of the emoji before it
        return False
    return char.isspace() or category[0] in "PZC" or category in ("Sm", "Sk")


def _balanced(piece: str, opener: str, closer: str) -> bool:
    if opener == closer:
        return piece.count(opener) % 2 == 0
    return piece.count(opener) == piece.count(closer)


def clean_boundaries(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim whitespace and stray punctuation or symbols at both ends of ``text[start:end]``.

    Kept: a quote or bracket whose partner is inside the span (balanced), ``?``/``!``/``…``/``%`` at
    the end, ``#``/``@`` at the start, currency signs and other symbols (emoji)
    anywhere. None when nothing is left.
    """
    while start < end:
        first, last = text[start], text[end - 1]
        piece = text[start:end]
        if first.isspace():
            start += 1
        elif last.isspace():
            end -= 1
        elif (
            _is_stray(first)
            and first not in _KEPT_AT_START
            and not (
                first in _PAIRS and _PAIRS[first] in piece[1:] and _balanced(piece, first, _PAIRS[first])
            )
        ):
            start += 1
        elif (
            _is_stray(last)
            and last not in _KEPT_AT_END
            and not (
                last in _CLOSERS and _CLOSERS[last] in piece[:-1] and _balanced(piece, _CLOSERS[last], last)
            )
        ):
            end -= 1
        else:
            return start, end
    return None


# --- spans ---------------------------------------------------------------------------------------

# A span needs this many letters or digits (or a symbol such as an emoji): single function words and
# word fragments ("the", "or", "'s") are noise to an analyst, and gold spans almost never are that short.
MIN_SPAN_ALNUM: Final = 4


WIDEST = 100  # characters a span is widened by at most, each way


def _wordy(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so it neither starts nor ends inside a word (subword tokens cut words)
    nor inside a character made of several code points: an accent written apart, an emoji sequence
    joined by U+200D (the tokenizer's NFKC offsets had left ``Jose\u0301`` as ``Jose``)."""
    # At most WIDEST characters each way: a "word" of a million letters and no space would otherwise be
    # walked through once per span, an hour for a line of two million.
    lowest, highest = max(0, start - WIDEST), min(len(text), end + WIDEST)
    start = _before_inner_apostrophe(text, start, end)
    while lowest < start < len(text) and _joined(text, start):
        start -= 1
    if 2 <= end < len(text) and text[end - 1] in _APOSTROPHES and _wordy(text[end - 2]) and _wordy(text[end]):
        end += 1  # "they'" cut before "re": the loop below takes the rest of the word
    while 0 < end < highest and _joined(text, end):
        end += 1
    return start, end


_APOSTROPHES = "'’"


def _before_inner_apostrophe(text: str, start: int, end: int) -> int:
    """``start``, moved onto the letter before an apostrophe inside a word when a span of more than that
    word's ending starts at or right after it: "won't tell you this" and "they're warmongers" had been
    cut to "t tell you this" and "'re warmongers". A suffix alone ("s" of "Russia’s") stays a fragment,
    and a span never grows by the suffix after it (an entity "Russia", not "Russia’s")."""
    if start >= 1 and text[start - 1] in _APOSTROPHES:
        mark = start - 1
    elif start < len(text) and text[start] in _APOSTROPHES:
        mark = start
    else:
        return start
    inside = 1 <= mark < len(text) - 1 and _wordy(text[mark - 1]) and _wordy(text[mark + 1])
    more_than_the_suffix = not all(_wordy(char) or char in _APOSTROPHES for char in text[start:end])
    return mark - 1 if inside and more_than_the_suffix else start


def _joined(text: str, at: int) -> bool:
    """Whether ``text[at - 1]`` and ``text[at]`` belong to one word or one character (``0 < at``)."""
    return inside_character(text, at) or (_wordy(text[at - 1]) and _wordy(text[at]))


def substantial(piece: str) -> bool:
    """Whether a span's text carries enough to be evidence (see :data:`MIN_SPAN_ALNUM`)."""
    if sum(char.isalnum() for char in piece) >= MIN_SPAN_ALNUM:
        return True
    return any(unicodedata.category(char) == "So" for char in piece)


def _merge_same_label(spans: list[DecodedSpan]) -> list[DecodedSpan]:
    """Join spans of one label that overlap once widened to whole words (the higher score stays)."""
    merged: list[DecodedSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = DecodedSpan(
                last.start, max(last.end, span.end), last.label, max(last.score, span.score)
            )
        else:
            merged.append(span)
    return merged


def _runs(inside: npt.NDArray[np.bool_], begins: npt.NDArray[np.bool_]) -> Iterable[tuple[int, int]]:
    """Maximal runs of True in ``inside``, split before every token (but the first) in ``begins``."""
    start: int | None = None
    for t, on in enumerate(inside.tolist()):
        if on and start is not None and begins[t]:
            yield start, t
            start = t
        elif on and start is None:
            start = t
        elif not on and start is not None:
            yield start, t
            start = None
    if start is not None:
        yield start, len(inside)


def runs_to_spans(
    text: str,
    ranges: IntArray,
    probability: npt.NDArray[np.floating],
    threshold: float,
    begins: npt.NDArray[np.bool_] | None = None,
    *,
    hysteresis: float = 0.0,
) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of the maximal runs of tokens whose ``probability`` reaches ``threshold``
    (split before tokens in ``begins``), widened to whole words, cleaned and kept when substantial;
    score = mean probability of the run's tokens. With ``hysteresis``, a run is made of the tokens
    reaching ``threshold - hysteresis`` and kept when one of them reaches ``threshold``."""
    on = probability >= threshold - max(hysteresis, 0.0)
    if not on.any():
        return []
    found = []
    for first, stop in _runs(on, np.zeros(len(on), dtype=bool) if begins is None else begins):
        if hysteresis > 0 and not (probability[first:stop] >= threshold).any():
            continue
        filled = [t for t in range(first, stop) if ranges[t, 1] > ranges[t, 0]]
        if not filled:
            continue
        widened = whole_words(text, int(ranges[filled[0], 0]), int(ranges[filled[-1], 1]))
        cleaned = clean_boundaries(text, *widened)
        if cleaned is None or not substantial(text[cleaned[0] : cleaned[1]]):
            continue
        score = float(np.mean(probability[first:stop], dtype=np.float64))
        found.append((cleaned[0], cleaned[1], min(1.0, max(0.0, score))))
    return found


def decode_spans(
    text: str,
    offsets: Sequence[tuple[int, int]] | IntArray,
    logits: FloatArray,
    calibration: Calibration,
) -> list[DecodedSpan]:
    """Technique spans of one article from its merged token logits ``[T, 2K]`` and tokenizer offsets.

    The spans are sorted by (start, end, label); spans of different labels may overlap.
    """
    ranges = token_char_ranges(text, offsets)
    if len(ranges) != len(logits):
        raise ValueError(f"{len(ranges)} token offsets for {len(logits)} token logits")
    begin, inside = token_probabilities(logits, calibration)
    found: list[DecodedSpan] = []
    for k, label in enumerate(calibration.labels):
        threshold = float(calibration.threshold[k])
        runs = runs_to_spans(
            text,
            ranges,
            inside[:, k],
            threshold,
            begin[:, k] >= BEGIN_THRESHOLD,
            hysteresis=threshold * calibration.hysteresis,
        )
        found.extend(_merge_same_label([DecodedSpan(start, end, label, score) for start, end, score in runs]))
    found.sort(key=lambda span: (span.start, span.end, span.label))
    return found


# --- shared-task helpers -------------------------------------------------------------------------


def technique_scores_for_range(ranges: IntArray, inside: FloatArray, start: int, end: int) -> FloatArray:
    """Mean inside probability per label ``[K]`` over the tokens overlapping characters ``[start, end)``.

    ``ranges`` comes from :func:`token_char_ranges`. With no overlapping token (a span inside
    whitespace), the nearest token before ``start`` is used, else zeros.
    """
    overlap = (ranges[:, 0] < end) & (ranges[:, 1] > start)
    if overlap.any():
        mean: FloatArray = inside[overlap].mean(axis=0, dtype=np.float64).astype(np.float32)
        return mean
    before = np.nonzero(ranges[:, 1] <= start)[0]
    if len(before):
        nearest: FloatArray = inside[before[-1]].astype(np.float32)
        return nearest
    return np.zeros(inside.shape[1], dtype=np.float32)


def paragraph_labels(
    text: str, spans: Iterable[LabeledRange], labels: Sequence[str]
) -> dict[int, tuple[str, ...]]:
    """SemEval-2023 subtask 3: paragraph number (non-empty lines from 1) → techniques of the spans in it.

    A span counts for every paragraph it overlaps; techniques come in the order of ``labels``.
    """
    order = {label: n for n, label in enumerate(labels)}
    paragraphs = paragraph_ranges(text)
    found: dict[int, set[str]] = {number: set() for number in paragraphs}
    for span in spans:
        for number, (start, end) in paragraphs.items():
            if span.start < end and span.end > start:
                found[number].add(span.label)
    return {
        number: tuple(sorted(names, key=lambda name: order.get(name, math.inf)))
        for number, names in found.items()
    }
