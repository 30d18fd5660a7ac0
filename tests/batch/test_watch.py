"""Feed watching against a local server: conditional GET, new items only, backoff, politeness, SIGTERM."""

from __future__ import annotations

import importlib
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from batch_corpus import story
from feed_server import FeedServer, FeedSite

from propwatch.batch.watch import FeedWatcher, WatchEvent, read_feeds_file
from propwatch.errors import InputError
from propwatch.settings import Settings
from propwatch.storage import ArticleStore

PLUGIN = Path(__file__).resolve().parents[1] / "fixtures" / "plugin"


@pytest.fixture(scope="module", autouse=True)
def _plugin_on_path() -> Iterator[None]:
    """The 'keywords' analyzer, here as in the subprocess; taken off again so other modules see none."""
    sys.path.insert(0, str(PLUGIN))
    importlib.invalidate_caches()
    yield
    sys.path.remove(str(PLUGIN))
    importlib.invalidate_caches()


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    fields: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "allow_private_addresses": True,  # the test server is on 127.0.0.1
        "respect_robots": False,
        "analyzers": (),
        "detect_language": False,
        "watch_host_delay": 0.0,
        "watch_interval": 60.0,
    }
    return Settings(**{**fields, **overrides})


def site_with(n_items: int) -> FeedSite:
    return FeedSite(items={f"/item/{n}": (f"Story {n}", story(n)) for n in range(n_items)})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ArticleStore]:
    with ArticleStore.open(f"sqlite:///{tmp_path / 'watch.db'}") as opened:
        yield opened


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_conditional_get_and_only_new_items(tmp_path: Path, store: ArticleStore) -> None:
    events: list[WatchEvent] = []
    with FeedServer(site_with(2)) as server:
        feed = f"{server.base}/feed.xml"
        settings = make_settings(tmp_path)
        clock = Clock()
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        stop = threading.Event()
        watcher.run(stop, rounds=1)
        assert [e.kind for e in events] == ["polled", "stored", "stored"]
        assert store.count_articles() == 2
        stored = store.list_articles()
        assert {a.title for a in stored} == {"Story 0", "Story 1"}
        assert all(a.published is not None for a in stored)  # the page has no date: the entry's is taken
        # Second poll: the server is asked with the ETag it gave and answers 304.
        clock.now += settings.watch_interval
        watcher.run(stop, rounds=1)
        assert server.site.requests[-1].headers.get("if-none-match") == '"v1"'
        assert events[-1].kind == "not-modified"
        # A new item and a new ETag: only the new page is fetched.
        server.site.items["/item/9"] = ("Story 9", story(9))
        server.site.etag = '"v2"'
        clock.now += settings.watch_interval
        before = len(server.paths())
        watcher.run(stop, rounds=1)
        assert server.paths()[before:] == ["/feed.xml", "/item/9"]
        assert store.count_articles() == 3
        # State survives a restart: a new watcher waits for the feed's time, sends the validators
        # and fetches no page again.
        restarted = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        restarted.run(stop, rounds=1)
        assert server.paths()[before:] == ["/feed.xml", "/item/9"]
        clock.now += settings.watch_interval
        restarted.run(stop, rounds=1)
        assert server.site.requests[-1].headers.get("if-none-match") == '"v2"'
        assert events[-1].kind == "not-modified" and store.count_articles() == 3
    state = json.loads((settings.data_dir / "watch-state.json").read_text())
    assert len(state["feeds"][feed]["seen"]) == 3


def test_failing_feed_backs_off_exponentially(tmp_path: Path, store: ArticleStore) -> None:
    site = site_with(1)
    site.feed_status = 500
    with FeedServer(site) as server:
        feed = f"{server.base}/feed.xml"
        settings = make_settings(tmp_path, watch_retry_delay=10.0, watch_max_backoff=35.0)
        clock = Clock()
        events: list[WatchEvent] = []
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        stop = threading.Event()
        waits = []
        for _ in range(4):
            watcher.poll(feed, stop)
            waits.append(watcher.state[feed].next_poll - clock.now)
        assert waits == [10.0, 20.0, 35.0, 35.0]
        assert events[0].kind == "feed-failed" and "HTTP 500" in events[0].detail
        # The loop leaves a failing feed alone until its retry time.
        watcher.run(stop, rounds=1)
        assert server.paths().count("/feed.xml") == 4
        site.feed_status = 200
        clock.now += 35.0
        watcher.run(stop, rounds=1)
        assert watcher.state[feed].failures == 0
        assert watcher.state[feed].next_poll == clock.now + settings.watch_interval
        assert store.count_articles() == 1


