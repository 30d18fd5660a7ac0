"""Serving the app safely: behind a TLS proxy, browser sessions, the Host check, the token before the
body, and what a submission may carry (source URLs, big pasted texts, empty files)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
import typer
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from propwatch.api.security import SESSION_COOKIE, allowed_hosts
from propwatch.cli import serve as serve_command
from propwatch.settings import Settings
from propwatch.storage.schema import api_tokens, web_sessions
from propwatch.storage.tokens import SESSION_PREFIX, TokenStore
from workbench_fixture import SAMPLE, Api, ApiMaker

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
PUBLIC = "https://propwatch.example"


def _sessions(api: Api) -> int:
    with api.store._engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(web_sessions)).scalar_one())


def _sign_in(api: Api, **headers: str) -> Any:
    return api.client.post(
        "/login", data={"token": api.secret, "next": "/outlets"}, headers=headers, follow_redirects=False
    )


# --- behind a TLS-terminating reverse proxy ------------------------------------------------------


def test_forms_posted_through_a_tls_proxy_are_accepted_and_the_cookie_is_secure(
    make_api: ApiMaker, plugin: None
) -> None:
    direct = make_api()
    assert _sign_in(direct, Origin=PUBLIC).status_code == 403  # the proxy's origin is not known
    plain = _sign_in(direct)
    assert plain.status_code == 303 and "secure" not in plain.headers["set-cookie"].lower()

    proxied = make_api(serve_public_url=PUBLIC + "/")
    for origin in (PUBLIC, PUBLIC + ":443", "http://127.0.0.1"):
        signed = _sign_in(proxied, Origin=origin)
        assert signed.status_code == 303, origin
        assert "; secure" in signed.headers["set-cookie"].lower()
    assert _sign_in(proxied, Origin="https://evil.example").status_code == 403
    assert _sign_in(proxied, Origin="http://propwatch.example").status_code == 403  # not the scheme used
    out = proxied.client.post("/logout", headers={"Referer": PUBLIC + "/articles"}, follow_redirects=False)
    assert out.status_code == 303


def test_the_cookie_is_secure_when_the_request_came_over_https(make_api: ApiMaker, plugin: None) -> None:
    api = make_api()
    with TestClient(api.client.app, base_url="https://127.0.0.1") as client:
        signed = client.post("/login", data={"token": api.secret}, follow_redirects=False)
    assert signed.status_code == 303 and "; secure" in signed.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://propwatch.example",
        "propwatch.example",
        "https://",
        "https://x.example/propwatch",
        "https://x.example:http",
        "https://exa mple.org",  # was accepted: the server started "behind" it
    ],
)
def test_the_public_url_must_be_an_http_origin(url: str) -> None:
    with pytest.raises(ValidationError, match="serve_public_url"):
        Settings(serve_public_url=url)


def test_proxy_settings_come_from_the_environment_and_reach_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    assert serve_command.uvicorn_options(Settings())["proxy_headers"] is False
    monkeypatch.setenv("PROPWATCH_SERVE_PUBLIC_URL", "HTTPS://Propwatch.Example:8443/")
    monkeypatch.setenv("PROPWATCH_SERVE_FORWARDED_ALLOW_IPS", "10.0.0.5")
    settings = Settings()
    assert settings.serve_public_url == "https://propwatch.example:8443"
    options = serve_command.uvicorn_options(settings)
    assert options["proxy_headers"] is True and options["forwarded_allow_ips"] == "10.0.0.5"


def test_serve_maps_its_proxy_options_into_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(options, app=app))
    monkeypatch.setattr(serve_command, "_check_address", lambda host, port: None)
    app = typer.Typer()

    @app.callback()
    def _main(ctx: typer.Context) -> None:
        ctx.obj = {"db": f"sqlite:///{tmp_path / 'serve.db'}", "data_dir": tmp_path}

    serve_command.register(app)
    arguments = ["serve", "--public-url", PUBLIC, "--forwarded-allow-ips", "127.0.0.1,10.0.0.5"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert ran["proxy_headers"] is True and ran["forwarded_allow_ips"] == "127.0.0.1,10.0.0.5"
    assert ran["app"].state.workbench.settings.serve_public_url == PUBLIC


# --- browser sessions ------------------------------------------------------------------------------


def test_the_cookie_holds_a_session_of_its_own_not_the_token(make_api: ApiMaker, plugin: None) -> None:
    api = make_api(api_public_read=False, serve_session_hours=3)
    signed = _sign_in(api)
    session = signed.cookies[SESSION_COOKIE]
    assert session.startswith(SESSION_PREFIX) and api.secret not in signed.headers["set-cookie"]
    assert "max-age=10800" in signed.headers["set-cookie"].lower()
    assert _sessions(api) == 1
    assert api.client.get("/api/articles").status_code == 200
    assert _sign_in(api).cookies[SESSION_COOKIE] != session and _sessions(api) == 1  # the old one ended
    session = api.client.cookies[SESSION_COOKIE]
    # A session is no token: it authorises no API call as a bearer, and a token is no session.
    assert api.client.get("/api/articles", headers={"Authorization": f"Bearer {session}"}).status_code == 401
    api.client.cookies.clear()
    api.client.cookies.set(SESSION_COOKIE, api.secret)
    assert api.client.get("/api/articles").status_code == 401
    assert api.client.get("/articles", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session_on_the_server(make_api: ApiMaker, plugin: None) -> None:
    api = make_api(api_public_read=False)
    session = _sign_in(api).cookies[SESSION_COOKIE]
    out = api.client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and _sessions(api) == 0
    api.client.cookies.clear()
    api.client.cookies.set(SESSION_COOKIE, session)  # a copy of the cookie kept elsewhere
    assert api.client.get("/api/articles").status_code == 401


def test_revoking_the_token_ends_its_sessions_at_once(make_api: ApiMaker, plugin: None) -> None:
    api = make_api(api_public_read=False)
    _sign_in(api)
    assert api.client.get("/api/articles").status_code == 200
    TokenStore(api.store).revoke("test-0")
    assert api.client.get("/api/articles").status_code == 401
    assert api.client.get("/articles", follow_redirects=False).status_code == 303
    assert _sessions(api) == 0


def test_sessions_expire_are_pruned_and_follow_their_token(make_api: ApiMaker, plugin: None) -> None:
    api = make_api()
    tokens = TokenStore(api.store)
    token = tokens.verify(api.secret)
    assert token is not None
    expired = tokens.open_session(token, timedelta(0))
    assert tokens.verify_session(expired) is None
    live = tokens.open_session(token, timedelta(hours=1))  # deletes the expired one on the way
    assert _sessions(api) == 1 and tokens.verify_session(live) == tokens.verify(api.secret)
    assert tokens.verify_session(api.secret) is None and tokens.verify_session("pws_unknown") is None
    with api.store._engine.begin() as connection:  # revoked by hand, its session row left in place
        connection.execute(update(api_tokens).values(revoked_at=func.current_timestamp()))
    assert tokens.verify_session(live) is None
    tokens.close_session(live)
    assert _sessions(api) == 0


def test_a_pasted_token_signs_the_browser_in_with_a_session(api: Api) -> None:
    done = api.client.post("/submit", data={"token": api.secret, "text": SAMPLE_TEXT}, follow_redirects=False)
    assert done.status_code == 303
    assert done.cookies[SESSION_COOKIE].startswith(SESSION_PREFIX) and _sessions(api) == 1
    again = api.client.post("/submit", data={"text": SAMPLE_TEXT + " Again."}, follow_redirects=False)
    assert again.status_code == 303 and _sessions(api) == 1  # signed in: no second session


# --- the Host check (DNS rebinding) ---------------------------------------------------------------


def test_requests_for_another_host_name_are_refused(api: Api) -> None:
    refused = api.client.get("/api/status", headers={"Host": "attacker.example"})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["input"] == "Host header" and "'attacker.example'" in error["reason"]
    assert "serve_allowed_hosts" in error["reason"]
    page = api.client.get("/articles", headers={"Host": "attacker.example:8000"})
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "content-security-policy" in page.headers
    for host in ("127.0.0.1:8000", "localhost", "localhost:8000", "[::1]:8000"):
        assert api.client.get("/api/status", headers={"Host": host}).status_code == 200, host


def test_the_hosts_answered_follow_the_settings(make_api: ApiMaker, plugin: None) -> None:
    assert allowed_hosts(Settings(serve_host="0.0.0.0")) == ["*"]
    assert allowed_hosts(Settings(serve_host="::")) == ["*"]
    assert "[::1]" in allowed_hosts(Settings(serve_host="::1"))
    assert "propwatch.example" in allowed_hosts(Settings(serve_host="0.0.0.0", serve_public_url=PUBLIC))
    assert "box.lan" in allowed_hosts(Settings(serve_host="box.lan"))
    exposed = make_api(serve_host="0.0.0.0")
    assert exposed.client.get("/api/status", headers={"Host": "anything.example"}).status_code == 200
    proxied = make_api(serve_public_url=PUBLIC, serve_allowed_hosts=("*.internal.example", "other.example"))
    for host in ("propwatch.example", "other.example", "node1.internal.example"):
        assert proxied.client.get("/api/status", headers={"Host": host}).status_code == 200, host
    assert proxied.client.get("/api/status", headers={"Host": "evil.example"}).status_code == 400


def test_allowed_hosts_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPWATCH_SERVE_ALLOWED_HOSTS", "a.example, B.example")
    assert Settings().serve_allowed_hosts == ("a.example", "b.example")
    for wrong in ("a.example/x", "a.*.example", "user@a.example"):
        with pytest.raises(ValidationError, match="serve_allowed_hosts"):
            Settings(serve_allowed_hosts=(wrong,))


# --- writes: the token before the body ----------------------------------------------------------


def _scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def _raw_post(
    api: Api,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    method: str = "POST",
    path: str = "/api/articles",
) -> tuple[int, bool, list[Any]]:
    """A request straight to the ASGI app: the status, whether the body was read, the headers."""
    read = False
    started: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        nonlocal read
        read = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)

    anyio.run(api.client.app, _scope(method, path, headers), receive, send)
    return started["status"], read, started["headers"]


def test_writes_without_a_valid_token_are_refused_before_the_body_is_read(api: Api) -> None:
    big = [(b"content-length", b"15000000")]  # under api_max_request_bytes: it used to be read whole
    for auth in (
        [],
        [(b"authorization", b"Bearer pw_not-a-real-token")],
        [(b"authorization", b"Basic eDp5")],
    ):
        status, read, headers = _raw_post(api, big + auth, b"{}")
        assert (status, read) == (401, False), auth
        assert (b"www-authenticate", b"Bearer") in headers
    chunked = [(b"transfer-encoding", b"chunked")]
    assert _raw_post(api, chunked, b"{}")[:2] == (401, False)
    body = b'{"text": "NATO expands."}'
    valid = [
        (b"content-length", str(len(body)).encode()),
        (b"authorization", f"Bearer {api.secret}".encode()),
    ]
    assert _raw_post(api, valid, body)[:2] == (201, True)
    assert api.store.count_articles() == 1


def test_bodies_without_a_token_stay_small(api: Api) -> None:
    """Any client could make the server hold 16 MB per connection: a GET or a sign-in form with a large
    declared body was read whole before anything looked at it."""
    big = [(b"content-length", b"15900000")]
    status, read, _ = _raw_post(api, big, b"x", method="GET", path="/api/status")
    assert (status, read) == (413, False)
    for path in ("/login", "/logout", "/articles/0123456789abcdef/delete"):
        assert _raw_post(api, big, b"x", path=path)[:2] == (413, False), path
    streamed = _raw_post(api, [(b"transfer-encoding", b"chunked")], b"t" * 70_000, path="/login")
    assert streamed[0] == 413  # a body with no declared length is counted as it comes
    response = api.client.request("GET", "/api/status", content=b"{}")
    assert response.status_code == 413
    assert response.json()["error"]["reason"] == "a GET request takes no body: 2 bytes were sent"
    assert api.client.post("/login", data={"token": "pw_wrong"}).status_code != 413  # a real form passes


def test_anonymous_uploads_wait_for_a_slot_and_a_slow_body_times_out(
    make_api: ApiMaker, plugin: None
) -> None:
    api = make_api(api_body_timeout_s=0.5)
    reading: list[int] = []
    release = anyio.Event()
    statuses: dict[int, int] = {}

    async def upload(number: int) -> None:
        async def receive() -> dict[str, Any]:
            if number not in reading:
                reading.append(number)
            await release.wait()  # a client sending its body slowly
            return {"type": "http.request", "body": b"token=x", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses[number] = message["status"]

        headers = [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", b"7")]
        await api.client.app(_scope("POST", "/submit", headers), receive, send)

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for number in range(4):
                group.start_soon(upload, number)
            await anyio.sleep(0.2)
            assert len(reading) == 2  # two slots: the others have not been read at all

    anyio.run(main)
    assert sorted(statuses.values()) == [408, 408, 408, 408]  # each slow body gave up after 0.5 s
    done = api.client.post("/submit", data={"token": api.secret, "text": SAMPLE_TEXT}, follow_redirects=False)
    assert done.status_code == 303  # the slots were given back


# --- what a submission may carry -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(8)", "data:text/html,<b>x</b>", "/relative/path", "https://"]
)
def test_source_urls_must_be_http(api: Api, url: str) -> None:
    response = api.client.post(
        "/api/articles", json={"text": SAMPLE_TEXT, "source_url": url}, headers=api.auth
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["input"] == "body.source_url" and "http(s) URL" in error["reason"]
    page = api.client.post("/submit", data={"token": api.secret, "text": SAMPLE_TEXT, "source_url": url})
    assert (
        page.status_code == 422 and "is not an http(s) URL" in page.text and 'id="submit-form"' in page.text
    )
    assert api.store.count_articles() == 0


def test_an_http_source_url_is_the_article_url(api: Api) -> None:
    body = {"text": SAMPLE_TEXT, "source_url": "https://news.example/a?b=1"}
    response = api.client.post("/api/articles", json=body, headers=api.auth)
    assert response.status_code == 201
    assert response.json()["analysis"]["article"]["url"] == "https://news.example/a?b=1"


def test_pasted_text_over_a_megabyte_gets_the_length_check_and_the_form_back(api: Api) -> None:
    text = "NATO expands to the east again. " * 40_000  # 1.28 MB: over starlette's 1 MB part cap
    response = api.client.post(
        "/submit",
        data={"token": api.secret, "text": text, "title": "Kept"},
        files={"file": ("", b"", "application/octet-stream")},  # multipart, as a browser sends the form
    )
    assert response.status_code == 413  # as the API answers
    assert "api_max_article_chars" in response.text and 'id="submit-form"' in response.text
    assert 'value="Kept"' in response.text
    assert api.store.count_articles() == 0


def test_an_empty_uploaded_file_is_named_as_empty(api: Api) -> None:
    response = api.client.post(
        "/submit", data={"token": api.secret}, files={"file": ("notes.txt", b"", "text/plain")}
    )
    assert response.status_code == 422
    assert "uploaded file &#39;notes.txt&#39;: is empty" in response.text
    assert "exactly one" not in response.text


def test_openapi_declares_the_storage_error(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"].get("503")
            assert declared is not None, (method, path)
            assert declared["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    snippet = spec["components"]["schemas"]["ArticleItem"]["properties"]["snippet"]
    assert "escaped" in snippet["description"]


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ({"analyzers": ("techniqes",)}, "'techniqes': is not installed"),
        ({"claims_model": "nope"}, "no model.json"),
    ],
)
def test_the_server_does_not_start_with_analyzers_it_cannot_run(
    tmp_path: Path, setting: dict[str, Any], problem: str
) -> None:
    # The pipeline loads on the first submission: the server started, then answered every one with a 500.
    from propwatch.api.app import create_app
    from propwatch.errors import AnalyzerError

    if "claims_model" in setting:
        setting = {"claims_model": tmp_path / "nope"}
    with pytest.raises(AnalyzerError, match=problem):
        create_app(Settings(data_dir=tmp_path, **setting))
