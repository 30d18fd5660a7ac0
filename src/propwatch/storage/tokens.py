"""API tokens of the web server: created, listed and revoked by the CLI, checked on every request.

A token is ``pw_`` followed by 43 random URL-safe characters; the database keeps only its SHA-256
(a random 256-bit secret needs no slow hash) and the first characters, so a listing can tell tokens
apart without being able to use them.

A browser that signs in with a token gets a session instead (``pws_`` and 43 random characters, kept
as a SHA-256 too): it lasts hours, not until the token is revoked, it ends on sign-out, and revoking
the token ends it at once. A session stands for its token on pages and API reads, never API writes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from propwatch.errors import InputError, NotFoundError, StorageError
from propwatch.storage.schema import api_tokens, web_sessions
from propwatch.storage.store import ArticleStore

log = logging.getLogger(__name__)

TOKEN_PREFIX = "pw_"
SESSION_PREFIX = "pws_"
SHOWN_CHARS = 10  # "pw_" and 7 characters of the secret: enough to tell tokens apart in a listing
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")
# Recording every use would turn each read into a write; once a minute is enough to see activity.
_LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiToken:
    """What is known about a token without its secret."""

    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _token(row: RowMapping) -> ApiToken:
    return ApiToken(
        name=row["name"],
        prefix=row["prefix"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )


class TokenStore:
    """The API tokens kept in the database of an :class:`ArticleStore`."""

    def __init__(self, store: ArticleStore) -> None:
        self._store = store

    def create(self, name: str) -> tuple[ApiToken, str]:
        """A new token named ``name``: its record and the secret, which is shown this once only."""
        if not _NAME.fullmatch(name):
            raise InputError(
                f"token name {name!r}",
                "use 1-100 letters, digits or . _ @ + - (starting with a letter or digit)",
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)

        def work(conn: Connection) -> ApiToken:
            taken = conn.execute(select(api_tokens.c.revoked_at).where(api_tokens.c.name == name)).first()
            if taken is not None and taken.revoked_at is not None:
                # A name stays with its token, so that the token list keeps who had access and when.
                raise InputError(
                    f"token {name!r}",
                    f"a token with this name was revoked on {taken.revoked_at:%Y-%m-%d}; pick another name",
                )
            if taken is not None:
                raise InputError(
                    f"token {name!r}", "a token with this name exists; revoke it or pick another"
                )
            conn.execute(
                insert(api_tokens).values(
                    name=name, token_hash=hash_secret(secret), prefix=secret[:SHOWN_CHARS], created_at=now
                )
            )
            return ApiToken(name, secret[:SHOWN_CHARS], now, None, None)

        # _retrying_write maps database errors and serialises writers (same package, deliberate).
        return self._store._retrying_write(f"cannot create token {name!r}", work), secret

    def list(self) -> list[ApiToken]:
        """Every token, revoked ones included, oldest first."""
        with self._store._reading("cannot list the API tokens") as conn:
            rows = conn.execute(select(api_tokens).order_by(api_tokens.c.pk)).mappings()
            return [_token(row) for row in rows]

    def revoke(self, name: str) -> ApiToken:
        """Revoke the token named ``name`` (revoking twice keeps the first date)."""
        now = datetime.now(UTC)

        def work(conn: Connection) -> ApiToken:
            row = conn.execute(select(api_tokens).where(api_tokens.c.name == name)).mappings().first()
            if row is None:
                raise NotFoundError(f"token {name!r}", "no API token has this name")
            conn.execute(delete(web_sessions).where(web_sessions.c.token_pk == row["pk"]))  # signed out
            if row["revoked_at"] is None:
                conn.execute(update(api_tokens).where(api_tokens.c.pk == row["pk"]).values(revoked_at=now))
                return ApiToken(row["name"], row["prefix"], row["created_at"], row["last_used_at"], now)
            return _token(row)

        return self._store._retrying_write(f"cannot revoke token {name!r}", work)

    def verify(self, secret: str) -> ApiToken | None:
        """The active token whose secret this is, or None; notes when it was last used."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        digest = hash_secret(secret)
        with self._store._reading("cannot check the API token") as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.token_hash == digest)).mappings().first()
        return self._used(row)

    def open_session(self, token: ApiToken, lifetime: timedelta) -> str:
        """A new browser session for ``token`` (just verified), lasting ``lifetime``: its secret, which
        only the browser keeps. Expired sessions are deleted on the way."""
        secret = SESSION_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)

        def work(conn: Connection) -> str:
            row = conn.execute(
                select(api_tokens.c.pk, api_tokens.c.revoked_at).where(api_tokens.c.name == token.name)
            ).first()
            if row is None or row.revoked_at is not None:
                raise NotFoundError(f"token {token.name!r}", "no active API token has this name")
            conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now))
            conn.execute(
                insert(web_sessions).values(
                    session_hash=hash_secret(secret),
                    token_pk=row.pk,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
            return secret

        return self._store._retrying_write("cannot open a browser session", work)

    def verify_session(self, secret: str) -> ApiToken | None:
        """The token a browser session stands for, or None when the session is unknown, expired or
        its token revoked; notes when the token was last used."""
        if not secret.startswith(SESSION_PREFIX) or len(secret) > 200:
            return None
        digest = hash_secret(secret)
        now = datetime.now(UTC)
        with self._store._reading("cannot check the browser session") as conn:
            row = (
                conn.execute(
                    select(api_tokens)
                    .join(web_sessions, web_sessions.c.token_pk == api_tokens.c.pk)
                    .where(web_sessions.c.session_hash == digest, web_sessions.c.expires_at > now)
                )
                .mappings()
                .first()
            )
        return self._used(row)

    def close_session(self, secret: str) -> None:
        """End a browser session (signing out); an unknown or ended one is left as it is."""
        if not secret.startswith(SESSION_PREFIX) or len(secret) > 200:
            return
        digest = hash_secret(secret)
        self._store._retrying_write(
            "cannot end the browser session",
            lambda conn: conn.execute(delete(web_sessions).where(web_sessions.c.session_hash == digest)),
        )

    def _used(self, row: RowMapping | None) -> ApiToken | None:
        """The token of an api_tokens row, None when there is none or it is revoked; notes its use."""
        if row is None or row["revoked_at"] is not None:
            return None
        token = _token(row)
        now = datetime.now(UTC)
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_EVERY:
            try:
                self._store._retrying_write(
                    "cannot record the use of an API token",
                    lambda conn: conn.execute(
                        update(api_tokens).where(api_tokens.c.pk == row["pk"]).values(last_used_at=now)
                    ),
                )
            except StorageError as error:
                # A read-only store (a replica, a role that may only read) still serves its readers.
                log.warning("%s", error)
        return token
