"""``propwatch copy TARGET``: the store of --db into another database, said in words; the same database
is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_cli_fixture import RECORDS, run


def test_copy_into_another_sqlite_file_and_again(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n", encoding="utf-8")
    source, target = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert run(source, "ingest", str(corpus)).returncode == 0
    assert run(source, "token", "create", "newsroom").returncode == 0

    copied = run(source, "copy", target)
    assert copied.returncode == 0, copied.stderr
    assert f"Copied 3 articles (0 analyses, 0 spans) and 1 API token into {target}." in copied.stdout
    assert "3 texts signed for republication search." in copied.stdout
    assert run(target, "list", "-f", "json").stdout == run(source, "list", "-f", "json").stdout
    assert "newsroom" in run(target, "token", "list").stdout

    again = run(source, "copy", target, "--no-tokens")
    assert again.returncode == 0, again.stderr
    assert "Copied 0 articles (0 analyses, 0 spans) into" in again.stdout
    assert "3 articles already there kept as they were." in again.stdout

    itself = run(source, "copy", source)
    assert itself.returncode == 2
    assert "is the database being copied" in itself.stderr


def test_ctrl_c_during_a_copy_says_how_to_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted, copy had exited 130 without a word."""
    from typer.testing import CliRunner

    import propwatch.cli as cli
    import propwatch.storage.transfer as transfer

    source = f"sqlite:///{tmp_path / 'source.db'}"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n", encoding="utf-8")
    assert run(source, "ingest", str(corpus)).returncode == 0

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(transfer, "copy_store", interrupted)
    target = f"sqlite:///{tmp_path / 'target.db'}"
    result = CliRunner().invoke(cli.app, ["--db", source, "copy", target])
    assert result.exit_code == 130
    said = " ".join(result.output.split())
    assert "Interrupted: the articles copied so far stay in" in said and "run the same command again" in said
