"""Fixtures for the claims tests: a tiny corpus folder and a tiny fine-tuned model trained on it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propwatch.claims.model import CheckWorthinessModel

CLAIMS = [
    "Unemployment fell to {n} percent in {y}, the lowest rate in a decade.",
    "We spent {n} billion dollars on defence in {y}.",
    "The deficit grew by {n} percent since {y}.",
    "Crime rose {n} percent in the city last year, according to police statistics.",
    "Taxes on the middle class went up by {n} dollars a year after {y}.",
]
OTHERS = [
    "I think we need to do better for our children.",
    "Thank you very much, it is a pleasure to be here tonight.",
    "What do you say to the voters who doubt you?",
    "I believe in this country and in its people.",
    "Let me tell you what I feel about that.",
]


def synthetic_sentences(count: int, seed: int) -> list[tuple[str, bool]]:
    rng = np.random.default_rng(seed)
    out = []
    for index in range(count):
        worthy = bool(index % 3 == 0)
        template = (CLAIMS if worthy else OTHERS)[int(rng.integers(0, 5))]
        text = template.format(n=int(rng.integers(2, 99)), y=int(rng.integers(1980, 2020)))
        out.append((f"{text} ({index})", worthy))
    return out


def write_corpus(root: Path) -> Path:
    """A shared/data look-alike with every file the claims trainer reads, a few dozen rows each."""
    en = root / "checkthat2024_task1" / "en"
    en.mkdir(parents=True)
    rows = synthetic_sentences(240, 1)
    with (en / "CT24_checkworthy_english_train.tsv").open("w", encoding="utf-8") as f:
        f.write("Sentence_id\tText\tclass_label\n")
        for index, (text, worthy) in enumerate(rows):
            f.write(f"{1000 + index}\t{text}\t{'Yes' if worthy else 'No'}\n")
    cb = root / "claimbuster"
    cb.mkdir()
    with (cb / "crowdsourced.csv").open("w", encoding="utf-8") as f:
        f.write(
            "Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,Sentiment,Verdict\n"
        )
        for index, (_text, worthy) in enumerate(rows):
            f.write(f"{1000 + index},x,A,B,C,debate-{index % 8}.txt,1,{index},0.0,{1 if worthy else -1}\n")
    # ClaimBuster's stricter subset: here every even-numbered sentence.
    strict = [
        {"sentence_id": 1000 + i, "label": int(w), "text": t} for i, (t, w) in enumerate(rows) if i % 2 == 0
    ]
    (cb / "3xNCS_minus_groundtruth.json").write_text(json.dumps(strict), encoding="utf-8")
    for language, name in (("ar", "arabic"), ("nl", "dutch")):
        folder = root / "checkthat2024_task1" / language
        folder.mkdir()
        with (folder / f"CT24_checkworthy_{name}_train.tsv").open("w", encoding="utf-8") as f:
            f.write("tweet_id\ttweet_url\ttweet_text\tclass_label\n")
            for index, (text, worthy) in enumerate(synthetic_sentences(60, 2 if language == "ar" else 3)):
                label = "Yes" if worthy else "No"
                f.write(f"{9000 + index}\thttp://twitter.com/x/{index}\t{language} {text}\t{label}\n")
    ct21 = root / "checkthat2021_task1a_en"
    ct21.mkdir()
    with (ct21 / "dataset_train_v1_english.tsv").open("w", encoding="utf-8") as f:
        f.write("topic_id\ttweet_id\ttweet_url\ttweet_text\tclaim\tcheck_worthiness\n")
        for index, (text, worthy) in enumerate(synthetic_sentences(45, 4)):
            f.write(f"covid-19\t{7000 + index}\thttp://t/{index}\tcovid {text}\t1\t{int(worthy)}\n")
    ct20 = root / "checkthat2020_task5_debates" / "train"
    ct20.mkdir(parents=True)
    for debate in range(3):
        with (ct20 / f"2016010{debate}_debate.tsv").open("w", encoding="utf-8") as f:
            for index, (text, worthy) in enumerate(synthetic_sentences(30, 10 + debate)):
                f.write(f"{index + 1}\tSPEAKER\tdebate {debate} {text}\t{int(worthy)}\n")
    return root


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "data")


# Two e5 layers (one frozen, one trained) and a few epochs: seconds on 2 cores, and learnable.
TINY = {
    "encoder_layers": 2,
    "frozen_layers": 1,
    "epochs": 2,
    "threads": 1,
    "batch_size": 16,
    "max_tokens": 40,
    "learning_rate": 5e-4,
    "head_learning_rate": 5e-3,
    "validation_fraction": 0.25,
    "calibration_folds": 3,
    "min_positives_for_threshold": 10,
}


@pytest.fixture
def tiny_config() -> object:
    from propwatch.training.claims_finetune import FineTuneConfig

    return FineTuneConfig(**TINY)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def tiny_training(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    """(corpus folder, model folder, report) of one tiny fine-tuning run shared by the tests."""
    from propwatch.training.claims_finetune import FineTuneConfig, train_claims_finetuned

    root = tmp_path_factory.mktemp("claims")
    corpus = write_corpus(root / "data")
    report = train_claims_finetuned(
        corpus,
        root / "model",
        work_dir=root / "work",
        config=FineTuneConfig(**TINY),  # type: ignore[arg-type]
    )
    return corpus, root / "model", report


@pytest.fixture(scope="session")
def tiny_model(tiny_training: tuple[Path, Path, object]) -> CheckWorthinessModel:
    return CheckWorthinessModel.load(tiny_training[1])
