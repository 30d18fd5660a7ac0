"""An app over a fresh store, a TestClient on it, and a token (the db fixtures are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from propwatch.api.app import create_app
from propwatch.settings import Settings
from propwatch.storage.store import ArticleStore
from propwatch.storage.tokens import TokenStore
from workbench_fixture import PLUGIN_DIR, Api, ApiMaker


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))


@pytest.fixture
def make_api(tmp_path: Path, plugin: None) -> Iterator[ApiMaker]:
    opened: list[tuple[TestClient, ArticleStore]] = []

    def make(store: ArticleStore | None = None, **overrides: Any) -> Api:
        fields: dict[str, Any] = {"data_dir": tmp_path, "analyzers": ("keywords",), **overrides}
        if store is None:
            fields.setdefault("db", f"sqlite:///{tmp_path / f'api{len(opened)}.db'}")
        settings = Settings(**fields)
        used = store if store is not None else ArticleStore.from_settings(settings)
        _, secret = TokenStore(used).create(f"test-{len(opened)}")
        client = TestClient(create_app(settings, store=used), base_url="http://127.0.0.1")
        opened.append((client, used))
        return Api(client, used, secret, settings)

    yield make
    for client, store in opened:
        client.close()
        store.close()


@pytest.fixture
def api(make_api: ApiMaker, plugin: None) -> Api:
    return make_api()
