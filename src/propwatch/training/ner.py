"""``propwatch train ner``: the CRF named-entity taggers of the target extractor.

English and Russian use spaCy and natasha; this trains the others on the shared NER data:

* ``de`` — WikiANN German;
* ``pl`` — WikiANN Polish + BSNLP 2017 Polish news (topic "ec"), documents kept together;
* ``xx`` — the Latin-script fallback used for French and Italian, for which no data we may learn from
  exists (WikiNEuRal is CC BY-NC-SA, so no shipped model learns from it): WikiANN en + de + pl.

Each language's sentences are split once with a fixed seed (BSNLP by document) into training and a
held-out part; the model learns from the training part only and is scored on the held-out part with
entity-level (seqeval-style, exact match) precision, recall and F1. Where WikiNEuRal fr/it is present
it is used to *score* the fallback only (its MISC entities count as outside), never to train it.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import pycrfsuite  # type: ignore[import-untyped]

from propwatch.errors import EmptyInputError, InputNotFoundError, MalformedRecordError
from propwatch.targets.crf import ENTITY_TYPES, FEATURES_VERSION, chunks, token_features
from propwatch.training.output_paths import check_output_folder

Sentence = tuple[list[str], list[str]]
"""Words and their IOB2 tags."""

LANGUAGES: Final = ("de", "pl", "xx")
FALLBACK_LANGUAGES: Final = ("fr", "it")
_VALID_TAGS: Final = {"O", *(f"{p}-{t}" for p in "BI" for t in (*ENTITY_TYPES, "MISC"))}


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int
    per_type: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class NerModelResult:
    language: str
    path: Path
    sources: tuple[str, ...]
    train_sentences: int
    heldout_sentences: int
    heldout: Scores
    extra: dict[str, Scores]
    seconds: float
    size_bytes: int


@dataclass(frozen=True)
class NerTrainConfig:
    seed: int = 13
    heldout_share: float = 0.1
    max_iterations: int = 100
    c1: float = 0.3
    c2: float = 0.01
    min_feature_freq: int = 2
    fallback_sentences_per_language: int = 7000
    limit: int | None = None
    """Most sentences read per file (for quick runs and tests); None: all."""


def read_conll(path: Path, limit: int | None = None) -> list[list[Sentence]]:
    """Documents of ``index<TAB>token<TAB>tag`` sentences; ``#DOCSTART``/``-DOCSTART-`` starts a document.

    Files without document markers are one document. MISC tags are kept (callers drop them).
    """
    if not path.is_file():
        raise InputNotFoundError(str(path), "NER training file not found")
    documents: list[list[Sentence]] = [[]]
    words: list[str] = []
    tags: list[str] = []
    count = 0

    def close() -> None:
        nonlocal words, tags, count
        if words:
            documents[-1].append((words, tags))
            count += 1
        words, tags = [], []

    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            row = line.rstrip("\n").split("\t")
            if not line.strip():
                close()
            elif "DOCSTART" in row[0] or (len(row) > 1 and "DOCSTART" in row[1]):
                close()
                if documents[-1]:
                    documents.append([])
            elif len(row) != 3 or row[2] not in _VALID_TAGS:
                raise MalformedRecordError(f"{path} line {number}", "expected 'index<TAB>token<TAB>IOB2 tag'")
            else:
                words.append(row[1])
                tags.append(row[2])
            if limit is not None and count >= limit:
                break
        close()
    return [doc for doc in documents if doc]


def read_training_file(path: Path, limit: int | None = None) -> list[list[Sentence]]:
    """:func:`read_conll` of a file to learn from; an empty one (a download cut short) is an error."""
    documents = read_conll(path, limit)
    if not documents:
        raise EmptyInputError(str(path), "holds no sentences: empty or cut short?")
    return documents


def drop_misc(sentence: Sentence) -> Sentence:
    words, tags = sentence
    return words, [tag if tag.partition("-")[2] in ENTITY_TYPES else "O" for tag in tags]


def heldout_split(
    documents: list[list[Sentence]], share: float, seed: int
) -> tuple[list[Sentence], list[Sentence]]:
    """Held-out by document where a file has several, else by sentence; fixed seed."""
    units = documents if len(documents) > 1 else [[s] for doc in documents for s in doc]
    order = list(range(len(units)))
    random.Random(seed).shuffle(order)
    cut = max(1, round(len(units) * share)) if len(units) > 1 else 0
    held = {i for i in order[:cut]}
    train = [s for i, unit in enumerate(units) if i not in held for s in unit]
    heldout = [s for i, unit in enumerate(units) if i in held for s in unit]
    return [drop_misc(s) for s in train], [drop_misc(s) for s in heldout]


def entity_scores(gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]) -> Scores:
    """Micro precision/recall/F1 over exactly matching (type, start, end) entities, and F1 per type."""
    hits: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    for gold_tags, pred_tags in zip(gold, predicted, strict=True):
        g = {(c.kind, c.first, c.last) for c in chunks(gold_tags)}
        p = {(c.kind, c.first, c.last) for c in chunks(pred_tags)}
        gold_n.update(kind for kind, _, _ in g)
        pred_n.update(kind for kind, _, _ in p)
        hits.update(kind for kind, _, _ in g & p)

    def f1(h: int, gn: int, pn: int) -> tuple[float, float, float]:
        precision = h / pn if pn else 0.0
        recall = h / gn if gn else 0.0
        return precision, recall, (2 * precision * recall / (precision + recall) if h else 0.0)

    precision, recall, total = f1(sum(hits.values()), sum(gold_n.values()), sum(pred_n.values()))
    per_type = {t: round(f1(hits[t], gold_n[t], pred_n[t])[2], 4) for t in ENTITY_TYPES if gold_n[t]}
    return Scores(
        round(precision, 4),
        round(recall, 4),
        round(total, 4),
        sum(gold_n.values()),
        sum(pred_n.values()),
        per_type,
    )


def score_crf(model: Path, sentences: Sequence[Sentence]) -> Scores:
    """Entity scores of the CRF model file ``model`` on ``sentences``."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    try:
        predicted = [list(tagger.tag(token_features(words))) for words, _ in sentences]
    finally:
        tagger.close()
    return entity_scores([tags for _, tags in sentences], predicted)


