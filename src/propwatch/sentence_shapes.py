"""Sentences of text that is not plain prose: what the sentence splitters' pieces need before a claim or
a narrative's evidence is made of them.

* A run with no sentence punctuation (an automatic transcript, a Telegram post) had come out as one
  "sentence" of 20,000 characters: one claim, one piece of evidence, every target linked to every
  technique. A piece longer than :data:`MAX_SENTENCE_CHARS` is cut at its last "; ", ": " or " – "
  before the limit, else at its last comma, else at its last space.
* A row of a table written with pipes ("| Issue | Russia's proposal |") is no sentence.
* A list bullet, a markdown quote mark, heading or emphasis, an emoji bullet or a speaker's label in
  a transcript ("Q:", "Answer:", "SERGEY LAVROV:") opens a line without being part of its sentence;
  a speaker's label names no target either.
"""

from __future__ import annotations

import re
from typing import Final

from propwatch.characters import inside_character

MAX_SENTENCE_CHARS: Final = 1000  # prose sentences of 750 characters exist (a UN resolution's summary)
_MIN_PIECE: Final = MAX_SENTENCE_CHARS // 3  # a clause mark earlier than this cuts off too little
_STRONG_MARK = re.compile(r"[;:](?=\s)|\s[-–—](?=\s)")  # preferred: a comma may part a verb from its subject
_COMMA = re.compile(r",(?=\s)")
_EMOJI = r"[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
# One emoji as written: its variation selector, skin tone and the emoji joined to it by U+200D; a flag.
_EMOJI_SEQUENCE = (
    rf"(?:{_EMOJI}(?:\uFE0F|[\U0001F3FB-\U0001F3FF]|\u200D{_EMOJI})*|[\U0001F1E6-\U0001F1FF]{{2}})"
)
_MARKS = r"[-*•‣◦▪▸►–—>#]+[ \t]+|\*\*|__"
# A transcript's speaker: Q/A or the interviewer in the corpus languages, in any case, or a name in
# capitals ("SERGEY LAVROV:"); a capitalised word before a colon ("Ukraine: Russian forces…", "Lavrov:
# …") is the sentence's subject, unless the same label opens other lines (see speaker_labels).
_SPEAKER = (
    r"(?i:Q|A|Question|Answer|Interviewer|Moderator|Host|Вопрос|Ответ|Ведущий|Корреспондент|Питання"
    r"|Відповідь|Frage|Antwort|Pytanie|Odpowiedź|Domanda|Risposta|Réponse)"
    r"|[A-ZА-ЯЁІЇЄ][A-ZА-ЯЁІЇЄ'’.-]+(?:[ \t]+[A-ZА-ЯЁІЇЄ][A-ZА-ЯЁІЇЄ'’.-]+){1,2}"
)
_LEAD = re.compile(rf"(?:{_MARKS}|{_EMOJI_SEQUENCE}[ \t]+|(?:{_SPEAKER})[ \t]*:(?:\*\*|__)?[ \t]+)+")
# A label opening a line: a speaker's when _SPEAKER reads it so or when it opens two lines or more.
_LINE_LABEL = re.compile(
    rf"^[ \t]*(?:{_MARKS})*(?P<label>[A-ZА-ЯЁІЇЄ][\w'’.-]*(?:[ \t]+[\w'’.-]+){{0,3}}?)"
    r"[ \t]*:(?:\*\*|__)?[ \t]+(?P<speech>\S)",
    re.M,
)
_SPEAKER_ONLY = re.compile(rf"(?:{_SPEAKER})$")
_TRAILING_EMPHASIS = re.compile(r"(?:\*\*|__)+$")
_EMPHASIS = re.compile(r"\*\*|__")


def cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` of ``text`` as pieces of at most :data:`MAX_SENTENCE_CHARS` characters (itself
    when it is short enough), each without the white space around it."""
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        window = text[start : start + MAX_SENTENCE_CHARS]
        strong = [m.end() for m in _STRONG_MARK.finditer(window) if m.end() >= _MIN_PIECE]
        commas = [m.end() for m in _COMMA.finditer(window) if m.end() >= _MIN_PIECE]
        marks = strong or commas
        cut = marks[-1] if marks else window.rfind(" ") + 1 or window.rfind("\n") + 1
        if cut < _MIN_PIECE:  # no space at all (a URL, a script): a hard cut, between characters
            cut = MAX_SENTENCE_CHARS
            while cut > _MIN_PIECE and inside_character(text, start + cut):
                cut -= 1
        pieces.append(_stripped(text, start, start + cut))
        start += cut
    pieces.append(_stripped(text, start, end))
    return [(a, b) for a, b in pieces if b > a]


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def is_table_row(sentence: str) -> bool:
    """A row of a table written with pipes, or its rule ("|---|---|")."""
    stripped = sentence.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def speaker_labels(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each speaker's label that opens a line of a transcript ("SERGEY LAVROV",
    "Question", or "Sergey Lavrov" where that name opens two lines or more), in text order: a label
    before speech, which opens a sentence ("Joe Biden: a senile puppet…" is a listicle's topic), in a
    text where two voices at least are labelled."""
    found = [
        (m.start("label"), m.end("label"), m.group("label"))
        for m in _LINE_LABEL.finditer(text)
        if not m.group("speech").islower()
    ]
    seen: dict[str, int] = {}
    for _, _, label in found:
        seen[label] = seen.get(label, 0) + 1
    speakers = [
        (a, b, label) for a, b, label in found if _SPEAKER_ONLY.match(label) or _named(label, seen[label])
    ]
    if len({label.casefold() for _, _, label in speakers}) < 2:
        return []  # one voice: a name heading each item of a list, not a conversation
    return [(a, b) for a, b, _ in speakers]


def _named(label: str, times: int) -> bool:
    """Whether a label that opens ``times`` lines names a speaker: a full name ("Sergey Lavrov") that
    opens two lines or more; one word ("Ukraine:" opening each item of a digest) is a topic."""
    words = label.split()
    return times > 1 and len(words) > 1 and all(word[0].isupper() for word in words)


def trimmed(start: int, end: int, sentence: str) -> tuple[int, int]:
    """``[start, end)`` of ``sentence`` (the text there) without the bullet, markdown marks or speaker
    label that open its line and the emphasis that closes it."""
    lead = _lead_length(sentence)
    return start + lead, end - _trailing_length(sentence[lead:])


def _lead_length(sentence: str) -> int:
    """How many characters open ``sentence`` without being part of it: bullets, markdown marks, emoji
    bullets and speaker labels (0 when none, or when nothing would be left); emphasis that closes
    inside the sentence ("**Washington** has sent…") stays, as its closing mark would."""
    found = _LEAD.match(sentence)
    if found is None or not sentence[found.end() :].strip():
        return 0
    lead = found.group()
    rest = sentence[len(lead) :].rstrip()
    for mark in ("**", "__"):
        openings = [m.start() for m in re.finditer(re.escape(mark), lead)]
        # An odd count leaves the lead's last mark open: closed in the sentence, the pair stays whole
        # ("**Washington** has sent"); "**Host:** Why did **NATO**…" closes its own pair.
        if len(openings) % 2 and mark in rest.removesuffix(mark):
            return openings[-1]
    return len(lead)


def _trailing_length(sentence: str) -> int:
    """How many characters of markdown emphasis close ``sentence`` ("…superiority**"), the sentence
    without the marks that opened it; none when they close a pair inside it ("NATO has **refused**")."""
    found = _TRAILING_EMPHASIS.search(sentence)
    if found is None or found.start() == 0:
        return 0
    if any(mark.group() in sentence[: found.start()] for mark in _EMPHASIS.finditer(found.group())):
        return 0
    return len(found.group())
