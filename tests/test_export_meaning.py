"""What the evidence means, in the JSON, CSV and Web Annotation exports: a narrative match's similarity
beside its threshold, with its case links; a reported label marked as not the author's own."""

from __future__ import annotations

import csv
import io
import json

import pytest

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.export import MAX_EVIDENCE, analysis_record, narrative_matches, write_analyses
from propwatch.export_formats import web_annotations
from propwatch.narratives.catalogue import NarrativeTitles
from propwatch.summary import target_findings

# The sample's last sentence: the article blames NATO, and reports others calling Russia the aggressor.
TEXT = "NATO wants chaos in order to then call Russia the aggressor. The West provoked it on purpose."
LINKS = (
    "https://euvsdisinfo.eu/report/the-west-provokes-russia/",
    "https://euvsdisinfo.eu/report/nato-provocation/",
)
TITLES = NarrativeTitles(
    {"west-provokes": "The West provokes Russia (catalogue: euvsdisinfo)"}, {"west-provokes": LINKS}
)


def _at(quote: str, label: str, analyzer: str, score: float | None = None) -> Span:
    start = TEXT.index(quote)
    return Span(start=start, end=start + len(quote), label=label, score=score, analyzer=analyzer)


def sample() -> Analysis:
    return Analysis(
        article=Article(text=TEXT, language="en"),
        spans=(
            _at("NATO", "Target:NATO", "targets"),
            _at("Russia", "Target:Russia", "targets"),
            _at("NATO wants chaos", "Doubt", "techniques", 0.6),
            _at("the aggressor", "Name_Calling-Labeling", "techniques", 0.38),
            _at("The West provoked it on purpose.", "narrative:west-provokes", "narratives", 0.83),
        ),
        labels=(Label(name="narrative", value="west-provokes", score=0.83, analyzer="narratives"),),
        analyzers={"techniques": "1", "targets": "1", "narratives": "1"},
    )


def test_json_names_each_narrative_score_a_similarity_beside_its_threshold_and_links() -> None:
    """0.83 read as 83 % confidence: the record had no threshold to compare the similarity with, and no
    case link, though an EUvsDisinfo import keeps up to 10 per entry."""
    record = analysis_record(sample(), narrative_titles=TITLES)
    assert record["narratives"] == [
        {
            "id": "west-provokes",
            "title": "The West provokes Russia (catalogue: euvsdisinfo)",
            "similarity": 0.83,
            "threshold": 0.819,  # English
            "sentences": 1,
            "links": list(LINKS),
        }
    ]
    evidence = next(s for s in record["spans"] if s["label"] == "narrative:west-provokes")
    assert evidence["threshold"] == 0.819 and evidence["links"] == list(LINKS)
    doubt = next(s for s in record["spans"] if s["label"] == "Doubt")
    assert doubt["threshold"] is None and doubt["links"] == []
    # Another language, another threshold; a threshold set for all languages wins.
    russian = sample().model_copy(update={"article": Article(text=TEXT, language="ru")})
    assert analysis_record(russian)["narratives"][0]["threshold"] == 0.837
    assert analysis_record(russian)["narratives"][0]["links"] == []  # no catalogue at hand
    fixed = NarrativeTitles(TITLES, TITLES.links, threshold=0.9)
    assert analysis_record(russian, narrative_titles=fixed)["narratives"][0]["threshold"] == 0.9


def test_a_reported_label_is_marked_in_json_and_csv() -> None:
    """ "…in order to then call Russia the aggressor" came out as the article's own Name_Calling span."""
    record = analysis_record(sample())
    reported = {s["label"]: s["reported_label"] for s in record["spans"]}
    assert reported["Name_Calling-Labeling"] is True
    assert reported["Doubt"] is False and reported["narrative:west-provokes"] is False
    table = io.StringIO()
    write_analyses([sample()], "csv", table, narrative_titles=TITLES)
    rows = {row["span_label"]: row for row in csv.DictReader(io.StringIO(table.getvalue()))}
    assert rows["Name_Calling-Labeling"]["span_reported_label"] == "True"
    assert rows["Doubt"]["span_reported_label"] == "False"
    narrative = rows["narrative:west-provokes"]
    assert (narrative["span_threshold"], narrative["span_links"]) == ("0.819", " ".join(LINKS))
    assert "narrative=west-provokes (similarity 0.830, threshold 0.819, 1 sentence)" in narrative["labels"]
    assert rows["Doubt"]["span_threshold"] == rows["Doubt"]["span_links"] == ""


