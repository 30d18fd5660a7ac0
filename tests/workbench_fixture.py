"""Seed data and a live server for the web tests: articles of three outlets, technique spans that
overlap, and an XSS fixture with script in every field a page shows.

The server is uvicorn in a thread on 127.0.0.1; the plugin analyzer of tests/fixtures/plugin
('keywords') is put on sys.path so that submissions get spans.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi.testclient import TestClient

from propwatch.api.app import create_app
from propwatch.domain import Analysis, Article, Label, Span
from propwatch.settings import Settings
from propwatch.storage.store import ArticleStore
from propwatch.storage.tokens import TokenStore

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_DIR = ROOT / "tests" / "fixtures" / "plugin"
SAMPLE = ROOT / "examples" / "rossa-primavera-2022-02-03-opinion.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

XSS_TEXT = (
    "Breaking: <script>window.__xss = 'script'</script> officials met today.\n\n"
    "Witnesses saw <img src=x onerror=\"window.__xss = 'img'\"> and "
    "<svg onload=\"window.__xss='svg'\"></svg> "
    "in the hall. The enemies of the people are everywhere."
)


def technique_analysis(
    text: str, found: list[tuple[str, str, float]], *, labels: tuple[Label, ...] = (), **fields: Any
) -> Analysis:
    """An analysis whose 'techniques' spans mark the first occurrence of each given quote."""
    article = Article(text=text, **fields)
    spans = []
    for quote, technique, score in found:
        start = text.index(quote)
        spans.append(
            Span(start=start, end=start + len(quote), label=technique, score=score, analyzer="techniques")
        )
    return Analysis(
        article=article,
        spans=tuple(spans),
        labels=labels,
        analyzers={"techniques": "test-1", "genre": "test-1", "narratives": "test-1"},
        created_at=datetime(2025, 1, 2, tzinfo=UTC),
    )


TECHNIQUE_TEXT = (
    "The corrupt regime in the capital has once again betrayed every honest worker.\n\n"
    "Experts agree that only one path remains: stand with us or stand with the traitors. "
    "Every patriot knows that our flag never bows. Act now, before it is too late!\n\n"
    "Critics say the plan costs too much, but what about the billions they wasted last year?"
)


def seed(store: ArticleStore) -> dict[str, str]:
    """Articles of three outlets over several months, one with overlapping technique spans, one XSS."""
    ids: dict[str, str] = {}
    main = technique_analysis(
        TECHNIQUE_TEXT,
        [
            ("The corrupt regime", "Name_Calling-Labeling", 0.91),
            ("corrupt regime in the capital has once again betrayed", "Loaded_Language", 0.74),
            ("Experts agree", "Appeal_to_Authority", 0.66),
            ("stand with us or stand with the traitors", "False_Dilemma-No_Choice", 0.83),
            ("the traitors", "Name_Calling-Labeling", 0.58),
            ("our flag never bows", "Flag_Waving", 0.79),
            ("Act now, before it is too late!", "Appeal_to_Time", 0.88),
            ("what about the billions they wasted last year?", "Whataboutism", 0.81),
        ],
        labels=(
            Label(name="genre", value="opinion", score=0.93, analyzer="genre"),
            Label(name="frame", value="Security_and_defense", score=0.71, analyzer="genre"),
            Label(name="frame", value="Political", score=0.55, analyzer="genre"),
            Label(name="narrative", value="The West betrays workers", score=0.64, analyzer="narratives"),
        ),
        title="The regime betrays the workers again",
        outlet="Daily Clarion",
        published=date(2024, 3, 14),
        author="A. Writer",
        language="en",
        url="https://daily-clarion.example/opinion/regime",
    )
    store.save_analysis(main)
    ids["techniques"] = main.article.id
    quotes = [
        ("The corrupt regime", "Name_Calling-Labeling"),
        ("Experts agree", "Appeal_to_Authority"),
        ("Act now, before it is too late!", "Appeal_to_Time"),
        ("our flag never bows", "Flag_Waving"),
        ("what about the billions they wasted last year?", "Whataboutism"),
        ("stand with us or stand with the traitors", "False_Dilemma-No_Choice"),
    ]
    narratives = ["The West betrays workers", "Sanctions hurt Europe", "Elections are rigged"]
    outlets = ["Daily Clarion", "Evening Herald", "Northern Post"]
    for n in range(18):
        outlet = outlets[n % 3]
        chosen = quotes[: 1 + (n * 5) % len(quotes)]
        extra = f"\n\nReport number {n} from {outlet}."
        analysis = technique_analysis(
            TECHNIQUE_TEXT + extra,
            [(q, t, 0.5 + 0.02 * n) for q, t in chosen],
            labels=(
                Label(name="narrative", value=narratives[(n + n // 3) % 3], score=0.6, analyzer="narratives"),
            ),
            title=f"{outlet} report {n}",
            outlet=outlet,
            published=date(2024, 1 + n % 6, 1 + n),
            language="en",
        )
        store.save_analysis(analysis)
    return ids


def xss_analysis() -> Analysis:
    """Script and event handlers in every field a page shows: text, title, outlet, URL, labels."""
    return Analysis(
        article=Article(
            text=XSS_TEXT,
            title="<script>window.__xss = 'title'</script><b>bold?</b>",
            outlet='Evil"><script>window.__xss="outlet"</script>',
            url="javascript:window.__xss='url'",
            author="<img src=x onerror=\"window.__xss='author'\">",
            language="en",
        ),
        spans=(
            Span(
                start=XSS_TEXT.index("<script>"),
                end=XSS_TEXT.index("</script>") + 9,
                label="Loaded_Language",
                score=0.9,
                analyzer="techniques",
            ),
            Span(
                start=XSS_TEXT.index("The enemies"),
                end=len(XSS_TEXT),
                label='"><img src=x onerror="window.__xss=\'label\'">',
                score=0.5,
                analyzer="keywords",
            ),
        ),
        labels=(Label(name="genre", value="<script>window.__xss='genre'</script>", analyzer="genre"),),
        analyzers={"techniques": "test-1", "keywords": "1.0", "genre": "test-1"},
    )


@dataclass(frozen=True)
class LiveServer:
    url: str
    token: str
    ids: dict[str, str]
    store: ArticleStore


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(folder: Path) -> Iterator[LiveServer]:
    """A seeded store and the app serving it on a free port of 127.0.0.1, stopped on exit."""
    sys.path.insert(0, str(PLUGIN_DIR))  # the 'keywords' analyzer, found through its dist-info
    settings = Settings(db=f"sqlite:///{folder / 'web.db'}", data_dir=folder, analyzers=("keywords",))
    store = ArticleStore.from_settings(settings)
    _, secret = TokenStore(store).create("browser")
    ids = seed(store)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, store=store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", secret, ids, store)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
        sys.path.remove(str(PLUGIN_DIR))


@dataclass
class Api:
    client: TestClient
    store: ArticleStore
    secret: str
    settings: Settings

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


ApiMaker = Callable[..., Api]