def test_a_malformed_feed_is_reported_not_polled_quietly(tmp_path: Path, store: ArticleStore) -> None:
    site = FeedSite(raw_feed=b'<rss version="2.0"><channel><item><title>broken')
    with FeedServer(site) as server:
        feed = f"{server.base}/feed.xml"
        events: list[WatchEvent] = []
        watcher = FeedWatcher(
            [feed], make_settings(tmp_path), store=store, on_event=events.append, clock=Clock()
        )
        watcher.poll(feed, threading.Event())
        assert [e.kind for e in events] == ["polled", "item-failed"]
        assert "malformed feed" in events[0].detail and "the feed gives it no link" in events[1].detail
        site.raw_feed, site.etag = b'<rss version="2.0"><channel', '"v2"'  # nothing readable at all
        events.clear()
        watcher.poll(feed, threading.Event())
        assert [e.kind for e in events] == ["feed-failed"] and "is a malformed feed" in events[0].detail


def test_feed_credentials_are_sent_never_printed_nor_kept(tmp_path: Path, store: ArticleStore) -> None:
    with FeedServer(site_with(1)) as server:
        feed = server.base.replace("http://", "http://reader:s3cret@") + "/feed.xml"
        settings = make_settings(tmp_path)
        events: list[WatchEvent] = []
        clock = Clock()
        FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock).run(
            threading.Event(), rounds=1
        )
        assert [e.kind for e in events] == ["polled", "stored"]
        assert server.site.requests[0].headers.get("authorization", "").startswith("Basic ")
        assert all("s3cret" not in f"{e.feed} {e.detail}" for e in events)
        state_text = (settings.data_dir / "watch-state.json").read_text()
        assert "s3cret" not in state_text and f"{server.base}/feed.xml" in state_text
        clock.now += settings.watch_interval  # a restart finds its state under the bare URL
        restarted = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        restarted.run(threading.Event(), rounds=1)
        assert events[-1].kind == "not-modified"


def test_requests_to_one_host_are_spaced(tmp_path: Path, store: ArticleStore) -> None:
    with FeedServer(site_with(3)) as server:
        settings = make_settings(tmp_path, watch_host_delay=0.3)
        watcher = FeedWatcher([f"{server.base}/feed.xml"], settings, store=store)
        watcher.run(threading.Event(), rounds=1)
        times = [request.at for request in server.site.requests]
        assert len(times) == 4
        assert all(later - earlier >= 0.29 for earlier, later in itertools.pairwise(times))


def test_feeds_file(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text("# news\nhttps://a.example/rss\n\nhttps://a.example/rss\nhttp://b.example/atom\n")
    assert read_feeds_file(path, make_settings(tmp_path)) == [
        "https://a.example/rss",
        "http://b.example/atom",
    ]
    path.write_text("ftp://c.example/feed\n")
    with pytest.raises(InputError, match="line 1"):
        read_feeds_file(path, make_settings(tmp_path))


WATCH = "from propwatch.cli import app, main; from propwatch.cli.batch import register; register(app); main()"


def test_sigterm_finishes_the_current_item_and_saves_state(tmp_path: Path) -> None:
    site = site_with(3)
    site.page_delay = 0.8
    feeds = tmp_path / "feeds.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PLUGIN), os.environ.get("PYTHONPATH", "")]),
        "PROPWATCH_DATA_DIR": str(tmp_path / "data"),
        "PROPWATCH_DETECT_LANGUAGE": "false",
        "COLUMNS": "200",
    }
    command = [sys.executable, "-c", WATCH, "watch", str(feeds), "--host-delay", "0", "--interval", "600"]
    command += ["--allow-private-addresses", "--ignore-robots", "-a", "keywords"]
    with FeedServer(site) as server:
        feeds.write_text(f"{server.base}/feed.xml\n")
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        first = process.stdout.readline()  # the first item is stored; the second is being fetched
        if " stored " not in first:
            process.kill()
            pytest.fail(first + process.communicate()[1])
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        rest, errors = process.communicate(timeout=30)
        assert process.returncode == 0, errors
        assert "SIGTERM: stopping after the current item" in errors and "state saved" in errors
        lines = (first + rest).splitlines()
        # every event line starts with the local time it happened at, to the second
        assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d ", line) for line in lines)
        stored_lines = [line for line in lines if line.split(" ", 1)[1].startswith("stored")]
        assert len(stored_lines) == 2  # the item in progress was finished, the third never started
        state = json.loads((tmp_path / "data" / "watch-state.json").read_text())
        feed_state = state["feeds"][f"{server.base}/feed.xml"]
        assert len(feed_state["seen"]) == 2 and len(feed_state["pending"]) == 1  # kept for the next start
        with ArticleStore.open(f"sqlite:///{tmp_path / 'data' / 'propwatch.db'}") as store:
            assert store.count_articles() == 2
        # Started again (here in-process, on the same state file and database) it goes on at once with
        # the pending item, without polling the feed before its time.
        settings = make_settings(tmp_path, analyzers=("keywords",))
        events: list[WatchEvent] = []
        with ArticleStore.from_settings(settings) as store:
            FeedWatcher([f"{server.base}/feed.xml"], settings, store=store, on_event=events.append).run(
                threading.Event(), rounds=1
            )
            assert [event.kind for event in events] == ["stored"]
            assert store.count_articles() == 3


