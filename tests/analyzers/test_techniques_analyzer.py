from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.analyzers.techniques import TechniqueSpanDetector
from propwatch.domain import Analysis, Article
from propwatch.errors import AnalyzerError
from propwatch.models.taxonomy import explanation_of
from propwatch.models.techniques import TechniqueSpan
from propwatch.pipeline import Pipeline
from propwatch.report import label_style, render_analysis
from propwatch.settings import Settings
from technique_fixture import LOADED, NAME, SAMPLE_TEXTS, write_sample_artifact


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.getbasetemp() / "technique-data" / "cache"
    return write_sample_artifact(tmp_path_factory.mktemp("model"), cache, version="2026.5.1-test")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Settings:
    data_dir = tmp_path_factory.getbasetemp() / "technique-data"
    return Settings(data_dir=data_dir, technique_model=model_dir, batch_size=2, detect_language=False)


def test_detector_through_the_pipeline(settings: Settings) -> None:
    detector = TechniqueSpanDetector(settings)
    assert detector.version == "2026.5.1-test+spans8" and detector.provides == {"spans:technique"}
    pipeline = Pipeline([detector], batch_size=settings.batch_size)
    articles = [Article(text=text) for text in SAMPLE_TEXTS]
    results = pipeline.run(articles)
    assert pipeline.versions == {"techniques": "2026.5.1-test+spans8"}
    found = [[(s.text_of(r.article), s.label, s.analyzer) for s in r.spans] for r in results]
    assert found[1] == [("“enemies of the people”", NAME, "techniques")]
    assert found[2] == [("traîtres", NAME, "techniques"), ("😡", LOADED, "techniques")]
    assert all(0.99 < (s.score or 0) <= 1 for r in results for s in r.spans)


def test_report_shows_category_colour_and_explanation(settings: Settings) -> None:
    from rich.console import Console

    (analysis,) = Pipeline([TechniqueSpanDetector(settings)]).run([Article(text=SAMPLE_TEXTS[1])])
    console = Console(width=200, record=True, color_system="truecolor")
    console.print(render_analysis(analysis))
    text = console.export_text()
    assert "Attack_on_Reputation: " + explanation_of(NAME) in text
    assert label_style(NAME) == label_style("Doubt") != label_style(LOADED)  # one colour per category


def test_missing_or_corrupt_model_is_a_clear_analyzer_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(AnalyzerError, match=r"model\.json: missing"):
        TechniqueSpanDetector(settings.model_copy(update={"technique_model": tmp_path}))
    (tmp_path / "model.json").write_text("[]", encoding="utf-8")
    with pytest.raises(AnalyzerError, match="must hold a JSON object"):
        TechniqueSpanDetector(settings.model_copy(update={"technique_model": tmp_path}))


def test_without_a_setting_the_shipped_folder_is_used(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import propwatch.models.techniques as module

    monkeypatch.setattr(module, "shipped_model_folder", lambda: tmp_path / "shipped")
    with pytest.raises(AnalyzerError, match="no such technique-model folder") as error:
        TechniqueSpanDetector(settings.model_copy(update={"technique_model": None}))
    assert str(tmp_path / "shipped") in str(error.value)


def test_spans_of_function_words_only_are_left_out(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "It is clear: they will never stop the traitors, einen Aggressor."
    found = [
        TechniqueSpan(text.index("It is"), text.index("It is") + 5, "Doubt", 0.4),  # grammar only
        TechniqueSpan(text.index("will"), text.index("will") + 4, "Appeal_to_Fear-Prejudice", 0.3),
        TechniqueSpan(text.index("never"), text.index("never") + 5, "Exaggeration-Minimisation", 0.3),
        TechniqueSpan(text.index("the traitors"), text.index("the traitors") + 12, NAME, 0.9),
        TechniqueSpan(
            text.index("einen"), text.index("einen") + 5, NAME, 0.5
        ),  # German article, English text
    ]
    detector = TechniqueSpanDetector(settings)
    monkeypatch.setattr(detector.model, "predict", lambda texts, languages: [found])
    (annotations,) = detector.analyze([Analysis(article=Article(text=text, language="en"))])
    kept = [text[s.start : s.end] for s in annotations.spans]
    assert kept == ["never", "the traitors", "einen"]  # "never" carries the exaggeration
    (german,) = detector.analyze([Analysis(article=Article(text=text, language="de"))])
    assert "einen" not in [text[s.start : s.end] for s in german.spans]
