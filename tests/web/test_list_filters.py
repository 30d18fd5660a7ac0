"""The list page's target filters as a link gives them: shown in the form under the name they stand for,
so that the page says a filter is on and Apply keeps it (a link's "НАТО" had shown "Any" and been lost)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from article_findings_fixture import findings_analysis
from propwatch.api.app import create_app
from propwatch.settings import Settings
from propwatch.storage.store import ArticleStore


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(db=f"sqlite:///{tmp_path / 'list.db'}", data_dir=tmp_path, analyzers=())
    with ArticleStore.from_settings(settings) as store:
        store.save_analysis(findings_analysis())  # NATO attacked, Russia named
        with TestClient(create_app(settings, store=store), base_url="http://127.0.0.1") as opened:
            yield opened


def _list(client: TestClient, **params: str) -> str:
    response = client.get("/articles", params=params)
    assert response.status_code == 200, response.text
    return html.unescape(response.text)


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select id="{name}" name="{name}">.*?</select>', page, re.S)
    assert found, f"no {name} select"
    return found.group(0)


def test_an_alias_in_the_link_selects_the_target_it_stands_for(client: TestClient) -> None:
    page = _list(client, attacked="НАТО")
    assert '<h1 id="results-title">1 article</h1>' in page
    attacked = _select(page, "attacked")
    assert '<option value="NATO" selected>NATO (1)</option>' in attacked
    assert attacked.count(" selected") == 1
    assert "Only articles that attack <b>NATO</b> (given as “НАТО”)." in page


def test_a_target_the_facet_does_not_offer_is_kept_in_the_form(client: TestClient) -> None:
    page = _list(client, attacked="Narnia", language="en")
    assert '<h1 id="results-title">0 articles</h1>' in page
    assert '<option value="Narnia" selected>Narnia</option>' in _select(page, "attacked")
    assert "Only articles that attack <b>Narnia</b>." in page


def test_the_named_target_filter_is_a_field_of_the_form(client: TestClient) -> None:
    page = _list(client, target="Россия")
    assert '<h1 id="results-title">1 article</h1>' in page
    assert re.search(r'<input id="target" name="target" type="text"[^>]* value="Россия"', page)
    assert "Only articles that name <b>Russia</b> (given as “Россия”)." in page
    assert "Only articles that name <b>Russia</b> (given as “России”)." in _list(client, target="России")
    assert 'id="target" name="target" type="text" maxlength="300" value=""' in _list(client)
    assert "filters-on" not in _list(client)
