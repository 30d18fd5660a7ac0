"""Shared-task predictions (library and CLI) with a tiny, fully controlled technique model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from propwatch.errors import InputError
from propwatch.evaluation import (
    ParagraphLabelsRecord,
    SpanRecord,
    TechniqueSpanRecord,
    read_paragraph_labels,
    read_si_labels,
    read_technique_spans,
    score_files,
    write_paragraph_labels,
    write_si_labels,
    write_technique_spans,
)
from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings
from propwatch.tasks import predict_ptc_si, predict_ptc_tc, predict_semeval23_st3
from technique_fixture import LOADED, NAME, REPUTATION, SAMPLE_TEXTS, write_sample_artifact

IDS = ("7", "10", "111")  # numeric order, not text order


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.getbasetemp() / "technique-data", detect_language=False)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    return write_sample_artifact(tmp_path_factory.mktemp("model"), settings.data_dir / "cache")


@pytest.fixture(scope="module")
def model(model_dir: Path, settings: Settings) -> TechniqueModel:
    return TechniqueModel.load(model_dir, settings)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for article_id, text in zip(IDS, SAMPLE_TEXTS, strict=True):
        (folder / f"article{article_id}.txt").write_bytes(text.encode("utf-8"))  # CRLF kept
    (folder / "notes.txt").write_text("not an article", encoding="utf-8")
    return folder


def at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def test_ptc_si_writes_merged_spans_of_ptc_techniques_only(
    articles: Path, model: TechniqueModel, settings: Settings, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    result = predict_ptc_si(articles, model, settings, lambda done, total: seen.append((done, total)))
    first, second, third = SAMPLE_TEXTS
    assert result.records == [
        SpanRecord("7", *at(first, "corrupt elite")),  # "lied" is Questioning_the_Reputation: no PTC class
        SpanRecord("7", *at(first, "disaster!")),
        SpanRecord("10", *at(second, "“enemies of the people”")),
        SpanRecord("111", *at(third, "traîtres")),
        SpanRecord("111", *at(third, "😡")),
    ]
    assert seen[-1] == (3, 3) and result.failures == []
    gold = tmp_path / "gold.labels"
    write_si_labels(gold, result.records)
    assert score_files("ptc-si", gold, gold).f1 == 1.0


def test_ptc_si_uses_the_views_own_decoding_when_the_model_has_one(
    articles: Path, model_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "with-si"
    shutil.copytree(model_dir, folder)
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["ptc_view"] = {"mode": "mapping", "si": {"combine": "noisy_or", "threshold": 0.5}}
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with_si = TechniqueModel.load(folder, settings)
    assert with_si.ptc_view().si is not None
    records = predict_ptc_si(articles, with_si, settings).records
    first, second, third = SAMPLE_TEXTS
    # Noisy-or of the PTC techniques only: "lied" (no PTC class) stays out, the rest as the spans.
    assert records == [
        SpanRecord("7", *at(first, "corrupt elite")),
        SpanRecord("7", *at(first, "disaster!")),
        SpanRecord("10", *at(second, "“enemies of the people”")),
        SpanRecord("111", *at(third, "traîtres")),
        SpanRecord("111", *at(third, "😡")),
    ]
    document["ptc_view"]["si"]["threshold"] = 0.99999
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    assert predict_ptc_si(articles, TechniqueModel.load(folder, settings), settings).records == []


def test_ptc_tc_labels_every_template_span_in_template_order(
    articles: Path, model: TechniqueModel, settings: Settings, tmp_path: Path
) -> None:
    first, second = SAMPLE_TEXTS[:2]
    template = tmp_path / "tc.template"
    rows = [
        TechniqueSpanRecord("10", "?", *at(second, "enemies of the people")),
        TechniqueSpanRecord("7", "?", *at(first, "corrupt")),
        TechniqueSpanRecord("7", "?", *at(first, "elite lied again.\r\nWhat a disaster")),
    ]
    write_technique_spans(template, rows)
    result = predict_ptc_tc(articles, template, model, settings)
    assert [(r.article_id, r.technique, r.start, r.end) for r in result.records] == [
        ("10", "Name_Calling,Labeling", *at(second, "enemies of the people")),
        ("7", "Loaded_Language", *at(first, "corrupt")),
        ("7", "Loaded_Language", *at(first, "elite lied again.\r\nWhat a disaster")),
    ]
    assert result.articles == 2  # only the articles the template names


def test_ptc_tc_refuses_a_template_naming_absent_articles(
    articles: Path, model: TechniqueModel, settings: Settings, tmp_path: Path
) -> None:
    template = tmp_path / "tc.template"
    write_technique_spans(template, [TechniqueSpanRecord("999", "?", 0, 3)])
    with pytest.raises(InputError, match="999"):
        predict_ptc_tc(articles, template, model, settings)


def test_semeval23_st3_labels_every_template_paragraph(
    articles: Path, model: TechniqueModel, settings: Settings, tmp_path: Path
) -> None:
    template = tmp_path / "st3.template"
    template.write_text(
        "7\t1\tThe corrupt elite lied again.\n7\t2\tWhat a disaster!\n10\t1\tThey are …\n111\t1\tÇa suffit\n",
        encoding="utf-8",
    )
    result = predict_semeval23_st3(articles, template, model, settings)
    assert result.records == [
        ParagraphLabelsRecord("7", 1, (LOADED, REPUTATION)),
        ParagraphLabelsRecord("7", 2, (LOADED,)),
        ParagraphLabelsRecord("10", 1, (NAME,)),
        ParagraphLabelsRecord("111", 1, (LOADED, NAME)),
    ]
    pred = tmp_path / "st3.pred"
    write_paragraph_labels(pred, result.records)
    assert read_paragraph_labels(pred) == result.records


def test_unreadable_article_is_reported_and_the_rest_predicted(
    articles: Path, model: TechniqueModel, settings: Settings
) -> None:
    (articles / "article8.txt").write_bytes(b"\xff\xfe broken")
    result = predict_ptc_si(articles, model, settings)
    assert [f.input for f in result.failures] == [str(articles / "article8.txt")]
    assert {r.article_id for r in result.records} == set(IDS)


# --- the commands --------------------------------------------------------------------------------


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPWATCH_")}
    env.update(
        PROPWATCH_DATA_DIR=str(settings.data_dir),
        PROPWATCH_DETECT_LANGUAGE="false",
        COLUMNS="200",
        NO_COLOR="1",
        TERM="dumb",
    )
    return subprocess.run(
        [sys.executable, "-m", "propwatch", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_predict_and_score_commands(
    articles: Path, model_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    pred = tmp_path / "si.pred"
    done = run(settings, "predict", "ptc-si", str(articles), "-o", str(pred), "--model", str(model_dir))
    assert done.returncode == 0, done.stderr
    assert "Wrote 5 spans for 3 articles" in done.stderr
    records = read_si_labels(pred)
    assert len(records) == 5 and records[0] == SpanRecord("7", *at(SAMPLE_TEXTS[0], "corrupt elite"))

    gold = tmp_path / "si.gold"
    write_si_labels(gold, records[:3])
    scored = run(settings, "score", "ptc-si", str(gold), str(pred))
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.startswith("ptc-si: F1=0.750000 P=0.600000 R=1.000000")

    template = tmp_path / "tc.template"
    write_technique_spans(template, [TechniqueSpanRecord("10", "?", *at(SAMPLE_TEXTS[1], "enemies"))])
    tc = tmp_path / "tc.pred"
    done = run(
        settings, "predict", "ptc-tc", str(articles), str(template), "-o", str(tc), "--model", str(model_dir)
    )
    assert done.returncode == 0, done.stderr
    assert [r.technique for r in read_technique_spans(tc)] == ["Name_Calling,Labeling"]


def test_commands_fail_clearly(articles: Path, settings: Settings, tmp_path: Path) -> None:
    done = run(
        settings, "predict", "ptc-si", str(articles), "-o", str(tmp_path / "x"), "--model", str(tmp_path)
    )
    assert done.returncode == 2
    assert f"{tmp_path / 'model.json'}: missing" in done.stderr
    bad = tmp_path / "bad.labels"
    bad.write_text("7\t10\t5\n", encoding="utf-8")
    scored = run(settings, "score", "ptc-si", str(bad), str(bad))
    assert scored.returncode == 2
    assert f"{bad} line 1: end 5 is not after start 10" in scored.stderr


def test_a_missing_article_is_named_even_when_another_cannot_be_read(
    articles: Path, model: TechniqueModel, settings: Settings, tmp_path: Path
) -> None:
    (articles / "article8.txt").write_bytes(b"\xff\xfe broken")
    template = tmp_path / "tc.template"
    write_technique_spans(
        template, [TechniqueSpanRecord("8", "?", 0, 3), TechniqueSpanRecord("555", "?", 0, 3)]
    )
    with pytest.raises(InputError, match=r"not in the folder: 555$"):  # 8 is unreadable, not missing
        predict_ptc_tc(articles, template, model, settings)


@pytest.mark.parametrize("paragraph", ["99", "2"])
def test_st3_template_paragraphs_must_be_lines_of_the_article(
    articles: Path, model: TechniqueModel, settings: Settings, tmp_path: Path, paragraph: str
) -> None:
    # Article 10 is one line then a blank one: paragraph 2 is empty, 99 does not exist.
    (articles / "article10.txt").write_text("They are enemies of the people.\n\n", encoding="utf-8")
    template = tmp_path / "st3.template"
    template.write_text(f"10\t1\tThey are …\n10\t{paragraph}\tnothing\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=f"paragraph {paragraph} of article 10, which is not a non-empty line"
    ):
        predict_semeval23_st3(articles, template, model, settings)


def test_nothing_read_leaves_an_earlier_prediction_file_as_it_was(
    settings: Settings, model_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "unreadable"
    folder.mkdir()
    (folder / "article1.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    earlier = tmp_path / "si.pred"
    earlier.write_text("1\t0\t5\n", encoding="utf-8")
    done = run(settings, "predict", "ptc-si", str(folder), "-o", str(earlier), "--model", str(model_dir))
    assert done.returncode == 2 and "nothing was written" in done.stderr
    assert earlier.read_text(encoding="utf-8") == "1\t0\t5\n"


def test_label_files_with_a_bom_and_an_empty_gold_file(settings: Settings, tmp_path: Path) -> None:
    gold = tmp_path / "si.gold"
    gold.write_text("1\t10\t20\n1\t30\t40\n", encoding="utf-8")
    with_bom = tmp_path / "si-bom.pred"
    with_bom.write_bytes(b"\xef\xbb\xbf" + gold.read_bytes())  # as Notepad saves it
    scored = run(settings, "score", "ptc-si", str(gold), str(with_bom))
    assert scored.returncode == 0 and scored.stdout.startswith("ptc-si: F1=1.000000"), scored.stdout
    empty = tmp_path / "empty.gold"
    empty.write_text("", encoding="utf-8")
    refused = run(settings, "score", "ptc-si", str(empty), str(gold))
    assert refused.returncode == 2 and f"{empty}: holds no spans to score" in refused.stderr


def test_the_model_is_loaded_only_once_the_template_and_articles_are_checked(
    articles: Path, model: TechniqueModel, settings: Settings, tmp_path: Path
) -> None:
    loads: list[str] = []

    def load() -> TechniqueModel:
        loads.append("loaded")
        return model

    template = tmp_path / "tc.template"
    template.write_text("7\tonly two columns\n", encoding="utf-8")
    with pytest.raises(InputError, match="4 TAB-separated columns"):
        predict_ptc_tc(articles, template, load, settings)
    write_technique_spans(template, [TechniqueSpanRecord("7", "?", 0, 10_000)])
    with pytest.raises(InputError, match="ends past article 7's text"):
        predict_ptc_tc(articles, template, load, settings)
    st3 = tmp_path / "st3.template"
    st3.write_text("7\t99\tNo such paragraph\n", encoding="utf-8")
    with pytest.raises(InputError, match="paragraph 99"):
        predict_semeval23_st3(articles, st3, load, settings)
    assert loads == []
    write_technique_spans(template, [TechniqueSpanRecord("10", "?", *at(SAMPLE_TEXTS[1], "enemies"))])
    assert [r.technique for r in predict_ptc_tc(articles, template, load, settings).records] == [
        "Name_Calling,Labeling"
    ]
    assert loads == ["loaded"]
