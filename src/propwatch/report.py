"""The terminal report of one analysis: metadata, the text with spans highlighted, legend and counts."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.control import STRIP_CONTROL_CODES
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from propwatch.analyzers.versions import Installed, outdated_caution
from propwatch.domain import Analysis, Article, Span
from propwatch.export import narrative_matches, similarity_text, span_meaning
from propwatch.models import taxonomy
from propwatch.narratives.catalogue import (
    NARRATIVE_LABEL,
    NARRATIVE_SPAN_PREFIX,
    CatalogueDisplays,
    analysis_threshold,
)
from propwatch.summary import (
    REPORTED_NOTE,
    genre_note,
    stance_evidence,
    summarize,
    target_findings,
    target_line,
)
from propwatch.targets.linking import SPAN_PREFIX, TARGET_LABEL, NarrativeAttacks, TargetProfile

if TYPE_CHECKING:  # MinHash (datasketch, scipy) is imported only where clusters are found
    from propwatch.republication.minhash import RepublicationCluster

# Background colours readable with both dark and light terminal themes.
_PALETTE = (
    "on dark_red",
    "on dark_green",
    "on dark_blue",
    "on dark_magenta",
    "on dark_cyan",
    "on orange4",
    "on purple4",
    "on deep_sky_blue4",
    "on dark_olive_green3",
    "on indian_red",
    "on steel_blue",
    "on medium_purple4",
)
_QUOTE_CHARS = 90
# The targets analyzer's stance labels, and the side their score measures.
_STANCE_WORDS = {"attacked": "attacking", "praised": "praising"}


def _not_analysed(article_id: str) -> str:
    # `propwatch analyze` takes files and URLs, not ids: the stored text is analysed by reanalyze
    return (
        "No analyzer has run on this text yet, so nothing was looked for"
        f" (`propwatch reanalyze {article_id}` runs the installed ones on the stored text)."
    )


# One colour per persuasion-technique category, so techniques of one family read as one.
_CATEGORY_STYLES = {
    taxonomy.ATTACK_ON_REPUTATION: "on dark_red",
    taxonomy.JUSTIFICATION: "on dark_blue",
    taxonomy.SIMPLIFICATION: "on dark_magenta",
    taxonomy.DISTRACTION: "on orange4",
    taxonomy.CALL: "on dark_green",
    taxonomy.MANIPULATIVE_WORDING: "on purple4",
}


def label_style(label: str) -> str:
    """Same label, same colour, in every report: a technique's category colour, else a stable hash."""
    technique = taxonomy.TECHNIQUES.get(label)
    if technique is not None:
        return _CATEGORY_STYLES[technique.category]
    digest = hashlib.blake2s(label.encode("utf-8"), digest_size=2).digest()
    return _PALETTE[int.from_bytes(digest, "big") % len(_PALETTE)]


def _metadata(
    analysis: Analysis,
    narrative_titles: Mapping[str, str] | None = None,
    profiles: list[TargetProfile] | None = None,
) -> Table:
    article = analysis.article
    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows: list[tuple[str, str | None]] = [
        ("Title", article.title),
        ("Id", article.id),
        ("URL", article.url),
        ("Outlet", article.outlet),
        ("Published", article.published.isoformat() if article.published else None),
        ("Place", article.place),
        ("Author", article.author),
        ("Genre (page tag)", article.genre_tag),
        ("Source", "; ".join(article.sources) or None),
        ("Quoted outlets", "; ".join(article.quoted_outlets) or None),
        ("Language", article.language),
        ("Read from", article.origin),
        ("Words", str(len(article.text.split()))),
        ("Analyzers", ", ".join(f"{n} {v}" for n, v in sorted(analysis.analyzers.items())) or None),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, value)
    for name, values in _label_rows(analysis, narrative_titles, profiles or []).items():
        table.add_row(name, values)
    return table


def _label_rows(
    analysis: Analysis,
    narrative_titles: Mapping[str, str] | None = None,
    profiles: list[TargetProfile] | None = None,
) -> dict[str, str]:
    """One row per label name: "Frame: Political (0.70), Economic (0.46)"; a narrative with its similarity,
    threshold and evidence sentences, its title and case links (a match is a lead to check,
    docs/narratives.md). Plain "target" labels are left to the Targets section; attacked and praised
    targets say what their stance rests on, as the Targets section and the article page do."""
    matches = {match.id: match for match in narrative_matches(analysis, narrative_titles)}
    grouped: dict[str, list[str]] = {}
    for label in analysis.labels:
        if label.name == TARGET_LABEL or (label.name in _STANCE_WORDS and profiles):
            continue  # recomputed from the evidence below, as the Targets section and the page show them
        score = f"{label.score:.2f}" if label.score is not None else ""
        if label.name == NARRATIVE_LABEL and label.value in matches:
            match = matches[label.value]
            shown = f"{label.value} ({match.measure()})"
            if match.title:  # what the id stands for
                shown += f"\n  {match.title}"
            shown += "".join(f"\n  {link}" for link in match.links)
        elif label.name in _STANCE_WORDS and label.score is not None:  # the stored stance score
            shown = f"{label.value} ({label.score:.0%} of its evidence weight {_STANCE_WORDS[label.name]})"
        else:
            shown = f"{label.value} ({score})" if score else label.value
        grouped.setdefault(label.name, []).append(shown)
    for profile in profiles or []:
        if profile.stance in _STANCE_WORDS:
            grouped.setdefault(profile.stance, []).append(f"{profile.name} ({stance_evidence(profile)})")
    # Narratives are long names: one per line; the rest fit on one.
    return {
        name.capitalize(): ("\n" if name == NARRATIVE_LABEL else ", ").join(values)
        for name, values in grouped.items()
    }


