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
