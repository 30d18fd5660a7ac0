"""Watch RSS/Atom feeds: poll them politely, analyse and store every new item, survive restarts.

Each feed is fetched with a conditional GET (ETag / Last-Modified), so an unchanged feed costs a
304; requests to one host are spaced by ``watch_host_delay``; a failing feed is retried after
``watch_retry_delay`` doubled on each failure in a row, up to ``watch_max_backoff`` (or later, when
its Retry-After asks). Feeds are served in turns: a turn polls the feed when it is due and takes at
most ``watch_items_per_turn`` of its pending items, so one feed with thousands of new items cannot
hold up the others; the rest wait in the state for the feed's next turns (one round later).
What has been seen (item links, validators, pending items, when each feed is due) is saved after
every item in a state file, so a stopped watcher resumes where it was and never stores an item twice.
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import hashlib
import io
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import feedparser

from propwatch.domain import Article
from propwatch.errors import (
    BlockedInputError,
    EmptyInputError,
    FetchError,
    InputError,
    InputTooLargeError,
    PropwatchError,
    StorageError,
    exception_summary,
)
from propwatch.ingest.decode import read_text_file
from propwatch.ingest.feeds import (
    article_from_entry,
    entry_content,
    fill_from_entry,
    is_feed_document,
    without_tracking,
)
from propwatch.ingest.fetch import (
    FEED_ACCEPT,
    fetch_article,
    fetch_url,
    without_credentials,
)
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
# An item whose page fails this many times (an interval apart) is given up, and listed in given_up.
MAX_ITEM_ATTEMPTS = 3
# Given-up items kept per feed in the state, the latest last: weeks of a feed's failures.
MAX_GIVEN_UP = 500
# Items of one feed waiting their turn, each with its feed text: more would grow the state file without
# bound (a feed listing 2,000 new items at every poll had made it 30 MB in two minutes).
MAX_PENDING = 1000
# The state is written at most this often (and at the end of each turn): rewriting megabytes after every
# item had slowed a busy watcher fourfold; a crash redoes at most these seconds of items, never twice stored.
SAVE_EVERY_S = 5.0

# What an item of the feed is kept as while pending: the entry's fields fill_from_entry reads, its link
# (tracking parameters stripped), its own full text when it has one, and when its entry was updated.
ItemRecord = dict[str, Any]

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
    seen: list[str] = field(default_factory=list)  # item keys: its link, or "guid:…" for one without
    item_attempts: dict[str, int] = field(default_factory=dict)
    pending: list[ItemRecord] = field(default_factory=list)  # taken from the feed, not done: oldest first
    given_up: list[dict[str, str]] = field(default_factory=list)  # {"item", "reason", "at"}, latest last
    updated: dict[str, float] = field(default_factory=dict)  # item key → its entry's update time, taken
    flaw: str | None = None  # the malformed-feed flaw last reported: said again only when it changes


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
        self._saved_at = float("-inf")
        self._last_request: dict[str, float] = {}
        self.state = self._load_state()

    # --- state -----------------------------------------------------------------------------------

    def _load_state(self) -> dict[str, FeedState]:
        states: dict[str, FeedState] = {}
        if self.state_path.is_file():
            try:
                saved = json.loads(self.state_path.read_text(encoding="utf-8"))
                known = {f.name for f in dataclasses.fields(FeedState)}  # a later version's extras are left
                states = {
                    url: FeedState(**{name: value for name, value in fields.items() if name in known})
                    for url, fields in saved.get("feeds", {}).items()
                }
            except (ValueError, TypeError, OSError) as error:
                raise StorageError(str(self.state_path), f"cannot read the watch state: {error}") from error
        return {url: states.get(without_credentials(url), FeedState()) for url in self.feeds}

    def save_state(self, *, soon: bool = False) -> None:
        """Write the state file atomically (a kill mid-write leaves the previous one), keeping the feeds
        of other watchers sharing it (another feeds file, from cron or beside this one) as they are.
        ``soon``: only when the last write is :data:`SAVE_EVERY_S` old (after an item).

        Feeds are keyed by their URL without credentials: the file keeps no password.
        """
        now = time.monotonic()
        if soon and now - self._saved_at < SAVE_EVERY_S:
            return
        self._saved_at = now
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
        """Give every feed with work a turn, round after round; sleep while none has any; return once
        ``stop`` is set. A feed has work when its poll is due or pending items of it are ready.

        ``rounds`` ends the loop after that many rounds (for one-shot runs: one turn per feed).
        The item being processed when ``stop`` is set is finished and the state saved first.
        """
        done_rounds = 0
        while not stop.is_set():
            now = self.clock()
            # the feed waiting longest first, else in the feeds file's order
            due = sorted(
                ((state.next_poll, url) for url, state in self.state.items() if _wake(state) <= now),
                key=lambda pair: pair[0],
            )
            for next_poll, url in due:
                if stop.is_set():
                    break
                try:
                    if next_poll <= now:
                        self.poll(url, stop)
                    else:
                        self.take_items(url, stop)
                except (KeyboardInterrupt, MemoryError, StorageError):
                    raise
                except Exception as error:  # a feed's or a site's oddity must not stop the others for good
                    reason = f"failed unexpectedly: {exception_summary(error)}"
                    self._feed_failed(url, self.state[url], reason)
            done_rounds += 1
            if rounds is not None and done_rounds >= rounds:
                break
            wake = min(_wake(state) for state in self.state.values())
            stop.wait(max(0.0, wake - self.clock()))
        self.save_state()

    def poll(self, url: str, stop: threading.Event) -> None:
        """One turn of a due feed: fetch it (conditionally), keep its new items pending, take some."""
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
            if not stop.is_set():  # stopped during a slow fetch: polled again at the next start
                retry_after = error.retry_after if isinstance(error, FetchError) else None
                self._feed_failed(url, state, error.reason, retry_after)
            return
        finally:
            self._done_with_host(url)
        if page.status == 304:
            self._feed_ok(state)
            self._emit("not-modified", url)
        else:
            entries, flaw = _entries(page.text, page.final_url)
            if flaw is not None and not entries:
                self._feed_failed(url, state, f"is a malformed feed: {flaw}")
                return
            note = (
                f" (a malformed feed, read as far as it goes: {flaw})" if flaw and flaw != state.flaw else ""
            )
            state.flaw = flaw
            new, deferred = self._keep_new_items(state, entries)
            # The pending items are in the state: an unchanged feed may be skipped from now on, unless
            # items wait for room (the next poll must read the feed again to take them).
            state.etag = None if deferred else page.headers.get("etag")
            state.last_modified = None if deferred else page.headers.get("last-modified")
            self._feed_ok(state)
            later = f", {deferred} left for later polls ({MAX_PENDING} wait at most)" if deferred else ""
            self._emit("polled", url, f"{len(entries)} items, {new} new{later}{note}")
        self.save_state()
        self.take_items(url, stop)

    def _keep_new_items(self, state: FeedState, entries: list[Any]) -> tuple[int, int]:
        """Add the entries not seen yet (or updated since they were taken) to the pending items, oldest
        first; how many were added, and how many wait for room (taken by a later poll)."""
        pending = {record["key"] for record in state.pending}
        # an older state kept links with their trackers, which a feed may since have changed
        seen = set(state.seen) | {without_tracking(link) for link in state.seen if "?" in link}
        new = deferred = 0
        for number, entry in reversed(list(enumerate(entries, 1))):  # newest first: take oldest first
            record = item_record(entry, number)
            key = record["key"]
            if key in pending or (key in seen and not _updated_since(record, state)):
                continue
            if len(state.pending) >= MAX_PENDING:  # a feed listing thousands of new items at every poll:
                deferred += 1  # not seen, so a later poll takes it once there is room
                continue
            state.pending.append(record)
            pending.add(key)
            new += 1
        return new, deferred

    def take_items(self, feed: str, stop: threading.Event) -> None:
        """Process the feed's ready pending items, oldest first, at most ``watch_items_per_turn``."""
        state = self.state[feed]
        now = self.clock()
        ready = [record for record in state.pending if record.get("retry_at", 0.0) <= now]
        for record in ready[: self.settings.watch_items_per_turn]:
            if stop.is_set():
                break
            if record.get("retry_at", 0.0) <= now:  # a Retry-After met this turn puts its host's items off
                try:
                    self._process_item(feed, record, state, stop)
                except (KeyboardInterrupt, MemoryError, StorageError):
                    raise
                except Exception as error:  # kept pending it would fail first in every turn, for good
                    self._give_up(feed, state, record, f"failed unexpectedly: {exception_summary(error)}")
        self.save_state()

    def _process_item(self, feed: str, record: ItemRecord, state: FeedState, stop: threading.Event) -> None:
        """Fetch, analyse and store one pending item; it leaves the pending items once done or given up."""
        link: str = record.get("link", "")
        content: str = record.get("content", "")
        if not link:
            if not content:
                self._give_up(
                    feed, state, record, "the feed gives it no link, and too little text to analyse"
                )
                return
            name = f"{without_credentials(feed)} entry {_entry_name(record)}"
            self._store_from_feed(feed, record, state, name, None, "no link: the feed's own text")
            return
        if not self._wait_for_host(link, stop):
            return
        failure: PropwatchError | None = None
        try:
            article = fill_from_entry(fetch_article(link, self.settings), record)
        except PropwatchError as error:
            failure = error
        finally:
            self._done_with_host(link)
        if failure is None:
            self._store(feed, record, state, article)
        elif not stop.is_set():  # stopped during a slow fetch: not the item's fault, taken at the next start
            self._page_failed(feed, record, state, failure)

    def _page_failed(self, feed: str, record: ItemRecord, state: FeedState, error: PropwatchError) -> None:
        link, content = record["link"], record.get("content", "")
        if isinstance(error, FetchError) and error.retry_after is not None:
            self._put_off_host(state, link, error.retry_after)
        # a 429 that says when to come back is the site's pace, not the item's fault; one that never
        # does (a site blocking robots) counts, so that the item falls back to the feed's text or is given up
        if isinstance(error, FetchError) and error.status == 429 and error.retry_after is not None:
            self._retry_later(feed, state, record, f"{error.reason} (tried again later)")
            return
        given_up = self._count_attempt(state, record, final=isinstance(error, InputTooLargeError))
        # the feed's text stands for a page of its own site only: a feed may not store made-up text
        # under another outlet's address
        if given_up and content and _same_site(link, feed):  # the page cannot be read, the feed has its text
            why = f"the feed's own text: the page failed: {error.reason}"
            self._store_from_feed(feed, record, state, without_credentials(link), link, why)
        elif given_up:
            self._give_up(feed, state, record, error.reason)
        else:
            self._retry_later(feed, state, record, f"{error.reason}{self._attempt_note(state, record)}")

    def _store_from_feed(
        self, feed: str, record: ItemRecord, state: FeedState, name: str, url: str | None, why: str
    ) -> None:
        try:
            article = article_from_entry(record, record["content"], self.settings, url=url, origin=name)
        except PropwatchError as error:
            self._give_up(feed, state, record, f"{why}; {error.reason}")
            return
        self._store(feed, record, state, article, f" ({why})")

    def _store(
        self, feed: str, record: ItemRecord, state: FeedState, article: Article, note: str = ""
    ) -> None:
        shown = _item_name(record)
        try:
            self._store_item(feed, shown, article, note)
        except BlockedInputError as error:  # deleted with --block: a takedown stays taken down
            self._emit("blocked", feed, f"{shown}: {error.reason}")
            self._done(state, record)
        except StorageError as error:
            # The database is busy or away for a while: not the item's fault, so no attempt is counted.
            self._retry_later(feed, state, record, f"{error.reason} (tried again later)")
        except PropwatchError as error:  # an analyzer broke on this article
            if self._count_attempt(state, record, final=isinstance(error, InputTooLargeError)):
                self._give_up(feed, state, record, error.reason)
            else:
                self._retry_later(feed, state, record, f"{error.reason}{self._attempt_note(state, record)}")
        else:
            self._done(state, record)
        self.save_state(soon=True)

    def _store_item(self, feed: str, shown: str, article: Article, note: str) -> None:
        blocked = BlockList(self.store).find([article])
        if blocked:  # refused before the analysis, not after it
            raise BlockedInputError(shown, blocked_reason(blocked[article.id]))
        if self.store.latest_analyses([article.id]):
            # Stored and analysed: only where it was met this time is new (a copy under this URL).
            self.store.save_article(article)
            self._emit("already-stored", feed, shown + note, article.id)
        else:
            # New, or stored by `ingest` without an analysis: analysed now either way.
            analysis = self.pipeline.run([article])[0]
            self.store.save_analysis(analysis)
            save_signatures(self.store, {article.id: text_signature(article.text, self.params)}, self.params)
            self._emit("stored", feed, shown + note, article.id)

    def _count_attempt(self, state: FeedState, record: ItemRecord, *, final: bool = False) -> bool:
        """Count a failed attempt at an item; True when it is to be given up (after MAX_ITEM_ATTEMPTS, or
        at once when ``final``: a page over a size cap stays over it, and was downloaded each time)."""
        attempts = state.item_attempts.get(record["key"], 0) + 1
        state.item_attempts[record["key"]] = attempts
        return final or attempts >= MAX_ITEM_ATTEMPTS

    @staticmethod
    def _attempt_note(state: FeedState, record: ItemRecord) -> str:
        return f" (attempt {state.item_attempts.get(record['key'], 0)} of {MAX_ITEM_ATTEMPTS})"

    def _retry_later(self, feed: str, state: FeedState, record: ItemRecord, detail: str) -> None:
        """The item stays pending, to be tried again an interval later (or when its site asked)."""
        record["retry_at"] = max(record.get("retry_at", 0.0), self.clock() + self.settings.watch_interval)
        self._emit("item-failed", feed, f"{_item_name(record)}: {detail}")
        self.save_state(soon=True)

    def _put_off_host(self, state: FeedState, link: str, seconds: float) -> None:
        """A Retry-After from an item's site: none of the feed's items on that host is asked before it."""
        until = self.clock() + seconds
        for record in state.pending:
            if record.get("link") and _host(record["link"]) == _host(link):
                record["retry_at"] = max(record.get("retry_at", 0.0), until)

    def _give_up(self, feed: str, state: FeedState, record: ItemRecord, reason: str) -> None:
        """Leave the item for good, listed in the state's given_up with why and when."""
        at = datetime.fromtimestamp(self.clock()).astimezone().isoformat(timespec="seconds")
        state.given_up.append({"item": _item_name(record), "reason": reason, "at": at})
        del state.given_up[:-MAX_GIVEN_UP]
        self._done(state, record)
        self._emit("item-failed", feed, f"{_item_name(record)}: {reason} (given up)")
        self.save_state(soon=True)

    def _done(self, state: FeedState, record: ItemRecord) -> None:
        """The item needs no further attempt: out of the pending items, remembered as seen."""
        key = record["key"]
        with contextlib.suppress(ValueError):
            state.pending.remove(record)
        state.item_attempts.pop(key, None)
        if key in state.seen:  # taken again since its entry was updated: remembered as recent
            state.seen.remove(key)
        state.seen.append(key)
        del state.seen[:-MAX_SEEN]
        if "updated_at" in record:
            state.updated[key] = record["updated_at"]
            for old in list(state.updated)[:-MAX_SEEN]:
                del state.updated[old]

    def _feed_ok(self, state: FeedState) -> None:
        state.failures = 0
        state.next_poll = self.clock() + self.settings.watch_interval

    def _feed_failed(self, url: str, state: FeedState, reason: str, retry_after: float | None = None) -> None:
        state.failures += 1
        delay = min(
            self.settings.watch_retry_delay * 2 ** (state.failures - 1), self.settings.watch_max_backoff
        )
        asked = retry_after is not None and retry_after > delay  # a 429/503's Retry-After is honoured
        delay = max(delay, retry_after or 0.0)
        state.next_poll = self.clock() + delay
        note = " (as its Retry-After asks)" if asked else ""
        self._emit("feed-failed", url, f"{reason}; retrying in {delay:g} s{note}")
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


