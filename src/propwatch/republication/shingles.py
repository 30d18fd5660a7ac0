"""What a republished text keeps: its wording, without the boilerplate each site wraps around it.

Copies of one text differ in what surrounds it (share buttons, copyright lines, "originally
published on…" notes, newsletter calls) and in case and spacing; those are removed before the words
are cut into overlapping shingles, so only the shared wording is compared.
"""

from __future__ import annotations

import re

# Lines that say something about the page or the site, not the story; matched on the normalised line.
_BOILERPLATE = re.compile(
    r"""^(?:
        (?:©|\(c\)|copyright\b).*
      | .*\ball\ rights\ reserved\b.*
      | (?:share|share\ this|share\ on|tweet|print|email|comments?|advertisement|advert|sponsored)\b.{0,40}
      | (?:read\ more|read\ also|see\ also|related|more\ on\ this|tags?|topics?|filed\ under)
        (?:\s*:.*|.{0,30})
      | (?:source|sources|photo|image|picture|credit|credits|video|via|editor|editing\ by|reporting\ by)\s*:.*
      | .*\b(?:originally\ (?:published|appeared)|first\ (?:published|appeared)|republished\ (?:from|with)
            |reprinted\ (?:from|with)|is\ republished|was\ published\ (?:on|by))\b.*
    )$""",
    re.VERBOSE,
)
# Words that make a SHORT line a call to the reader ("Subscribe to our Telegram channel", "We use
# cookies"); in a longer line they are the story's ("…said on its Telegram channel that…").
_CALL_TO_READER = re.compile(
    r"""\b(?:subscribe|newsletter|sign\ up|log\ in|sign\ in|follow\ us|like\ us|join\ us|join\ our
      | cookies?|privacy\ policy|terms\ of\ (?:use|service)|click\ here|download\ our\ app
      | (?:telegram|whatsapp|facebook|twitter|instagram|youtube|tiktok|vk)\ (?:channel|page|account))\b""",
    re.VERBOSE,
)
MAX_CALL_WORDS = 12
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLES = re.compile(r"[#@][\w.]+")
_NON_WORD = re.compile(r"[^\w]+")
# A line of fewer words is a heading, a dateline or a caption more often than story text.
MIN_LINE_WORDS = 4
# A paragraph this long is story text even when it mentions cookies or a newsletter.
MAX_BOILERPLATE_WORDS = 30


def story_lines(text: str) -> list[str]:
    """The lines of ``text`` that carry the story, normalised (lower case, words only, single spaces)."""
    kept: list[str] = []
    seen: set[str] = set()
    for raw_line in text.splitlines():
        line = " ".join(raw_line.casefold().split())
        size = len(line.split())
        if not line or (size <= MAX_BOILERPLATE_WORDS and _BOILERPLATE.match(line)):
            continue
        if size <= MAX_CALL_WORDS and _CALL_TO_READER.search(line):
            continue
        words = _NON_WORD.sub(" ", _HANDLES.sub(" ", _URL.sub(" ", line))).split()
        if len(words) < MIN_LINE_WORDS:
            continue
        normalised = " ".join(words)
        if normalised in seen:  # a pull quote or a repeated line adds nothing
            continue
        seen.add(normalised)
        kept.append(normalised)
    return kept


def story_words(text: str) -> list[str]:
    """The words of the story; the whole text's words when every line looked like boilerplate."""
    words = " ".join(story_lines(text)).split()
    if words:
        return words
    return _NON_WORD.sub(" ", _URL.sub(" ", text.casefold())).split()


def word_shingles(text: str, size: int) -> set[str]:
    """Every run of ``size`` consecutive story words (one shingle of all words if there are fewer)."""
    words = story_words(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[start : start + size]) for start in range(len(words) - size + 1)}
