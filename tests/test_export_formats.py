"""Formats other tools read (brat, PTC, W3C Web Annotation, ClaimReview): what their readers require."""

from __future__ import annotations

import io
import json
import zipfile

from propwatch.domain import Analysis, Article, Span
from propwatch.export_formats import brat_type, write_export


def _exported(analyses: list[Analysis], fmt: str) -> bytes:
    out = io.BytesIO()
    write_export(analyses, fmt, out)
    return out.getvalue()


def _technique(text: str, piece: str) -> Span:
    start = text.index(piece)
    return Span(
        start=start, end=start + len(piece), label="Loaded_Language", score=0.9, analyzer="techniques"
    )


def test_two_texts_under_one_shared_task_id_get_names_of_their_own() -> None:
    ptc = Article(text="The corrupt elite lies.", external_id="696246189")
    semeval = Article(text="The corrupt elite lies again.", external_id="696246189")
    analyses = [Analysis(article=a, spans=(_technique(a.text, "corrupt"),)) for a in (ptc, semeval)]
    archive = zipfile.ZipFile(io.BytesIO(_exported(analyses, "brat")))
    names = archive.namelist()
    assert len(names) == len(set(names)) == 5
    assert {"696246189.txt", f"{semeval.id}.txt"} <= set(names)
    assert archive.read(f"{semeval.id}.txt").decode() == semeval.text
    lines = _exported(analyses, "ptc").decode().splitlines()
    assert lines == ["696246189\tLoaded_Language\t4\t11", f"{semeval.id}\tLoaded_Language\t4\t11"]


def test_brat_types_are_ascii_and_never_shared_by_two_labels() -> None:
    labels = ["Target:Жаир Болсонару", "Target:Америк", "Target:Карин Жан-Пьер", "Target:NATO", "Doubt"]
    types = [brat_type(label) for label in labels]
    assert len(set(types)) == len(labels)
    assert all(t.isascii() and t.replace("_", "").replace("-", "").isalnum() for t in types)
    assert types[0].startswith("Target_Zhair_Bolsonaru-") and types[3:] == ["Target_NATO", "Doubt"]


def test_the_same_export_gives_the_same_bytes() -> None:
    article = Article(text="The corrupt elite lies.", url="https://a.example/1")
    analysis = Analysis(article=article, spans=(_technique(article.text, "corrupt"),))
    for fmt in ("brat", "labelstudio"):
        assert _exported([analysis], fmt) == _exported([analysis], fmt)


def test_web_annotations_name_their_collection_and_page_and_escape_urls() -> None:
    article = Article(text="The corrupt elite lies.", url="https://news.example.org/a?x=1&y=<2>")
    collection = json.loads(
        _exported([Analysis(article=article, spans=(_technique(article.text, "corrupt"),))], "webanno")
    )
    assert collection["id"].startswith("urn:propwatch:export:")
    assert collection["first"]["partOf"] == collection["id"] and collection["first"]["id"] != collection["id"]
    (annotation,) = collection["first"]["items"]
    assert annotation["target"]["source"] == "https://news.example.org/a?x=1&y=%3C2%3E"


def test_every_brat_fragment_quotes_the_text_at_its_offsets() -> None:
    # A tab inside a span was written as a space: the .ann text no longer matched the .txt there.
    from propwatch.export_formats import brat_ann

    text = "Intro line.\nOnly cowards\ttrust them,\r\nthe traitors say.\n"
    span = Span(
        start=text.index("Only"), end=text.index(" say"), label="Loaded_Language", analyzer="techniques"
    )
    ann = brat_ann(Analysis(article=Article(text=text), spans=(span,), analyzers={"techniques": "1"}))
    first = ann.splitlines()[0].split("\t")
    fragments = [tuple(map(int, piece.split())) for piece in first[1].split(" ", 1)[1].split(";")]
    assert [text[a:b] for a, b in fragments] == ["Only cowards", "trust them,", "the traitors"]
    assert first[2] == "Only cowards trust them, the traitors"


