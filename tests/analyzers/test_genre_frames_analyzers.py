"""GenreClassifier and FrameClassifier: the contract, with a hand-made model and a keyword encoder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from genre_frames_fixture import KeywordEncoder, signal_model, write_tiny_model
from propwatch.analyzers.genre_frames import FrameClassifier, GenreClassifier
from propwatch.analyzers.registry import Catalogue, resolve
from propwatch.analyzers.techniques import TechniqueSpanDetector
from propwatch.domain import Analysis, Annotations, Article, Span
from propwatch.errors import ConfigurationError
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings


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
    assert genre.version == frames.version == "2+model9"
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
    """Technique spans for texts the techniques analyzer did not see: one span per two words."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[list[Span]]:
        self.texts.extend(texts)
        return [
            [Span(start=0, end=4, label="Doubt", score=0.5, analyzer="model")] * (len(t.split()) // 2)
            for t in texts
        ]


def test_genre_reuses_the_techniques_analyzers_spans(tmp_path: Path) -> None:
    settings = Settings(genre_frames_model=tmp_path / "model")
    signal_model(version="5").save(tmp_path / "model")
    reader = CountingReader()
    classifier = GenreClassifier(settings, KeywordEncoder(), read_spans=reader)
    plain = _item("Plain words, no techniques found here at all.")
    dense_spans = tuple(
        Span(start=0, end=5, label="Loaded_Language", score=0.7, analyzer="techniques") for _ in range(9)
    )
    seen = plain.with_annotations("techniques", "1", Annotations(spans=dense_spans))
    seen_none = plain.with_annotations("techniques", "1", Annotations())
    unseen = _item("Words the detector never saw, so the model reads them here.")
    results = classifier.analyze([seen, seen_none, unseen])
    assert [r.labels[0].value for r in results] == ["opinion", "reporting", "opinion"]
    assert reader.texts == [unseen.article.text], "only the article the techniques analyzer did not see"
    ordered = resolve(
        None, Catalogue(analyzers={"genre": GenreClassifier, "techniques": TechniqueSpanDetector})
    )
    assert [cls.name for cls in ordered] == ["techniques", "genre"]


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
