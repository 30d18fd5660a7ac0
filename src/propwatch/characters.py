"""Characters as a reader sees them, made of several code points: where text may be cut.

An accent written apart (``e\u0301``), an emoji with its skin tone or joined to another by U+200D, a
flag (two regional indicators, 🇷🇺, or a black flag with its subdivision tags): a span or a piece of
text that starts or ends inside one shows half a character or a lone accent.
"""

from __future__ import annotations

import unicodedata
from typing import Final

ZWJ: Final = "\u200d"


def extends(char: str) -> bool:
    """A character that belongs to the one before it: a combining accent, a joiner, a variation
    selector, an emoji skin tone or a tag of a subdivision flag."""
    return (
        unicodedata.category(char)[0] == "M"
        or char in "\u200c\u200d"
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
        or "\U000e0100" <= char <= "\U000e01ef"
    )


def is_regional(char: str) -> bool:
    """A regional indicator: two of them make a flag."""
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def second_of_a_flag(text: str, at: int) -> bool:
    """Whether ``text[at]`` ends a flag (two regional indicators, 🇷🇺): pairs count from the first of a run."""
    if not (is_regional(text[at]) and at > 0 and is_regional(text[at - 1])):
        return False
    run = 0
    while at - 1 - run >= 0 and is_regional(text[at - 1 - run]):
        run += 1
    return run % 2 == 1


def inside_character(text: str, at: int) -> bool:
    """Whether a cut before ``text[at]`` (``0 < at < len(text)``) splits one character in two."""
    return extends(text[at]) or text[at - 1] == ZWJ or second_of_a_flag(text, at)


__all__ = ["ZWJ", "extends", "inside_character", "is_regional", "second_of_a_flag"]
