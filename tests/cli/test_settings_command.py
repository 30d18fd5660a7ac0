"""``propwatch settings`` and how the CLI reports settings it cannot use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from propwatch.settings import Settings


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("PROPWATCH_")}
    clean.update(env, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    return subprocess.run(
        [sys.executable, "-m", "propwatch", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


def test_settings_shows_each_value_and_where_it_came_from(tmp_path: Path) -> None:
    done = run(
        {"PROPWATCH_BATCH_SIZE": "4", "PROPWATCH_ANALYZERS": ""},
        "--db",
        "postgresql://alice:Pa55w0rdX@db.example/news?password=Qu3ryK3y",
        "settings",
        "-f",
        "json",
    )
    assert done.returncode == 0, done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    assert len(rows) == len(Settings.model_fields)  # every setting, each once
    assert (rows["batch_size"]["value"], rows["batch_size"]["source"]) == (4, "environment")
    assert (rows["analyzers"]["value"], rows["analyzers"]["source"]) == (None, "default")  # empty: unset
    assert rows["db"]["source"] == "option"
    assert "Pa55w0rdX" not in done.stdout and "Qu3ryK3y" not in done.stdout
    table = run({}, "--data-dir", str(tmp_path), "settings")
    row = next(line for line in table.stdout.splitlines() if " data_dir " in line)
    assert table.returncode == 0 and [cell.strip() for cell in row.split("│")[1:4]] == [
        "data_dir",
        str(tmp_path),
        "option",
    ]


def test_settings_the_cli_cannot_use_are_named_with_their_variable(tmp_path: Path) -> None:
    misspelt = run({"PROPWATCH_DB_URL": f"sqlite:///{tmp_path}/team.db"}, "--data-dir", str(tmp_path), "list")
    assert misspelt.returncode != 0
    assert "no propwatch setting in PROPWATCH_DB_URL (did you mean PROPWATCH_DB?)" in misspelt.stderr
    assert not (tmp_path / "propwatch.db").exists()
    bad = run(
        {"PROPWATCH_MAX_INPUT_BYTES": "-1", "PROPWATCH_API_CORS_ORIGINS": "newsroom.example.org"}, "list"
    )
    said = " ".join(bad.stderr.split())
    assert "setting max_input_bytes (PROPWATCH_MAX_INPUT_BYTES='-1'): Input should be greater than 0" in said
    assert "setting api_cors_origins (PROPWATCH_API_CORS_ORIGINS='newsroom.example.org')" in said


def test_data_dir_with_a_database_in_the_environment_says_which_store_is_used(tmp_path: Path) -> None:
    # The environment's PROPWATCH_DB named the store: --data-dir /tmp/scratch wrote into the team's, unsaid.
    team = tmp_path / "team.db"
    done = run({"PROPWATCH_DB": f"sqlite:///{team}"}, "--data-dir", str(tmp_path / "scratch"), "settings")
    said = " ".join(done.stderr.split())
    assert (
        done.returncode == 0
        and f"note: the store is PROPWATCH_DB's (sqlite:///{team}), not one in --data-dir" in said
    )
    both = run(
        {"PROPWATCH_DB": f"sqlite:///{team}"},
        "--data-dir",
        str(tmp_path),
        "--db",
        f"sqlite:///{team}",
        "settings",
    )
    assert both.returncode == 0 and "note:" not in both.stderr