def test_watch_once_exits_2_when_a_feed_fails(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from propwatch.cli import _global
    from propwatch.cli.batch import register

    app = typer.Typer()
    app.callback()(_global)
    register(app)
    site = site_with(1)
    site.feed_status = 500
    with FeedServer(site) as server:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"{server.base}/feed.xml\n", encoding="utf-8")
        arguments = ["--data-dir", str(tmp_path / "data"), "watch", str(feeds), "--once"]
        arguments += ["--allow-private-addresses", "--ignore-robots", "-a", "keywords"]
        result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert "Watching 1 feed;" in result.output and "1 feed polls and 0 items failed" in result.output
    # each event line says when it happened (local time, to the second): when did the feed break?
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"
    assert re.search(rf"^{stamp} error: {server.base}/feed.xml: HTTP 500", result.output, re.MULTILINE)


def test_items_ingested_earlier_are_analysed_and_copies_recorded(tmp_path: Path, store: ArticleStore) -> None:
    # An item `ingest` had stored was never analysed by watch; a copy under another URL went unrecorded.
    from propwatch.service import ingest_sources

    site = FeedSite(items={"/item/0": ("Story 0", story(0)), "/copy/0": ("Story 0", story(0))})
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        [ingested] = list(ingest_sources([f"{server.base}/item/0"], settings, store=store))
        article_id = ingested.analysis.article.id if ingested.analysis else ""
        assert store.latest_analyses([article_id]) == {}
        watcher = FeedWatcher([f"{server.base}/feed.xml"], settings, store=store, on_event=events.append)
        watcher.run(threading.Event(), rounds=1)
    assert [(e.kind, e.article_id) for e in events if e.kind != "polled"] == [
        ("stored", article_id),
        ("already-stored", article_id),
    ]
    assert article_id in store.latest_analyses([article_id])
    seen = store.appearances_of([article_id])[article_id]
    assert f"{server.base}/copy/0" in [a.url for a in seen]