def _sources(data: Path, language: str, config: NerTrainConfig) -> dict[str, list[list[Sentence]]]:
    wikiann = data / "wikiann"
    if language == "de":
        return {"wikiann/de": read_training_file(wikiann / "de" / "train.conllu", config.limit)}
    if language == "pl":
        return {
            "wikiann/pl": read_training_file(wikiann / "pl" / "train.conllu", config.limit),
            "bsnlp/pl": read_training_file(data / "bsnlp" / "pl" / "ec.conllu", config.limit),
        }
    if language == "xx":
        cap = config.fallback_sentences_per_language
        if config.limit is not None:
            cap = min(cap, config.limit)
        return {
            f"wikiann/{lang}": read_training_file(wikiann / lang / "train.conllu", cap)
            for lang in ("en", "de", "pl")
        }
    raise InputNotFoundError(language, f"no CRF NER recipe for this language (known: {', '.join(LANGUAGES)})")


def split_sources(
    data: Path, language: str, config: NerTrainConfig = NerTrainConfig()
) -> tuple[list[Sentence], dict[str, list[Sentence]]]:
    """The training sentences of ``language``'s CRF and its held-out sentences per source (fixed seed)."""
    train: list[Sentence] = []
    heldout_by_source: dict[str, list[Sentence]] = {}
    for seed_offset, (source, documents) in enumerate(_sources(data, language, config).items()):
        part_train, part_held = heldout_split(documents, config.heldout_share, config.seed + seed_offset)
        train.extend(part_train)
        heldout_by_source[source] = part_held
    return train, heldout_by_source


