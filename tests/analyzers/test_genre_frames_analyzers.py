"""GenreClassifier and FrameClassifier: the contract, with a hand-made model and a keyword encoder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from genre_frames_fixture import KeywordEncoder, persuasion_rows, signal_model, write_tiny_model
from propwatch.analyzers.genre_frames import FrameClassifier, GenreClassifier
from propwatch.analyzers.registry import Catalogue, resolve
from propwatch.analyzers.techniques import TechniqueSpanDetector
from propwatch.domain import Analysis, Article
from propwatch.errors import ConfigurationError
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.pipeline import Pipeline
from propwatch.settings import Settings
from technique_fixture import SAMPLE_TEXTS, write_sample_artifact


def _item(text: str, title: str | None = None, language: str | None = "en") -> Analysis:
    return Analysis(article=Article(text=text, title=title, language=language))


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(genre_frames_model=write_tiny_model(tmp_path / "model", version="9"))


def test_contract(settings: Settings) -> None:
    genre, frames = GenreClassifier(settings, KeywordEncoder()), FrameClassifier(settings, KeywordEncoder())
    assert (GenreClassifier.name, FrameClassifier.name) == ("genre", "frames")
    assert GenreClassifier.provides == frozenset({"labels:genre"})
    assert FrameClassifier.provides == frozenset({"labels:frame"})
    assert genre.version == frames.version == "5+model9"
    assert GenreClassifier.after == frozenset({"spans:technique"})
    assert genre.analyze([]) == [] and frames.analyze([]) == []


def test_one_genre_label_per_article_in_order(settings: Settings) -> None:
    classifier = GenreClassifier(settings, KeywordEncoder())
    batch = [_item("A mock report."), _item("Plain views."), _item("Wire copy.", language="ru")]
    results = classifier.analyze(batch)
    assert [a.labels[0].value for a in results] == ["satire", "opinion", "reporting"]
    for added in results:
        (label,) = added.labels
        assert label.name == "genre" and label.analyzer == "genre" and not added.spans
        assert label.score is not None and label.score > 1 / 3


def test_frames_are_labels_best_first_with_scores(settings: Settings) -> None:
    classifier = FrameClassifier(settings, KeywordEncoder())
    both, none = classifier.analyze([_item("The vote and the army."), _item("Nothing of note.")])
    assert [(label.name, label.value) for label in both.labels] == [
        ("frame", "Security_and_defense"),
        ("frame", "Political"),
    ]
    scores = [label.score or 0.0 for label in both.labels]
    assert scores == sorted(scores, reverse=True) and all(0.5 <= s <= 1 for s in scores)
    assert [label.value for label in none.labels] == ["Public_opinion"], "at least the best frame"


def test_the_title_is_read_too(settings: Settings) -> None:
    (result,) = GenreClassifier(settings, KeywordEncoder()).analyze([_item("Some text.", title="Mock news")])
    assert result.labels[0].value == "satire"


class CountingReader:
    """Persuasion features: a quarter of the tokens inside a technique when the text says "charged"."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str], languages: Sequence[str | None]) -> np.ndarray:
        self.texts.extend(texts)
        return persuasion_rows([0.25 if "charged" in t.lower() else 0.0 for t in texts])


def test_genre_reads_persuasion_from_its_reader(tmp_path: Path) -> None:
    settings = Settings(genre_frames_model=tmp_path / "model")
    signal_model(version="5").save(tmp_path / "model")
    reader = CountingReader()
    classifier = GenreClassifier(settings, KeywordEncoder(), read_persuasion=reader)
    batch = [_item("Charged words all over."), _item("Plain words, nothing else."), _item("A mock piece.")]
    results = classifier.analyze(batch)
    assert [r.labels[0].value for r in results] == ["opinion", "reporting", "satire"]
    assert reader.texts == [item.article.text for item in batch]
    ordered = resolve(
        None, Catalogue(analyzers={"genre": GenreClassifier, "techniques": TechniqueSpanDetector})
    )
    assert [cls.name for cls in ordered] == ["techniques", "genre"], "the shared model has just read them"


def test_genre_is_stored_per_technique_model_it_reads(tmp_path: Path) -> None:
    folder = write_sample_artifact(
        tmp_path / "technique", tmp_path / "data" / "cache", version="2026.7.1-test"
    )
    signal_model(version="6").save(tmp_path / "genre")
    settings = Settings(
        data_dir=tmp_path / "data", technique_model=folder, genre_frames_model=tmp_path / "genre"
    )
    genre = GenreClassifier(settings, KeywordEncoder())
    assert genre.version == "5+model6+techniques2026.7.1-test"
    assert "model" not in vars(genre.read_persuasion), "the version comes from model.json, nothing loaded"
    assert FrameClassifier(settings, KeywordEncoder()).version == "5+model6", "frames read no techniques"


def test_techniques_and_genre_share_one_encoder_pass(tmp_path: Path) -> None:
    cache = tmp_path / "data" / "cache"
    folder = write_sample_artifact(tmp_path / "technique", cache, version="2026.7.1-test")
    signal_model(version="6").save(tmp_path / "genre")
    settings = Settings(
        data_dir=tmp_path / "data", technique_model=folder, genre_frames_model=tmp_path / "genre"
    )
    detector = TechniqueSpanDetector(settings)
    genre = GenreClassifier(settings, KeywordEncoder())
    runs: list[int] = []
    real = detector.model.run_windows

    def counted(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        runs.append(len(ids))
        return real(ids, mask)

    detector.model.run_windows = counted  # type: ignore[method-assign]
    articles = [Article(text=text, language="en") for text in SAMPLE_TEXTS]
    Pipeline([detector]).run(articles)
    windows = sum(runs)
    assert windows >= len(articles)
    results = Pipeline([detector, genre]).run(articles)
    assert sum(runs) == windows, "the texts the shared model read lately are not read again"
    assert all(r.labels[0].name == "genre" for r in results)
    alone = GenreClassifier(settings, KeywordEncoder()).analyze([Analysis(article=articles[0])])
    assert sum(runs) == windows and alone[0].labels == results[0].labels
    changed = Article(text=SAMPLE_TEXTS[0] + " More.", language="en")
    GenreClassifier(settings, KeywordEncoder()).analyze([Analysis(article=changed)])
    assert sum(runs) > windows, "a new text goes through the encoder"


def test_a_missing_model_folder_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"model\.json"):
        GenreClassifier(Settings(genre_frames_model=tmp_path / "nowhere"), KeywordEncoder())


def test_sample_article_with_the_shipped_model() -> None:
    sample = Path(__file__).parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"
    settings = Settings()
    article = parse_plain_text(sample.read_text(encoding="utf-8"), settings, url="https://example.org/rossa")
    item = Analysis(article=article)
    (genre,) = GenreClassifier(settings).analyze([item])[0].labels
    assert genre.value == "opinion" == article.genre_tag
    frames = [label.value for label in FrameClassifier(settings).analyze([item])[0].labels]
    assert "Security_and_defense" in frames[:3]
    assert {"Political", "External_regulation_and_reputation"} & set(frames[:3])
