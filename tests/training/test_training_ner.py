"""``propwatch train ner`` on a tiny synthetic data folder: readers, scores, models, metrics, the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.errors import InputNotFoundError, MalformedRecordError
from propwatch.targets.crf import CrfTagger, chunks
from propwatch.training.ner import NerTrainConfig, entity_scores, read_conll, train_ner

FIRST = ["Anna", "Jonas", "Marta", "Piotr", "Klaus", "Ewa", "Lukas", "Greta", "Tomasz", "Hanna"]
LAST = ["Nowak", "Schmidt", "Kowalski", "Weber", "Becker", "Wolf", "Zielinski", "Krause"]
CITIES = ["Berlin", "Krakau", "Hamburg", "Danzig", "Leipzig", "Posen", "Bremen", "Lublin"]
ORGS = ["Siemens", "Orlen", "Bosch", "Allianz", "Lotos", "Bayer"]


def _sentence(rng: random.Random) -> list[tuple[str, str]]:
    first, last, city, org = rng.choice(FIRST), rng.choice(LAST), rng.choice(CITIES), rng.choice(ORGS)
    pattern = rng.choice(
        [
            [(first, "B-PER"), (last, "I-PER"), ("wohnt", "O"), ("in", "O"), (city, "B-LOC"), (".", "O")],
            [("Die", "O"), ("Firma", "O"), (org, "B-ORG"), ("baut", "O"), ("in", "O"), (city, "B-LOC")],
            [(last, "B-PER"), ("arbeitet", "O"), ("bei", "O"), (org, "B-ORG"), (".", "O")],
            [("Heute", "O"), ("regnet", "O"), ("es", "O"), ("in", "O"), (city, "B-LOC"), (".", "O")],
        ]
    )
    return pattern


def _write(path: Path, sentences: int, seed: int, docstart: bool = False) -> None:
    rng = random.Random(seed)
    lines: list[str] = []
    for n in range(sentences):
        if docstart and n % 10 == 0:
            lines += ["#DOCSTART", ""]
        lines += [f"{i}\t{word}\t{tag}" for i, (word, tag) in enumerate(_sentence(rng))] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shared-data")
    for seed, lang in enumerate(("en", "de", "pl")):
        _write(root / "wikiann" / lang / "train.conllu", 300, seed)
    _write(root / "bsnlp" / "pl" / "ec.conllu", 60, 7, docstart=True)
    return root


def test_chunks_and_entity_scores() -> None:
    assert [(c.first, c.last, c.kind) for c in chunks(["B-PER", "I-PER", "O", "I-LOC", "B-ORG"])] == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
    ]
    scores = entity_scores([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "O", "O", "B-LOC"]])
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)
    assert scores.per_type == {"PER": 0.0, "LOC": 1.0}


def test_read_conll_documents_and_errors(data: Path, tmp_path: Path) -> None:
    documents = read_conll(data / "bsnlp" / "pl" / "ec.conllu")
    assert len(documents) == 6 and sum(len(d) for d in documents) == 60
    bad = tmp_path / "bad.conllu"
    bad.write_text("0\tNATO\tB-ALLIANCE\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"bad\.conllu line 1"):
        read_conll(bad)
    with pytest.raises(InputNotFoundError):
        read_conll(tmp_path / "missing.conllu")


def test_train_writes_models_that_tag_and_scores_them(data: Path, tmp_path: Path) -> None:
    seen: list[str] = []
    results = train_ner(
        data,
        tmp_path,
        ("de", "pl"),
        NerTrainConfig(max_iterations=30),
        report=lambda r: seen.append(r.language),
    )
    assert seen == ["de", "pl"]
    de, pl = results
    assert de.heldout_sentences == 30 and de.train_sentences == 270
    assert de.heldout.f1 >= 0.9  # the synthetic patterns are easy to learn
    assert set(pl.extra) == {"heldout wikiann/pl", "heldout bsnlp/pl"}
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["models"]) == {"de", "pl"} and metrics["models"]["de"]["path"] == "de.crfsuite"
    text = "Greta Weber wohnt in Hamburg."
    assert CrfTagger(tmp_path / "de.crfsuite").entities(text) == [(0, 11, "PER"), (21, 28, "LOC")]
    # Training one language again keeps the other's figures.
    train_ner(data, tmp_path, ("xx",), NerTrainConfig(max_iterations=10))
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["models"]) == {"de", "pl", "xx"}


def test_cli(data: Path, tmp_path: Path) -> None:
    from propwatch.cli import app

    result = CliRunner().invoke(
        app,
        [
            "train",
            "ner",
            "--data",
            str(data),
            "--out",
            str(tmp_path),
            "--language",
            "de",
            "--max-iterations",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "de: held-out entity F1" in result.output
    assert (tmp_path / "de.crfsuite").is_file()
    bad = CliRunner().invoke(
        app, ["train", "ner", "--data", str(data), "--out", str(tmp_path), "--language", "fr"]
    )
    assert bad.exit_code != 0
    missing = CliRunner().invoke(
        app, ["train", "ner", "--data", str(tmp_path / "nope"), "--out", str(tmp_path)]
    )
    assert missing.exit_code != 0


def test_tags_from_backend_spans() -> None:
    from propwatch.training.ner import _tags_from_spans

    words = ["Anna", "Weber", "lebt", "in", "Bremen", "."]
    spans = [(0, 10, "PER"), (19, 25, "LOC"), (0, 4, "GROUP")]
    assert _tags_from_spans(words, spans) == ["B-PER", "I-PER", "O", "O", "B-LOC", "O"]


def test_natasha_on_a_factrueval_shaped_fixture(tmp_path: Path) -> None:
    from propwatch.training.ner import score_natasha_factrueval

    folder = tmp_path / "factrueval2016" / "devset"
    folder.mkdir(parents=True)
    text = "Мэр Москвы Сергей Собянин выступил в Госдуме."
    (folder / "book_1.txt").write_text(text, encoding="utf-8")
    spans = [("1", "loc_name", "Москвы"), ("2", "name", "Сергей"), ("3", "surname", "Собянин")]
    (folder / "book_1.spans").write_text(
        "".join(f"{i} {kind} {text.index(w)} {len(w)} 0 1  # 0 {w}\n" for i, kind, w in spans),
        encoding="utf-8",
    )
    (folder / "book_1.objects").write_text(
        "10 LocOrg 1 # Москвы\n11 Person 2 3 # Сергей Собянин\n", encoding="utf-8"
    )
    scores = score_natasha_factrueval(tmp_path)
    assert scores.gold == 2 and scores.recall == 1.0  # both names found with exact offsets
