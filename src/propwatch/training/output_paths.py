"""Folders a training command writes (``--out``, ``--checkpoints``, ``--cache``), checked before any work.

A path that cannot become a folder used to fail only when the model was written, after hours of
training or scoring, with a raw ``FileExistsError``. An existing folder is accepted whatever it holds,
as before: writing into a model folder (or the shipped one) to replace it is a normal use.
"""

from __future__ import annotations

from pathlib import Path

from propwatch.errors import ConfigurationError


def check_output_folder(path: Path, option: str) -> None:
    """Refuse ``path`` (given as ``option``) when it is a file, or when a file stands where one of the
    folders above it would be created."""
    for place in (path, *path.parents):
        if place.is_dir():
            return
        if place.exists() or place.is_symlink():
            where = "is a file, not a folder" if place == path else f"cannot be created: {place} is a file"
            raise ConfigurationError(
                str(path), f"{option} {where}; give a new folder or an existing one to write into"
            )