def test_the_reported_spans_are_those_the_target_profiles_count() -> None:
    profiles, reported = target_findings(sample())
    assert [span.label for span in reported] == ["Name_Calling-Labeling"]
    for profile in profiles:
        assert profile.reported == sum(span in reported for span in profile.evidence), profile.name


def test_web_annotations_describe_a_narrative_as_the_json_does() -> None:
    """A narrative annotation had its id and "score 0.830" only; techniques had their explanation."""
    annotations = web_annotations(sample(), TITLES)
    narrative = next(a for a in annotations if a["body"][0]["value"] == "narrative:west-provokes")
    assert {"type": "TextualBody", "purpose": "commenting", "value": "similarity 0.830, threshold 0.819"} in (
        narrative["body"]
    )
    assert {"type": "TextualBody", "purpose": "describing", "value": TITLES["west-provokes"]} in (
        narrative["body"]
    )
    sources = [b["source"] for b in narrative["body"] if b["type"] == "SpecificResource"]
    assert sources == list(LINKS)
    assert not any("score" in str(b.get("value")) for b in narrative["body"])
    labelled = next(a for a in annotations if a["body"][0]["value"] == "Name_Calling-Labeling")
    assert "reported, not the author's label" in [b.get("value") for b in labelled["body"]]


def test_the_exports_count_the_evidence_sentences_the_analyzer_keeps() -> None:
    from propwatch.narratives.matching import MAX_EVIDENCE as KEPT

    assert MAX_EVIDENCE == KEPT  # "5+" stands for the matcher's cap
    many = sample().model_copy(update={"spans": (sample().spans[-1],) * MAX_EVIDENCE})
    [match] = narrative_matches(many)
    assert match.measure() == "similarity 0.830, threshold 0.819, 5+ sentences"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_every_json_record_has_its_narratives(fmt: str) -> None:
    buffer = io.StringIO()
    write_analyses([sample(), Analysis(article=Article(text="Nothing here."))], fmt, buffer)
    text = buffer.getvalue()
    records = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    assert [len(record["narratives"]) for record in records] == [1, 0]


def test_an_analysis_by_another_matcher_version_shows_no_threshold_it_was_not_compared_with(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Shown with today's threshold setting (0.86), matches made at 0.819 read as below their threshold."""
    from propwatch.narratives.catalogue import current_matcher_version, narrative_titles
    from propwatch.settings import Settings

    settings = Settings(data_dir=tmp_path, narrative_threshold=0.86)
    titles = narrative_titles(settings)
    current = current_matcher_version(settings)
    assert current is not None and titles.version == current
    made_now = sample().model_copy(update={"analyzers": {"narratives": current}})
    assert [m.threshold for m in narrative_matches(made_now, titles)] == [0.86]
    made_before = sample().model_copy(update={"analyzers": {"narratives": "1.3+0e09530a4c"}})
    (match,) = narrative_matches(made_before, titles)
    assert match.threshold is None and "other catalogues or thresholds" in match.measure()
    record = analysis_record(made_before, narrative_titles=titles)
    (evidence,) = [s for s in record["spans"] if s["label"].startswith("narrative:")]
    assert evidence["threshold"] is None
    comments = [
        body["value"]
        for note in web_annotations(made_before, titles)
        for body in note["body"]
        if body.get("purpose") == "commenting"
    ]
    assert any(c.startswith("similarity 0.830 (matched with other catalogues") for c in comments)