def train_language(
    data: Path, out: Path, language: str, config: NerTrainConfig = NerTrainConfig()
) -> NerModelResult:
    """Train, score and write ``out/<language>.crfsuite``."""
    began = time.monotonic()
    train, heldout_by_source = split_sources(data, language, config)
    trainer = pycrfsuite.Trainer(verbose=False)
    for words, tags in train:
        trainer.append(token_features(words), tags)
    trainer.set_params(
        {
            "c1": config.c1,
            "c2": config.c2,
            "max_iterations": config.max_iterations,
            "feature.minfreq": config.min_feature_freq,
            "feature.possible_transitions": True,
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{language}.crfsuite"
    trainer.train(str(path))
    heldout = [s for part in heldout_by_source.values() for s in part]
    extra = {f"heldout {source}": score_crf(path, part) for source, part in heldout_by_source.items() if part}
    if language == "xx":
        for lang in FALLBACK_LANGUAGES:  # scored only, never learnt from (CC BY-NC-SA)
            file = data / "wikineural" / lang / "val.conllu"
            if file.is_file():
                sentences = [drop_misc(s) for doc in read_conll(file, config.limit) for s in doc]
                extra[f"wikineural/{lang} (evaluation only)"] = score_crf(path, sentences)
    return NerModelResult(
        language=language,
        path=path,
        sources=tuple(heldout_by_source),
        train_sentences=len(train),
        heldout_sentences=len(heldout),
        heldout=score_crf(path, heldout),
        extra=extra,
        seconds=round(time.monotonic() - began, 1),
        size_bytes=path.stat().st_size,
    )


def train_ner(
    data: Path,
    out: Path,
    languages: Sequence[str] = LANGUAGES,
    config: NerTrainConfig = NerTrainConfig(),
    report: Callable[[NerModelResult], None] | None = None,
) -> list[NerModelResult]:
    """Train every language in ``languages``; writes the models and ``metrics.json`` into ``out``."""
    if not data.is_dir():
        raise InputNotFoundError(str(data), "shared data folder not found")
    check_output_folder(out, "--out")
    results: list[NerModelResult] = []
    for language in languages:
        result = train_language(data, out, language, config)
        results.append(result)
        if report is not None:
            report(result)
    # Training some languages again keeps the figures of the others in metrics.json.
    file = out / "metrics.json"
    models = json.loads(file.read_text(encoding="utf-8")).get("models", {}) if file.is_file() else {}
    for r in results:
        models[r.language] = {**asdict(r), "path": r.path.name, "config": asdict(config)}
    metrics = {"features_version": FEATURES_VERSION, "models": dict(sorted(models.items()))}
    file.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


def _tags_from_spans(words: Sequence[str], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags of ``words`` (joined by single spaces) from character spans of a back-end."""
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    tags = ["O"] * len(words)
    for start, end, kind in spans:
        if kind not in ENTITY_TYPES:
            continue
        inside = [i for i, s in enumerate(starts) if start <= s and s + len(words[i]) <= end]
        for n, i in enumerate(inside):
            tags[i] = f"{'B' if n == 0 else 'I'}-{kind}"
    return tags


def score_pretrained(data: Path, language: str, limit: int = 2000) -> Scores:
    """Entity F1 of the shipped pre-trained back-end of ``language`` (en: spaCy, ru: natasha), as is.

    English is scored on the first ``limit`` sentences of CoNLL-2003 train, Russian on WikiANN ru train
    (neither model learnt from them); MISC counts as outside, spaCy's NORP is not scored.
    """
    from propwatch.targets.ner import NatashaBackend, SpacyBackend

    if language == "en":
        file, backend = data / "conll2003_en" / "train.conllu", SpacyBackend()
    elif language == "ru":
        file, backend = data / "wikiann" / "ru" / "train.conllu", NatashaBackend()  # type: ignore[assignment]
    else:
        raise InputNotFoundError(language, "pre-trained NER back-ends exist for en and ru only")
    sentences = [drop_misc(s) for doc in read_conll(file, limit) for s in doc]
    predicted = [
        _tags_from_spans(words, ((m.start, m.end, m.type) for m in backend.entities(" ".join(words))))
        for words, _ in sentences
    ]
    return entity_scores([tags for _, tags in sentences], predicted)


_FACTRU_TYPES: Final = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
_FACTRU_NAME_SPANS: Final = {"name", "surname", "patronymic", "nickname", "org_name", "loc_name", "geo_adj"}


def score_natasha_factrueval(data: Path) -> Scores:
    """Entity F1 of natasha on the FactRuEval-2016 devset (see :func:`score_factrueval`)."""
    from propwatch.targets.ner import NatashaBackend

    return score_factrueval(data, NatashaBackend())


class _Tagger(Protocol):
    def entities(self, text: str) -> Sequence[Any]: ...


def score_factrueval(data: Path, backend: _Tagger) -> Scores:
    """Entity F1 of ``backend`` (mentions with ``start``, ``end``, ``type``) on the FactRuEval-2016
    devset (hand-annotated Russian news), as is.

    A gold mention is the character range of the *name* parts of an object (descriptors such as
    "мэрии" in "мэрии Москвы" are left out, as natasha tags names); LocOrg counts as LOC.
    """
    folder = data / "factrueval2016" / "devset"
    if not folder.is_dir():
        raise InputNotFoundError(str(folder), "FactRuEval devset not found")
    hits = gold_n = pred_n = 0
    per_type_hits: Counter[str] = Counter()
    per_type_gold: Counter[str] = Counter()
    per_type_pred: Counter[str] = Counter()
    for text_file in sorted(folder.glob("*.txt")):
        text = text_file.read_text(encoding="utf-8")
        spans: dict[str, tuple[str, int, int]] = {}
        for line in text_file.with_suffix(".spans").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 4:
                spans[parts[0]] = (parts[1], int(parts[2]), int(parts[2]) + int(parts[3]))
        gold: set[tuple[str, int, int]] = set()
        for line in text_file.with_suffix(".objects").read_text(encoding="utf-8").splitlines():
            head = line.split("#")[0].split()
            if len(head) < 3 or head[1] not in _FACTRU_TYPES:
                continue
            names = [spans[s] for s in head[2:] if s in spans and spans[s][0] in _FACTRU_NAME_SPANS]
            if names:
                gold.add((_FACTRU_TYPES[head[1]], min(n[1] for n in names), max(n[2] for n in names)))
        predicted = {(m.type, m.start, m.end) for m in backend.entities(text)}
        hits += len(gold & predicted)
        gold_n += len(gold)
        pred_n += len(predicted)
        per_type_hits.update(kind for kind, _, _ in gold & predicted)
        per_type_gold.update(kind for kind, _, _ in gold)
        per_type_pred.update(kind for kind, _, _ in predicted)

    def f1(h: int, g: int, p: int) -> float:
        return round(2 * h / (g + p), 4) if g + p else 0.0

    return Scores(
        round(hits / pred_n, 4) if pred_n else 0.0,
        round(hits / gold_n, 4) if gold_n else 0.0,
        f1(hits, gold_n, pred_n),
        gold_n,
        pred_n,
        {t: f1(per_type_hits[t], per_type_gold[t], per_type_pred[t]) for t in ENTITY_TYPES},
    )