def test_a_busy_database_fails_the_item_not_the_watcher(
    tmp_path: Path, store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "database is locked" ended `propwatch watch`, which runs until it is stopped.
    from propwatch.errors import StorageError

    events: list[WatchEvent] = []
    real = store.save_analysis
    calls = {"n": 0}

    def busy_once(analysis: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise StorageError("sqlite:///watch.db", "cannot store the analysis: database is locked")
        return real(analysis)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "save_analysis", busy_once)
    with FeedServer(site_with(2)) as server:
        settings = make_settings(tmp_path)
        clock = Clock()
        watcher = FeedWatcher(
            [f"{server.base}/feed.xml"], settings, store=store, on_event=events.append, clock=clock
        )
        watcher.run(threading.Event(), rounds=1)
        assert [e.kind for e in events] == ["polled", "item-failed", "stored"]
        assert "database is locked (tried again later)" in events[1].detail
        clock.now += settings.watch_interval
        watcher.run(threading.Event(), rounds=1)
    assert store.count_articles() == 2
    assert [e.kind for e in events].count("stored") == 2


def test_watchers_of_two_feeds_files_keep_each_other_s_state(tmp_path: Path, store: ArticleStore) -> None:
    # Two cron entries (feeds A, feeds B) sharing the data folder wiped each other's state: A's items
    # were fetched again, and a page corrected since was stored a second time.
    events: list[WatchEvent] = []
    with FeedServer(site_with(2)) as first, FeedServer(site_with(1)) as second:
        settings = make_settings(tmp_path)
        clock = Clock()
        feed_a, feed_b = f"{first.base}/feed.xml", f"{second.base}/feed.xml"
        FeedWatcher([feed_a], settings, store=store, on_event=events.append, clock=clock).run(
            threading.Event(), rounds=1
        )
        FeedWatcher([feed_b], settings, store=store, on_event=events.append, clock=clock).run(
            threading.Event(), rounds=1
        )
        state = json.loads((settings.data_dir / "watch-state.json").read_text())
        assert set(state["feeds"]) == {feed_a, feed_b}
        clock.now += settings.watch_interval
        before = len(first.paths())
        FeedWatcher([feed_a], settings, store=store, on_event=events.append, clock=clock).run(
            threading.Event(), rounds=1
        )
        assert first.paths()[before:] == ["/feed.xml"]  # not-modified: no page fetched again


def test_an_article_deleted_with_block_does_not_come_back_through_the_feed(
    tmp_path: Path, store: ArticleStore
) -> None:
    # A takedown: deleted, then stored again at the next poll (or by a watcher with another state file),
    # here under the feed's tracking-parameter link.
    site = FeedSite(items={"/item/0": ("Story 0", story(0)), "/item/1": ("Story 1", story(1))})
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        feed = f"{server.base}/feed.xml"
        FeedWatcher([feed], settings, store=store, on_event=events.append).run(threading.Event(), rounds=1)
        [taken_down] = [a.id for a in store.list_articles() if a.title == "Story 0"]
        store.delete_articles([taken_down], block=True)
        site.items = {"/item/0": ("Story 0", story(0)), "/item/2": ("Story 2", story(2))}
        site.link_query, site.etag = "?utm_source=rss", '"v2"'
        other_state = tmp_path / "other-state.json"
        events.clear()
        FeedWatcher([feed], settings, store=store, state_path=other_state, on_event=events.append).run(
            threading.Event(), rounds=1
        )
    [blocked] = [e for e in events if e.kind == "blocked"]
    assert blocked.detail.startswith(
        f"{server.base}/item/0: was deleted with --block on"
    )  # trackers stripped
    assert taken_down in blocked.detail
    assert {a.title for a in store.list_articles()} == {"Story 1", "Story 2"}


def test_an_article_over_the_length_cap_is_given_up_at_once(tmp_path: Path, store: ArticleStore) -> None:
    # It was fetched again at three polls, though it could not get shorter.
    events: list[WatchEvent] = []
    with FeedServer(site_with(1)) as server:
        settings = make_settings(tmp_path, analyzers=("keywords",), max_article_chars=50)
        FeedWatcher([f"{server.base}/feed.xml"], settings, store=store, on_event=events.append).run(
            threading.Event(), rounds=1
        )
    [failed] = [e for e in events if e.kind == "item-failed"]
    assert "max_article_chars" in failed.detail and failed.detail.endswith("(given up)")
    state = json.loads((settings.data_dir / "watch-state.json").read_text())
    assert state["feeds"][f"{server.base}/feed.xml"]["seen"] == [f"{server.base}/item/0"]


def test_a_big_feed_does_not_hold_up_the_others(tmp_path: Path, store: ArticleStore) -> None:
    # A 2,000-item first poll was worked through before any other feed was polled again: hours.
    events: list[WatchEvent] = []
    with FeedServer(site_with(5)) as big, FeedServer(FeedSite(items={"/9": ("S", story(9))})) as small:
        settings = make_settings(tmp_path, watch_items_per_turn=2)
        clock = Clock()
        feeds = [f"{big.base}/feed.xml", f"{small.base}/feed.xml"]
        watcher = FeedWatcher(feeds, settings, store=store, on_event=events.append, clock=clock)
        watcher.run(threading.Event(), rounds=1)  # one turn each: two items of the big feed, then the small
        assert [(e.kind, e.feed == feeds[0]) for e in events] == [
            ("polled", True),
            ("stored", True),
            ("stored", True),
            ("polled", False),
            ("stored", False),
        ]
        assert "5 items, 5 new" in events[0].detail
        assert len(watcher.state[feeds[0]].pending) == 3
        watcher.run(threading.Event(), rounds=1)  # the next round goes on without polling the feed again
        assert big.paths().count("/feed.xml") == 1 and store.count_articles() == 5
        # The rest is in the state: a restart takes it, still without polling before the interval.
        events.clear()
        FeedWatcher(feeds, settings, store=store, on_event=events.append, clock=clock).run(
            threading.Event(), rounds=1
        )
        assert [e.kind for e in events] == ["stored"] and store.count_articles() == 6
        assert big.paths().count("/feed.xml") == 1
    state = json.loads((settings.data_dir / "watch-state.json").read_text())
    assert state["feeds"][feeds[0]]["pending"] == [] and len(state["feeds"][feeds[0]]["seen"]) == 5


def test_an_item_whose_page_fails_is_stored_from_the_feed_s_own_text(
    tmp_path: Path, store: ArticleStore
) -> None:
    # A paywall's 403 lost the item for good, though the feed carried its whole text.
    site = site_with(2)
    site.page_status = {"/item/0": 403, "/item/1": 403}
    site.full_text = {"/item/0"}  # /item/1's entry has no text of its own
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        clock = Clock()
        feed = f"{server.base}/feed.xml"
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        for _ in range(3):  # the page is tried at three turns an interval apart, then given up
            watcher.run(threading.Event(), rounds=1)
            clock.now += settings.watch_interval
    failed = [e.detail for e in events if e.kind == "item-failed"]
    assert failed[:2] == [f"{server.base}/item/{n}: HTTP 403 Forbidden (attempt 1 of 3)" for n in (0, 1)]
    assert failed[-1] == f"{server.base}/item/1: HTTP 403 Forbidden (given up)"
    [stored] = [e for e in events if e.kind == "stored"]
    assert stored.detail == f"{server.base}/item/0 (the feed's own text: the page failed: HTTP 403 Forbidden)"
    [article] = [store.get_article(summary.id) for summary in store.list_articles()]
    assert (article.title, article.url, article.published) == (
        "Story 0",
        f"{server.base}/item/0",
        date(2024, 4, 2),
    )
    assert article.text == "Story 0\n\n" + story(0).replace("\n", "\n\n")  # the item's title opens it
    # The item given up is listed where a user finds it: the state file, with why and when.
    [given_up] = json.loads((settings.data_dir / "watch-state.json").read_text())["feeds"][feed]["given_up"]
    assert given_up["item"] == f"{server.base}/item/1" and given_up["reason"] == "HTTP 403 Forbidden"
    assert datetime.fromisoformat(given_up["at"]).timestamp() == clock.now - settings.watch_interval
    assert watcher.state[feed].pending == []


def test_relative_links_are_resolved_against_the_feed_s_address_after_redirects(
    tmp_path: Path, store: ArticleStore
) -> None:
    site = FeedSite(items={"/item/0": ("Story 0", story(0))}, redirects={"/old/feed.xml": "/feed.xml"})
    site.raw_feed = b'<rss version="2.0"><channel><title>T</title><item><title>Story 0</title>'
    site.raw_feed += b"<link>item/0</link></item></channel></rss>"
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        watcher = FeedWatcher(
            [f"{server.base}/old/feed.xml"], make_settings(tmp_path), store=store, on_event=events.append
        )
        watcher.run(threading.Event(), rounds=1)
    assert [(e.kind, e.detail) for e in events][1:] == [("stored", f"{server.base}/item/0")]
    assert "/old/item/0" not in server.paths()


def test_retry_after_is_honoured(tmp_path: Path, store: ArticleStore) -> None:
    site = site_with(2)
    site.feed_status, site.feed_headers = 429, {"Retry-After": "120"}
    with FeedServer(site) as server:
        settings = make_settings(tmp_path, watch_retry_delay=10.0)
        clock = Clock()
        events: list[WatchEvent] = []
        feed = f"{server.base}/feed.xml"
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        watcher.poll(feed, threading.Event())
        assert watcher.state[feed].next_poll == clock.now + 120.0  # not the 10 s of the first backoff
        assert events[-1].detail.endswith("retrying in 120 s (as its Retry-After asks)")
        # An item's site asking for a pause: no attempt is counted, and none of its items is asked before.
        site.feed_status = 200
        site.page_status = {"/item/0": 429}
        site.page_headers = {"/item/0": {"Retry-After": "300"}}
        clock.now += 120.0
        watcher.run(threading.Event(), rounds=1)
    assert [e.kind for e in events][1:] == ["polled", "item-failed"]
    assert events[-1].detail == f"{server.base}/item/0: HTTP 429 Too Many Requests (tried again later)"
    assert server.paths().count("/item/1") == 0  # the same host: put off too
    assert [record["retry_at"] for record in watcher.state[feed].pending] == [clock.now + 300.0] * 2
    assert watcher.state[feed].item_attempts == {}


def test_an_entry_without_a_link_is_reported_once_or_read_from_its_own_text(
    tmp_path: Path, store: ArticleStore
) -> None:
    # It failed at every poll, named "entry 1", and --once exited 2 for ever.
    text = "<p>" + story(3).replace("\n", "</p><p>") + "</p>"
    site = FeedSite()
    site.raw_feed = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        '<item><title>Live: the count</title><guid isPermaLink="false">live-1</guid></item>'
        f"<item><title>Full</title><guid isPermaLink='false'>full-1</guid>"
        f"<content:encoded><![CDATA[{text}]]></content:encoded></item></channel></rss>"
    ).encode()
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        clock = Clock()
        feed = f"{server.base}/feed.xml"
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        watcher.run(threading.Event(), rounds=1)
        site.etag = '"v2"'  # the feed is read again in full: still no error
        clock.now += settings.watch_interval
        watcher.run(threading.Event(), rounds=1)
    assert [(e.kind, e.detail) for e in events if e.kind != "polled"] == [
        ("stored", "entry 'Full' (no link: the feed's own text)"),
        (
            "item-failed",
            "entry 'Live: the count': the feed gives it no link, and too little text to analyse (given up)",
        ),
    ]
    [article] = [store.get_article(summary.id) for summary in store.list_articles()]
    assert (
        article.title == "Full"
        and article.url is None
        and article.text.startswith("Full\n\n" + story(3)[:40])
    )
    assert watcher.state[feed].seen == ["guid:full-1", "guid:live-1"]