def _displayable(text: str) -> tuple[str, list[int]]:
    """``text`` as Rich shows it, without the control characters it would strip (a lone CR becomes a
    newline), and the offset there of every offset of ``text`` (its end too)."""
    kept: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        where.append(len(kept))
        if char == "\r" and not text.startswith("\n", i + 1):
            kept.append("\n")
        elif ord(char) not in STRIP_CONTROL_CODES:
            kept.append(char)
    where.append(len(kept))
    return "".join(kept), where


# Around each span where no colour shows (a file, a pipe, NO_COLOR): the report still marks it.
PLAIN_OPEN, PLAIN_CLOSE = "⟦", "⟧"


def highlighted_text(analysis: Analysis, plain: bool = False) -> Text:
    """The article text with each span in its label's colour; overlaps are underlined and bold. With
    ``plain``, each span is put between ⟦ and ⟧ instead, for output that shows no colour.
    Offsets are mapped past the characters Rich strips (``\\r`` of ``\\r\\n`` texts)."""
    shown, where = _displayable(analysis.article.text)
    if plain:
        return Text(
            _bracketed(
                shown,
                [
                    (where[min(s.start, len(where) - 1)], where[min(s.end, len(where) - 1)])
                    for s in analysis.spans
                ],
            )
        )
    text = Text(shown)
    depth = [0] * (len(text) + 1)
    for span in sorted(analysis.spans, key=lambda s: (s.start, -s.end)):
        first, last = where[min(span.start, len(where) - 1)], where[min(span.end, len(where) - 1)]
        text.stylize(label_style(span.label), first, last)
        for i in range(first, last):
            depth[i] += 1
    start = None
    for i, level in enumerate(depth):
        if level > 1 and start is None:
            start = i
        elif level <= 1 and start is not None:
            text.stylize("bold underline", start, i)
            start = None
    return text


