"""``propwatch export`` takes the filters of `list`, as the API's export and the workbench's do."""

from __future__ import annotations

import json
from pathlib import Path

from store_cli_fixture import RECORDS, run


def test_export_takes_the_filters_of_list(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert run(db, "ingest", str(corpus)).returncode == 0

    pravda = run(db, "export", "-f", "jsonl", "--outlet", "Pravda X")
    assert pravda.returncode == 0, pravda.stderr
    records = [json.loads(line) for line in pravda.stdout.splitlines()]
    assert [r["article"]["text"] for r in records] == [RECORDS[0]["text"], RECORDS[1]["text"]]  # as stored

    nobody = run(db, "export", "-f", "json", "--outlet", "Nobody")
    assert nobody.returncode == 0 and json.loads(nobody.stdout) == []

    both = run(db, "export", "--id", "0123456789abcdef", "--outlet", "Pravda X")
    assert both.returncode == 2 and "give --id or filters" in both.stderr