def test_tracking_parameters_do_not_make_a_new_item(tmp_path: Path, store: ArticleStore) -> None:
    site = site_with(1)
    site.link_query = "?utm_source=rss&fbclid=abc"
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        clock = Clock()
        watcher = FeedWatcher(
            [f"{server.base}/feed.xml"], settings, store=store, on_event=events.append, clock=clock
        )
        watcher.run(threading.Event(), rounds=1)
        site.link_query, site.etag = "?utm_source=twitter&utm_medium=social", '"v2"'
        clock.now += settings.watch_interval
        watcher.run(threading.Event(), rounds=1)
    assert server.paths() == ["/feed.xml", "/item/0", "/feed.xml"]  # fetched without its trackers, once
    assert [e.kind for e in events] == ["polled", "stored", "polled"]
    [article] = [store.get_article(summary.id) for summary in store.list_articles()]
    assert article.url == f"{server.base}/item/0"


def test_a_malformed_feed_is_reported_when_its_flaw_first_shows_or_changes(
    tmp_path: Path, store: ArticleStore
) -> None:
    site = FeedSite(items={"/item/0": ("Story 0", story(0))})
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        clock = Clock()
        feed = f"{server.base}/feed.xml"
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        for n, flaw in enumerate(["&nbsp;", "&nbsp;", "<b>", "<b>"]):  # undefined entity; mismatched tag
            item = f"<item><title>Story 0</title><link>{server.base}/item/0</link></item>"
            site.raw_feed = (
                f'<rss version="2.0"><channel><title>T{flaw}</title>{item}</channel></rss>'.encode()
            )
            site.etag = f'"v{n}"'
            watcher.run(threading.Event(), rounds=1)
            clock.now += settings.watch_interval
    notes = ["malformed feed" in e.detail for e in events if e.kind == "polled"]
    assert notes == [True, False, True, False]


