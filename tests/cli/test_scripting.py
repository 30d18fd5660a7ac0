"""The CLI in pipelines: JSON Lines on stdin, raw JSON whatever the colour settings, any stdout encoding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RECORDS = "".join(
    json.dumps({"title": title, "text": text}, ensure_ascii=False) + "\n"
    for title, text in (
        ("Первая новость — итоги", "Совет собрался и утвердил бюджет на следующий год."),
        ("Second story", "The mayor resigned on Friday after weeks of protests."),
    )
)


def run(data_dir: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith(("PROPWATCH_", "FORCE_COLOR"))}
    clean.update(COLUMNS="200", TERM="dumb", **env)
    done = subprocess.run(
        [sys.executable, "-m", "propwatch", "--data-dir", str(data_dir), *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        env=clean,
        timeout=120,
        check=False,
    )
    encoding = clean.get("PYTHONIOENCODING", "utf-8")
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(encoding), done.stderr.decode(encoding)
    )


def test_json_lines_piped_in_are_records_and_json_out_stays_json(tmp_path: Path) -> None:
    # `scraper | propwatch ingest -` stored the stream as one article; FORCE_COLOR (set by many CI
    # systems) coloured `list -f json` even into a pipe, and the JSON no longer parsed.
    ingested = run(tmp_path, "ingest", "-", stdin=RECORDS)
    assert ingested.returncode == 0, ingested.stderr
    assert "2 articles ingested, 2 stored" in " ".join(ingested.stderr.split())
    listed = run(tmp_path, "list", "-f", "json", FORCE_COLOR="1")
    assert listed.returncode == 0 and "\x1b" not in listed.stdout
    assert sorted(item["title"] for item in json.loads(listed.stdout)) == [
        "Second story",
        "Первая новость — итоги",
    ]


def test_a_console_that_is_not_utf8_gets_escapes_not_a_traceback(tmp_path: Path) -> None:
    run(tmp_path, "ingest", "-", stdin=RECORDS)
    listed = run(tmp_path, "list", PYTHONIOENCODING="latin-1")
    assert listed.returncode == 0, listed.stderr
    assert "\\u041f" in listed.stdout and "Traceback" not in listed.stderr


def test_ingest_tells_a_script_what_it_stored_one_json_record_a_line(tmp_path: Path) -> None:
    """A script had to parse aligned text lines, folded by the terminal width, to get the ids."""
    first = run(tmp_path, "ingest", "-", "-f", "jsonl", stdin=RECORDS, FORCE_COLOR="1")
    assert first.returncode == 0, first.stderr
    records = [json.loads(line) for line in first.stdout.splitlines()]
    assert [(r["status"], r["title"]) for r in records] == [
        ("stored", "Первая новость — итоги"),
        ("stored", "Second story"),
    ]
    assert [r["origin"] for r in records] == ["<stdin> line 1", "<stdin> line 2"]
    assert all(len(r["id"]) == 16 for r in records)
    again = run(tmp_path, "ingest", "-", "-f", "jsonl", stdin=RECORDS)
    assert [json.loads(line)["status"] for line in again.stdout.splitlines()] == ["already stored"] * 2
    long_title = json.dumps({"title": "A " * 150 + "headline", "text": "The mayor spoke again on Friday."})
    text = run(tmp_path, "ingest", "-", stdin=long_title + "\n")  # over the 200 columns of run()
    assert len(text.stdout.splitlines()) == 1  # one line per article, never folded
