"""Output files appear whole or not at all, keep the mode a reader expects, and name the path on failure."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from propwatch.errors import ConfigurationError
from propwatch.output_files import replacing, write_text


def test_new_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_text(tmp_path / "model.json", "{}\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "model.json").read_text(encoding="utf-8") == "{}\n"
    assert stat.S_IMODE((tmp_path / "model.json").stat().st_mode) == 0o644


def test_rewritten_file_keeps_its_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    card = tmp_path / "MODEL_CARD.md"
    card.write_text("old\n", encoding="utf-8")
    card.chmod(0o640)
    write_text(card, "new\n")
    assert card.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(card.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["MODEL_CARD.md"]


def test_a_failed_writer_leaves_the_earlier_file_untouched(tmp_path: Path) -> None:
    export = tmp_path / "keep.json"
    export.write_bytes(b'[{"id": "kept"}]\n')
    with pytest.raises(RuntimeError), replacing(export, binary=True) as stream:
        stream.write(b"[")
        raise RuntimeError("the second article could not be read")
    assert export.read_bytes() == b'[{"id": "kept"}]\n'
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_text_keeps_newlines_as_written(tmp_path: Path) -> None:
    with replacing(tmp_path / "pred.txt") as stream:
        stream.write("a\tb\nc\r\n")
    assert (tmp_path / "pred.txt").read_bytes() == b"a\tb\nc\r\n"


def test_a_link_keeps_pointing_at_the_replaced_file(tmp_path: Path) -> None:
    real = tmp_path / "real.tsv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.tsv"
    link.symlink_to(real)
    write_text(link, "new\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"


def test_a_device_is_written_straight_through() -> None:
    with replacing(Path(os.devnull)) as stream:
        stream.write("discarded\n")
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


def test_a_missing_folder_is_an_error_naming_the_output(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.tsv"
    with pytest.raises(ConfigurationError, match=r"no-such-folder/out\.tsv.*cannot write the output file"):
        write_text(target, "x\n")


def test_a_killed_writers_partial_file_is_cleared_by_the_next_write(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    abandoned = tmp_path / f".out.jsonl.{dead.stdout.strip()}.x1y2z3.partial"  # as kill -9 leaves it
    abandoned.write_text("half a report", encoding="utf-8")
    alive = tmp_path / f".out.jsonl.{os.getpid()}.a1b2c3.partial"  # a writer still at work
    alive.write_text("in progress", encoding="utf-8")
    other = tmp_path / ".other.jsonl.1.q.partial"  # another output's
    other.write_text("x", encoding="utf-8")
    write_text(tmp_path / "out.jsonl", "{}\n")
    assert not abandoned.exists() and alive.exists() and other.exists()
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == "{}\n"


def test_a_full_disk_is_an_error_naming_the_output_and_the_old_file_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk had ended exports with three chained tracebacks (exit 1)."""
    import errno
    import io

    class _Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    target = tmp_path / "export.jsonl"
    target.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: _Full())
    with pytest.raises(ConfigurationError) as caught, replacing(target) as stream:
        stream.write("new\n")
    assert str(caught.value) == f"{target}: cannot write the output file: No space left on device"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.jsonl"]  # no partial file left


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_is_an_error_naming_it() -> None:
    refused = pytest.raises(ConfigurationError, match="/dev/full: cannot write the output file")
    with refused, replacing(Path("/dev/full")) as out:
        out.write("x" * 100_000)