def test_an_updated_entry_is_read_again(tmp_path: Path, store: ArticleStore) -> None:
    # Items were known by their link alone: a corrected article was never read again.
    def atom(base: str, updated: str) -> bytes:
        entry = f'<entry><title>Story 0</title><link href="{base}/item/0"/><id>urn:0</id>'
        entry += f"<published>2024-04-01T10:00:00Z</published><updated>{updated}</updated></entry>"
        return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{entry}</feed>'.encode()

    site = FeedSite(items={"/item/0": ("Story 0", story(0))})
    events: list[WatchEvent] = []
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        clock = Clock()
        watcher = FeedWatcher(
            [f"{server.base}/feed.xml"], settings, store=store, on_event=events.append, clock=clock
        )
        for n, (updated, text) in enumerate(
            [
                ("2024-04-01T10:00:00Z", story(0)),
                ("2024-04-01T15:30:00Z", story(1)),
                ("2024-04-01T15:30:00Z", story(2)),
            ]
        ):
            site.raw_feed, site.etag = atom(server.base, updated), f'"v{n}"'
            site.items["/item/0"] = ("Story 0", text)
            watcher.run(threading.Event(), rounds=1)
            clock.now += settings.watch_interval
    assert server.paths().count("/item/0") == 2  # taken, taken again once updated; not when unchanged
    assert [e.kind for e in events if e.kind != "polled"] == ["stored", "stored"]
    assert store.count_articles() == 2


