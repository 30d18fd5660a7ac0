"""Every route of the REST API through an in-process client: results, filters, errors and auth."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import zipfile
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from article_findings_fixture import findings_analysis
from propwatch.domain import Analysis, Article, Label, Span
from propwatch.errors import StorageError
from propwatch.models.taxonomy import PTC_TECHNIQUES, TECHNIQUES, explanation_of
from propwatch.storage.search import snippet_text
from propwatch.storage.store import ArticleStore
from propwatch.storage.tokens import TokenStore
from workbench_fixture import SAMPLE, TECHNIQUE_TEXT, Api, ApiMaker, seed

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


def error_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}
    detail: dict[str, str] = body["error"]
    assert detail["message"] == f"{detail['input']}: {detail['reason']}"
    return detail


# --- submitting ----------------------------------------------------------------------------------


def test_submit_text_runs_the_analyzers_and_stores(api: Api) -> None:
    response = api.client.post(
        "/api/articles",
        json={"text": SAMPLE_TEXT, "outlet": "Rossa Primavera", "published": "2022-02-03"},
        headers=api.auth,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["article_stored"] is True and body["analysis_stored"] is True
    analysis = body["analysis"]
    assert analysis["article"]["id"] == body["id"]
    assert analysis["article"]["outlet"] == "Rossa Primavera"
    assert analysis["article"]["title"].startswith("The US and NATO need such agreements")
    # keyword-count, built on the keyword spans, runs too whenever keywords is stored.
    assert analysis["analyzers"] == {"keywords": "1.0", "keyword-count": "2.0"}
    text = analysis["article"]["text"]
    assert {text[s["start"] : s["end"]] for s in analysis["spans"]} == {
        "NATO",
        "Russia",
        "security",
        "de-escalation",
    }
    assert analysis["article"]["raw"] is None
    again = api.client.post("/api/articles", json={"text": SAMPLE_TEXT}, headers=api.auth)
    assert again.status_code == 200  # nothing new was created
    assert again.json()["article_stored"] is False and again.json()["analysis_stored"] is False
    assert api.store.count_articles() == 1


def test_a_given_headline_leaves_the_first_line_in_the_text(api: Api) -> None:
    for title, first_line_is in (("My headline", "text"), (None, "title")):
        # two bodies: the same text is one article, stored once
        text = f"Sanctions hurt Europe most\n\nThe traitors in Washington lie about NATO ({first_line_is})."
        body = {"text": text, **({"title": title} if title else {})}
        article = api.client.post("/api/articles", json=body, headers=api.auth).json()["analysis"]["article"]
        # either way the first line is analysed: as text under a given headline, or as the headline
        assert article["text"] == text
        assert article["title"] == (
            "My headline" if first_line_is == "text" else "Sanctions hurt Europe most"
        )


def test_submit_html_reads_the_main_text(api: Api) -> None:
    page = (
        "<html><head><title>Alliance talks</title></head><body><article><h1>Alliance talks</h1>"
        "<p>NATO and Russia met to talk about security in Europe for a long afternoon of talks.</p>"
        "<p>Nothing was agreed, and both sides said they would meet again next month.</p>"
        "</article></body></html>"
    )
    response = api.client.post(
        "/api/articles", json={"html": page, "source_url": "https://example.org/a"}, headers=api.auth
    )
    assert response.status_code == 201, response.text
    article = response.json()["analysis"]["article"]
    assert "NATO and Russia met" in article["text"] and "<p>" not in article["text"]
    assert article["url"] == "https://example.org/a"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "a", "url": "https://example.org/"},
        {"title": "only metadata"},
        {"text": "NATO", "unknown_field": 1},
        {"text": "NATO", "language": "english"},
        {"text": "NATO", "language": "xx"},
        {"text": "NATO", "published": "yesterday"},
        {"text": "NATO", "published": "2099-02-03"},
        {"text": "NATO", "published": "1970-01-01"},
        {"text": "NATO", "published": "02/03/2022"},  # February or March: refused, not guessed
    ],
)
def test_submit_invalid_bodies(api: Api, body: dict[str, Any]) -> None:
    response = api.client.post("/api/articles", json=body, headers=api.auth)
    assert response.status_code == 422
    assert error_of(response)["type"] == "InputError"


def test_a_submitted_time_keeps_the_day_as_written(api: Api) -> None:
    # '…T23:30:00-05:00' was a 422 ("should have zero time") though a batch record took it.
    for given, stored in (
        ("2021-12-31T23:30:00-05:00", "2021-12-31"),
        ("20220203", "2022-02-03"),
        ("", None),
    ):
        response = api.client.post(
            "/api/articles",
            json={"text": f"NATO met in Brussels {given}.", "published": given},
            headers=api.auth,
        )
        assert response.status_code == 201, response.text
        assert response.json()["analysis"]["article"]["published"] == stored


def test_submitted_language_tag_is_stored_as_its_iso_639_1_code(api: Api) -> None:
    response = api.client.post(
        "/api/articles", json={"text": "NATO met in Brussels.", "language": "EN-gb"}, headers=api.auth
    )
    assert response.status_code == 201, response.text
    assert response.json()["analysis"]["article"]["language"] == "en"


def test_submit_blank_text_names_the_problem(api: Api) -> None:
    response = api.client.post("/api/articles", json={"text": "   \n  "}, headers=api.auth)
    assert response.status_code == 422
    assert error_of(response)["type"] == "EmptyInputError"


@pytest.mark.parametrize(
    ("url", "kind", "reason"),
    [
        ("http://127.0.0.1:9/admin", "RefusedAddressError", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "RefusedAddressError", "metadata"),
        ("http://[::1]/", "RefusedAddressError", "loopback"),
        ("http://10.0.0.8/", "RefusedAddressError", "private"),
        ("file:///etc/passwd", "UnsupportedInputError", "only http and https"),
    ],
)
def test_url_submissions_go_through_the_ssrf_guard(api: Api, url: str, kind: str, reason: str) -> None:
    response = api.client.post("/api/articles", json={"url": url}, headers=api.auth)
    assert response.status_code == 422
    detail = error_of(response)
    assert detail["type"] == kind and reason in detail["reason"]
    assert detail["input"] == url


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (
            b"<html><body><article><h1>Local</h1><p>"
            + b"NATO talks went on. " * 20
            + b"</p></article></body></html>"
        )
        self.send_response(200 if self.path == "/article" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def page_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_submission_fetches_when_private_addresses_are_allowed(
    make_api: ApiMaker, plugin: None, page_server: str
) -> None:
    api = make_api(allow_private_addresses=True, respect_robots=False)
    response = api.client.post("/api/articles", json={"url": f"{page_server}/article"}, headers=api.auth)
    assert response.status_code == 201, response.text
    assert response.json()["analysis"]["article"]["url"] == f"{page_server}/article"
    missing = api.client.post("/api/articles", json={"url": f"{page_server}/gone"}, headers=api.auth)
    assert missing.status_code == 502
    assert error_of(missing)["type"] == "FetchError" and "404" in error_of(missing)["reason"]


# --- auth ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer pw_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ],
)
def test_writes_need_a_valid_token(api: Api, headers: dict[str, str]) -> None:
    response = api.client.post("/api/articles", json={"text": SAMPLE_TEXT}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert error_of(response)["type"] == "AuthError"
    assert api.store.count_articles() == 0


def test_revoked_tokens_are_refused(api: Api) -> None:
    TokenStore(api.store).revoke("test-0")
    response = api.client.post("/api/articles", json={"text": SAMPLE_TEXT}, headers=api.auth)
    assert response.status_code == 401


def test_reads_are_public_by_default_and_can_need_a_token(make_api: ApiMaker, plugin: None) -> None:
    public = make_api()
    assert public.client.get("/api/articles").status_code == 200
    private = make_api(api_public_read=False)
    for path in ("/api/articles", "/api/outlets", "/api/facets", "/api/status", "/api/export"):
        refused = private.client.get(path)
        assert refused.status_code == 401, path
        assert private.client.get(path, headers=private.auth).status_code == 200, path
    assert private.client.get("/openapi.json").status_code == 200  # the spec itself is public


def test_browser_session_reads_but_does_not_write_through_the_api(make_api: ApiMaker, plugin: None) -> None:
    api = make_api(api_public_read=False)
    page = api.client.get("/articles", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=%2Farticles")
    bad = api.client.post("/login", data={"token": "pw_wrong", "next": "/outlets"}, follow_redirects=False)
    assert bad.status_code == 401
    signed = api.client.post("/login", data={"token": api.secret, "next": "/outlets"}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/outlets"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert api.client.get("/articles").status_code == 200
    assert api.client.get("/api/articles").status_code == 200
    write = api.client.post("/api/articles", json={"text": SAMPLE_TEXT})
    assert write.status_code == 401  # API writes take bearer tokens only: a cookie could be ridden (CSRF)
    out = api.client.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    api.client.cookies.clear()
    assert api.client.get("/api/articles").status_code == 401


def test_login_redirects_only_to_local_paths(api: Api) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = api.client.post(
            "/login", data={"token": api.secret, "next": target}, follow_redirects=False
        )
        assert response.headers["location"] == "/articles"


def test_form_posts_from_other_sites_are_refused(api: Api) -> None:
    for path in ("/submit", "/login", "/logout"):
        response = api.client.post(
            path, data={"token": api.secret, "text": "NATO"}, headers={"Origin": "https://evil.example"}
        )
        assert response.status_code == 403, path
    assert api.store.count_articles() == 0


# --- limits, CORS, headers, errors ---------------------------------------------------------------


def test_request_bodies_over_the_cap_are_refused(make_api: ApiMaker, plugin: None) -> None:
    api = make_api(api_max_request_bytes=2_000)
    big = {"text": "NATO " * 1_000}
    response = api.client.post("/api/articles", json=big, headers=api.auth)
    assert response.status_code == 413
    assert error_of(response)["type"] == "InputTooLargeError"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds for streamed bodies too
        yield b'{"text": "'
        for _ in range(100):
            yield b"NATO " * 10
        yield b'"}'

    streamed = api.client.post(
        "/api/articles", content=chunks(), headers={**api.auth, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert api.store.count_articles() == 0


def test_texts_over_max_input_bytes_are_refused(make_api: ApiMaker, plugin: None) -> None:
    api = make_api(max_input_bytes=1_000)
    response = api.client.post("/api/articles", json={"text": "NATO " * 400}, headers=api.auth)
    assert response.status_code == 413
    assert "max_input_bytes" in error_of(response)["reason"]


def test_texts_too_long_to_analyse_in_the_server_are_refused(make_api: ApiMaker, plugin: None) -> None:
    # One huge text held every other submission up for minutes: the server analyses one at a time.
    api = make_api(api_max_article_chars=500)
    response = api.client.post("/api/articles", json={"text": "NATO expands. " * 100}, headers=api.auth)
    assert response.status_code == 413
    assert (
        "api_max_article_chars" in error_of(response)["reason"]
        and "propwatch analyze" in error_of(response)["reason"]
    )
    assert (
        api.client.post("/api/articles", json={"text": "NATO expands."}, headers=api.auth).status_code == 201
    )
    assert api.store.count_articles() == 1


@pytest.mark.parametrize("field", ["text", "html"])
def test_submitted_text_with_nul_or_control_bytes_is_refused_as_a_file_would_be(api: Api, field: str) -> None:
    for content in ("Hello \u0000 world, an article about NATO.", "\u0001\u001b" * 40 + " NATO"):
        response = api.client.post("/api/articles", json={field: content}, headers=api.auth)
        assert response.status_code == 422, content
        assert error_of(response)["type"] == "BinaryInputError"
    assert api.store.count_articles() == 0


def test_cors_is_off_by_default(make_api: ApiMaker, plugin: None) -> None:
    closed = make_api()
    preflight = {"Origin": "https://other.example", "Access-Control-Request-Method": "GET"}
    assert (
        "access-control-allow-origin" not in closed.client.options("/api/articles", headers=preflight).headers
    )
    assert "access-control-allow-origin" not in closed.client.get("/api/articles", headers=preflight).headers
    opened = make_api(api_cors_origins=("https://other.example",))
    response = opened.client.get("/api/articles", headers={"Origin": "https://other.example"})
    assert response.headers["access-control-allow-origin"] == "https://other.example"
    other = opened.client.get("/api/articles", headers={"Origin": "https://third.example"})
    assert "access-control-allow-origin" not in other.headers


def test_security_headers_on_every_response(api: Api) -> None:
    for path in ("/api/articles", "/articles", "/submit", "/static/app.css", "/nope", "/api/nope"):
        headers = api.client.get(path).headers
        policy = headers["content-security-policy"]
        assert (
            "script-src 'self'" in policy and "style-src 'self'" in policy and "default-src 'none'" in policy
        )
        assert "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_unknown_routes_and_methods_answer_json_errors(api: Api) -> None:
    missing = api.client.get("/api/nothing-here")
    assert missing.status_code == 404 and error_of(missing)["type"] == "HTTPError"
    wrong = api.client.delete("/api/articles")
    assert wrong.status_code == 405 and error_of(wrong)["type"] == "HTTPError"
    page = api.client.get("/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_openapi_is_served_and_lists_every_route(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/articles/{article_id}/export",
        "/api/articles/{article_id}/republications",
        "/api/export",
        "/api/facets",
        "/api/outlets",
        "/api/outlets/{name}",
        "/api/status",
    }
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert api.client.get("/docs").status_code == 404  # no CDN-loaded Swagger page


def test_status(api: Api) -> None:
    body = api.client.get("/api/status").json()
    assert body["analyzers"] == ["keywords"] and body["public_read"] is True
    assert "webanno" in body["export_formats"] and body["articles"] == 0


# --- reading, filtering, exporting (SQLite and PostgreSQL) ---------------------------------------


@pytest.fixture
def seeded(make_api: ApiMaker, plugin: None, store: ArticleStore) -> tuple[Api, dict[str, str]]:
    ids = seed(store)
    return make_api(store=store), ids


def test_get_article_and_its_errors(seeded: tuple[Api, dict[str, str]]) -> None:
    api, ids = seeded
    article_id = ids["techniques"]
    body = api.client.get(f"/api/articles/{article_id}").json()
    assert body["article"]["id"] == article_id and len(body["spans"]) == 8
    for span in body["spans"]:  # each with its evidence, and what a technique means
        assert span["text"] == body["article"]["text"][span["start"] : span["end"]]
        if span["label"] in TECHNIQUES:
            assert span["explanation"] == explanation_of(span["label"]) and span["category"]
    assert body["model_version"] == "genre=test-1;narratives=test-1;techniques=test-1"
    assert api.client.get(f"/api/articles/{article_id[:8]}").json()["article"]["id"] == article_id
    for wrong, reason in (
        ("0000000000000000", "no stored article"),
        ("xyz", "not an article id"),
        ("abc", ""),
    ):
        response = api.client.get(f"/api/articles/{wrong}")
        assert response.status_code == 404 and reason in error_of(response)["reason"]
    versioned = api.client.get(f"/api/articles/{article_id}", params={"model_version": "nope"})
    assert versioned.status_code == 404 and "stored:" in error_of(versioned)["reason"]


def test_get_article_carries_the_summary_and_the_targets(api: Api) -> None:
    analysis = findings_analysis()
    api.store.save_analysis(analysis)
    body = api.client.get(f"/api/articles/{analysis.article.id}").json()
    summary = body["summary"]
    assert summary["genre"] == "opinion" and summary["genre_tag"] == "news" and summary["genre_disagrees"]
    assert [f["frame"] for f in summary["top_frames"]] == [
        "Security_and_defense",
        "Political",
        "International_relations",
    ]
    assert summary["technique_spans"] == 3 and summary["dominant_category"] == "Attack_on_Reputation"
    assert summary["per_category"] == {"Attack_on_Reputation": 2, "Justification": 1}
    assert summary["techniques_per_1000_words"] == pytest.approx(1000 * 3 / 21)
    nato, russia = body["targets"]
    assert nato["name"] == "NATO" and nato["mentions"] == 1 and nato["stance"] == "attacked"
    assert nato["techniques"] == [
        {"technique": "Name_Calling-Labeling", "count": 1},
        {"technique": "Doubt", "count": 1},
    ]
    # as the report and the page say it: the JSON's one line had left out how much evidence there is
    assert nato["summary"] == (
        "NATO — attacked (2 spans, 100% of their weight attacking): Name_Calling-Labeling ×1, Doubt ×1"
    )
    assert nato["attack"] == pytest.approx(1.4) and nato["praise"] == 0 and nato["share"] == 1.0
    assert [s["label"] for s in nato["evidence"]] == ["Doubt", "Name_Calling-Labeling"]
    assert russia == {
        "name": "Russia",
        "mentions": 2,
        "techniques": [],
        "stance": "unlinked",
        "stance_score": None,
        "share": None,
        "attack": 0.0,
        "praise": 0.0,
        "neutral": 0.0,
        "evidence": [],
        "reported": 0,
        "summary": "Russia — mentioned ×2, no technique linked",
    }
    # The submission answer is the same body: an article without "Target:" spans has no targets.
    submitted = api.client.post("/api/articles", json={"text": SAMPLE_TEXT}, headers=api.auth).json()
    assert submitted["analysis"]["targets"] == [] and "summary" in submitted["analysis"]


def test_openapi_describes_the_targets(api: Api) -> None:
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert "targets" in schemas["AnalysisOut"]["required"]
    target = schemas["TargetOut"]["properties"]
    assert set(target["stance"]["enum"]) == {"attacked", "praised", "mixed", "neutral", "unlinked"}
    assert target["techniques"]["items"] == {"$ref": "#/components/schemas/TechniqueCount"}


def _ids(api: Api, **params: Any) -> list[str]:
    response = api.client.get("/api/articles", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_list_filters(seeded: tuple[Api, dict[str, str]]) -> None:
    api, ids = seeded
    assert len(_ids(api, limit=200)) == 19
    clarion = _ids(api, outlet="Daily Clarion", limit=200)
    assert len(clarion) == 7 and ids["techniques"] in clarion
    assert _ids(api, outlet="Nobody") == []
    assert len(_ids(api, language="EN", limit=200)) == 19
    assert ids["techniques"] in _ids(api, technique="Whataboutism")
    assert ids["techniques"] in _ids(api, technique="Loaded_Language")
    assert len(_ids(api, technique="Loaded_Language")) == 1  # only the main article has it
    assert set(_ids(api, category="Manipulative_Wording")) == {ids["techniques"]}
    assert len(_ids(api, category="Attack_on_Reputation", limit=200)) == 19
    assert _ids(api, label="Whataboutism") == _ids(api, technique="Whataboutism")
    assert _ids(api, genre="Opinion") == [ids["techniques"]]
    assert set(_ids(api, narrative="Elections are rigged", limit=200)) <= set(_ids(api, limit=200))
    assert len(_ids(api, narrative="Elections are rigged", limit=200)) == 6
    assert _ids(api, narrative="elections are RIGGED", limit=200) == _ids(
        api, narrative="Elections are rigged", limit=200
    )
    typo = api.client.get("/api/articles", params={"narrative": "Elections rigged"})
    assert typo.status_code == 422  # it listed nothing, as if no article repeated it
    assert "did you mean Elections are rigged?" in typo.json()["error"]["reason"]
    march = _ids(api, since="2024-03-01", until="2024-03-31", limit=200)
    assert ids["techniques"] in march and len(march) == 4
    assert _ids(api, q="traitors patriot", outlet="Evening Herald", limit=200) != []
    assert _ids(api, q="no-such-word-anywhere") == []
    assert _ids(api, q="   ") == _ids(api)


def test_list_filters_on_targets_by_any_alias(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    findings = findings_analysis()  # NATO attacked; Russia named, nothing linked
    api.store.save_analysis(findings)
    mine = findings.article.id
    assert _ids(api, attacked="NATO") == [mine] == _ids(api, attacked="НАТО") == _ids(api, attacked="nato")
    assert _ids(api, attacked="North Atlantic Treaty Organization") == [mine]
    assert _ids(api, target="Россия") == [mine] == _ids(api, target="Russia", technique="doubt")
    assert _ids(api, attacked="Russia") == [] and _ids(api, praised="NATO") == []
    assert _ids(api, attacked="NATO", outlet="Daily Clarion") == []
    unknown = api.client.get("/api/articles", params={"technique": "Propaganda"})
    assert unknown.status_code == 422 and "unknown technique" in error_of(unknown)["reason"]
    facets = api.client.get("/api/facets").json()
    assert facets["attacked"] == [{"value": "NATO", "count": 1}] and facets["praised"] == []
    # The workbench's list page offers the attacked targets and filters on them.
    page = api.client.get("/articles", params={"attacked": "NATO"}, headers={"Accept": "text/html"}).text
    assert '<select id="attacked" name="attacked">' in page and 'value="NATO" selected' in page
    assert f"/articles/{mine}" in page and 'id="praised"' not in page
    # A name no catalogue lists, in Cyrillic: found as written on SQLite too (its lower() is ASCII only).
    cyrillic = Analysis(
        article=Article(text="Газпром снова лжёт.", language="ru"),
        spans=(Span(start=0, end=7, label="Target:Газпром", analyzer="targets"),),
        labels=(Label(name="attacked", value="Газпром", score=1.0, analyzer="targets"),),
    )
    api.store.save_analysis(cyrillic)
    assert _ids(api, attacked="Газпром") == [cyrillic.article.id] == _ids(api, target="Газпром")


def test_list_pagination_and_snippets(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    first = api.client.get("/api/articles", params={"limit": 5}).json()
    second = api.client.get("/api/articles", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] == 19
    assert len(first["items"]) == 5 and not {i["id"] for i in first["items"]} & {
        i["id"] for i in second["items"]
    }
    found = api.client.get("/api/articles", params={"q": "regime"}).json()
    assert found["total"] == 19 and "**regime**" in found["items"][0]["snippet"].lower()


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"since": "March"},
        {"until": "2022-W09"},
        {"since": "20220301"},
        {"category": "Not_A_Category"},
    ],
)
def test_list_rejects_bad_parameters(seeded: tuple[Api, dict[str, str]], params: dict[str, Any]) -> None:
    api, _ = seeded
    response = api.client.get("/api/articles", params=params)
    assert response.status_code == 422
    assert error_of(response)["type"] == "InputError"


def test_outlet_statistics(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    body = api.client.get("/api/outlets").json()
    assert body["analyzer"] == "techniques"
    outlets = {item["outlet"]: item for item in body["items"]}
    assert set(outlets) == {"Daily Clarion", "Evening Herald", "Northern Post"}
    clarion = outlets["Daily Clarion"]
    assert clarion["articles"] == clarion["analysed"] == 7
    assert 0 < clarion["coverage"] < 1
    assert clarion["categories"]["Attack_on_Reputation"] >= 7
    assert sum(clarion["narratives"].values()) == 7
    timeline = api.client.get("/api/outlets/Daily Clarion", params={"bucket": "month"}).json()
    assert timeline["overall"]["articles"] == 7
    assert [p["period"] for p in timeline["periods"]] == sorted(p["period"] for p in timeline["periods"])
    assert sum(p["articles"] for p in timeline["periods"]) == 7
    yearly = api.client.get("/api/outlets/Daily Clarion", params={"bucket": "year"}).json()
    assert [p["period"] for p in yearly["periods"]] == ["2024"]
    assert api.client.get("/api/outlets/Nobody").status_code == 404
    assert all(item["periods"] is None for item in body["items"]) and body["bucket"] is None
    compared = api.client.get("/api/outlets", params={"bucket": "month"}).json()
    assert compared["bucket"] == "month"
    for item in compared["items"]:
        assert (
            sum(p["articles"] for p in item["periods"])
            == item["articles"]
            == outlets[item["outlet"]]["articles"]
        )
    clarion_months = next(i for i in compared["items"] if i["outlet"] == "Daily Clarion")["periods"]
    assert clarion_months == timeline["periods"]
    assert api.client.get("/api/outlets", params={"bucket": "decade"}).status_code == 422
    # Targets attacked, per outlet: in the API's tallies and on the dashboard and outlet pages.
    findings = findings_analysis()
    article = Article(
        text=findings.article.text,
        title="Demands",
        outlet="Evening Herald",
        language="en",
        published=date(2024, 6, 1),
    )
    api.store.save_analysis(Analysis(article=article, spans=findings.spans, labels=findings.labels))
    herald = api.client.get("/api/outlets/Evening Herald").json()["overall"]
    assert herald["attacked"] == {"NATO": 1}
    on_nato = api.client.get("/api/outlets", params={"attacked": "NATO", "bucket": "year"}).json()["items"]
    assert [(i["outlet"], i["articles"], len(i["periods"])) for i in on_nato] == [("Evening Herald", 1, 1)]
    clarion = api.client.get("/api/outlets/Daily Clarion", params={"attacked": "NATO"})
    assert clarion.status_code == 200 and clarion.json()["overall"]["articles"] == 0
    html = {"Accept": "text/html"}
    assert "Targets attacked by outlet" in api.client.get("/outlets", headers=html).text
    page = api.client.get("/outlets/Evening Herald", headers=html).text
    assert "Attacked targets" in page and "attacked=NATO" in page
    assert api.client.get("/api/outlets/Daily Clarion", params={"bucket": "decade"}).status_code == 422


def test_coverage_counts_overlapping_spans_once(make_api: ApiMaker, plugin: None) -> None:
    api = make_api()
    text = "abcdefghij" * 10  # 100 characters
    analysis = Analysis(
        article=Article(text=text, outlet="Solo"),
        spans=(
            Span(start=0, end=20, label="Loaded_Language", analyzer="techniques"),
            Span(start=10, end=30, label="Doubt", analyzer="techniques"),
            Span(start=50, end=60, label="Actor", analyzer="keywords"),
        ),
        analyzers={"techniques": "1", "keywords": "1"},
    )
    api.store.save_analysis(analysis)
    techniques = api.client.get("/api/outlets").json()["items"][0]
    assert techniques["coverage"] == pytest.approx(0.30) and techniques["spans"] == 2
    everything = api.client.get("/api/outlets", params={"analyzer": "keywords"}).json()["items"][0]
    assert everything["coverage"] == pytest.approx(0.10)


def test_facets(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    body = api.client.get("/api/facets").json()
    assert {c["value"] for c in body["outlets"]} == {"Daily Clarion", "Evening Herald", "Northern Post"}
    assert {"analyzer": "techniques", "label": "Whataboutism", "count": 7} in body["span_labels"]
    assert {c["value"] for c in body["narratives"]} == {
        "The West betrays workers",
        "Sanctions hurt Europe",
        "Elections are rigged",
    }
    assert {"value": "opinion", "count": 1} in body["genres"]
    clarion = api.client.get("/api/facets", params={"outlet": "Daily Clarion"}).json()
    assert clarion["outlets"] == body["outlets"]  # its own filter left out
    counted = {(c["analyzer"], c["label"]): c["count"] for c in clarion["span_labels"]}
    assert counted[("techniques", "Whataboutism")] == len(
        _ids(api, outlet="Daily Clarion", technique="Whataboutism")
    )
    assert sum(c["count"] for c in clarion["languages"]) == 7


PTC_OR_SEMEVAL = {*PTC_TECHNIQUES, *TECHNIQUES}


def test_export_one_article_in_every_format(seeded: tuple[Api, dict[str, str]]) -> None:
    api, ids = seeded
    article_id = ids["techniques"]
    base = f"/api/articles/{article_id}/export"
    text = TECHNIQUE_TEXT

    as_json = api.client.get(base, params={"format": "json"})
    assert as_json.headers["content-disposition"] == f'attachment; filename="propwatch-{article_id}.json"'
    assert json.loads(as_json.text)[0]["article"]["id"] == article_id

    lines = api.client.get(base, params={"format": "jsonl"}).text.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["article"]["id"] == article_id

    rows = list(csv.DictReader(io.StringIO(api.client.get(base, params={"format": "csv"}).text)))
    assert len(rows) == 8 and {row["span_text"] for row in rows} >= {"Experts agree"}

    ptc = api.client.get(base, params={"format": "ptc"}).text.splitlines()
    experts = text.index("Experts agree")
    assert f"{article_id}\tAppeal_to_Authority\t{experts}\t{experts + 13}" in ptc
    assert any("\tName_Calling,Labeling\t" in line for line in ptc)  # PTC's spelling of the class
    assert not any("\tAppeal_to_Time\t" in line for line in ptc)  # no PTC class: a PTC scorer refuses it
    assert all(line.split("\t")[1] in PTC_OR_SEMEVAL for line in ptc)  # technique spans only

    brat = zipfile.ZipFile(io.BytesIO(api.client.get(base, params={"format": "brat"}).content))
    assert set(brat.namelist()) == {f"{article_id}.txt", f"{article_id}.ann", "annotation.conf"}
    studio = api.client.get(base, params={"format": "labelstudio"})
    assert studio.headers["content-type"] == "application/zip"
    assert studio.headers["content-disposition"].endswith('.labelstudio.zip"')
    [task] = json.loads(zipfile.ZipFile(io.BytesIO(studio.content)).read("tasks.json"))
    assert (
        task["data"]["propwatch_id"] == article_id and len(task["predictions"][0]["result"]) == 8 + 2
    )  # spans, genre, frames
    assert brat.read(f"{article_id}.txt").decode() == text
    for line in brat.read(f"{article_id}.ann").decode().splitlines():
        if line.startswith("T"):
            _, where, quote = line.split("\t")
            pieces = [tuple(map(int, part.split())) for part in where.split(" ", 1)[1].split(";")]
            assert " ".join(text[a:b] for a, b in pieces) == quote
    assert "Name_Calling-Labeling" in brat.read("annotation.conf").decode()

    collection = api.client.get(base, params={"format": "webanno"}).json()
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 8
    for annotation in collection["first"]["items"]:
        position, quote = annotation["target"]["selector"]
        assert position["type"] == "TextPositionSelector" and quote["type"] == "TextQuoteSelector"
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert annotation["target"]["source"] == "https://daily-clarion.example/opinion/regime"

    assert api.client.get(base, params={"format": "claimreview"}).json() == []  # no claims analyzer ran
    bad = api.client.get(base, params={"format": "docx"})
    assert bad.status_code == 422
    assert api.client.get("/api/articles/0000000000000000/export").status_code == 404


def test_claimreview_drafts_come_from_claim_spans(make_api: ApiMaker, plugin: None) -> None:
    api = make_api()
    text = "The minister said unemployment fell by half last year. Critics disagree."
    article = Article(text=text, title="Jobs", outlet="Gazette", published=date(2024, 5, 1))
    api.store.save_analysis(
        Analysis(
            article=article,
            spans=(Span(start=0, end=54, label="Claim", score=0.8, analyzer="claims"),),
            analyzers={"claims": "1"},
        )
    )
    reviews = api.client.get(f"/api/articles/{article.id}/export", params={"format": "claimreview"}).json()
    assert len(reviews) == 1
    assert reviews[0]["@type"] == "ClaimReview"
    assert reviews[0]["claimReviewed"] == text[:54]
    assert reviews[0]["itemReviewed"]["appearance"][0]["publisher"]["name"] == "Gazette"


def test_export_query_results(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    response = api.client.get("/api/export", params={"outlet": "Northern Post", "format": "jsonl"})
    assert response.headers["content-disposition"] == 'attachment; filename="propwatch-export.jsonl"'
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == 6 and {r["article"]["outlet"] for r in records} == {"Northern Post"}
    brat = zipfile.ZipFile(io.BytesIO(api.client.get("/api/export", params={"format": "brat"}).content))
    assert len([n for n in brat.namelist() if n.endswith(".ann")]) == 19
    empty = api.client.get("/api/export", params={"outlet": "Nobody", "format": "json"})
    assert json.loads(empty.text) == []


def test_an_export_over_the_cap_is_refused_not_cut(
    make_api: ApiMaker, plugin: None, store: ArticleStore
) -> None:
    seed(store)
    api = make_api(store=store, api_export_limit=3)
    refused = api.client.get("/api/export", params={"format": "jsonl"})
    assert refused.status_code == 413 and "more than 3 articles match" in error_of(refused)["reason"]
    lines = api.client.get("/api/export", params={"format": "jsonl", "outlet": "Nobody"}).text.splitlines()
    assert lines == []


def test_the_api_exports_in_stored_order_as_the_cli_does(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    from propwatch.export_formats import write_export
    from propwatch.narratives.catalogue import catalogue_displays

    displays = catalogue_displays(api.settings)  # as the export command reads them
    for fmt in ("jsonl", "ptc", "brat"):
        cli = io.BytesIO()
        write_export(api.store.iter_analyses(), fmt, cli, displays.attacks, narrative_titles=displays.titles)
        assert api.client.get("/api/export", params={"format": fmt}).content == cli.getvalue(), fmt


def test_outlet_names_with_slashes_and_outlets_with_nothing_analysed(make_api: ApiMaker) -> None:
    api = make_api()
    api.store.save_article(
        Article(text="Stored, not analysed.", outlet="RFE/RL", language="en", published=date(2024, 1, 2))
    )
    for path in ("/api/outlets/RFE/RL", "/api/outlets/RFE%2FRL"):
        response = api.client.get(path)
        assert response.status_code == 200, path
        overall = response.json()["overall"]
        assert (overall["articles"], overall["analysed"], overall["coverage"]) == (1, 0, None)
    html = {"Accept": "text/html"}
    page = api.client.get("/outlets/RFE/RL", headers=html)
    assert page.status_code == 200 and "<h1>RFE/RL</h1>" in page.text
    dashboard = api.client.get("/outlets", headers=html).text
    assert 'href="/outlets/RFE%2FRL"' in dashboard and "—" in dashboard  # no share measured, not "0.0%"
    assert "0.0%" not in dashboard
    # "../" in a name led the browser elsewhere: /outlets/../../api/status resolves to /api/status.
    api.store.save_article(Article(text="Hostile.", outlet="../../api/status?x=1", language="en"))
    dashboard = api.client.get("/outlets", headers=html).text
    href = 'href="/outlets/..%2F..%2Fapi%2Fstatus%3Fx%3D1"'
    assert href in dashboard
    assert "<h1>../../api/status?x=1</h1>" in api.client.get(href[6:-1], headers=html).text


def test_a_storage_error_does_not_show_clients_the_database_url(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked() -> int:
        raise StorageError("postgresql://reader:s3cret@db.internal/propwatch", "the database is locked")

    monkeypatch.setattr(api.store, "count_articles", locked)
    response = api.client.get("/api/status")
    assert response.status_code == 503
    assert error_of(response)["input"] == "database" and "s3cret" not in response.text
    assert response.headers["retry-after"] == "5"  # a client knows when to try again


def test_a_form_submitting_every_field_filters_only_on_those_filled(
    seeded: tuple[Api, dict[str, str]],
) -> None:
    api, _ = seeded
    blank = dict.fromkeys(
        (
            "outlet",
            "language",
            "genre",
            "label",
            "technique",
            "category",
            "narrative",
            "target",
            "attacked",
            "praised",
            "since",
            "until",
        ),
        "",
    )
    assert _ids(api, q="regime", limit=200, **blank) == _ids(api, q="regime", limit=200)
    assert len(_ids(api, limit=200, **{**blank, "q": ""})) == 19
    page = api.client.get("/articles", params={"q": "regime", **blank}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "19 articles" in page.text
    # Past the last page: the last page, not an empty one.
    last = api.client.get("/articles", params={"page": 99}, headers={"Accept": "text/html"}).text
    assert "No stored article matches" not in last and f"/articles/{_ids(api, limit=1)[0]}" in last


def test_a_target_stored_under_another_spelling_is_one_facet_and_one_filter(
    seeded: tuple[Api, dict[str, str]],
) -> None:
    api, _ = seeded
    old, new = (
        Analysis(
            article=Article(text=text, language=language),
            labels=(Label(name="attacked", value=name, score=1.0, analyzer="targets"),),
            analyzers={"targets": "1"},
        )
        for text, language, name in (
            ("Zelenski ment encore.", "fr", "Zelenski"),  # stored before the catalogue merged the spelling
            ("Zelensky lies again.", "en", "Volodymyr Zelensky"),
        )
    )
    api.store.save_analysis(old)
    api.store.save_analysis(new)
    facets = api.client.get("/api/facets").json()
    assert {"value": "Volodymyr Zelensky", "count": 2} in facets["attacked"]
    both = {old.article.id, new.article.id}
    assert set(_ids(api, attacked="Volodymyr Zelensky")) == both == set(_ids(api, attacked="Zelenski"))


def test_snippets_mark_the_matches_only(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    text = "The zebrafish study, the **editor** said \\o/, was 2**10 better than the zebrafish finding."
    api.store.save_analysis(Analysis(article=Article(text=text, language="en")))
    (item,) = api.client.get("/api/articles", params={"q": "zebrafish"}).json()["items"]
    # Markdown: the text's own asterisks and backslashes escaped, so only the matches are bold.
    snippet = item["snippet"]
    assert snippet.count("**zebrafish**") == 2
    assert "the \\*\\*editor\\*\\* said" in snippet and "2\\*\\*10" in snippet and "\\\\o/" in snippet
    unescaped = re.sub(r"\\(.)", r"\1", snippet.replace("**zebrafish**", "zebrafish"))
    assert unescaped.strip("…") in text
    page = api.client.get("/articles", params={"q": "zebrafish"}, headers={"Accept": "text/html"}).text
    assert page.count("<b>zebrafish</b>") == 2 and "<b>editor</b>" not in page
    # The CLI prints the same snippet for people, as written (propwatch.cli search uses snippet_text).
    (hit,) = api.store.search("zebrafish")
    plain = snippet_text(hit.snippet)
    assert plain is not None and "the **editor** said" in plain and "\\*" not in plain


def test_snippets_render_as_their_text_and_cannot_fake_a_match(seeded: tuple[Api, dict[str, str]]) -> None:
    """A snippet rendered as the documented Markdown carried live HTML, and a text holding the match
    marks (U+0002, U+0003) made any word look like a match."""
    from markdown_it import MarkdownIt

    api, _ = seeded
    hostile = "Quokka news <img src=x onerror=alert(1)> & [link](javascript:x) `code` _em_ ~x~ |t|"
    api.store.save_analysis(
        Analysis(article=Article(text=hostile + "\n# heading\n- item\n1. one", language="en"))
    )
    (item,) = api.client.get("/api/articles", params={"q": "quokka"}).json()["items"]
    html = MarkdownIt().render(item["snippet"])
    assert "<img" not in html and "<a " not in html and "<code>" not in html and "<em>" not in html
    assert "<h1>" not in html and "<li>" not in html
    assert "<strong>Quokka</strong>" in html and "&lt;img src=x onerror=alert(1)&gt; &amp; [link]" in html
    indented = "Wallaby news.\n\n    indented wallaby a*b\n\twallaby tabbed"
    api.store.save_analysis(Analysis(article=Article(text=indented, language="en")))
    (item,) = api.client.get("/api/articles", params={"q": "wallaby"}).json()["items"]
    html = MarkdownIt().render(item["snippet"])
    assert "<pre>" not in html and html.count("<strong>wallaby</strong>") == 2  # not a code block

    faked = "Wombat sightings rose. The \x02senator\x03 lied, and \x02wombat\x03 experts agree."
    api.store.save_analysis(Analysis(article=Article(text=faked, language="en")))
    (item,) = api.client.get("/api/articles", params={"q": "wombat"}).json()["items"]
    assert "**" not in item["snippet"] and "senator lied" in item["snippet"]
    page = api.client.get("/articles", params={"q": "wombat"}, headers={"Accept": "text/html"}).text
    assert "<b>senator</b>" not in page
    (hit,) = api.store.search("wombat")  # the search command's path
    assert "\x02" not in hit.snippet and "\x03" not in hit.snippet


def test_the_api_keeps_its_contract_with_client_code(make_api: ApiMaker, plugin: None) -> None:
    """From an audit as a client developer: a browser client could not DELETE or read the errors of the
    checks, HEAD was 405 without Allow, a body with null fields failed the published schema, and a
    misspelt filter silently listed everything."""
    import jsonschema_rs

    api = make_api(api_cors_origins=("https://cms.example",))
    origin = {"Origin": "https://cms.example"}
    preflight = api.client.options(
        "/api/articles/0123456789abcdef", headers={**origin, "Access-Control-Request-Method": "DELETE"}
    )
    assert preflight.status_code == 200 and "DELETE" in preflight.headers["access-control-allow-methods"]
    refused = api.client.post(
        "/api/articles", json={"text": "x"}, headers={**origin, "Authorization": "Bearer no"}
    )
    assert (
        refused.status_code == 401 and refused.headers["access-control-allow-origin"] == "https://cms.example"
    )
    article = api.client.post("/api/articles", json={"text": SAMPLE.read_text()}, headers=api.auth).json()
    export = api.client.get("/api/export", params={"format": "json"}, headers=origin)
    assert "content-disposition" in export.headers["access-control-expose-headers"].lower()

    head = api.client.head("/api/export", params={"format": "json"})
    assert (
        head.status_code == 200
        and head.content == b""
        and "attachment" in head.headers["content-disposition"]
    )
    assert api.client.head(f"/api/articles/{article['id']}").status_code == 200
    wrong = api.client.put("/api/status")
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"]

    schema = api.client.get("/openapi.json").json()
    submission = {**schema["components"]["schemas"]["ArticleSubmission"], "components": schema["components"]}
    body = {"text": "NATO expands again.", "url": None, "html": None}
    assert jsonschema_rs.validator_for(submission).is_valid(body)
    assert api.client.post("/api/articles", json=body, headers=api.auth).status_code in (200, 201)

    misspelt = api.client.get("/api/articles", params={"outlett": "Nope"})
    assert misspelt.status_code == 422
    assert (
        misspelt.json()["error"]["input"] == "query.outlett"
        and "outlet" in misspelt.json()["error"]["reason"]
    )
    twice = api.client.get("/api/articles?outlet=A&outlet=B")
    assert twice.status_code == 422 and "more than once" in twice.json()["error"]["reason"]
    assert api.client.get("/api/articles", params={"outlet": "A", "limit": 5}).status_code == 200
    several = api.client.get("/api/articles", params={"limit": 0, "offset": -1}).json()["error"]
    assert several["input"] == "query.limit" and "; also query.offset:" in several["reason"]
    for name, value in (("since", "2024-3-1"), ("narrative", "nato-encircle")):  # named as FastAPI names
        error = api.client.get("/api/articles", params={name: value}).json()["error"]
        assert error["input"] == f"query.{name}", error

    status = api.client.get("/api/status").json()
    assert status["analyzer_versions"]["keywords"] == "1.0"  # loaded by the first submission


def test_a_nul_in_submitted_metadata_is_a_422_naming_the_field(api: Api) -> None:
    # A NUL in title or source_url answered 500 (pydantic's error escaped), and so did the workbench.
    text = "The council met on Monday and approved the budget for the coming year."
    for field, value in (("title", "a\x00b"), ("source_url", "https://x.example/a\x00b")):
        response = api.client.post("/api/articles", json={"text": text, field: value}, headers=api.auth)
        assert response.status_code == 422, (field, response.text)
        assert "NUL" in response.json()["error"]["reason"]
    page = api.client.post("/submit", data={"token": api.secret, "text": text, "title": "a\x00b"})
    assert page.status_code == 422 and "NUL" in page.text


def test_large_answers_are_compressed_for_clients_that_accept_it(seeded: tuple[Api, dict[str, str]]) -> None:
    api, _ = seeded
    packed = api.client.get("/api/export", params={"format": "json"}, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    assert json.loads(packed.content)  # httpx decodes it
    plain = api.client.get("/api/export", params={"format": "json"}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == packed.content


def test_a_client_syncs_by_stored_time_and_pages_a_fixed_set(make_api: ApiMaker) -> None:
    # Paging by offset, newest first, repeated items while articles were being added, and a client had
    # no way to ask for what is new since its last visit.
    api = make_api()
    for n in range(5):
        api.store.save_article(Article(text=f"Report number {n} on the harbour works.", language="en"))
    first = api.client.get("/api/articles", params={"limit": 2}).json()["items"]
    snapshot = first[0]["stored_at"]
    api.store.save_article(Article(text="A report stored while the client pages.", language="en"))
    pages = [
        api.client.get("/api/articles", params={"limit": 2, "offset": o, "stored_until": snapshot}).json()
        for o in (0, 2, 4)
    ]
    ids = [item["id"] for page in pages for item in page["items"]]
    assert len(ids) == len(set(ids)) == 5 and pages[0]["total"] == 5
    assert [i["id"] for i in pages[0]["items"]] == [i["id"] for i in first]
    newest = api.client.get("/api/articles", params={"stored_since": snapshot}).json()["items"]
    assert newest[0]["id"] not in ids and len(newest) == 2  # the new one and the snapshot's
    naive = snapshot.replace("Z", "").split("+")[0]  # a time without a zone is UTC
    assert api.client.get("/api/articles", params={"stored_since": naive}).json()["total"] == 2
    bad = api.client.get("/api/articles", params={"stored_since": "yesterday"})
    assert bad.status_code == 422 and bad.json()["error"]["input"] == "query.stored_since"


def test_a_form_error_names_the_field_as_the_form_does_and_marks_it(api: Api) -> None:
    # Errors read "title: …" for the field labelled "Headline", and nothing tied them to their field.
    text = "The council met on Monday and approved the budget for the coming year."
    page = api.client.post("/submit", data={"token": api.secret, "text": text, "title": "x" * 1001})
    assert page.status_code == 422
    assert "<title>Error: Analyse an article · propwatch</title>" in page.text
    assert (
        '<p class="error-message" role="alert" id="submit-error" tabindex="-1">Headline: is longer'
        in page.text
    )
    assert (
        '<input id="title" name="title" aria-describedby="title-help submit-error" aria-invalid="true"'
        in page.text
    )
    assert page.text.count('aria-invalid="true"') == 1
    wrong = api.client.post("/login", data={"token": "pw_wrong"})
    assert wrong.status_code == 401 and 'aria-invalid="true" aria-describedby="login-error"' in wrong.text


def test_facets_are_counted_again_only_when_the_store_changes(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The list page counted every facet again for each page it showed (1.2 s at 25,000 articles).
    from propwatch.api import app as app_module

    counted: list[object] = []
    real = app_module.facets

    def counting(*args: object) -> object:
        counted.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(app_module, "facets", counting)
    text = "The council met on Monday and approved the budget for the coming year."
    api.client.post("/api/articles", json={"text": text, "outlet": "Herald"}, headers=api.auth)
    first = api.client.get("/api/facets").json()
    assert api.client.get("/api/facets").json() == first and len(counted) == 1
    api.client.get("/articles?page=2")
    assert len(counted) == 1  # the same filters on another page
    added = api.client.post(
        "/api/articles", json={"text": text + " Again.", "outlet": "Courier"}, headers=api.auth
    )
    after = api.client.get("/api/facets").json()
    assert len(counted) == 2 and after != first
    article_id = added.json()["id"]
    assert api.client.delete(f"/api/articles/{article_id}", headers=api.auth).status_code == 204
    # the store is as it was: what was counted then holds
    assert api.client.get("/api/facets").json() == first and len(counted) == 2
    # a new article taking the deleted one's key (SQLite reuses the largest rowid) is a change all the same
    api.client.post(
        "/api/articles", json={"text": text + " Once more.", "outlet": "Gazette"}, headers=api.auth
    )
    assert "Gazette" in str(api.client.get("/api/facets").json()) and len(counted) == 3


def test_the_dashboard_is_computed_again_only_when_the_store_changes(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.web import pages

    counted: list[object] = []
    real = pages.outlets_overview

    def counting(*args: Any, **kwargs: Any) -> Any:
        counted.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "outlets_overview", counting)
    text = "The council met on Monday and approved the budget for the coming year."
    api.client.post("/api/articles", json={"text": text, "outlet": "Herald"}, headers=api.auth)
    assert "Herald" in api.client.get("/outlets").text and "Herald" in api.client.get("/outlets").text
    assert len(counted) == 1
    api.client.post("/api/articles", json={"text": text + " Again.", "outlet": "Courier"}, headers=api.auth)
    assert "Courier" in api.client.get("/outlets").text and len(counted) == 2


def test_every_outlet_view_says_when_its_figures_mix_analyzer_versions(api: Api) -> None:
    """The CLI warned of a half re-analysed store; /api/outlets and the outlet page had said nothing."""
    text = "NATO lies again and again, the puppets said on Tuesday."
    html = {"accept": "text/html"}
    api.store.save_analysis(
        Analysis(article=Article(text=text, outlet="Daily"), analyzers={"techniques": "1+spans5"})
    )
    assert api.client.get("/api/outlets").json()["caution"] is None
    assert api.client.get("/api/outlets/Daily").json()["caution"] is None
    assert "mix findings" not in api.client.get("/outlets/Daily", headers=html).text
    api.store.save_analysis(
        Analysis(article=Article(text=text + " More.", outlet="Daily"), analyzers={"techniques": "1+spans7"})
    )
    expected = "techniques 1+spans5 (1 article), 1+spans7 (1 article)"
    assert expected in api.client.get("/api/outlets").json()["caution"]
    assert expected in api.client.get("/api/outlets/Daily").json()["caution"]
    for page in ("/outlets", "/outlets/Daily"):
        assert expected in api.client.get(page, headers=html).text


def test_the_dashboard_table_says_how_many_articles_were_analysed_and_undated(api: Api) -> None:
    """It had shown an outlet never analysed as 0 spans, and hidden its undated articles."""
    html = {"accept": "text/html"}
    text = "NATO lies again and again, the puppets said on Tuesday."
    api.store.save_analysis(
        Analysis(article=Article(text=text, outlet="Daily", published=date(2024, 5, 1)), analyzers={"t": "1"})
    )
    api.store.save_article(Article(text=text + " Again.", outlet="Daily"))
    api.store.save_article(Article(text="Stored, never analysed.", outlet="Quiet"))
    rows = {
        row.split("</a></th>")[0].rsplit(">", 1)[-1]: row
        for row in api.client.get("/outlets", headers=html).text.split("<tr>")
        if '<th scope="row">' in row
    }
    assert "2 (1 analysed)" in rows["Daily"] and "2024-05-01 (1 undated)" in rows["Daily"]
    assert '<td class="num">1 (0 analysed)</td>\n        <td class="num">—</td>' in rows["Quiet"]
