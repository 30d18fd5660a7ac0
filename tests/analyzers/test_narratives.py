from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.analyzers.narratives import NarrativeMatcher
from propwatch.domain import Analysis, Article
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.narratives.matching import CALIBRATED_THRESHOLDS, DEFAULT_THRESHOLD, threshold_for
from propwatch.settings import Settings

SAMPLE = Path(__file__).parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"
PROVOKES = "west-provokes-russia-to-blame-it"

# Written for this test.
RUSSIAN = (
    "Вашингтон снова отверг предложения Москвы о гарантиях безопасности.\n"
    "Американцам не нужна никакая деэскалация: они сознательно загоняют Россию в угол, чтобы любой "
    "её ответ потом выдать за агрессию. Так было раньше, так происходит и сейчас."
)
NEUTRAL = (
    "The city library will extend its opening hours from next Monday. Visitors can borrow up to ten "
    "books at a time, and the reading room will stay open until nine in the evening."
)
ENGLISH_ONLY = """format: propwatch-narratives/1
name: english-only
narratives:
  - id: secret-labs
    title: Secret foreign laboratories make biological weapons
    description: Claims that laboratories funded by the United States near Russia develop biological weapons.
    example_claims:
      en:
        - The Pentagon runs secret laboratories that breed dangerous viruses.
        - American-funded labs abroad are developing germ warfare.
        - US biological laboratories test pathogens on local people.
  - id: sanctions-backfire
    title: Sanctions hurt Europe more than Russia
    description: Claims that sanctions against Russia ruin European economies.
    example_claims:
      en:
        - European factories close because of the sanctions against Russia.
        - Sanctions hurt ordinary Europeans far more than Moscow.
        - Europe pays a high price for its sanctions policy.
"""


@pytest.fixture(scope="module")
def shared_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("propwatch-embeddings"))
    return tmp_path_factory.mktemp("embeddings")


def settings_for(tmp_path: Path, shared_cache: Path, **overrides: object) -> Settings:
    (tmp_path / "cache").mkdir(parents=True, exist_ok=True)
    link = tmp_path / "cache" / "embeddings"
    if not link.exists():
        link.symlink_to(shared_cache, target_is_directory=True)
    return Settings(data_dir=tmp_path, inference_threads=1, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> NarrativeMatcher:
    return NarrativeMatcher(settings_for(tmp_path_factory.mktemp("data"), shared_cache))


def analyse(matcher: NarrativeMatcher, article: Article) -> Analysis:
    [found] = matcher.analyze([Analysis(article=article)])
    return Analysis(article=article).with_annotations(matcher.name, matcher.version, found)


def test_the_sample_repeats_the_provocation_narrative(matcher: NarrativeMatcher) -> None:
    article = parse_plain_text(SAMPLE.read_text(encoding="utf-8"), Settings(data_dir=Path("/nonexistent")))
    analysis = analyse(matcher, article)
    labels = [label for label in analysis.labels if label.name == "narrative"]
    assert labels[0].value == PROVOKES
    assert labels[0].score is not None and labels[0].score >= CALIBRATED_THRESHOLDS["en"]
    evidence = [s for s in analysis.spans if s.label == f"narrative:{PROVOKES}"]
    assert len(evidence) >= 3
    texts = [s.text_of(article) for s in evidence]
    assert any("call Russia the aggressor" in t for t in texts)
    assert all(s.analyzer == "narratives" and s.score is not None for s in evidence)
    assert max(s.score for s in evidence if s.score is not None) == labels[0].score
    # Every span is one whole sentence of the text.
    assert all(t[0].isupper() or t[0] in '“"' for t in texts)


def test_a_russian_article_matches(matcher: NarrativeMatcher) -> None:
    article = Article(text=RUSSIAN, language="ru")
    analysis = analyse(matcher, article)
    assert analysis.labels[0].value == PROVOKES
    evidence = [s.text_of(article) for s in analysis.spans if s.label == f"narrative:{PROVOKES}"]
    assert any(text.startswith("Американцам не нужна") for text in evidence)
    assert not any(text.startswith("Так было") for text in evidence)


def test_neutral_text_matches_nothing(matcher: NarrativeMatcher) -> None:
    analysis = analyse(matcher, Article(text=NEUTRAL, language="en"))
    assert analysis.labels == () and analysis.spans == ()


def test_thresholds(tmp_path: Path, shared_cache: Path) -> None:
    assert threshold_for("en", Settings(data_dir=tmp_path)) == CALIBRATED_THRESHOLDS["en"]
    assert threshold_for("de", Settings(data_dir=tmp_path)) == DEFAULT_THRESHOLD
    assert threshold_for(None, Settings(data_dir=tmp_path)) == DEFAULT_THRESHOLD
    strict = NarrativeMatcher(settings_for(tmp_path, shared_cache, narrative_threshold=0.99))
    assert strict.analyze([Analysis(article=Article(text=RUSSIAN, language="ru"))])[0].labels == ()
    lenient = NarrativeMatcher(settings_for(tmp_path, shared_cache, narrative_threshold=0.5))
    found = lenient.analyze([Analysis(article=Article(text=NEUTRAL, language="en"))])[0]
    assert found.labels  # at 0.5 every sentence supports something: the threshold does decide
    assert strict.version != lenient.version  # other thresholds, other stored analyses


def test_a_russian_sentence_matches_an_english_only_catalogue(tmp_path: Path, shared_cache: Path) -> None:
    (tmp_path / "narratives").mkdir()
    (tmp_path / "narratives" / "english-only.yaml").write_text(ENGLISH_ONLY, encoding="utf-8")
    matcher = NarrativeMatcher(settings_for(tmp_path, shared_cache, narrative_builtin=False))
    text = "Эти лаборатории на деньги Пентагона выращивают опасные вирусы прямо у наших границ."
    [found] = matcher.analyze([Analysis(article=Article(text=text, language="ru"))])
    assert [label.value for label in found.labels] == ["secret-labs"]
    assert found.spans[0].start == 0 and found.spans[0].end == len(text)
    assert matcher.version.startswith("1.5+")