def test_a_state_file_of_an_earlier_version_is_read(tmp_path: Path, store: ArticleStore) -> None:
    with FeedServer(site_with(2)) as server:
        feed = f"{server.base}/feed.xml"
        settings = make_settings(tmp_path)
        old = {"etag": None, "last_modified": None, "next_poll": 0.0, "failures": 0}
        old |= {"seen": [f"{server.base}/item/0"], "item_attempts": {}, "a_later_field": 1}
        settings.data_dir.mkdir(parents=True)
        (settings.data_dir / "watch-state.json").write_text(json.dumps({"feeds": {feed: old}}))
        FeedWatcher([feed], settings, store=store).run(threading.Event(), rounds=1)
        assert server.paths() == ["/feed.xml", "/item/1"]


def test_a_fetch_cut_short_by_a_stop_is_not_counted_as_a_failure(
    tmp_path: Path, store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.batch import watch
    from propwatch.errors import FetchError

    stop = threading.Event()

    def stopped(url: str, *args: object, **kwargs: object) -> object:
        stop.set()  # SIGTERM while the fetch was under way
        raise FetchError(url, "timed out after 20 s")

    with FeedServer(site_with(1)) as server:
        feed = f"{server.base}/feed.xml"
        events: list[WatchEvent] = []
        watcher = FeedWatcher([feed], make_settings(tmp_path), store=store, on_event=events.append)
        with monkeypatch.context() as patched:
            patched.setattr(watch, "fetch_url", stopped)
            watcher.run(stop, rounds=1)
        assert events == [] and watcher.state[feed].failures == 0 and watcher.state[feed].next_poll == 0.0
        stop.clear()
        monkeypatch.setattr(watch, "fetch_article", stopped)
        watcher.run(stop, rounds=1)
    assert [e.kind for e in events] == ["polled"]  # the item's fetch was cut short: no failure either
    assert watcher.state[feed].item_attempts == {} and watcher.state[feed].pending[0].get("retry_at") is None


def test_a_state_file_s_links_with_trackers_are_seen_whatever_the_feed_s_trackers_now(
    tmp_path: Path, store: ArticleStore
) -> None:
    # An older state kept links with their utm_* parameters; a feed that changed them had each item
    # fetched and stored again under its stripped address, a copy of itself.
    with FeedServer(site_with(2)) as server:
        feed = f"{server.base}/feed.xml"
        settings = make_settings(tmp_path)
        old = {"seen": [f"{server.base}/item/0?utm_source=rss&utm_medium=feed"], "next_poll": 0.0}
        settings.data_dir.mkdir(parents=True)
        (settings.data_dir / "watch-state.json").write_text(json.dumps({"feeds": {feed: old}}))
        FeedWatcher([feed], settings, store=store).run(threading.Event(), rounds=1)
        assert server.paths() == ["/feed.xml", "/item/1"]


def test_a_site_that_answers_429_for_ever_without_retry_after_counts_attempts(
    tmp_path: Path, store: ArticleStore
) -> None:
    site = site_with(1)
    site.page_status = {"/item/0": 429}
    with FeedServer(site) as server:
        feed = f"{server.base}/feed.xml"
        watcher = FeedWatcher([feed], make_settings(tmp_path), store=store, clock=Clock())
        watcher.run(threading.Event(), rounds=1)
        assert list(watcher.state[feed].item_attempts.values()) == [1]


def test_link_less_entries_of_one_title_but_other_texts_are_two_items() -> None:
    from propwatch.batch.watch import item_record

    def entry(words: str) -> dict[str, object]:
        return {"title": "Daily briefing", "content": [{"type": "text/html", "value": f"<p>{words}</p>"}]}

    first, second = entry("alpha " * 90), entry("beta " * 90)
    assert item_record(first, 1)["key"] != item_record(second, 2)["key"]
    assert item_record(first, 1)["key"] == item_record(first, 5)["key"]  # not its place in the feed


def test_a_feed_s_text_never_stands_for_a_page_of_another_site(tmp_path: Path, store: ArticleStore) -> None:
    """A feed could store made-up text under another outlet's address: its item's page failed, and the
    text the feed carried was stored as that outlet's article."""
    site = site_with(1)
    site.page_status = {"/item/0": 404}
    site.full_text = {"/item/0"}
    with FeedServer(site) as server:
        settings = make_settings(tmp_path)
        clock = Clock()
        feed = f"{server.base.replace('127.0.0.1', 'localhost')}/feed.xml"  # links name 127.0.0.1
        events: list[WatchEvent] = []
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        for _ in range(3):
            watcher.run(threading.Event(), rounds=1)
            clock.now += settings.watch_interval
    assert [e.kind for e in events].count("stored") == 0
    assert events[-1].detail.endswith("HTTP 404 Not Found (given up)")
    assert watcher.state[feed].given_up[0]["reason"] == "HTTP 404 Not Found"


def test_a_feed_of_thousands_of_new_items_keeps_a_bounded_state_and_loses_none(
    tmp_path: Path, store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.batch import watch

    monkeypatch.setattr(watch, "MAX_PENDING", 3)
    with FeedServer(site_with(5)) as server:
        feed = f"{server.base}/feed.xml"
        settings = make_settings(tmp_path, watch_items_per_turn=1)
        clock = Clock()
        events: list[WatchEvent] = []
        watcher = FeedWatcher([feed], settings, store=store, on_event=events.append, clock=clock)
        watcher.run(threading.Event(), rounds=1)
        state = watcher.state[feed]
        assert len(state.pending) == 2 and state.given_up == []  # three waited, one was taken
        assert events[0].detail == "5 items, 3 new, 2 left for later polls (3 wait at most)"
        assert state.etag is None  # the feed must be read again in full for those two
        for _ in range(6):
            clock.now += settings.watch_interval
            watcher.run(threading.Event(), rounds=1)
    assert sorted(e.detail for e in events if e.kind == "stored") == [
        f"{server.base}/item/{n}" for n in range(5)
    ]


def test_an_unexpected_error_in_one_item_does_not_stop_the_watcher(
    tmp_path: Path, store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.batch import watch

    def broken(*args: object, **kwargs: object) -> object:
        raise OverflowError("Python int too large to convert to C long")

    with FeedServer(site_with(1)) as server:
        feed = f"{server.base}/feed.xml"
        events: list[WatchEvent] = []
        watcher = FeedWatcher([feed], make_settings(tmp_path), store=store, on_event=events.append)
        monkeypatch.setattr(watch, "fetch_article", broken)
        watcher.run(threading.Event(), rounds=1)
    assert events[-1].kind == "item-failed" and "failed unexpectedly: OverflowError" in events[-1].detail


def test_a_site_is_its_registrable_domain() -> None:
    from propwatch.batch.watch import _same_site

    assert _same_site("https://www.example.co.uk/a", "https://feeds.example.co.uk/rss")
    assert not _same_site("https://github.io/x", "https://attacker.github.io/feed.xml")  # shared hosting
    assert not _same_site("https://evil.co.uk/", "https://co.uk/feed.xml")
