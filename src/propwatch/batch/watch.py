"""Watch RSS/Atom feeds: poll them politely, analyse and store every new item, survive restarts.

Each feed is fetched with a conditional GET (ETag / Last-Modified), so an unchanged feed costs a
304; requests to one host are spaced by ``watch_host_delay``; a failing feed is retried after
``watch_retry_delay`` doubled on each failure in a row, up to ``watch_max_backoff``. What has been
seen (links, validators, when each feed is due) is saved after every item in a state file, so a
stopped watcher resumes where it was and never stores an item twice.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import feedparser

from propwatch.domain import Article
from propwatch.errors import (
    BlockedInputError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    PropwatchError,
    StorageError,
)
from propwatch.ingest.decode import read_text_file
from propwatch.ingest.feeds import fill_from_entry, is_feed_document
from propwatch.ingest.fetch import FEED_ACCEPT, fetch_article, fetch_url, without_credentials
from propwatch.output_files import write_text
from propwatch.pipeline import Pipeline
from propwatch.republication.minhash import SignatureParams, text_signature
from propwatch.republication.signatures import save_signatures
from propwatch.settings import Settings
from propwatch.storage.blocking import BlockList, blocked_reason
from propwatch.storage.store import ArticleStore

STATE_FILE = "watch-state.json"
# Links remembered per feed: far more than any feed lists at once.
MAX_SEEN = 5000
# An item whose page fails this many polls in a row is given up (and listed as failed).
MAX_ITEM_ATTEMPTS = 3

EventKind = Literal[
    "polled", "not-modified", "stored", "already-stored", "blocked", "item-failed", "feed-failed"
]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` where the OS has flock: one watcher writes the state at a time."""
    try:
        import fcntl
    except ImportError:  # Windows: the atomic replace still leaves a whole file
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class WatchEvent:
    kind: EventKind
    feed: str  # the feed's URL without the credentials it may carry: events are printed
    detail: str = ""  # the item's link, or what went wrong
    article_id: str | None = None


@dataclass
class FeedState:
    """What the watcher knows of one feed between polls (and between runs)."""

    etag: str | None = None
    last_modified: str | None = None
    next_poll: float = 0.0
    failures: int = 0
    seen: list[str] = field(default_factory=list)
    item_attempts: dict[str, int] = field(default_factory=dict)


