"""``atomic_write``: a whole new text at once, with the file mode a model folder expects."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from propwatch.training.artifact import atomic_write


def test_new_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "model.json", "{}\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "model.json").read_text(encoding="utf-8") == "{}\n"
    assert stat.S_IMODE((tmp_path / "model.json").stat().st_mode) == 0o644


def test_rewritten_file_keeps_its_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    card = tmp_path / "MODEL_CARD.md"
    card.write_text("old\n", encoding="utf-8")
    card.chmod(0o640)
    atomic_write(card, "new\n")
    assert card.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(card.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["MODEL_CARD.md"]
