"""TargetExtractor on the sample article, with fixture technique spans (no technique model ships yet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.analyzers.targets import ANALYZER_VERSION, TargetExtractor
from propwatch.domain import Analysis, Article, Span
from propwatch.errors import AnalyzerError
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings
from propwatch.targets.linking import target_profiles

SAMPLE = Path(__file__).parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"

# Fixture technique spans on the sample article, as an analyst could mark them: (technique, quote).
TECHNIQUES = [
    ("Name_Calling-Labeling", "imagined moral superiority"),
    ("Doubt", "NATO is essentially making a series of unilateral demands on Russia"),
    ("Doubt", "the United States and NATO are not interested in this de-escalation"),
    ("Doubt", "Active US efforts to undermine the system of arms control"),
    ("Loaded_Language", "escalating tensions and chaos"),
    ("Name_Calling-Labeling", "aggressor"),  # "…in order to then call Russia the aggressor": reported
]


@pytest.fixture(scope="module")
def extractor(tmp_path_factory: pytest.TempPathFactory) -> TargetExtractor:
    return TargetExtractor(Settings(data_dir=tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="module")
def sample() -> Article:
    return parse_plain_text(SAMPLE.read_text(encoding="utf-8"), Settings(data_dir=Path("/nonexistent")))


def _with_techniques(article: Article) -> Analysis:
    spans = []
    for label, quote in TECHNIQUES:
        start = article.text.index(quote)
        spans.append(Span(start=start, end=start + len(quote), label=label, analyzer="techniques"))
    return Analysis(article=article, spans=tuple(spans), analyzers={"techniques": "fixture"})


def _run(extractor: TargetExtractor, item: Analysis) -> Analysis:
    (added,) = extractor.analyze([item])
    return item.with_annotations(extractor.name, extractor.version, added)


def test_sample_article_names_nato_and_the_united_states(extractor: TargetExtractor, sample: Article) -> None:
    assert sample.language == "en"
    analysis = _run(extractor, Analysis(article=sample))
    names = {s.label for s in analysis.spans}
    assert {"Target:NATO", "Target:United States", "Target:Russia"} <= names
    us = [s.text_of(sample) for s in analysis.spans if s.label == "Target:United States"]
    assert {"US", "USA", "United States"} <= set(us)
    assert all(s.analyzer == "targets" and s.score is None for s in analysis.spans)
    assert analysis.labels == ()  # no technique spans: mentions only, no stance is made up


def test_sample_article_attacks_nato_and_the_united_states(
    extractor: TargetExtractor, sample: Article
) -> None:
    analysis = _run(extractor, _with_techniques(sample))
    attacked = {label.value: label.score for label in analysis.labels if label.name == "attacked"}
    assert set(attacked) == {"NATO", "United States"}
    # "They … chaos" (neutral Loaded_Language) stands for "the United States and NATO" just before it.
    assert attacked["NATO"] == pytest.approx(3 / 4) and attacked["United States"] == pytest.approx(
        2 / 3, abs=1e-3
    )
    targets = {label.value: label.score for label in analysis.labels if label.name == "target"}
    assert set(targets) == {"NATO", "United States", "Russia"}
    assert targets["NATO"] == pytest.approx(4 / 8, abs=1e-3)
    assert targets["United States"] == pytest.approx(3 / 8, abs=1e-3)
    assert not any(label.name == "praised" for label in analysis.labels)
    summaries = [p.summary() for p in target_profiles(analysis) if p.techniques]
    assert summaries == [
        "NATO — attacked: Loaded_Language ×1, Name_Calling-Labeling ×1, Doubt ×2",
        "United States — attacked: Loaded_Language ×1, Doubt ×2",
        "Russia — neutral: Name_Calling-Labeling ×1; 1 reported label",
    ]


def test_russian_article(extractor: TargetExtractor) -> None:
    text = "США и НАТО снова лгут. Лживые политики Вашингтона загоняют Россию в угол."
    article = Article(text=text, language="ru")
    start = text.index("Лживые политики")
    item = Analysis(
        article=article,
        spans=(
            Span(
                start=start, end=start + len("Лживые политики"), label="Name_Calling-Labeling", analyzer="t"
            ),
        ),
    )
    analysis = _run(extractor, item)
    assert [label.value for label in analysis.labels if label.name == "attacked"] == ["United States"]
    assert sum(s.label == "Target:United States" for s in analysis.spans) == 2


def test_languages_without_ner_use_the_catalogue(extractor: TargetExtractor) -> None:
    # Romanian is not in the catalogue: every language's names are looked for.
    analysis = _run(extractor, Analysis(article=Article(text="Ce vrea OTAN de la USA.", language="ro")))
    assert [s.label for s in analysis.spans] == ["Target:NATO", "Target:United States"]


def test_version_changes_with_the_user_catalogue(tmp_path: Path, extractor: TargetExtractor) -> None:
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "x.yaml").write_text(
        "format: propwatch-targets/1\nentities:\n  - name: Acme\n    aliases: {en: [ACME]}\n",
        encoding="utf-8",
    )
    other = TargetExtractor(Settings(data_dir=tmp_path))
    assert other.version != extractor.version and other.version.startswith(f"{ANALYZER_VERSION}+")


def test_a_broken_narrative_catalogue_does_not_stop_target_extraction(tmp_path: Path) -> None:
    (tmp_path / "narratives").mkdir()
    (tmp_path / "narratives" / "x.yaml").write_text("narratives: [not, a, catalogue", encoding="utf-8")
    extractor = TargetExtractor(Settings(data_dir=tmp_path))
    analysis = _run(extractor, Analysis(article=Article(text="NATO met in Brussels.", language="en")))
    assert "Target:NATO" in [s.label for s in analysis.spans]


def test_missing_models_are_named(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerError, match=r"analyzer 'targets'.*de NER model .*de\.crfsuite is missing"):
        TargetExtractor(Settings(data_dir=tmp_path), model_dir=tmp_path)
