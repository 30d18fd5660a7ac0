from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import MalformedRecordError
from propwatch.narratives.calibration import best_threshold, calibrate, read_labelled
from propwatch.narratives.catalogue import builtin_catalogue_paths, load_catalogue
from propwatch.narratives.embeddings import Embedder, EmbeddingCache
from propwatch.narratives.matching import CALIBRATED_THRESHOLDS, DEFAULT_THRESHOLD, NarrativeIndex
from propwatch.settings import Settings

LABELLED = Path(__file__).parent / "fixtures" / "labelled_sentences.tsv"


def test_the_labelled_set_is_its_own_text() -> None:
    catalogue = load_catalogue(builtin_catalogue_paths()[0])
    ids = {n.id for n in catalogue.narratives}
    sentences = read_labelled(LABELLED, known_ids=ids)
    assert len(sentences) >= 60
    for language in ("en", "ru"):
        mine = [s for s in sentences if s.language == language]
        assert sum(s.narrative is not None for s in mine) >= 30
        assert sum(s.narrative is None for s in mine) >= 10
        assert {s.split for s in mine} == {"tune", "heldout"}
    for language in ("fr", "de", "it", "pl"):  # measured at the default threshold, too few to choose one
        mine = [s for s in sentences if s.language == language]
        assert sum(s.narrative is not None for s in mine) >= 18
        assert sum(s.narrative is None for s in mine) >= 8
        assert {s.split for s in mine} == {"tune", "heldout"}
    examples = {c.casefold() for n in catalogue.narratives for p in n.passages() for c in [p]}
    assert not [s.text for s in sentences if s.text.casefold() in examples]
    assert len({s.narrative for s in sentences if s.narrative}) >= 25


def test_labelled_set_errors(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text("language\tnarrative\tsplit\ttext\nen\tmade-up\ttune\tSome text.\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"set\.tsv line 2: narrative 'made-up'"):
        read_labelled(path, known_ids={"real"})
    path.write_text("language\tnarrative\tsplit\ttext\nen\tnone\ttrain\tSome text.\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="split"):
        read_labelled(path)
    path.write_text("lang\ttext\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="header"):
        read_labelled(path)


def test_a_byte_order_mark_is_not_part_of_the_header_and_held_out_alone_is_refused(tmp_path: Path) -> None:
    from propwatch.narratives.calibration import calibrate

    path = tmp_path / "set.tsv"
    path.write_text(
        "\ufefflanguage\tnarrative\tsplit\ttext\nde\tnone\theldout\tDer Himmel ist blau.\n", encoding="utf-8"
    )
    sentences = read_labelled(path)
    assert [s.language for s in sentences] == ["de"]
    with pytest.raises(MalformedRecordError, match=r"\(de\).*no 'tune' sentences"):
        calibrate(None, sentences)  # type: ignore[arg-type]  # refused before any scoring


def test_best_threshold_maximises_f1() -> None:
    scores = np.array([[0.9, 0.1], [0.1, 0.8], [0.7, 0.2], [0.5, 0.4]], dtype=np.float32)
    # Row 2 is a 'none' sentence. With row 3 right but weak, taking it in is worth one false positive
    # (F1 6/7 against 4/5); with row 3 a 'none' sentence too, 0.8 keeps every answer right.
    assert best_threshold(scores, [0, 1, -1, 0]) == pytest.approx(0.5)
    assert best_threshold(scores, [0, 1, -1, -1]) == pytest.approx(0.8)
    # Equal F1 at 0.9 and 0.5 (one right answer of two, or both plus two false ones): the higher wins.
    tied = np.array([[0.9], [0.6], [0.55], [0.5]], dtype=np.float32)
    assert best_threshold(tied, [0, -1, -1, 0]) == pytest.approx(0.9)


@pytest.mark.slow
def test_shipped_thresholds_are_the_calibrated_ones(settings: Settings) -> None:
    """Fails when the starter catalogue or the model changes without recalibrating (docs/narratives.md)."""
    catalogue = load_catalogue(builtin_catalogue_paths()[0])
    index = NarrativeIndex([catalogue], Embedder(settings), EmbeddingCache.from_settings(settings))
    result = calibrate(index, read_labelled(LABELLED))
    for language, shipped in CALIBRATED_THRESHOLDS.items():
        assert result.thresholds[language] == pytest.approx(shipped, abs=0.005), language
    heldout = {q.language: q for q in result.quality if q.split == "heldout"}
    for language in ("en", "ru"):
        assert heldout[language].precision_at_1 >= 0.75, heldout[language]
        assert heldout[language].recall_at_5 >= 0.9, heldout[language]
        assert heldout[language].f1 >= 0.7, heldout[language]
    # French, German, Italian and Polish use the default threshold: their figures there, pinned under
    # the measured ones (docs/narratives.md).
    others = ("fr", "de", "it", "pl")
    at_default = calibrate(
        index,
        [s for s in read_labelled(LABELLED) if s.language in others],
        dict.fromkeys(others, DEFAULT_THRESHOLD),
    )
    for quality in at_default.quality:
        assert quality.precision >= 0.8 and quality.recall >= 0.6, quality
