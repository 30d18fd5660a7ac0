"""An analysis made by other analyzers than those installed is told apart, without loading a model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from propwatch.analyzers.claims import ANALYZER_VERSION as CLAIMS_VERSION
from propwatch.analyzers.techniques import OUTPUT_VERSION, TechniqueSpanDetector
from propwatch.analyzers.versions import (
    Installed,
    Outdated,
    installed_versions,
    outdated_analyzers,
    outdated_caution,
)
from propwatch.domain import Analysis, Article
from propwatch.models.techniques import MODEL_FILE, shipped_model_folder
from propwatch.settings import Settings
from propwatch.storage import ArticleStore

INSTALLED = {
    "claims": Installed("4", whole=False),
    "targets": Installed("1.10", whole=False),
    "techniques": Installed("2026.12.11+spans5", whole=True),
}


def run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPWATCH_")}
    env.update(PROPWATCH_DB=db, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    command = [sys.executable, "-m", "propwatch", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


def _analysis(**analyzers: str) -> Analysis:
    return Analysis(article=Article(text="NATO lies again, the puppets said."), analyzers=analyzers)


def test_only_the_analyzers_that_changed_are_outdated() -> None:
    analysis = _analysis(
        claims="3",
        targets="1.10+catalogue-digest",  # the digest of its catalogues is not known without loading them
        techniques="2026.12.11+spans4",  # the model's version and what the analyzer does to its spans
        narratives="1.1+old",
        plugin="7",  # not installed any more: nothing installed can make it again
    )
    assert outdated_analyzers(analysis, INSTALLED, "1.1+new") == [
        Outdated("claims", "3", "4"),
        Outdated("narratives", "1.1+old", "1.1+new"),
        Outdated("techniques", "2026.12.11+spans4", "2026.12.11+spans5"),
    ]
    current = _analysis(claims="4", targets="1.10+other-digest", techniques="2026.12.11+spans5")
    assert outdated_analyzers(current, INSTALLED, None) == []
    assert outdated_caution(current, INSTALLED, "1.1+new") is None  # no narratives in it: none to match


def test_the_caution_names_each_version_and_the_command() -> None:
    analysis = _analysis(claims="3", techniques="2026.12.8+spans4")
    caution = outdated_caution(analysis, INSTALLED, None)
    assert caution is not None
    assert "claims 3 (now 4), techniques 2026.12.8+spans4 (now 2026.12.11+spans5)" in caution
    assert f"`propwatch reanalyze {analysis.article.id}`" in caution
    only_narratives = outdated_caution(_analysis(narratives="1.1+old"), INSTALLED, "1.1+new")
    assert only_narratives is not None and "-a narratives" in only_narratives


def test_installed_versions_follow_the_configured_technique_model(tmp_path: Path) -> None:
    found = installed_versions(Settings(data_dir=tmp_path))
    assert found["claims"] == Installed(CLAIMS_VERSION, whole=False)
    assert found["techniques"] == Installed(TechniqueSpanDetector.version, whole=True)
    assert "narratives" not in found  # its version is its catalogues'
    folder = tmp_path / "model"
    folder.mkdir()
    card = json.loads((shipped_model_folder() / MODEL_FILE).read_text(encoding="utf-8"))
    card["version"] = "my-model-1"
    (folder / MODEL_FILE).write_text(json.dumps(card), encoding="utf-8")
    mine = installed_versions(Settings(data_dir=tmp_path, technique_model=folder))
    assert mine["techniques"] == Installed(f"my-model-1+{OUTPUT_VERSION}", whole=True)
    broken = installed_versions(Settings(data_dir=tmp_path, technique_model=tmp_path / "missing"))
    assert broken["techniques"].whole is False  # the analyzer reports the folder; a display stays quiet


def test_show_says_which_findings_an_upgrade_left_behind(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    old = _analysis(claims="3", techniques=TechniqueSpanDetector.version)
    current = Analysis(
        article=Article(text="Parliament passed the budget on Tuesday."),
        analyzers={"claims": CLAIMS_VERSION, "techniques": TechniqueSpanDetector.version},
    )
    with ArticleStore.open(db) as store:
        store.save_analysis(old)
        store.save_analysis(current)
    shown = run(db, "--data-dir", str(tmp_path), "show", old.article.id)
    assert shown.returncode == 0, shown.stderr
    said = " ".join(shown.stdout.split())
    assert f"claims 3 (now {CLAIMS_VERSION})" in said
    assert f"`propwatch reanalyze {old.article.id}`" in said
    assert "techniques" not in said.split("than those installed:")[1].split(".")[0]
    quiet = run(db, "--data-dir", str(tmp_path), "show", current.article.id)
    assert quiet.returncode == 0, quiet.stderr
    assert "reanalyze" not in quiet.stdout