def _same_site(link: str, feed: str) -> bool:
    """Whether ``link`` is on the feed's own site: the same registrable domain by the public suffix list
    (feeds.example.co.uk and www.example.co.uk are one site; attacker.github.io and github.io are not)."""
    from courlan import extract_domain  # the public suffix list: only where a page failed

    own = extract_domain(feed) or _host(feed)  # an address or "localhost": its host as written
    return bool(own) and (extract_domain(link) or _host(link)) == own


def _entries(text: str, base: str) -> tuple[list[Any], str | None]:
    """The feed's entries (relative links resolved against ``base``, where the feed was found after
    redirects), and what is wrong with it when feedparser had to recover from a flaw."""
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": base}
    # feedparser gets bytes, never a string it might take for a URL or a path to open.
    parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers=headers)
    flaw = " ".join(str(parsed.get("bozo_exception") or "malformed").split()) if parsed.get("bozo") else None
    return list(parsed.entries), flaw


def item_record(entry: Any, number: int) -> ItemRecord:
    """What is kept of a feed entry while its item is pending (plain JSON, for the state file)."""
    link = without_tracking(str(entry.get("link") or "").strip())
    detail = entry.get("author_detail") or {}
    # dict.get: feedparser answers entry.get("updated") with the published date where none is given,
    # and a feed that re-dates its items would have every item taken again.
    updated, updated_parsed = dict.get(entry, "updated"), dict.get(entry, "updated_parsed")
    record: ItemRecord = {
        "key": link or _entry_key(entry, number),
        "link": link,
        "id": str(entry.get("id") or ""),
        "title": str(entry.get("title") or ""),
        "published": str(entry.get("published") or ""),
        "updated": str(updated or ""),
        "author": str(detail.get("name") or entry.get("author") or ""),
        "content": entry_content(entry),
    }
    if updated_parsed:
        record["updated_at"] = float(calendar.timegm(updated_parsed))
    return {name: value for name, value in record.items() if value != ""}


