"""Deleting stored articles: everything of theirs goes, all or nothing, and nothing of the others."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from propwatch.domain import Article
from propwatch.errors import NotFoundError
from propwatch.republication.signatures import index_missing, republications_of
from propwatch.settings import Settings
from propwatch.storage.records import Appearance
from propwatch.storage.schema import (
    analyses,
    appearances,
    articles,
    labels,
    minhash_bands,
    minhash_signatures,
    spans,
)
from propwatch.storage.store import ArticleStore

TABLES = (articles, analyses, spans, labels, appearances, minhash_signatures, minhash_bands)
STORY = (
    "The ministry said on Tuesday that the new bridge over the river would open in May, two years late, "
    "after a dispute with the builder over costs that rose by a third since the contract was signed."
)


def rows_of(store: ArticleStore, article_id: str) -> dict[str, int]:
    """How many rows of each table belong to this article (by its full id)."""
    with store._engine.connect() as conn:
        pk = conn.execute(select(articles.c.pk).where(articles.c.id == article_id)).scalar_one_or_none()
        analysis_pks = select(analyses.c.pk).where(analyses.c.article_pk == pk)
        counted = {}
        for table in TABLES:
            if table is articles:
                condition = articles.c.pk == pk
            elif table in (spans, labels):
                condition = table.c.analysis_pk.in_(analysis_pks)
            else:
                condition = table.c.article_pk == pk
            counted[table.name] = conn.execute(
                select(func.count()).select_from(table).where(condition)
            ).scalar_one()
        return counted


@pytest.fixture
def two_stored(store: ArticleStore, make_article, make_analysis, tmp_path) -> tuple[str, str]:
    """Two analysed articles, each with two analyses, an appearance and a signature; the first has a
    near-copy of the second's text so they form one republication cluster."""
    first = make_article(text=STORY + " Residents welcomed the news.", url="https://a.example/1", outlet="A")
    second = make_article(text=STORY + " Drivers were less pleased.", url="https://b.example/2", outlet="B")
    for article in (first, second):
        store.save_analysis(make_analysis(article))
        store.save_analysis(make_analysis(article, version="2.0"))
        seen = Appearance(url=f"{article.url}/copy", outlet="Mirror", published=None, title=None, origin=None)
        store.save_appearances([(article.id, seen)])
    index_missing(store, Settings(data_dir=tmp_path))
    return first.id, second.id


def test_deleting_an_article_removes_all_its_rows_and_keeps_the_others(
    store: ArticleStore, two_stored: tuple[str, str], tmp_path
) -> None:
    gone, kept = two_stored
    kept_rows = rows_of(store, kept)
    assert all(kept_rows.values()), kept_rows  # the fixture filled every table
    cluster = republications_of(kept, store, Settings(data_dir=tmp_path))
    assert cluster is not None and {copy.article_id for copy in cluster.copies} == {gone, kept}

    outcome = store.delete_articles([gone[:8]])

    assert outcome.article_ids == [gone]
    assert outcome.n_analyses == 2
    assert all(count == 0 for count in rows_of(store, gone).values())
    assert rows_of(store, kept) == kept_rows
    with pytest.raises(NotFoundError, match="no stored article has this id"):
        store.get_article(gone)
    assert [hit.summary.id for hit in store.search("residents")] == []
    assert [hit.summary.id for hit in store.search("drivers")] == [kept]
    cluster = republications_of(kept, store, Settings(data_dir=tmp_path))
    assert cluster is not None and {copy.article_id for copy in cluster.copies} == {kept}


def test_an_unknown_id_deletes_nothing(store: ArticleStore, two_stored: tuple[str, str]) -> None:
    first, second = two_stored
    before = {article_id: rows_of(store, article_id) for article_id in two_stored}
    with pytest.raises(NotFoundError, match="ffffffffff"):
        store.delete_articles([first, "ffffffffff"])
    assert {article_id: rows_of(store, article_id) for article_id in two_stored} == before
    assert store.delete_articles([first, second, first]).article_ids == sorted([first, second])
    assert store.count_articles() == 0


def test_a_lone_id_string_is_one_id(store: ArticleStore) -> None:
    article = Article(text="One short text about the weather in spring.")
    store.save_article(article)
    assert store.delete_articles(article.id).article_ids == [article.id]


def test_a_deleted_article_leaves_no_word_in_the_sqlite_file(tmp_path) -> None:
    # The search index only recorded the deletion: "Xyloquent" and the author's name stayed in the file
    # after a takedown, readable by anyone holding it (and freed pages kept text where SQLite does not
    # zero them by default).
    path = tmp_path / "takedown.db"
    store = ArticleStore.open(f"sqlite:///{path}")
    marked = Article(text=STORY + " Xyloquent said so.", title="Fennimore speaks", author="Barnaby Fennimore")
    store.save_article(marked)
    store.save_article(Article(text=STORY + " Drivers were less pleased.", title="Bridge"))
    assert store.search("xyloquent")
    store.delete_articles([marked.id])
    store.close()
    raw = path.read_bytes().lower()
    assert b"xyloquent" not in raw and b"fennimore" not in raw
    reopened = ArticleStore.open(f"sqlite:///{path}")
    assert [hit.summary.title for hit in reopened.search("drivers")] == ["Bridge"]  # the index still works
    reopened.close()
