"""What the CLI prints of untrusted text: no terminal controls."""

from __future__ import annotations

from propwatch.cli.options import labelled, printable


def test_terminal_controls_in_a_message_are_shown_not_obeyed() -> None:
    """A page's attribute (a Telegram post's name) had erased lines and planted an OSC 8 hyperlink."""
    hostile = "rybar/1\x1b[2K\x1b[1A\x1b]8;;https://evil.example/\x1b\\Analysis complete\x1b[8m\x9b2J"
    shown = labelled("error:", "red", f"page.html: {hostile}").plain
    assert "\x1b" not in shown and "\x9b" not in shown and "Analysis complete" in shown
    assert printable("two\nlines\tand a tab") == "two\nlines\tand a tab"
