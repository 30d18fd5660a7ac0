"""Label Studio export: tasks with the findings as predictions, and an interface they fit."""

from __future__ import annotations

import io
import json
import zipfile
from xml.etree import ElementTree

from article_findings_fixture import FINDINGS_TEXT, findings_analysis
from propwatch.domain import Analysis, Article, Span
from propwatch.export_formats import write_export
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES, category_of, explanation_of


def _export(analyses: list[Analysis]) -> tuple[list[dict[str, object]], ElementTree.Element]:
    out = io.BytesIO()
    assert write_export(analyses, "labelstudio", out) == len(analyses)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert set(archive.namelist()) == {"tasks.json", "config.xml"}
    return json.loads(archive.read("tasks.json")), ElementTree.fromstring(archive.read("config.xml"))


def _controls(config: ElementTree.Element) -> dict[str, list[str]]:
    return {
        str(tag.get("name")): [str(child.get("value")) for child in tag]
        for tag in config
        if tag.tag in ("Labels", "Choices")
    }


def test_every_finding_is_a_prediction_at_its_offsets_and_the_interface_fits_them() -> None:
    analysis = findings_analysis()
    (task,), config = _export([analysis])
    assert task["data"]["text"] == FINDINGS_TEXT and task["data"]["propwatch_id"] == analysis.article.id
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == analysis.model_version
    assert prediction["score"] == (0.8 + 0.6 + 0.7) / 3  # technique spans only
    spans = [r for r in prediction["result"] if r["type"] == "labels"]
    assert len(spans) == len(analysis.spans) and len({r["id"] for r in prediction["result"]}) == 8
    for result in spans:
        value = result["value"]
        assert FINDINGS_TEXT[value["start"] : value["end"]] == value["text"]
        assert result["to_name"] == "text"
    doubt = next(r for r in spans if r["value"]["labels"] == ["Doubt"])
    assert doubt["from_name"] == "technique" and doubt["score"] == 0.8
    assert doubt["meta"] == {"text": [f"{category_of('Doubt')}: {explanation_of('Doubt')}"]}
    nato = next(r for r in spans if r["value"]["labels"] == ["Target:NATO"])
    assert nato["from_name"] == "target" and "score" not in nato and "meta" not in nato
    choices = {r["from_name"]: r["value"]["choices"] for r in prediction["result"] if r["type"] == "choices"}
    assert choices == {
        "genre": ["opinion"],
        "frames": ["Security_and_defense", "Political", "International_relations", "Morality"],
    }
    # Label Studio refuses predictions whose control or label the interface lacks.
    controls = _controls(config)
    for result in prediction["result"]:
        key = "labels" if result["type"] == "labels" else "choices"
        assert set(result["value"][key]) <= set(controls[result["from_name"]])
    assert controls["technique"] == list(SEMEVAL23_TECHNIQUES)  # a reviewer may relabel to any technique
    assert controls["target"] == ["Target:NATO", "Target:Russia"]
    assert [tag.get("name") for tag in config if tag.tag == "Text"] == ["text"]


def test_names_are_escaped_and_a_plugin_named_like_a_tag_gets_its_own_control() -> None:
    text = 'AT&T said "no".'
    article = Article(text=text, title="<Quotes>", language="en")
    spans = (
        Span(start=0, end=4, label='Target:AT&T "Inc"', analyzer="targets"),
        Span(start=5, end=9, label="said", analyzer="text"),
    )
    (task,), config = _export([Analysis(article=article, spans=spans)])
    controls = _controls(config)
    assert controls["target"] == ['Target:AT&T "Inc"'] and controls["text_spans"] == ["said"]
    assert [r["from_name"] for r in task["predictions"][0]["result"]] == ["target", "text_spans"]
    assert "score" not in task["predictions"][0] and task["data"]["title"] == "<Quotes>"


def test_no_analysis_is_an_empty_task_list_with_the_interface() -> None:
    tasks, config = _export([])
    assert tasks == [] and list(_controls(config)["technique"]) == list(SEMEVAL23_TECHNIQUES)
