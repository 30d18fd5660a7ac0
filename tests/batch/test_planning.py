"""How a run cuts its input into work, given what earlier runs finished (no cluster needed)."""

from __future__ import annotations

import json
from pathlib import Path

from propwatch.batch.output import MANIFEST, BatchOutput
from propwatch.batch.runner import BatchProgress, plan_partitions
from propwatch.batch.worker import Partition, place_key
from propwatch.domain import Article

TEXT = "The war was started by the West, they said again and again."


def _plan(
    items: list[Article], done: set[str], *, places_done: bool
) -> tuple[list[Partition], BatchProgress]:
    progress = BatchProgress()
    return list(plan_partitions(items, done, 10, progress, places_done=places_done)), progress


def test_a_text_done_before_is_a_copy_wherever_else_it_is_met() -> None:
    original = Article(text=TEXT, origin="crawl/page2.txt")
    new_copy = original.model_copy(update={"origin": "crawl/aaa-copy.txt"})
    done = {original.content_hash, place_key(original)}  # what a partition of this version records
    (partition,), progress = _plan([new_copy, original], done, places_done=True)
    assert partition.articles == () and [c.origin for c in partition.copies] == ["crawl/aaa-copy.txt"]
    assert progress.already_done == 1 and progress.copies == 1


def test_partitions_that_do_not_record_places_keep_the_old_reading() -> None:
    """Without the original's place, its own file would be listed as a copy of itself on every rerun."""
    original = Article(text=TEXT, origin="crawl/page2.txt")
    plan, progress = _plan([original], {original.content_hash}, places_done=False)
    assert plan == [] and progress.already_done == 1 and progress.copies == 0


def test_places_recorded_only_when_every_partition_says_so(tmp_path: Path) -> None:
    output = BatchOutput(tmp_path)
    output.prepare()
    assert output.places_recorded()  # nothing finished yet
    for name, manifest in (("part-1", {"keys": [], "places": True}), ("part-2", {"keys": []})):
        (output.parts / name).mkdir()
        (output.parts / name / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert not output.places_recorded()


def test_the_same_place_named_otherwise_or_under_another_outlet_is_no_copy(tmp_path: Path) -> None:
    """A rerun from another folder, by the corpus's absolute path, or with --outlet had listed every
    file as an exact copy of itself (phantom republications)."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(TEXT, encoding="utf-8")
    first = Article(text=TEXT, origin=str(tmp_path / "corpus" / "a.txt"))
    done = {first.content_hash, place_key(first)}
    spelled = [
        first.model_copy(update={"origin": str(tmp_path / "corpus" / "." / "a.txt")}),
        first.model_copy(update={"outlet": "Example Daily"}),
        Article(text=TEXT, origin=f"{tmp_path / 'corpus' / 'a.txt'} line 3"),  # another place: a copy
    ]
    (partition,), progress = _plan(spelled, done, places_done=True)
    assert [c.origin for c in partition.copies] == [f"{tmp_path / 'corpus' / 'a.txt'} line 3"]
    assert progress.already_done == 1
