"""``propwatch delete``: by id or by the filters of `list`, listed first, asked or --yes, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_cli_fixture import RECORDS, run


@pytest.fixture
def db(tmp_path: Path) -> str:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert run(url, "ingest", str(corpus)).returncode == 0
    return url


def stored(db: str) -> dict[str, str]:
    return {row["id"]: row["outlet"] for row in json.loads(run(db, "list", "-f", "json").stdout)}


def test_delete_by_filter_lists_then_deletes_with_yes(db: str) -> None:
    before = stored(db)
    dry = run(db, "delete", "--outlet", "Pravda X", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "2 articles to delete" in dry.stdout and "Would delete 2 articles" in dry.stdout
    assert stored(db) == before

    unasked = run(db, "delete", "--outlet", "Pravda X", stdin="")
    assert unasked.returncode == 2
    assert "pass --yes" in unasked.stderr
    assert stored(db) == before

    done = run(db, "delete", "--outlet", "Pravda X", "--yes")
    assert done.returncode == 0, done.stderr
    assert "Deleted 2 articles and 0 analyses." in done.stdout
    assert list(stored(db).values()) == ["Daily Y"]


def test_delete_by_id_is_all_or_nothing(db: str) -> None:
    ids = list(stored(db))
    failed = run(db, "delete", ids[0], "0123456789abcdef", "--yes")
    assert failed.returncode == 2
    assert "0123456789abcdef: no stored article has this id" in failed.stderr
    assert list(stored(db)) == ids

    done = run(db, "delete", ids[0][:8], ids[1], "-y")
    assert done.returncode == 0, done.stderr
    assert list(stored(db)) == ids[2:]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give the ids of the articles to delete"),
        (("0123456789abcdef", "--outlet", "Daily Y"), "not both"),
    ],
)
def test_delete_needs_ids_or_filters(db: str, args: tuple[str, ...], message: str) -> None:
    result = run(db, "delete", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_nothing_matching_deletes_nothing(db: str) -> None:
    result = run(db, "delete", "--outlet", "Nobody", "--yes")
    assert result.returncode == 0
    assert "nothing to delete" in result.stdout
    assert len(stored(db)) == 3


def test_delete_with_block_keeps_the_texts_out_until_unblocked(db: str, tmp_path: Path) -> None:
    # A takedown: the deleted article came back with the next ingest, analyze or feed poll.
    ids = [i for i, outlet in stored(db).items() if outlet == "Pravda X"]
    done = run(db, "delete", "--outlet", "Pravda X", "--block", "--yes")
    assert done.returncode == 0, done.stderr
    assert "their texts and links are refused from now on" in done.stdout
    listed = run(db, "blocked")
    assert listed.returncode == 0 and all(i in listed.stdout for i in ids), listed.stdout

    again = tmp_path / "again.jsonl"
    again.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n", encoding="utf-8")
    for command in (("ingest",), ("analyze", "-a", "genre")):
        result = run(db, *command, str(again))
        assert result.returncode == 2, result.stderr
        assert "2 failed" in result.stderr, result.stderr
        assert all(f"(article {i}): not stored again" in result.stderr for i in ids)
    assert list(stored(db).values()) == ["Daily Y"]

    lifted = run(db, "unblock", ids[0][:8])
    assert lifted.returncode == 0 and f"Unblocked 1 text: {ids[0]}." in lifted.stdout
    assert run(db, "ingest", str(again)).returncode == 2  # the other stays blocked
    assert sorted(stored(db).values()) == ["Daily Y", "Pravda X"]
    unknown = run(db, "unblock", "ffffffff")
    assert unknown.returncode == 2 and "no blocked text has this id" in unknown.stderr


def test_ctrl_c_during_a_delete_says_nothing_was_deleted(
    db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Interrupted, delete had exited 130 without a word: was anything deleted?"""
    from typer.testing import CliRunner

    import propwatch.cli as cli
    from propwatch.storage.store import ArticleStore

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    before = stored(db)
    monkeypatch.setattr(ArticleStore, "delete_articles", interrupted)
    result = CliRunner().invoke(cli.app, ["--db", db, "delete", "--outlet", "Pravda X", "--yes"])
    assert result.exit_code == 130
    assert "Interrupted: nothing was deleted." in result.output
    assert stored(db) == before
