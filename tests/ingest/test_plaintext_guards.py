"""Guards of the plain-text reader that keep prose which merely looks like furniture: an end marker right
under the headline, a title-case place with an aside in brackets, a long paragraph opening like a share
button."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.ingest.plaintext import is_boilerplate, parse_plain_text
from propwatch.settings import Settings

HEADLINE = "Talks fail in Geneva over the grain corridor"
FIRST = (
    "The negotiators left the hotel on Tuesday without a statement, and both delegations flew home the "
    "same evening."
)
SECOND = "Diplomats said a new round could open next month if the shipping insurers agreed to the terms."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


@pytest.mark.parametrize("marker", ["12 comments", "Related"])
def test_an_end_marker_right_under_the_headline_does_not_cut_the_article(
    quiet: Settings, marker: str
) -> None:
    # the comment count under a headline is page furniture, not where the comments begin
    article = parse_plain_text(f"{HEADLINE}\n\n{marker}\n\n{FIRST}\n\n{SECOND}\n", quiet)
    assert article.title == HEADLINE
    assert article.body == f"{FIRST}\n\n{SECOND}"


def test_a_title_case_place_with_an_aside_in_brackets_is_no_dateline(quiet: Settings) -> None:
    opening = "Russia (and its allies) — The West keeps telling itself that sanctions work, yet they do not."
    article = parse_plain_text(f"{HEADLINE}\n\n{opening}\n\n{SECOND}\n", quiet)
    assert article.body.startswith(opening)
    assert article.place is None
    assert "and its allies" not in article.sources


LONG_TAIL = (
    " what you think, the editors asked readers last spring, and within a week the channel had "
    + "thousands of replies about prices, queues, the war and the schools, most of them angry and long, " * 4
    + "which the paper then printed in full."
)


@pytest.mark.parametrize("opening", ["Share on Telegram", "Post on X"])
def test_a_long_paragraph_opening_like_a_share_button_is_kept(quiet: Settings, opening: str) -> None:
    paragraph = opening + LONG_TAIL
    assert len(paragraph) > 500 and is_boilerplate(paragraph)  # a short line like it would be furniture
    first_in_body = parse_plain_text(f"{HEADLINE}\n\n{paragraph}\n\n{SECOND}\n", quiet)
    assert first_in_body.body == f"{paragraph}\n\n{SECOND}"
    later_in_body = parse_plain_text(f"{HEADLINE}\n\n{FIRST}\n\n{paragraph}\n\n{SECOND}\n", quiet)
    assert later_in_body.body == f"{FIRST}\n\n{paragraph}\n\n{SECOND}"
