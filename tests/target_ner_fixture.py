"""A named-entity tagger that gives the mentions a test chose, for the target extraction tests."""

from __future__ import annotations

from propwatch.targets.ner import NerMention


class FixedNer:
    def __init__(self, *mentions: NerMention) -> None:
        self.mentions = list(mentions)

    def entities(self, text: str) -> list[NerMention]:
        return self.mentions
