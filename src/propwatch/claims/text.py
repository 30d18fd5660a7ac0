"""What the check-worthiness model reads of a sentence: one normalisation for training and inference."""

from __future__ import annotations

import re

_URL = re.compile(r"https?://\S+|www\.\S+")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Links become ``URL`` (they carry no claim), runs of white space one space."""
    return _SPACE.sub(" ", _URL.sub("URL", text)).strip()
