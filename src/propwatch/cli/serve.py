"""``propwatch serve`` (the web app and REST API) and ``propwatch token create|list|revoke``.

Wired into the main app by :func:`register`; kept apart so the CLI starts without importing the web
stack unless one of these commands runs.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from propwatch.cli.options import literal_console, settings_from
from propwatch.errors import ConfigurationError
from propwatch.settings import Settings

out = literal_console()
err = literal_console(stderr=True)

token_app = typer.Typer(
    name="token",
    help="Manage the API tokens that `propwatch serve` accepts (stored hashed in the database).",
    no_args_is_help=True,
)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on. Env: PROPWATCH_SERVE_HOST.")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=1, max=65535, help="Port. Env: PROPWATCH_SERVE_PORT.")
    ] = None,
    private_reads: Annotated[
        bool, typer.Option("--private", help="Reads need a token too (api_public_read off).")
    ] = False,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            help="The https://host[:port] address browsers use when a reverse proxy serves propwatch. "
            "Env: PROPWATCH_SERVE_PUBLIC_URL.",
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="The reverse proxy's addresses, whose X-Forwarded-Proto/For headers are trusted "
            "(comma-separated). Env: PROPWATCH_SERVE_FORWARDED_ALLOW_IPS.",
        ),
    ] = None,
) -> None:
    """Serve the web workbench and the REST API (OpenAPI at /openapi.json)."""
    import uvicorn

    from propwatch.api.app import create_app

    settings = settings_from(
        ctx,
        serve_host=host,
        serve_port=port,
        api_public_read=False if private_reads else None,
        serve_public_url=public_url,
        serve_forwarded_allow_ips=forwarded_allow_ips,
    )
    _check_address(settings.serve_host, settings.serve_port)
    app = create_app(settings)
    behind = f", behind {settings.serve_public_url}" if settings.serve_public_url else ""
    err.print(
        f"propwatch serving on http://{settings.serve_host}:{settings.serve_port}{behind} "
        f"(reads {'public' if settings.api_public_read else 'need a token'}; writes need a token)",
        highlight=False,
    )
    uvicorn.run(app, log_level="info", **uvicorn_options(settings))


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Where uvicorn listens, and whose X-Forwarded-* headers it trusts: only a configured proxy's."""
    trusted = settings.serve_forwarded_allow_ips
    options: dict[str, Any] = {"host": settings.serve_host, "port": settings.serve_port}
    if trusted:
        return {**options, "proxy_headers": True, "forwarded_allow_ips": trusted}
    return {**options, "proxy_headers": False}


def _check_address(host: str, port: int) -> None:
    """Refuse, in one line, an address the server could not listen on (a port in use, an unknown host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConfigurationError(
            f"--host {host}", f"is not an address of this machine ({exc.strerror})"
        ) from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigurationError(
                f"{host}:{port}", f"cannot listen there ({exc.strerror}): choose another --port or --host"
            ) from exc


def _tokens(ctx: typer.Context) -> Any:
    from propwatch.storage.store import ArticleStore
    from propwatch.storage.tokens import TokenStore

    store = ArticleStore.from_settings(settings_from(ctx))
    return store, TokenStore(store)


@token_app.command("create")
def create_token(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name to tell the token by, e.g. 'newsroom-bot'.")],
) -> None:
    """Create a token and print its secret (shown this once only)."""
    store, tokens = _tokens(ctx)
    with store:
        token, secret = tokens.create(name)
    err.print(
        f"Created API token {token.name!r}. Keep the secret below; it cannot be shown again.", highlight=False
    )
    print(secret)


@token_app.command("list")
def list_tokens(ctx: typer.Context) -> None:
    """List the tokens (names and first characters, never the secrets)."""
    store, tokens = _tokens(ctx)
    with store:
        found = tokens.list()
    if not found:
        out.print("No API token yet: create one with `propwatch token create NAME`.")
        return
    table = Table(title="API tokens")
    for column in ("Name", "Starts with", "Created", "Last used", "State"):
        table.add_column(column)
    for token in found:
        table.add_row(
            token.name,
            token.prefix + "…",
            token.created_at.strftime("%Y-%m-%d %H:%M"),
            token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never",
            "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d}",
        )
    out.print(table)


@token_app.command("revoke")
def revoke_token(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Name of the token.")]) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    store, tokens = _tokens(ctx)
    asked = datetime.now(UTC)
    with store:
        token = tokens.revoke(name)
    if token.revoked_at is not None and token.revoked_at < asked:
        said = f"API token {token.name!r} was already revoked on {token.revoked_at:%Y-%m-%d}."
        err.print(said, highlight=False)
    else:
        err.print(f"Revoked API token {token.name!r}.", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``token`` to the main ``propwatch`` app."""
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