def read_feeds_file(path: Path, settings: Settings) -> list[str]:
    """Feed URLs, one per line; blank lines and lines starting with '#' are skipped."""
    feeds: list[str] = []
    for number, line in enumerate(read_text_file(path, settings).splitlines(), start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not url.lower().startswith(("http://", "https://")):
            raise InputError(f"{path} line {number}", f"is not an http(s) feed URL: {url!r}")
        feeds.append(url)
    if not feeds:
        raise EmptyInputError(str(path), "lists no feed URLs")
    return list(dict.fromkeys(feeds))


class FeedWatcher:
    """Polls ``feeds`` until stopped; new items are analysed with ``pipeline`` and saved in ``store``."""

    def __init__(
        self,
        feeds: Sequence[str],
        settings: Settings,
        *,
        store: ArticleStore,
        pipeline: Pipeline | None = None,
        state_path: Path | None = None,
        on_event: Callable[[WatchEvent], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.feeds = list(feeds)
        self.settings = settings
        self.store = store
        self.pipeline = pipeline or Pipeline.from_settings(settings)
        self.state_path = state_path or settings.data_dir / STATE_FILE
        self.on_event = on_event or (lambda _event: None)
        self.clock = clock
        self.params = SignatureParams.from_settings(settings)
        self._last_request: dict[str, float] = {}
        self.state = self._load_state()

    # --- state -----------------------------------------------------------------------------------

    def _load_state(self) -> dict[str, FeedState]:
        states: dict[str, FeedState] = {}
        if self.state_path.is_file():
            try:
                saved = json.loads(self.state_path.read_text(encoding="utf-8"))
                states = {url: FeedState(**fields) for url, fields in saved.get("feeds", {}).items()}
            except (ValueError, TypeError, OSError) as error:
                raise StorageError(str(self.state_path), f"cannot read the watch state: {error}") from error
        return {url: states.get(without_credentials(url), FeedState()) for url in self.feeds}

    def save_state(self) -> None:
        """Write the state file atomically (a kill mid-write leaves the previous one), keeping the feeds
        of other watchers sharing it (another feeds file, from cron or beside this one) as they are.

        Feeds are keyed by their URL without credentials: the file keeps no password.
        """
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        ours = {without_credentials(url): asdict(state) for url, state in self.state.items()}
        with _locked(self.state_path.with_name(self.state_path.name + ".lock")):
            others: dict[str, Any] = {}
            with contextlib.suppress(OSError, ValueError, AttributeError):  # none yet, or unreadable
                others = json.loads(self.state_path.read_text(encoding="utf-8")).get("feeds", {})
            write_text(self.state_path, json.dumps({"feeds": {**others, **ours}}, indent=1))

    def _emit(self, kind: EventKind, feed: str, detail: str = "", article_id: str | None = None) -> None:
        self.on_event(WatchEvent(kind, without_credentials(feed), detail, article_id))

    # --- the loop --------------------------------------------------------------------------------

    def run(self, stop: threading.Event, *, rounds: int | None = None) -> None:
        """Poll every due feed, then sleep until the next is due; return once ``stop`` is set.

        ``rounds`` ends the loop after that many passes over the due feeds (for one-shot runs).
        The item being processed when ``stop`` is set is finished and the state saved first.
        """
        done_rounds = 0
        while not stop.is_set():
            now = self.clock()
            due = sorted(
                (state.next_poll, url) for url, state in self.state.items() if state.next_poll <= now
            )
            for _, url in due:
                if stop.is_set():
                    break
                self.poll(url, stop)
            done_rounds += 1
            if rounds is not None and done_rounds >= rounds:
                break
            wake = min(state.next_poll for state in self.state.values())
            stop.wait(max(0.0, wake - self.clock()))
        self.save_state()

    def poll(self, url: str, stop: threading.Event) -> None:
        """Fetch one feed (conditionally) and process its new items."""
        state = self.state[url]
        headers: dict[str, str] = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        if not self._wait_for_host(url, stop):
            return
        try:
            page = fetch_url(url, self.settings, accept=FEED_ACCEPT, request_headers=headers)
            if page.status != 304 and not is_feed_document(page.text):
                raise InputError(url, "is not an RSS or Atom feed")
        except PropwatchError as error:
            self._feed_failed(url, state, error.reason)
            return
        finally:
            self._done_with_host(url)
        if page.status == 304:
            self._feed_ok(state)
            self._emit("not-modified", url)
            self.save_state()
            return
        entries, flaw = _entries(page.text, url)
        if flaw is not None and not entries:
            self._feed_failed(url, state, f"is a malformed feed: {flaw}")
            return
        note = f" (a malformed feed, read as far as it goes: {flaw})" if flaw else ""
        self._emit("polled", url, f"{len(entries)} items{note}")
        finished = True
        seen = set(state.seen)
        for number, entry in reversed(list(enumerate(entries, 1))):  # newest first: store oldest first
            link = str(entry.get("link") or "").strip()
            if not link:
                self._emit("item-failed", url, f"entry {number}: the feed gives it no link")
                continue
            if link in seen:
                continue
            if stop.is_set():
                finished = False
                break
            if self._process_item(url, link, entry, state, stop):
                seen.add(link)
            else:
                finished = False
        if finished:
            # Only now may an unchanged feed be skipped: items still to do must be offered again.
            state.etag = page.headers.get("etag")
            state.last_modified = page.headers.get("last-modified")
        self._feed_ok(state)
        if stop.is_set() and not finished:
            state.next_poll = self.clock()  # stopped half-way: the next start goes on at once
        self.save_state()

    def _process_item(
        self, feed: str, link: str, entry: Any, state: FeedState, stop: threading.Event
    ) -> bool:
        """Fetch, analyse and store one item; True when it needs no further attempt."""
        if not self._wait_for_host(link, stop):
            return False
        try:
            article = fill_from_entry(fetch_article(link, self.settings), entry)
        except PropwatchError as error:
            self._done_with_host(link)
            return self._failed_attempt(
                feed, link, state, error.reason, final=isinstance(error, InputTooLargeError)
            )
        self._done_with_host(link)
        try:
            self._store_item(feed, link, article)
        except BlockedInputError as error:  # deleted with --block: a takedown stays taken down
            self._emit("blocked", feed, f"{without_credentials(link)}: {error.reason}")
            self._mark_seen(state, link)
            self.save_state()
            return True
        except StorageError as error:
            # The database is busy or away for a while: not the item's fault, so no attempt is counted;
            # the feed is read again at the next poll and the item tried again.
            self._emit(
                "item-failed", feed, f"{without_credentials(link)}: {error.reason} (tried again later)"
            )
            self.save_state()
            return False
        except PropwatchError as error:  # an analyzer broke on this article
            return self._failed_attempt(
                feed, link, state, error.reason, final=isinstance(error, InputTooLargeError)
            )
        state.item_attempts.pop(link, None)
        self._mark_seen(state, link)
        self.save_state()
        return True

    def _store_item(self, feed: str, link: str, article: Article) -> None:
        blocked = BlockList(self.store).find([article])
        if blocked:  # refused before the analysis, not after it
            raise BlockedInputError(link, blocked_reason(blocked[article.id]))
        if self.store.latest_analyses([article.id]):
            # Stored and analysed: only where it was met this time is new (a copy under this URL).
            self.store.save_article(article)
            self._emit("already-stored", feed, without_credentials(link), article.id)
        else:
            # New, or stored by `ingest` without an analysis: analysed now either way.
            analysis = self.pipeline.run([article])[0]
            self.store.save_analysis(analysis)
            save_signatures(self.store, {article.id: text_signature(article.text, self.params)}, self.params)
            self._emit("stored", feed, without_credentials(link), article.id)

    def _failed_attempt(
        self, feed: str, link: str, state: FeedState, reason: str, *, final: bool = False
    ) -> bool:
        """Count a failed attempt at an item; True when it is given up (after MAX_ITEM_ATTEMPTS, or at
        once when ``final``: a page over a size cap stays over it, and was downloaded each time)."""
        attempts = state.item_attempts.get(link, 0) + 1
        given_up = final or attempts >= MAX_ITEM_ATTEMPTS
        if given_up:
            state.item_attempts.pop(link, None)
            self._mark_seen(state, link)
        else:
            state.item_attempts[link] = attempts
        note = " (given up)" if given_up else f" (attempt {attempts} of {MAX_ITEM_ATTEMPTS})"
        self._emit("item-failed", feed, f"{without_credentials(link)}: {reason}{note}")
        self.save_state()
        return given_up

    def _mark_seen(self, state: FeedState, link: str) -> None:
        state.seen.append(link)
        del state.seen[:-MAX_SEEN]

    def _feed_ok(self, state: FeedState) -> None:
        state.failures = 0
        state.next_poll = self.clock() + self.settings.watch_interval

    def _feed_failed(self, url: str, state: FeedState, reason: str) -> None:
        state.failures += 1
        delay = min(
            self.settings.watch_retry_delay * 2 ** (state.failures - 1), self.settings.watch_max_backoff
        )
        state.next_poll = self.clock() + delay
        self._emit("feed-failed", url, f"{reason}; retrying in {delay:g} s")
        self.save_state()

    def _wait_for_host(self, url: str, stop: threading.Event) -> bool:
        """Sleep until this host may be asked again; False if stopped while waiting."""
        last = self._last_request.get(_host(url), float("-inf"))
        wait = last + self.settings.watch_host_delay - time.monotonic()
        return not (wait > 0 and stop.wait(wait))

    def _done_with_host(self, url: str) -> None:
        # The delay counts from the end of the last answer: a slow site is not asked faster.
        self._last_request[_host(url)] = time.monotonic()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _entries(text: str, url: str) -> tuple[list[Any], str | None]:
    """The feed's entries, and what is wrong with it when feedparser had to recover from a flaw."""
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": url}
    # feedparser gets bytes, never a string it might take for a URL or a path to open.
    parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers=headers)
    flaw = " ".join(str(parsed.get("bozo_exception") or "malformed").split()) if parsed.get("bozo") else None
    return list(parsed.entries), flaw
