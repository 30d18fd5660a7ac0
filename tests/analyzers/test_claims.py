"""ClaimDetector on the sample article, with the shipped model and the real e5 encoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.analyzers.claims import ANALYZER_VERSION, ClaimDetector
from propwatch.claims.claimreview import claim_reviews
from propwatch.claims.model import CheckWorthinessModel, shipped_model_path
from propwatch.domain import Analysis, Article
from propwatch.errors import ConfigurationError
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

SAMPLE = Path(__file__).parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"


@pytest.fixture(scope="module")
def detector() -> ClaimDetector:
    return ClaimDetector(Settings())


@pytest.fixture(scope="module")
def sample() -> Analysis:
    article = parse_plain_text(
        SAMPLE.read_text(encoding="utf-8"), Settings(), url="https://example.org/rossa"
    )
    return Analysis(article=article)


def test_contract(detector: ClaimDetector) -> None:
    assert ClaimDetector.name == "claims"
    assert ClaimDetector.provides == frozenset({"spans:claim"})
    assert detector.version.startswith(f"{ANALYZER_VERSION}+model")


def test_sample_article_claims(detector: ClaimDetector, sample: Analysis) -> None:
    (annotations,) = detector.analyze([sample])
    text = sample.article.text
    claims = {span.text_of(sample.article): span for span in annotations.spans}
    refused = next((s for s in claims if "refused to discuss with Russia" in s), None)
    assert refused is not None, list(claims)
    assert "further NATO expansion to the east" in refused
    not_interested = next((s for s in claims if "are not interested in this de-escalation" in s), None)
    assert not_interested is not None, list(claims)
    for span in annotations.spans:
        assert span.label == "Claim" and span.analyzer == "claims"
        assert span.score is not None and span.score >= detector.model.threshold("en")
        assert text[span.start : span.end] == text[span.start : span.end].strip()
    # Not every sentence is a claim: the bare verdict that closes the quote is not checkable.
    assert not any(s.startswith("This approach to the negotiations makes them senseless") for s in claims)


def test_batch_keeps_order_and_handles_articles_without_sentences(
    detector: ClaimDetector, sample: Analysis
) -> None:
    short = Analysis(article=Article(text="Hello."))
    results = detector.analyze([short, sample, short])
    assert len(results) == 3 and results[0].spans == () and results[2].spans == ()
    assert results[1] == detector.analyze([sample])[0]


def test_threshold_setting_overrides_the_model(sample: Analysis) -> None:
    strict = ClaimDetector(Settings(claims_threshold=1.0))
    assert strict.analyze([sample])[0].spans == ()
    assert strict.version.endswith("+t1")


def test_claim_reviews_of_the_sample(detector: ClaimDetector, sample: Analysis) -> None:
    (annotations,) = detector.analyze([sample])
    analysis = sample.with_annotations(detector.name, detector.version, annotations)
    reviews = claim_reviews(analysis)
    assert len(reviews) == len(annotations.spans) > 0
    assert all(r["itemReviewed"]["appearance"][0]["url"] == "https://example.org/rossa" for r in reviews)


def test_shipped_model_files(tmp_path: Path) -> None:
    model = CheckWorthinessModel.load(shipped_model_path())
    assert {"default", "en", "ar", "nl"} <= set(model.thresholds)
    assert all(0.0 < t < 1.0 for t in model.thresholds.values())
    assert (shipped_model_path() / "MODEL_CARD.md").is_file()
    # A broken model folder is a configuration error naming the file, not a crash.
    (tmp_path / "model.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"model\.json: is not valid JSON"):
        ClaimDetector(Settings(claims_model=tmp_path))


def test_questions_and_the_repeated_headline_are_no_candidates(detector: ClaimDetector) -> None:
    title = "Russia lost 5,000 tanks in 2022, the ministry says"
    text = (
        f"{title}\n\nDid Russia lose 5,000 tanks in 2022? The ministry said on Monday that 5,000 tanks were "
        "destroyed in 2022. «Wie viele Menschen sind im Krieg gestorben?»"
    )
    found = [s.text for s in detector.candidates(text, "en", title)]
    assert found == ["The ministry said on Monday that 5,000 tanks were destroyed in 2022."]


def test_no_sentence_of_a_headline_opening_the_text_is_a_candidate(detector: ClaimDetector) -> None:
    """A headline of two sentences had given a claim of its second, the best-scored one of the article."""
    title = "Putin is finished. Kremlin insiders say the army has collapsed and 40,000 soldiers deserted"
    text = f"{title}\n\nThe ministry said on Monday that 5,000 tanks were destroyed in 2022."
    found = [s.text for s in detector.candidates(text, "en", title)]
    assert found == ["The ministry said on Monday that 5,000 tanks were destroyed in 2022."]


@pytest.mark.parametrize(
    "question",
    [
        "Кто заплатил за эти 300 миллионов долларов?..",
        "И кто теперь за это ответит?!..",
        "Wer glaubt, dass die Ukraine in zwei Jahren noch auf der Weltkarte existieren wird?“",
        "Was the money ever paid back to the families?!",
        "Do you know what a sad situation we are in this country?…",
    ],
)
def test_questions_closed_by_dots_or_german_quotes_are_no_candidates(
    detector: ClaimDetector, question: str
) -> None:
    """ "…долларов?.." (0.488) and "…existieren wird?“" (0.801) had been flagged as claims."""
    text = f"The ministry said on Monday that 5,000 tanks were destroyed in 2022. {question}"
    found = [s.text for s in detector.candidates(text, None)]
    assert found == ["The ministry said on Monday that 5,000 tanks were destroyed in 2022."]


def test_a_quoted_question_reported_as_asked_stays_a_candidate(detector: ClaimDetector) -> None:
    text = "He asked the minister “why?”. The minister said 5,000 tanks were destroyed in 2022."
    assert len(detector.candidates(text, "en")) == 2


def test_the_model_card_names_only_threshold_options_that_exist() -> None:
    """The card had said "Lower it with `--threshold`", an option `propwatch analyze` does not have."""
    card = (shipped_model_path() / "MODEL_CARD.md").read_text(encoding="utf-8")
    paragraphs = card.split("\n- ")
    for paragraph in paragraphs:
        if "`--threshold`" in paragraph:
            assert "predict checkworthy" in paragraph, paragraph
    assert "PROPWATCH_CLAIMS_THRESHOLD" in card and "propwatch settings" in card
