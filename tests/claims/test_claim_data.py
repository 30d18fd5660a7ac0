"""Reading the corpora: shapes, deduplication, the grouped split."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.claims.data import LabelledSentence, dedupe, read_all, read_ct24_english, split_items
from propwatch.errors import InputNotFoundError, MalformedRecordError


def test_read_all_reads_every_dataset_with_its_groups(corpus_dir: Path) -> None:
    items = read_all(corpus_dir, seed=13, ct20_negatives_per_positive=1.0)
    datasets = {i.dataset for i in items}
    assert datasets == {"ct24-en", "ct24-ar", "ct24-nl", "ct21-en", "ct20-en"}
    english = [i for i in items if i.dataset == "ct24-en"]
    assert len(english) == 240 and {i.group for i in english} == {f"debate-{n}.txt" for n in range(8)}
    ct20 = [i for i in items if i.dataset == "ct20-en"]
    # All positives, and one negative per positive in each transcript.
    assert sum(i.label for i in ct20) == sum(not i.label for i in ct20) == 30
    assert {i.language for i in items if i.dataset == "ct24-ar"} == {"ar"}


def test_ct24_english_without_claimbuster_groups_by_sentence(corpus_dir: Path) -> None:
    (corpus_dir / "claimbuster" / "crowdsourced.csv").unlink()
    assert read_ct24_english(corpus_dir)[0].group == "sentence-1000"


def test_malformed_rows_name_the_file_and_line(corpus_dir: Path) -> None:
    path = corpus_dir / "checkthat2024_task1" / "en" / "CT24_checkworthy_english_train.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "1003\tno label column"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"CT24_checkworthy_english_train.tsv line 4: expected 3"):
        read_ct24_english(corpus_dir)
    lines[3] = "1003\tSome text\tMaybe"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="line 4: label 'Maybe'"):
        read_ct24_english(corpus_dir)


def test_missing_corpus_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        read_ct24_english(tmp_path)


def _item(dataset: str, text: str, group: str, label: bool = False) -> LabelledSentence:
    return LabelledSentence(dataset, "en", f"{dataset}:{text}", text, label, group)


def test_dedupe_keeps_the_first_corpus_reading() -> None:
    items = [_item("ct24-en", "Taxes went up.", "d1", True), _item("ct20-en", "Taxes  went up. ", "t1")]
    items.append(_item("ct24-en", "Thank you.", "d1"))
    items.append(_item("ct24-en", "Thank you.", "d2"))  # repeats inside one corpus are real data
    kept = dedupe(items)
    assert [i.dataset for i in kept] == ["ct24-en", "ct24-en", "ct24-en"]


def test_split_holds_out_whole_groups_and_drops_texts_seen_in_training() -> None:
    items = [_item("ct24-en", f"Sentence {n % 40} of debate.", f"d{n % 10}", n % 2 == 0) for n in range(200)]
    items += [_item("ct24-en", "Thank you.", f"d{n}") for n in range(10)]
    split = split_items(items, seed=13, fraction=0.2)
    train_groups = {i.group for i in split.train}
    assert not train_groups & {i.group for i in split.validation}
    assert len({i.group for i in items} - train_groups) == 2
    assert all(i.text != "Thank you." for i in split.validation)
    assert split_items(items, seed=13, fraction=0.2) == split
    assert split_items(items, seed=14, fraction=0.2) != split
