"""What every reader shares: building the Article (language identified once, here)."""

from __future__ import annotations

from typing import Any

from propwatch.domain import Article
from propwatch.ingest.language import identify_language
from propwatch.settings import Settings


def make_article(settings: Settings, **fields: Any) -> Article:
    """Build an Article from reader fields, identifying the language when the reader did not."""
    if settings.detect_language and not fields.get("language"):
        fields["language"] = identify_language(str(fields.get("text", "")))
    return Article(**fields)
