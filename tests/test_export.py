from __future__ import annotations

import csv
import io
import json

import pytest

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.export import CSV_COLUMNS, analysis_record, write_analyses
from propwatch.models.taxonomy import category_of, explanation_of

TEXT = "NATO provokes Russia, the editorial says.\r\nEl Pais published the answers."


def _analyses() -> list[Analysis]:
    with_spans = Analysis(
        article=Article(text=TEXT, title="T", raw="<html>big</html>", raw_format="html"),
        spans=(
            Span(start=5, end=13, label="Loaded_Language", score=0.8, analyzer="t"),
            Span(start=0, end=20, label="Name_Calling", score=0.6, analyzer="t"),
        ),
        analyzers={"t": "1"},
    )
    without = Analysis(article=Article(text="Nothing here.", title="Plain"))
    return [with_spans, without]


def test_jsonl_is_one_record_per_analysis_without_raw() -> None:
    buffer = io.StringIO()
    assert write_analyses(_analyses(), "jsonl", buffer) == 2
    lines = buffer.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 2
    assert records[0]["article"]["raw"] is None
    assert records[0]["model_version"] == "t=1"
    assert records[1]["model_version"] == "none"
    span = records[0]["spans"][0]
    assert TEXT[span["start"] : span["end"]] == "provokes"


def test_every_format_carries_each_span_s_text_and_what_its_technique_means() -> None:
    """A checker reads the evidence and the explanation without slicing offsets or a taxonomy at hand
    (JSON spans had carried offsets and a label only)."""
    buffer = io.StringIO()
    write_analyses(_analyses()[:1], "json", buffer)
    [record] = json.loads(buffer.getvalue())
    by_label = {span["label"]: span for span in record["spans"]}
    assert by_label["Loaded_Language"]["text"] == "provokes"
    assert by_label["Loaded_Language"]["category"] == category_of("Loaded_Language")
    assert by_label["Loaded_Language"]["explanation"] == explanation_of("Loaded_Language")
    # Not a technique name: text only (a plugin's label, a target, a claim).
    assert by_label["Name_Calling"] | {"text": None} == {
        "start": 0, "end": 20, "label": "Name_Calling", "score": 0.6, "analyzer": "t",
        "text": None, "category": None, "explanation": None, "threshold": None, "links": [],
        "reported_label": False,
    }  # fmt: skip
    assert by_label["Name_Calling"]["text"] == "NATO provokes Russia"

    table = io.StringIO()
    write_analyses(_analyses()[:1], "csv", table)
    rows = {r["span_label"]: r for r in csv.DictReader(io.StringIO(table.getvalue()))}
    assert rows["Loaded_Language"]["span_explanation"] == explanation_of("Loaded_Language")
    assert rows["Loaded_Language"]["span_category"] == category_of("Loaded_Language")
    assert rows["Name_Calling"]["span_explanation"] == ""


def test_json_is_a_valid_array_even_when_empty() -> None:
    buffer = io.StringIO()
    write_analyses(_analyses(), "json", buffer)
    assert [r["article"]["title"] for r in json.loads(buffer.getvalue())] == ["T", "Plain"]
    empty = io.StringIO()
    assert write_analyses([], "json", empty) == 0
    assert json.loads(empty.getvalue()) == []


def test_csv_has_a_row_per_span_and_keeps_articles_without_spans() -> None:
    buffer = io.StringIO()
    write_analyses(_analyses(), "csv", buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["span_label"], r["span_text"]) for r in rows[:2]] == [
        ("Name_Calling", "NATO provokes Russia"),
        ("Loaded_Language", "provokes"),
    ]
    assert rows[2]["title"] == "Plain" and rows[2]["span_label"] == ""


