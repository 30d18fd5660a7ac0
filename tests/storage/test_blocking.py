"""Blocked texts: what `delete --block` removed is refused if it comes again, and only digests are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.domain import Article
from propwatch.errors import BlockedInputError, InputError
from propwatch.storage.blocking import BlockList
from propwatch.storage.records import Appearance
from propwatch.storage.store import ArticleStore
from propwatch.storage.transfer import copy_store

STORY = "The mayor of Xylotown, Barnaby Fennimore, was seen at the harbour on Tuesday evening."


def test_a_blocked_text_and_its_links_are_refused_until_unblocked(tmp_path: Path) -> None:
    path = tmp_path / "blocks.db"
    store = ArticleStore.open(f"sqlite:///{path}")
    taken = Article(text=STORY, url="https://news.example/a1.html", title="Fennimore")
    store.save_article(taken)
    seen = Appearance(
        url="https://mirror.example/copy-7", outlet="Mirror", published=None, title=None, origin=None
    )
    store.save_appearances([(taken.id, seen)])
    outcome = store.delete_articles([taken.id[:8]], block=True)
    assert outcome.blocked and outcome.article_ids == [taken.id]

    for again in (
        Article(text=STORY),  # the same text from anywhere
        Article(text=STORY + " Updated.", url="https://NEWS.example/a1.html?utm_source=rss#top"),
        Article(text="Another version.", url="https://mirror.example/copy-7"),
    ):
        with pytest.raises(BlockedInputError, match=rf"was deleted with --block on .*article {taken.id}"):
            store.save_article(again)
    store.save_article(Article(text="Unrelated news.", url="https://news.example/a2.html"))
    blocks = BlockList(store)
    [entry] = blocks.entries()
    assert (entry.article_id, entry.urls) == (taken.id, 2)
    assert set(blocks.find([Article(text=STORY), Article(text="Unrelated news.")])) == {
        Article(text=STORY).id
    }

    copy = ArticleStore.open(f"sqlite:///{tmp_path / 'copy.db'}")
    assert copy_store(store, copy).blocks == 3  # a takedown holds in a copy of the store: text, 2 links
    with pytest.raises(BlockedInputError):
        copy.save_article(Article(text=STORY))
    copy.close()

    with pytest.raises(InputError, match="no blocked text has this id"):
        blocks.unblock(["ffffffffffff"])
    assert blocks.unblock([taken.id[:6]]) == [taken.id]
    assert store.save_article(Article(text=STORY)) is True
    store.close()
    raw = path.read_bytes()
    assert b"a1.html" not in raw and b"mirror.example" not in raw  # digests only


def test_links_match_as_the_same_page_and_no_other(tmp_path: Path) -> None:
    # Strict normalisation dropped ?newsid=77: blocking one story blocked every story of the site.
    store = ArticleStore.open(f"sqlite:///{tmp_path / 'links.db'}")
    taken = Article(text=STORY, url="https://www.mirror.example/view.php?newsid=77&utm_source=rss")
    kept = Article(text="A football match ended in a draw.", url="https://news.example/sport.html")
    store.save_article(taken)
    store.save_article(kept)
    store.delete_articles([taken.id], block=True)
    for same_page in (
        "http://mirror.example/view.php?newsid=77",
        "https://MIRROR.example:443/view.php?newsid=77#comments",
    ):
        with pytest.raises(BlockedInputError):
            store.save_article(Article(text=f"Another text at {same_page}.", url=same_page))
    assert store.save_article(Article(text="Other story.", url="https://mirror.example/view.php?newsid=78"))
    assert store.save_article(Article(text="Front page.", url="https://mirror.example/view.php"))
    # A stored text met again at a blocked link is refused too: the link is not recorded.
    with pytest.raises(BlockedInputError):
        store.save_article(kept.model_copy(update={"url": "https://mirror.example/view.php?newsid=77"}))
    assert store.appearances_of([kept.id]) == {}
    store.close()


def test_a_takedown_racing_a_save_of_the_same_article_keeps_it_out(
    store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL: the save checked the blocks, the takedown deleted the article and blocked it, and the
    # save, finding no row, stored the text again: blocked and stored at once.
    import threading
    import time

    from propwatch.storage import blocking, writing

    article = Article(text=STORY, url="https://news.example/a1.html")
    store.save_article(article)
    checked, real_check = threading.Event(), blocking.check_not_blocked

    def slow_check(conn, item):  # type: ignore[no-untyped-def]
        real_check(conn, item)
        checked.set()
        time.sleep(1.0)  # the takedown's whole transaction fitted here

    monkeypatch.setattr(writing, "check_not_blocked", slow_check)
    saving = threading.Thread(
        target=lambda: store.save_article(article.model_copy(update={"outlet": "Later"}))
    )
    saving.start()
    assert checked.wait(10)
    store.delete_articles([article.id], block=True)
    saving.join(10)
    assert store.count_articles() == 0
    assert [entry.article_id for entry in BlockList(store).entries()] == [article.id]


def test_a_block_made_before_headlines_opened_texts_still_holds(tmp_path: Path) -> None:
    """Since the headline opens the text, a page blocked earlier (its body alone stored) had come back in
    as a new text; another outlet's copy of a text blocked now, under its own headline, is another text."""
    store = ArticleStore.open(f"sqlite:///{tmp_path / 'blocks.db'}")
    old = Article(text=STORY, title="Fennimore at the harbour")  # stored before: no headline in the text
    new = Article(text=f"Fennimore at the harbour\n\n{STORY}", title="Fennimore at the harbour")
    store.save_article(old)
    store.delete_articles([old.id], block=True)
    with pytest.raises(BlockedInputError):
        store.save_article(new)

    other = "The harbour master of Xylotown resigned on Wednesday after thirty years in the post."
    page = Article(text=f"Harbour master quits\n\n{other}", title="Harbour master quits")
    store.save_article(page)
    store.delete_articles([page.id], block=True)
    with pytest.raises(BlockedInputError):
        store.save_article(page)
    elsewhere = Article(
        text=f"Xylotown loses its harbour master\n\n{other}", title="Xylotown loses its harbour master"
    )
    assert store.save_article(elsewhere) is True
    store.close()
