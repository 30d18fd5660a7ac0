"""Signatures of stored articles, kept in the database, and the republications of one article.

Each stored article gets its MinHash signature and its LSH band buckets (migration 0003), so the
copies of one article are found with an indexed lookup of its buckets, not a scan of the corpus.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Connection, and_, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from propwatch.domain import Article
from propwatch.errors import PropwatchError, StorageError
from propwatch.republication.minhash import (
    Copy,
    RepublicationCluster,
    Signature,
    SignatureParams,
    band_buckets,
    build_cluster,
    signature_from_bytes,
    signature_to_bytes,
    similarity,
    text_signature,
)
from propwatch.settings import Settings
from propwatch.storage.engine import WRITE_OPTION, reason_of
from propwatch.storage.schema import articles, minhash_bands, minhash_signatures
from propwatch.storage.store import ArticleStore

# Largest cluster followed from one article: a boilerplate-only text could otherwise pull in thousands.
MAX_CLUSTER = 1000
_PAGE = 500


@contextmanager
def _connection(store: ArticleStore, doing: str, *, write: bool = False) -> Iterator[Connection]:
    try:
        # The store exposes no engine; signatures live in its database, beside its tables.
        with store._engine.connect() as conn:
            if write:
                conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn
    except PropwatchError:
        raise
    except SQLAlchemyError as exc:
        raise StorageError(store.url, f"{doing}: {reason_of(exc)}") from exc


def _pks(conn: Connection, article_ids: list[str]) -> dict[str, int]:
    rows = conn.execute(select(articles.c.id, articles.c.pk).where(articles.c.id.in_(article_ids)))
    return {row.id: int(row.pk) for row in rows}


def _write(conn: Connection, pk: int, signature: Signature, params: SignatureParams) -> None:
    conn.execute(delete(minhash_bands).where(minhash_bands.c.article_pk == pk))
    conn.execute(delete(minhash_signatures).where(minhash_signatures.c.article_pk == pk))
    conn.execute(
        insert(minhash_signatures).values(
            article_pk=pk, params=params.key, hashvalues=signature_to_bytes(signature)
        )
    )
    conn.execute(
        insert(minhash_bands),
        [
            {"article_pk": pk, "band": band, "bucket": bucket}
            for band, bucket in enumerate(band_buckets(signature, params))
        ],
    )


def save_signatures(store: ArticleStore, signatures: Mapping[str, Signature], params: SignatureParams) -> int:
    """Keep the signatures of stored articles (by article id); returns how many were written.

    An article that already has a signature made with ``params`` is left as it is; ids of articles
    that are not stored are ignored.
    """
    ids = sorted(signatures)
    written = 0
    for start in range(0, len(ids), _PAGE):
        page = ids[start : start + _PAGE]
        with _connection(store, "cannot store the text signatures", write=True) as conn:
            pks = _pks(conn, page)
            current = set(
                conn.execute(
                    select(minhash_signatures.c.article_pk).where(
                        minhash_signatures.c.article_pk.in_(list(pks.values())),
                        minhash_signatures.c.params == params.key,
                    )
                ).scalars()
            )
            for article_id in page:
                pk = pks.get(article_id)
                if pk is not None and pk not in current:
                    _write(conn, pk, signatures[article_id], params)
                    written += 1
    return written


def sign_article(store: ArticleStore, article: Article, settings: Settings) -> None:
    """Keep the signature of one article just stored (a submission), so its near-copies are found."""
    params = SignatureParams.from_settings(settings)
    save_signatures(store, {article.id: text_signature(article.text, params)}, params)


def index_missing(store: ArticleStore, settings: Settings) -> int:
    """Sign every stored article that has no signature made with the current settings; returns how many."""
    params = SignatureParams.from_settings(settings)
    done = 0
    last_pk = 0
    while True:
        with _connection(store, "cannot read the articles to sign") as conn:
            current = select(minhash_signatures.c.article_pk).where(minhash_signatures.c.params == params.key)
            rows = conn.execute(
                select(articles.c.pk, articles.c.text)
                .where(articles.c.pk > last_pk, articles.c.pk.not_in(current))
                .order_by(articles.c.pk)
                .limit(_PAGE)
            ).all()
            # Another threshold only bands the same signature otherwise: no need to hash the text again.
            kept = {
                int(row.article_pk): signature_from_bytes(bytes(row.hashvalues))
                for row in conn.execute(
                    select(minhash_signatures.c.article_pk, minhash_signatures.c.hashvalues).where(
                        minhash_signatures.c.article_pk.in_([int(row.pk) for row in rows]),
                        minhash_signatures.c.params.startswith(f"{params.signature_key};"),
                    )
                )
            }
        if not rows:
            return done
        # Hashed outside the write transaction, so writers elsewhere wait for the writes only.
        signed = {
            int(row.pk): kept[int(row.pk)] if int(row.pk) in kept else text_signature(row.text, params)
            for row in rows
        }
        with _connection(store, "cannot store the text signatures", write=True) as conn:
            # An article deleted meanwhile is not signed (its signature would have no article); the rest
            # are locked against deletion until the signatures are in (PostgreSQL; SQLite has one writer).
            still = set(
                conn.execute(
                    select(articles.c.pk)
                    .where(articles.c.pk.in_(list(signed)))
                    .with_for_update(read=True, key_share=True)
                ).scalars()
            )
            for pk, signature in signed.items():
                if pk in still:
                    _write(conn, pk, signature, params)
        done += len(still)
        last_pk = int(rows[-1].pk)


def republications_of(
    article_id: str, store: ArticleStore, settings: Settings | None = None
) -> RepublicationCluster | None:
    """The stored texts that are near-copies of this article (transitively), and the other places each
    was met again (:meth:`ArticleStore.appearances_of`), with the earliest as origin.

    None when the text appeared nowhere else. ``article_id`` may be a unique prefix. Every command that
    stores articles signs them (:func:`index_missing`); when the article is still unsigned (a store made
    by an older propwatch, other republication settings), the store's unsigned articles are signed here
    first, once; on a read-only store, its exact copies are found all the same.
    """
    settings = settings or Settings()
    params = SignatureParams.from_settings(settings)
    article = store.get_article(article_id)  # NotFoundError for an unknown id
    with _connection(store, "cannot look up the republications") as conn:
        start_pk = _pks(conn, [article.id])[article.id]
        unsigned = _signature(conn, start_pk, params) is None
    if unsigned:
        # Stored by an older propwatch, or signed with other settings, and so are the others most
        # likely. Every command that stores articles signs them, so this happens once per store.
        with contextlib.suppress(StorageError):  # a read-only store: its exact copies are found all the same
            index_missing(store, settings)
    with _connection(store, "cannot look up the republications") as conn:
        signature = _signature(conn, start_pk, params)
        members = {start_pk: signature} if signature is not None else {}
        pending = [start_pk] if signature is not None else []
        while pending and len(members) < MAX_CLUSTER:
            pk = pending.pop()
            for other, signature in _candidates(conn, pk, params).items():
                if other in members or similarity(members[pk], signature) < params.threshold:
                    continue
                if len(members) >= MAX_CLUSTER:
                    break
                members[other] = signature
                pending.append(other)
        rows = conn.execute(
            select(
                articles.c.id, articles.c.url, articles.c.outlet, articles.c.published, articles.c.title
            ).where(articles.c.pk.in_([start_pk, *members]))
        ).all()
    copies = [
        Copy(article_id=row.id, url=row.url, outlet=row.outlet, published=row.published, title=row.title)
        for row in rows
    ]
    # The same text met again elsewhere (an exact copy): one row in the store, one copy each here.
    for member, seen in store.appearances_of([row.id for row in rows]).items():
        copies.extend(
            Copy(article_id=member, url=a.url, outlet=a.outlet, published=a.published, title=a.title)
            for a in seen
        )
    cluster = build_cluster(copies)
    return cluster if len(cluster.copies) > 1 else None


def _signature(conn: Connection, pk: int, params: SignatureParams) -> Signature | None:
    data = conn.execute(
        select(minhash_signatures.c.hashvalues).where(
            minhash_signatures.c.article_pk == pk, minhash_signatures.c.params == params.key
        )
    ).scalar_one_or_none()
    return None if data is None else signature_from_bytes(bytes(data))


def _candidates(conn: Connection, pk: int, params: SignatureParams) -> dict[int, Signature]:
    """Articles sharing at least one LSH bucket with article ``pk``, with their signatures."""
    mine = minhash_bands.alias("mine")
    theirs = minhash_bands.alias("theirs")
    shared = (
        select(theirs.c.article_pk)
        .join(mine, and_(mine.c.band == theirs.c.band, mine.c.bucket == theirs.c.bucket))
        .where(mine.c.article_pk == pk, theirs.c.article_pk != pk)
        .distinct()
    )
    rows = conn.execute(
        select(minhash_signatures.c.article_pk, minhash_signatures.c.hashvalues).where(
            minhash_signatures.c.article_pk.in_(shared), minhash_signatures.c.params == params.key
        )
    )
    return {int(row.article_pk): signature_from_bytes(bytes(row.hashvalues)) for row in rows}