def test_csv_carries_the_counts_per_technique_and_category() -> None:
    text = "They lie, they lie again, and NATO provokes."
    analysis = Analysis(
        article=Article(text=text),
        spans=(
            Span(start=5, end=8, label="Loaded_Language", analyzer="techniques"),
            Span(start=15, end=18, label="Loaded_Language", analyzer="techniques"),
            Span(start=0, end=24, label="Repetition", analyzer="techniques"),
        ),
        analyzers={"techniques": "1"},
    )
    buffer = io.StringIO()
    write_analyses([analysis, Analysis(article=Article(text="Nothing here."))], "csv", buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert {r["per_technique"] for r in rows[:3]} == {"Loaded_Language=2; Repetition=1"}
    assert {r["per_category"] for r in rows[:3]} == {"Manipulative_Wording=3"}
    assert rows[0]["words"] == "8" and rows[0]["technique_spans"] == "3"
    assert rows[3]["technique_spans"] == rows[3]["per_technique"] == ""  # not measured: no figure


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="xml"):
        write_analyses([], "xml", io.StringIO())  # type: ignore[arg-type]


def test_json_records_carry_the_targets_with_narrative_evidence() -> None:
    sentence = "NATO provokes Russia, the editorial says."
    analysis = Analysis(
        article=Article(text=TEXT, language="en"),
        spans=(
            Span(start=0, end=4, label="Target:NATO", analyzer="targets"),
            Span(start=14, end=20, label="Target:Russia", analyzer="targets"),
            Span(start=5, end=13, label="Doubt", score=0.5, analyzer="techniques"),
            Span(start=0, end=len(sentence), label="narrative:nato-threat", score=0.9, analyzer="narratives"),
        ),
    )
    buffer = io.StringIO()
    write_analyses([analysis], "json", buffer, {"nato-threat": frozenset({"NATO"})})
    [record] = json.loads(buffer.getvalue())
    by_name = {target["name"]: target for target in record["targets"]}
    assert by_name["NATO"]["stance"] == "attacked"
    assert by_name["NATO"]["techniques"] == [
        {"technique": "Doubt", "count": 1},
        {"technique": "narrative:nato-threat", "count": 1},
    ]
    assert by_name["NATO"]["attack"] == pytest.approx(1.4)
    assert by_name["Russia"]["stance"] == "unlinked" and by_name["Russia"]["mentions"] == 1
    # Without the catalogues' attack lists the narrative sentence is no evidence.
    plain = io.StringIO()
    write_analyses([analysis], "jsonl", plain)
    nato = next(t for t in json.loads(plain.getvalue())["targets"] if t["name"] == "NATO")
    assert nato["techniques"] == [{"technique": "Doubt", "count": 1}]


def test_csv_names_the_targets_of_the_article_and_of_each_span() -> None:
    analysis = Analysis(
        article=Article(text=TEXT, language="en"),
        spans=(
            Span(start=0, end=4, label="Target:NATO", analyzer="targets"),
            Span(start=14, end=20, label="Target:Russia", analyzer="targets"),
            Span(start=5, end=13, label="Doubt", score=0.5, analyzer="techniques"),
            Span(start=22, end=40, label="Loaded_Language", score=0.4, analyzer="techniques"),
        ),
    )
    buffer = io.StringIO()
    write_analyses([analysis], "csv", buffer)
    rows = {r["span_label"]: r for r in csv.DictReader(io.StringIO(buffer.getvalue()))}
    expected = (
        "NATO — attacked (1 span, 100% of its weight attacking): Doubt ×1; "
        "Russia — neutral (1 span): Loaded_Language ×1"
    )
    assert {r["targets"] for r in rows.values()} == {expected}  # an article column, on every row
    assert rows["Doubt"]["span_targets"] == "NATO"
    assert rows["Loaded_Language"]["span_targets"] == "Russia"
    assert rows["Target:NATO"]["span_targets"] == ""  # a mention is no technique aimed at anyone


