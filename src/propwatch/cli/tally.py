"""Counting a run's outcomes as they come: failures printed at once, a progress bar, the closing tally."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NoReturn

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from propwatch.cli.options import labelled, literal_console, printable
from propwatch.service import Outcome

err = literal_console(stderr=True)


class Tally:
    """Counts outcomes, prints failures as they happen, shows progress once there are several."""

    def __init__(self, verb: str, *, already: str = "already stored", already_done: bool = False) -> None:
        self.verb = verb
        self.already_said = already  # what an outcome found stored already is called in the counts
        self.already_done = already_done  # whether the verb covers those too ("checked", not "analysed")
        self.seen = 0
        self.failures: list[str] = []
        self.stored = 0
        self.already = 0
        self._progress: Progress | None = None

    def track(self, outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
        try:
            for outcome in outcomes:
                self.seen += 1
                if self.seen == 2:  # a run over several articles shows a progress bar
                    self._progress = Progress(
                        SpinnerColumn(),
                        TextColumn(f"{self.verb}"),
                        BarColumn(),
                        MofNCompleteColumn(),
                        TextColumn("{task.fields[failed]} failed"),
                        TimeElapsedColumn(),
                        console=err,
                        transient=True,
                        redirect_stdout=sys.stdout.isatty(),  # data piped out stays in the pipe
                    )
                    self._progress.start()
                    self._progress.add_task(self.verb, total=None, completed=1, failed=len(self.failures))
                if outcome.failure is not None:
                    self.failures.append(f"{outcome.failure.input}: {outcome.failure.reason}")
                    err.print(
                        labelled("error:", "red", f"{outcome.failure.input}: {outcome.failure.reason}"),
                        highlight=False,
                    )
                elif outcome.article_stored or outcome.analysis_stored:
                    self.stored += 1
                elif outcome.analysis is not None:
                    self.already += 1
                if self._progress is not None:
                    self._progress.update(
                        self._progress.task_ids[0], completed=self.seen, failed=len(self.failures)
                    )
                yield outcome
        finally:
            if self._progress is not None:
                self._progress.stop()

    def interrupted(self, storing: bool, output: Path | None = None) -> NoReturn:
        """After Ctrl-C: what was done so far, and how to go on (what was stored stays stored)."""
        said = f"Interrupted after {self.seen} {'article' if self.seen == 1 else 'articles'}: "
        said += f"{self.stored} stored, {self.already} {self.already_said}, " if storing else ""
        said += f"{len(self.failures)} failed."
        said += f" {output} was left as it was." if output is not None else ""
        said += " Run the same command again to go on." if storing else ""
        err.print(said, highlight=False)
        raise typer.Exit(130)

    def finish(self, storing: bool) -> None:
        ok = self.seen - len(self.failures)
        if self.seen > 1 or (storing and ok):
            # a rerun had said "1 article analysed … 1 already stored" of an article it did not analyse
            done = ok - self.already if storing and not self.already_done else ok
            parts = [f"{done} {'article' if done == 1 else 'articles'} {self.verb.lower()}"]
            if storing:
                parts.append(f"{self.stored} stored")
                parts.append(f"{self.already} {self.already_said}")
            parts.append(f"{len(self.failures)} failed")
            err.print(", ".join(parts) + ".", highlight=False)
            if self.failures and self.seen > 1:
                err.print("Failed inputs:")
                for line in self.failures:  # a server's or a page's words: controls shown, markup not read
                    err.print(Text(f"  {printable(line)}"), highlight=False)
        if self.failures or self.seen == 0:
            if self.seen == 0:
                err.print("error: no article found in the input", highlight=False)
            raise typer.Exit(2)
