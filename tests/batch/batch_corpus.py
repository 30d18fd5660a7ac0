"""A small corpus for the batch tests: unrelated stories, edited republications, exact copies, bad lines."""

from __future__ import annotations

import json
import random
from pathlib import Path

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sta", "vi", "tor", "pe", "da", "gu", "shi", "ber", "on", "ax"]
# Words the test plugin's 'keywords' analyzer marks, so spans and labels exist.
_KEYWORDS = ["NATO", "Russia", "security", "de-escalation"]


def story(seed: int) -> str:
    rng = random.Random(seed)
    words = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(300)]
    paragraphs = []
    for _ in range(3):
        chosen = [rng.choice(words) for _ in range(rng.randint(25, 35))]
        chosen.insert(rng.randrange(len(chosen)), rng.choice(_KEYWORDS))
        paragraphs.append(" ".join(chosen).capitalize() + ".")
    return "\n".join(paragraphs)


def republished(text: str, site: str) -> str:
    """The text as ``site`` republishes it: a few words changed, its own header and footer."""
    words = text.split(" ")
    words[3] = "edited"
    words[-4] = site.split(".")[0]  # each site edits its own way: without their boilerplate, not copies
    return f"Share this\n{' '.join(words)}\nThis article originally appeared on {site}.\n© 2024 {site}"


def records(n_stories: int) -> list[dict[str, str]]:
    """``n_stories`` stories from three outlets, story 0 republished twice (edited), story 1 copied
    verbatim elsewhere, and story 2 listed twice at the same place (a plain duplicate)."""
    rows = [
        {
            "text": story(seed),
            "url": f"https://outlet{seed % 3}.example/news/{seed}",
            "outlet": f"Outlet {seed % 3}",
            "published": f"2024-02-{seed % 27 + 1:02d}",
        }
        for seed in range(n_stories)
    ]
    rows.insert(
        4,
        {
            "text": republished(story(0), "mirror.example"),
            "url": "https://mirror.example/0",
            "outlet": "Mirror",
            "published": "2024-03-01",
        },
    )
    rows.append(
        {"text": republished(story(0), "echo.example"), "url": "https://echo.example/x", "outlet": "Echo"}
    )
    rows.append({"text": story(1), "url": "https://copycat.example/1", "outlet": "Copycat"})
    rows.append(dict(rows[2]))
    return rows


def write_jsonl(path: Path, rows: list[dict[str, str]], *, broken_line: bool = True) -> Path:
    lines = [json.dumps(row) for row in rows]
    if broken_line:
        lines.insert(len(lines) // 2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
