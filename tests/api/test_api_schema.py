"""Schemathesis against /openapi.json: generated requests for every operation, responses checked
against the published schemas. Kept small (a few examples per operation) so it stays fast."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from propwatch.api.app import create_app
from propwatch.settings import Settings
from propwatch.storage.store import ArticleStore
from propwatch.storage.tokens import TokenStore
from workbench_fixture import seed

TOKEN: dict[str, str] = {}


def _no_dns(*args: Any, **kwargs: Any) -> Any:
    raise socket.gaierror("name resolution is off in this test")


@pytest.fixture
def api_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(socket, "getaddrinfo", _no_dns)  # generated URLs must never reach a network
    app_settings = Settings(
        db=f"sqlite:///{tmp_path / 'schema.db'}",
        data_dir=tmp_path,
        analyzers=(),
        serve_allowed_hosts=("testserver",),  # the Host schemathesis' in-process client sends
    )
    store = ArticleStore.from_settings(app_settings)
    TOKEN["value"] = TokenStore(store).create("schemathesis")[1]
    seed(store)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(app_settings, store=store))


def test_api_follows_its_openapi_spec(api_schema: Any) -> None:
    # A plain loop over the operations: schemathesis' lazy pytest fixture does not run on pytest 9.
    headers = {"Authorization": f"Bearer {TOKEN['value']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 11  # 9 paths; /api/articles has GET and POST, /api/articles/{id} GET and DELETE
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: Any) -> None:
            # Whether a page or text holds an article depends on its content, which no schema can
            # say: a schema-valid submission may rightly get 422, so that one check is left out.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