def _entry_key(entry: Any, number: int) -> str:
    """What tells an entry without a link from the others: its guid, else its title (or its place)."""
    if entry.get("id"):
        return f"guid:{entry['id']}"
    # its title, date and text: two link-less "Daily briefing" entries of other texts are two items
    named = "\0".join(
        [
            str(entry.get("title") or ""),
            str(entry.get("published") or entry.get("updated") or ""),
            entry_content(entry) or str(entry.get("summary") or ""),
        ]
    )
    if not named.strip("\0"):  # nothing names it: at worst its place in the feed
        named = f"entry {number}"
    return "entry:" + hashlib.sha256(named.encode("utf-8", "replace")).hexdigest()[:16]


def _entry_name(record: ItemRecord) -> str:
    if record.get("title"):
        return repr(record["title"])
    return f"with guid {record['id']}" if record.get("id") else "without a title or guid"


def _item_name(record: ItemRecord) -> str:
    return without_credentials(record["link"]) if record.get("link") else f"entry {_entry_name(record)}"


def _updated_since(record: ItemRecord, state: FeedState) -> bool:
    """True when the entry was updated after its item was taken (as far as the state remembers)."""
    taken = state.updated.get(record["key"])
    return taken is not None and float(record.get("updated_at", 0.0)) > taken


def _wake(state: FeedState) -> float:
    """When the feed has work next: its poll, or its first pending item ready to be tried."""
    return min([state.next_poll, *(float(record.get("retry_at", 0.0)) for record in state.pending)])
