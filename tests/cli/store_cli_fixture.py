"""A small corpus and a way to run propwatch on a given database, for the store commands' tests."""

from __future__ import annotations

import os
import subprocess
import sys

RECORDS = [
    {"text": "The corrupt puppets in Brussels lie again, the spokesman said.", "source-hostname": "Pravda X"},
    {"text": "Parliament passed the budget on Tuesday after a long debate.", "source-hostname": "Pravda X"},
    {"text": "The weather service expects rain in the north over the weekend.", "source-hostname": "Daily Y"},
]


def run(db: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPWATCH_")}
    env.update(PROPWATCH_DB=db, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    return subprocess.run(
        [sys.executable, "-m", "propwatch", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
