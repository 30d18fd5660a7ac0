"""Copying a store into another database (SQLite into SQLite or PostgreSQL): everything arrives, in
order, and a copy interrupted and run again ends complete without doubling anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.domain import Analysis, Article
from propwatch.errors import InputError
from propwatch.storage import transfer
from propwatch.storage.records import Appearance
from propwatch.storage.store import ArticleStore
from propwatch.storage.tokens import TokenStore

TEXTS = [
    "The corrupt puppets in Brussels lie again about the gas price, the spokesman said on Monday.",
    "Parliament passed the budget on Tuesday after a debate that lasted into the night in Warsaw.",
    "Санкции бьют по Европе сильнее, чем по России, заявил министр в четверг.",
]


@pytest.fixture
def source(tmp_path: Path, make_analysis) -> ArticleStore:
    with ArticleStore.open(f"sqlite:///{tmp_path / 'source.db'}") as store:
        for number, text in enumerate(TEXTS):
            article = Article(text=text, outlet=f"Outlet {number}", url=f"https://o{number}.example/a")
            store.save_analysis(make_analysis(article, version="1.0", n_spans=2))
            store.save_analysis(make_analysis(article, version="2.0", n_spans=3))
            store.save_appearances([(article.id, Appearance(url=f"https://mirror.example/{number}"))])
        store.save_article(Article(text="An article stored without any analysis, ingested only."))
        TokenStore(store).create("alice")
        yield store


def everything(store: ArticleStore) -> list[tuple[object, ...]]:
    """Each article in listing order with every analysis version, and where else it appeared."""
    found = []
    for summary in store.list_articles(limit=100):
        versions = store.model_versions(summary.id)
        analyses: list[Analysis] = [store.get_analysis(summary.id, v) for v in versions]
        found.append(
            (
                summary,
                [(a.model_version, a.spans, a.labels, dict(a.analyzers), a.created_at) for a in analyses],
                store.get_article(summary.id),
                store.appearances_of([summary.id]).get(summary.id, []),
            )
        )
    return found


def test_everything_arrives_in_the_same_order(source: ArticleStore, database_url: str) -> None:
    with ArticleStore.open(database_url) as target:
        done = transfer.copy_store(source, target)
        assert (done.articles, done.skipped, done.analyses, done.spans, done.tokens) == (4, 0, 6, 15, 1)
        assert everything(target) == everything(source)
        assert [hit.summary.id for hit in target.search("санкция")] == [
            hit.summary.id for hit in source.search("санкция")
        ]
        assert [t.name for t in TokenStore(target).list()] == ["alice"]

        again = transfer.copy_store(source, target)
        assert (again.articles, again.skipped, again.analyses, again.tokens) == (0, 4, 0, 0)
        assert everything(target) == everything(source)


def test_an_interrupted_copy_resumes_without_doubles(
    source: ArticleStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "PAGE", 2)
    real = transfer._write_page
    pages: list[int] = []

    def failing_second_page(page, conn):  # type: ignore[no-untyped-def]
        pages.append(1)
        if len(pages) == 2:
            raise KeyboardInterrupt  # as a user's Ctrl-C, mid-transaction
        return real(page, conn)

    monkeypatch.setattr(transfer, "_write_page", failing_second_page)
    with ArticleStore.open(f"sqlite:///{tmp_path / 'target.db'}") as target:
        with pytest.raises(KeyboardInterrupt):
            transfer.copy_store(source, target)
        assert target.count_articles() == 2  # the first page, whole; nothing of the second
        monkeypatch.setattr(transfer, "_write_page", real)
        done = transfer.copy_store(source, target)
        assert (done.articles, done.skipped) == (2, 2)
        assert everything(target) == everything(source)


def test_a_store_is_not_copied_into_itself_nor_into_memory(source: ArticleStore, tmp_path: Path) -> None:
    # The same file spelt another way was "copied" (0 articles, all "already there"), and a copy into
    # memory reported success into a database gone at exit.
    path = tmp_path / "source.db"
    (tmp_path / "link.db").symlink_to(path)
    for spelling in (
        source._url,
        f"sqlite:///{tmp_path}/../{tmp_path.name}/source.db",
        f"sqlite:///{tmp_path / 'link.db'}",
        f"sqlite:///file:{path}?mode=rw&uri=true",
    ):
        with (
            ArticleStore.open(spelling) as same,
            pytest.raises(InputError, match="is the database being copied"),
        ):
            transfer.copy_store(source, same)
    with ArticleStore.open("sqlite://") as memory, pytest.raises(InputError, match="in-memory database"):
        transfer.copy_store(source, memory)
