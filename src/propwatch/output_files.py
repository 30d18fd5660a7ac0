"""Output files that appear whole or not at all.

A file is written beside its target under a hidden temporary name and renamed over the target only
when the writer finishes, so a failed export or prediction never truncates what was there before and
a killed run never leaves half a file. Devices and pipes (``/dev/null``, ``/dev/stdout``, a FIFO)
cannot be renamed over, so they are written straight through.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from propwatch.errors import ConfigurationError


@contextlib.contextmanager
def replacing(path: Path, *, binary: bool = False, durable: bool = False) -> Iterator[IO[Any]]:
    """A stream whose content replaces ``path`` when the block ends without an exception.

    Text is UTF-8 with ``\\n`` kept as it is (``newline=""``): the shared-task tools split on it.
    ``durable`` also syncs the content to disk before the rename (catalogues, caches read back later).
    """
    mode = "wb" if binary else "w"
    text_options: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    if path.exists() and not path.is_file():
        try:
            handle = path.open(mode, **text_options)
        except OSError as exc:
            raise _cannot_write(path, exc) from exc
        with _writes_named(path), handle:
            yield handle
        return
    target = path.resolve() if path.is_symlink() else path  # replace the file a link points to
    _remove_abandoned(target)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".partial"
        )
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        with _writes_named(path), os.fdopen(descriptor, mode, **text_options) as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, file_mode(target))  # mkstemp makes 0600; an output stays readable as before
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _remove_abandoned(target: Path) -> None:
    """Delete the partial files a killed writer of ``target`` left (its pid is in their name and no
    such process runs any more); those of a writer still running are left alone."""
    for partial in target.parent.glob(f".{glob.escape(target.name)}.*.partial"):
        pid = partial.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                partial.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` at once."""
    with replacing(path) as stream:
        stream.write(text)


def file_mode(path: Path) -> int:
    """The mode ``path`` has, or the mode a plain new file gets under the process's umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# Errors of the output's own device: a full disk or quota, a file too large, an I/O error, a pipe closed.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EPIPE})


@contextlib.contextmanager
def _writes_named(path: Path) -> Iterator[None]:
    """A write to ``path`` that fails for want of room or a working device is an error naming the file
    (a full disk had ended exports, reports and predictions with three chained tracebacks)."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        raise _cannot_write(path, exc) from exc


def _cannot_write(path: Path, exc: OSError) -> ConfigurationError:
    return ConfigurationError(str(path), f"cannot write the output file: {exc.strerror or exc}")


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A compressed zip entry with a fixed date: the same export gives the same bytes whenever it is made
    (``writestr`` and ``open`` with a bare name stamp the current time)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