def _bracketed(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with :data:`PLAIN_OPEN` before and :data:`PLAIN_CLOSE` after each range (nested ones too)."""
    opens: Counter[int] = Counter(start for start, _ in ranges)
    closes: Counter[int] = Counter(end for _, end in ranges)
    pieces = []
    for i in range(len(text) + 1):
        pieces.append(PLAIN_CLOSE * closes[i] + PLAIN_OPEN * opens[i])
        if i < len(text):
            pieces.append(text[i])
    return "".join(pieces)


def _legend(spans: tuple[Span, ...]) -> Table:
    counts = Counter(span.label for span in spans)
    table = Table(title="Labels", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Label")
    table.add_column("Spans", justify="right")
    for label, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(Text(f" {label} ", style=label_style(label)), str(count))
    return table


def _evidence(
    analysis: Analysis,
    narrative_titles: Mapping[str, str] | None = None,
    reported: frozenset[Span] = frozenset(),
) -> Table:
    table = Table(title="Spans", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Chars", no_wrap=True)
    table.add_column("Label")
    table.add_column("Score", justify="right")
    table.add_column("Text", overflow="fold")
    threshold = None
    if any(s.label.startswith(NARRATIVE_SPAN_PREFIX) for s in analysis.spans):
        threshold = analysis_threshold(analysis, narrative_titles)
    for n, span in enumerate(sorted(analysis.spans, key=lambda s: (s.start, s.end, s.label)), 1):
        quote = " ".join(span.text_of(analysis.article).split())
        if len(quote) > _QUOTE_CHARS:
            quote = quote[: _QUOTE_CHARS - 1] + "…"
        score = f"{span.score:.2f}" if span.score is not None else ""
        label = Text(span.label)
        category, explanation = span_meaning(span.label, narrative_titles)
        notes: list[tuple[str, str]] = []
        if explanation is not None:  # a technique or narrative says what it is, to check the span against
            notes.append((f"\n{category}: {explanation}" if category else f"\n{explanation}", "italic"))
        if threshold is not None and span.label.startswith(NARRATIVE_SPAN_PREFIX):
            notes.append((f"\n{similarity_text(span.score, threshold)}", "italic"))
        if span in reported:  # the article quotes someone else's label: not its own attack
            notes.append((f"\n{REPORTED_NOTE}", "bold yellow"))
        if notes:
            label = Text.assemble((f" {span.label} ", label_style(span.label)), *notes)
        table.add_row(str(n), f"{span.start}-{span.end}", label, score, quote)
    return table


def _summary(analysis: Analysis) -> RenderableType | None:
    """The article-level picture (propwatch.summary): genre against the page's tag, frames, techniques."""
    summary = summarize(analysis)
    table = Table(title="Article", box=box.SIMPLE_HEAD, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    if summary.genre is not None:
        score = f" ({summary.genre_score:.2f})" if summary.genre_score is not None else ""
        tag = f"; the page says {summary.genre_tag!r}" if summary.genre_tag else ""
        table.add_row("Genre", f"{summary.genre}{score}{tag}")
    note = genre_note(summary)
    if note:
        table.add_row("", Text(note, style="bold yellow"))
    for caution in summary.cautions:
        table.add_row("Caution", Text(caution, style="yellow"))
    if summary.top_frames:
        frames = ", ".join(
            f"{f.frame.replace('_', ' ')}" + (f" ({f.score:.2f})" if f.score is not None else "")
            for f in summary.top_frames
        )
        table.add_row("Top frames", frames)
    if summary.propaganda_share is not None and summary.techniques_per_1000_words is not None:
        table.add_row(
            "Techniques",
            f"{summary.technique_spans} span{'' if summary.technique_spans == 1 else 's'}, "
            f"{summary.techniques_per_1000_words:.1f} per 1,000 words, "
            f"covering {summary.propaganda_share:.1%} of the text",
        )
        if summary.per_category:
            table.add_row(
                "Categories",
                ", ".join(f"{name} {count}" for name, count in summary.per_category.items())
                + f" (dominant: {summary.dominant_category})",
            )
    return table if table.row_count else None


def render_analysis(
    analysis: Analysis,
    narrative_attacks: NarrativeAttacks | None = None,
    *,
    plain: bool = False,
    catalogues: CatalogueDisplays | None = None,
    installed: Mapping[str, Installed] | None = None,
) -> RenderableType:
    """The terminal report of ``analysis``; ``plain`` for output that shows no colour (spans bracketed);
    ``catalogues`` (those in use) say what each matched narrative is, and with ``installed`` (the
    analyzers' versions) whether findings were made by other catalogues or analyzers than those now."""
    narrative_titles = catalogues.titles if catalogues else None
    targets = target_findings(analysis, narrative_attacks)
    parts: list[RenderableType] = [_metadata(analysis, narrative_titles, targets.profiles)]
    if catalogues and (stale := outdated_caution(analysis, installed or {}, catalogues.matcher_version)):
        parts.append(Text(stale, style="yellow"))
    article_summary = _summary(analysis)
    if article_summary is not None:
        parts.append(article_summary)
    # Entity mentions are summed up per target below; listing every "Target:" span would bury the evidence.
    shown = analysis.model_copy(
        update={"spans": tuple(s for s in analysis.spans if not s.label.startswith(SPAN_PREFIX))}
    )
    parts.append(Panel(Padding(highlighted_text(shown, plain), (0, 1)), title="Text", title_align="left"))
    if shown.spans:
        parts.extend([_legend(shown.spans), _evidence(shown, narrative_titles, targets.reported)])
    elif not analysis.analyzers:
        parts.append(Text(_not_analysed(analysis.article.id), style="italic"))
    else:
        parts.append(Text("The analyzers found no span in this text.", style="italic"))
    section = _targets(targets.profiles)
    if section is not None:
        parts.append(section)
    return Group(*parts)


def _targets(profiles: list[TargetProfile]) -> RenderableType | None:
    """Who the techniques are aimed at: "NATO — attacked (2 spans, 100% of their weight attacking):
    Doubt ×2"; targets with no technique on one line."""
    if not profiles:
        return None
    lines = [Text("Targets", style="bold italic")]
    lines.extend(Text(f"  {target_line(p)}") for p in profiles if p.techniques)
    others = [f"{p.name} ×{p.mentions}" for p in profiles if not p.techniques]
    if others:
        lines.append(Text(f"  mentioned, no technique linked: {', '.join(others)}", style="italic"))
    return Group(*lines)


def render_republications(cluster: RepublicationCluster, shown: Article | None = None) -> Table:
    """Where else the text appeared, earliest first; ids and dates never fold (to be copied whole).
    ``shown``, the article on display: its own appearance is marked, as the article page marks it."""
    others = len(cluster.copies) - 1
    sites = len(cluster.outlets)  # outlets, or URL hosts: plain-text files read from a folder have none
    where = f" on {sites} site{'' if sites == 1 else 's'} in all" if sites else ""
    times = f"{others} other time{'' if others == 1 else 's'}"
    table = Table(title=f"This text also appeared {times}{where} (earliest first)", title_justify="left")
    table.add_column("Id", no_wrap=True, min_width=16)
    table.add_column("Published", no_wrap=True, min_width=10)
    for column in ("Outlet", "URL", "Headline"):
        table.add_column(column, overflow="fold")
    for copy in cluster.copies:
        when = copy.published.isoformat() if copy.published else ""
        place = (copy.article_id, copy.url, copy.outlet, copy.published, copy.title)
        if shown is not None and place == (shown.id, shown.url, shown.outlet, shown.published, shown.title):
            when = f"{when} (this)".strip()
        table.add_row(copy.article_id, when, copy.outlet or "", copy.url or "", copy.title or "")
    return table
