"""Settings from the environment: list settings read as an analyst would write them in a shell."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from propwatch.settings import Settings


def test_list_settings_take_separated_values_or_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPWATCH_ANALYZERS", "techniques, claims")
    monkeypatch.setenv("PROPWATCH_API_CORS_ORIGINS", '["https://a.example", "https://b.example"]')
    monkeypatch.setenv("PROPWATCH_NARRATIVE_CATALOGUES", f"/tmp/desk.yaml{os.pathsep}/tmp/imported")
    settings = Settings()
    assert settings.analyzers == ("techniques", "claims")
    assert settings.api_cors_origins == ("https://a.example", "https://b.example")
    assert settings.narrative_catalogues == (Path("/tmp/desk.yaml"), Path("/tmp/imported"))
    assert Settings(analyzers=("genre",)).analyzers == ("genre",)  # keyword values are taken as they are


def test_a_broken_json_list_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPWATCH_ANALYZERS", "[techniques")
    with pytest.raises(ValidationError, match="analyzers"):
        Settings()


def test_a_misspelt_variable_is_an_error_naming_the_setting_meant(monkeypatch: pytest.MonkeyPatch) -> None:
    # PROPWATCH_DB_URL was ignored: the articles went into the default store, unsaid.
    monkeypatch.setenv("PROPWATCH_DB_URL", "sqlite:////tmp/team.db")
    with pytest.raises(
        ValidationError, match=r"no propwatch setting in PROPWATCH_DB_URL \(did you mean PROPWATCH_DB\?\)"
    ):
        Settings()
    monkeypatch.delenv("PROPWATCH_DB_URL")
    monkeypatch.setenv("propwatch_batch_size", "3")  # read whatever its case, so not unknown
    assert Settings().batch_size == 3


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # X=${X:-} in a compose file: no analyzer ran, and the store went into the current folder.
    for name in (
        "PROPWATCH_ANALYZERS",
        "PROPWATCH_DATA_DIR",
        "PROPWATCH_BATCH_SIZE",
        "PROPWATCH_TECHNIQUE_MODEL",
    ):
        monkeypatch.setenv(name, "")
    settings = Settings()
    assert (settings.analyzers, settings.batch_size, settings.technique_model) == (None, 8, None)
    assert settings.data_dir == Settings.model_fields["data_dir"].default_factory()  # type: ignore[misc,call-arg]


def test_a_home_folder_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PROPWATCH_DATA_DIR", "~/propwatch")
    assert Settings().data_dir == tmp_path / "propwatch"


def test_cors_origins_are_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    # 'https://ok.example/' never matched the Origin header browsers send, and no scheme never either.
    monkeypatch.setenv("PROPWATCH_API_CORS_ORIGINS", "https://OK.example/, http://localhost:3000")
    assert Settings().api_cors_origins == ("https://ok.example", "http://localhost:3000")
    for bad in ("newsroom.example.org", "https://ok.example/app"):
        with pytest.raises(ValidationError, match="api_cors_origins"):
            Settings(api_cors_origins=(bad,))


def test_proxy_addresses_are_addresses() -> None:
    assert Settings(serve_forwarded_allow_ips="10.0.0.1, 10.0.0.0/8,*").serve_forwarded_allow_ips == (
        "10.0.0.1,10.0.0.0/8,*"
    )
    for bad in ("not-an-ip", "10.0.0.0/33"):
        with pytest.raises(ValidationError, match=bad.replace(".", r"\.")):
            Settings(serve_forwarded_allow_ips=bad)


def test_the_settings_reference_is_the_one_the_code_gives() -> None:
    from propwatch.settings import settings_markdown

    reference = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
    assert reference.read_text(encoding="utf-8") == settings_markdown(), (
        "docs/settings.md is out of date: propwatch settings -f markdown > docs/settings.md"
    )
    for name in Settings.model_fields:
        assert f"`PROPWATCH_{name.upper()}`" in reference.read_text(encoding="utf-8")


def test_effective_settings_say_where_each_value_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    from propwatch.settings import effective_settings

    monkeypatch.setenv("PROPWATCH_BATCH_SIZE", "4")
    settings = Settings(db="postgresql://alice:secret@db.example/news?sslpassword=key")
    rows = {row["name"]: row for row in effective_settings(settings, given=["db"])}
    assert (rows["batch_size"]["value"], rows["batch_size"]["source"]) == (4, "environment")
    assert rows["db"]["source"] == "option" and "secret" not in rows["db"]["value"]
    assert "key" not in rows["db"]["value"]
    assert (rows["fetch_timeout"]["source"], rows["fetch_timeout"]["default"]) == ("default", 20.0)


def test_what_kubernetes_and_docker_links_put_in_the_environment_is_no_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A Service named "propwatch" gives every pod PROPWATCH_SERVICE_HOST, PROPWATCH_PORT…: pods stopped.
    for name, value in {
        "PROPWATCH_SERVICE_HOST": "10.96.0.12",
        "PROPWATCH_SERVICE_PORT": "8000",
        "PROPWATCH_SERVICE_PORT_HTTP": "8000",
        "PROPWATCH_PORT": "tcp://10.96.0.12:8000",
        "PROPWATCH_PORT_8000_TCP": "tcp://10.96.0.12:8000",
        "PROPWATCH_PORT_8000_TCP_ADDR": "10.96.0.12",
        "PROPWATCH_PORT_8000_TCP_PROTO": "tcp",
        "PROPWATCH_DB_URL": "",  # empty: unset
    }.items():
        monkeypatch.setenv(name, value)
    assert Settings().serve_port == 8000
    monkeypatch.setenv("PROPWATCH_MAX_BYTES", "3")
    monkeypatch.setenv("PROPWATCH_DB_URL", "x")
    with pytest.raises(ValidationError, match=r"PROPWATCH_DB_URL .*PROPWATCH_MAX_BYTES"):
        Settings()