def test_brat_lines_survive_every_line_break_brat_reads() -> None:
    """brat reads .ann files with str.splitlines(): a lone CR, U+2028 or NEL inside a quote (scraped JSON,
    mis-decoded cp1252) broke its annotation line in two, which brat could not parse."""
    from propwatch.export_formats import brat_ann

    breaks = ["\r", "\u2028", "\x85", "\u2029", "\v", "\f", "\x1c"]
    text = "NATO is making" + "".join(f"{b}demand {n}" for n, b in enumerate(breaks)) + " of Russia."
    span = Span(start=0, end=len(text), label="Claim", score=0.9, analyzer="claims")
    ann = brat_ann(Analysis(article=Article(text=text), spans=(span,), analyzers={"claims": "1"}))
    lines = ann.splitlines()
    assert len(lines) == 2 and lines[0].startswith("T1\t") and lines[1].startswith("#1\t")
    fields = lines[0].split("\t")
    fragments = [tuple(map(int, piece.split())) for piece in fields[1].split(" ", 1)[1].split(";")]
    assert len(fragments) == len(breaks) + 1
    assert fields[2] == " ".join(text[a:b] for a, b in fragments)


def test_a_brat_fragment_after_a_line_break_starts_after_the_lines_indentation() -> None:
    from propwatch.export_formats import brat_ann

    text = "Intro.\nOnly cowards\n    trust them, they say.\n"
    span = Span(start=text.index("Only"), end=text.index(","), label="Loaded_Language", analyzer="techniques")
    ann = brat_ann(Analysis(article=Article(text=text), spans=(span,), analyzers={"techniques": "1"}))
    first = ann.splitlines()[0].split("\t")
    fragments = [tuple(map(int, piece.split())) for piece in first[1].split(" ", 1)[1].split(";")]
    assert fragments == [(7, 19), (24, 34)]
    assert [text[a:b] for a, b in fragments] == ["Only cowards", "trust them"]
    assert first[2] == "Only cowards trust them"


def test_json_ld_exports_can_be_pasted_into_a_script_element() -> None:
    """A hostile page's headline closed the <script type="application/ld+json"> a fact-check embeds."""
    hostile = "</script><img src=x onerror=alert(1)> & 'quotes'"
    text = f"NATO refused every talk. It wants war: {hostile}"
    claim = Span(start=0, end=23, label="Claim", score=0.9, analyzer="claims")
    article = Article(text=text, title=hostile, author=hostile, outlet=hostile, url="https://a.example/1")
    analysis = Analysis(article=article, spans=(claim, _technique(text, hostile)))
    for fmt in ("claimreview", "webanno"):
        exported = _exported([analysis], fmt).decode()
        assert not {"<", ">", "&"} & set(exported), fmt
        assert hostile in json.dumps(json.loads(exported), ensure_ascii=False), fmt  # the same data


def test_brat_notes_and_web_annotations_explain_each_technique() -> None:
    """A reviewer in brat or an annotation client had a label and a score only, no explanation."""
    from propwatch.export_formats import brat_ann, web_annotations
    from propwatch.models.taxonomy import category_of, explanation_of

    text = "They are traitors, and NATO lies."
    spans = (_technique(text, "traitors"), Span(start=23, end=27, label="Target:NATO", analyzer="targets"))
    analysis = Analysis(article=Article(text=text), spans=spans, analyzers={"techniques": "1"})
    meaning = f"{category_of('Loaded_Language')}: {explanation_of('Loaded_Language')}"
    notes = [line.split("\t")[2] for line in brat_ann(analysis).splitlines() if line.startswith("#")]
    assert notes == [f"Loaded_Language (techniques, score 0.900) {meaning}", "Target:NATO (targets)"]
    loaded, nato = web_annotations(analysis)
    assert {"type": "TextualBody", "purpose": "describing", "value": meaning} in loaded["body"]
    assert all(body["purpose"] != "describing" for body in nato["body"])
