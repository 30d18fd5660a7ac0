"""File names as text an article's origin or a failure line can hold."""

from __future__ import annotations

import os
from pathlib import Path


def path_name(path: Path | str) -> str:
    """``path`` as valid text: bytes of a name that are not UTF-8 (a zip made on Russian Windows and
    unpacked on Linux keeps cp866 names) backslash-escaped, as Python's lone surrogates for them cannot
    be stored; the file itself is still read through ``path``."""
    name = os.fspath(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(name).decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that no undecodable byte stands for
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name
