"""The command list of `propwatch --help`."""

from __future__ import annotations

from typer.testing import CliRunner

from propwatch.cli import app


def test_each_command_summary_is_one_paragraph_the_terminal_wraps() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "220", "NO_COLOR": "1"}, terminal_width=220)
    assert result.exit_code == 0
    listed = [line for line in result.output.splitlines() if "│ list " in line]
    assert len(listed) == 1
    assert "(e.g. --attacked NATO --technique Doubt)." in listed[0]  # not cut onto a second line
