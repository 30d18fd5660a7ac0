"""API tokens: created with a secret shown once, stored hashed, listed, revoked, verified."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from propwatch.errors import InputError, NotFoundError
from propwatch.storage.schema import api_tokens
from propwatch.storage.store import ArticleStore
from propwatch.storage.tokens import TokenStore, hash_secret


def test_create_verify_list_revoke(store: ArticleStore) -> None:
    tokens = TokenStore(store)
    token, secret = tokens.create("newsroom-bot")
    assert secret.startswith("pw_") and len(secret) > 40 and token.prefix == secret[:10]
    with store._engine.connect() as conn:
        row = conn.execute(select(api_tokens)).mappings().one()
    assert row["token_hash"] == hash_secret(secret) and secret not in row.values()
    verified = tokens.verify(secret)
    assert verified is not None and verified.name == "newsroom-bot"
    assert tokens.list()[0].last_used_at is not None
    assert (
        tokens.verify(secret + "x") is None and tokens.verify("") is None and tokens.verify("other") is None
    )
    revoked = tokens.revoke("newsroom-bot")
    assert not revoked.active
    assert tokens.verify(secret) is None
    assert tokens.revoke("newsroom-bot").revoked_at == revoked.revoked_at  # revoking twice changes nothing
    assert [t.name for t in tokens.list()] == ["newsroom-bot"]
    with pytest.raises(InputError, match=r"was revoked on .*; pick another name"):  # not "revoke it"
        tokens.create("newsroom-bot")


def test_names_are_checked(store: ArticleStore) -> None:
    tokens = TokenStore(store)
    tokens.create("a")
    with pytest.raises(InputError, match="exists"):
        tokens.create("a")
    for bad in ("", " spaced", "semi;colon", "x" * 101):
        with pytest.raises(InputError):
            tokens.create(bad)
    with pytest.raises(NotFoundError, match="no API token"):
        tokens.revoke("missing")


def test_a_read_only_store_verifies_its_tokens(tmp_path: Path) -> None:
    # Noting a token's use wrote to the store: on a read-only replica every signed-in read was a 503.
    path = tmp_path / "replica.db"
    with ArticleStore.open(f"sqlite:///{path}") as writable:
        _, secret = TokenStore(writable).create("reader")
    with ArticleStore.open(f"sqlite:///file:{path}?mode=ro&uri=true", create=False) as replica:
        verified = TokenStore(replica).verify(secret)
    assert verified is not None and verified.name == "reader" and verified.last_used_at is None