def test_ptc_export_holds_the_technique_spans_only() -> None:
    from propwatch.export_formats import ptc_lines

    text = "They lie about NATO, experts say."
    analysis = Analysis(
        article=Article(text=text, external_id="111"),
        spans=(
            Span(start=0, end=8, label="Name_Calling-Labeling", analyzer="techniques"),
            Span(start=9, end=14, label="Questioning_the_Reputation", analyzer="techniques"),  # no PTC class
            Span(start=0, end=33, label="Claim", analyzer="claims"),
            Span(start=15, end=19, label="Target:NATO", analyzer="targets"),
            Span(start=0, end=33, label="narrative:nato-lies", analyzer="narratives"),
        ),
        analyzers={"techniques": "1", "claims": "1", "targets": "1", "narratives": "1"},
    )
    assert list(ptc_lines(analysis)) == ["111\tName_Calling,Labeling\t0\t8"]


def test_csv_cells_a_spreadsheet_would_run_start_with_a_quote() -> None:
    text = "=HYPERLINK(evil) -5% growth, said @someone. -0.5 is a number."
    analysis = Analysis(
        article=Article(text=text, title='=HYPERLINK("http://evil.example","click")', outlet="+cmd|calc!A1"),
        spans=(
            Span(start=0, end=16, label="Loaded_Language", analyzer="techniques"),
            Span(start=17, end=28, label="Doubt", analyzer="techniques"),
            Span(start=44, end=48, label="Doubt", analyzer="techniques"),
        ),
        analyzers={"techniques": "1"},
    )
    buffer = io.StringIO()
    write_analyses([analysis], "csv", buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["outlet"] == "'+cmd|calc!A1"
    assert [row["span_text"] for row in rows] == ["'=HYPERLINK(evil)", "'-5% growth,", "-0.5"]
    assert rows[0]["span_start"] == "0"  # numbers untouched


def test_csv_carries_the_labels_of_narratives_and_plugins() -> None:
    analysis = Analysis(
        article=Article(text="NATO provokes Russia."),
        labels=(
            Label(name="genre", value="opinion", score=0.9, analyzer="genre"),
            Label(name="narrative", value="west-provokes-russia", score=0.912, analyzer="narratives"),
            Label(name="reading-level", value="hard", analyzer="reading-level"),
        ),
        analyzers={"genre": "5", "narratives": "1", "reading-level": "1"},
    )
    buffer = io.StringIO()
    write_analyses([analysis], "csv", buffer)
    (row,) = csv.DictReader(io.StringIO(buffer.getvalue()))
    assert row["genre"] == "opinion"  # a column of its own
    # a similarity, named as one and with the threshold it was compared with (0.91 read as 91 %)
    assert row["labels"] == (
        "narrative=west-provokes-russia (similarity 0.912, threshold 0.837, 0 sentences); reading-level=hard"
    )


def test_csv_and_label_studio_keep_the_dateline_s_place_and_the_source() -> None:
    # A plain text's provenance is its dateline and Source: line: the CSV row of the sample had neither.
    from propwatch.export_labelstudio import task

    article = Article(
        text="NATO provokes Russia.", place="Moscow", author="Jane Doe", sources=("Rossa Primavera", "TASS")
    )
    buffer = io.StringIO()
    write_analyses([Analysis(article=article)], "csv", buffer)
    (row,) = csv.DictReader(io.StringIO(buffer.getvalue()))
    assert (row["place"], row["author"], row["sources"]) == ("Moscow", "Jane Doe", "Rossa Primavera; TASS")
    data = task(Analysis(article=article))["data"]
    assert (data["place"], data["sources"]) == ("Moscow", ["Rossa Primavera", "TASS"])


def test_narrative_evidence_is_explained_by_the_catalogues_title() -> None:
    analysis = Analysis(
        article=Article(text=TEXT),
        spans=(Span(start=0, end=20, label="narrative:west-provokes", score=0.9, analyzer="narratives"),),
    )
    titles = {"west-provokes": "The West provokes Russia (catalogue: desk)"}
    record = analysis_record(analysis, narrative_titles=titles)
    assert record["spans"][0]["explanation"] == titles["west-provokes"]
    assert analysis_record(analysis)["spans"][0]["explanation"] is None  # no catalogue at hand
    table = io.StringIO()
    write_analyses([analysis], "csv", table, narrative_titles=titles)
    [row] = csv.DictReader(io.StringIO(table.getvalue()))
    assert row["span_explanation"] == titles["west-provokes"]
