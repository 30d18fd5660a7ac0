"""The run summary of analyze, ingest and reanalyze: what each count means."""

from __future__ import annotations

import pytest

from propwatch.cli import tally as tally_module
from propwatch.cli.tally import Tally
from propwatch.domain import Analysis, Article
from propwatch.service import Outcome


def _summary(capsys: pytest.CaptureFixture[str], tally: Tally, outcomes: list[Outcome]) -> str:
    list(tally.track(outcomes))
    tally.finish(storing=True)
    return " ".join(capsys.readouterr().err.split())


@pytest.fixture(autouse=True)
def _plain_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tally_module.err, "width", 200)


def test_an_article_found_stored_is_not_counted_as_analysed(capsys: pytest.CaptureFixture[str]) -> None:
    stored = Outcome(analysis=Analysis(article=Article(text="Stored before.")))
    new = Outcome(analysis=Analysis(article=Article(text="New.")), article_stored=True, analysis_stored=True)
    assert (
        _summary(capsys, Tally("Analysed"), [stored])
        == "0 articles analysed, 0 stored, 1 already stored, 0 failed."
    )
    assert _summary(capsys, Tally("Analysed"), [stored, new]) == (
        "1 article analysed, 1 stored, 1 already stored, 0 failed."
    )


def test_reanalyze_counts_every_article_it_checked(capsys: pytest.CaptureFixture[str]) -> None:
    current = Outcome(analysis=Analysis(article=Article(text="Current.")))
    checked = Tally("Checked", already="already current", already_done=True)
    assert _summary(capsys, checked, [current]) == "1 article checked, 0 stored, 1 already current, 0 failed."
