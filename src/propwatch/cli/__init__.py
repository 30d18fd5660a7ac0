"""The ``propwatch`` command: parse options, call one library function, format the result."""

from __future__ import annotations

import contextlib
import errno
import inspect
import io
import json
import sys
import traceback
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.rule import Rule
from rich.table import Table

from propwatch import __version__
from propwatch.analyzers import registry
from propwatch.analyzers.versions import installed_versions
from propwatch.cli import filters
from propwatch.cli.options import (
    DefaultOutlet,
    binary_output,
    global_options_first,
    labelled,
    literal_console,
    settings_from,
    text_output,
    write_json,
)
from propwatch.cli.tally import Tally
from propwatch.domain import Analysis
from propwatch.errors import ConfigurationError, PropwatchError
from propwatch.export import analysis_json_schema, write_analyses
from propwatch.export_formats import EXPORT_FORMATS, ZIP_FORMATS, write_export
from propwatch.narratives.catalogue import catalogue_displays
from propwatch.report import render_analysis, render_republications
from propwatch.service import Outcome, analyze_sources, ingest_sources
from propwatch.settings import Settings, default_data_dir
from propwatch.storage.store import ArticleStore

if TYPE_CHECKING:  # MinHash (datasketch, scipy) is imported only by the commands that use it
    from propwatch.republication.minhash import RepublicationCluster

app = typer.Typer(
    name="propwatch",
    help="Find, with evidence, how news and opinion articles try to persuade.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = literal_console()
err = literal_console(stderr=True)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


ExportFormat = StrEnum("ExportFormat", {name: name for name in EXPORT_FORMATS})  # type: ignore[misc]


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class IngestFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"


def _print_version(value: bool) -> None:
    if value:
        out.print(f"propwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (sqlite:///file.db, postgresql://…). Env: PROPWATCH_DB."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help=f"Folder for the default database, catalogues and caches (default: {default_data_dir()}). "
            "Env: PROPWATCH_DATA_DIR.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = {k: v for k, v in {"db": db, "data_dir": data_dir}.items() if v is not None}


def _add_column(table: Table, name: str) -> None:
    """Ids and dates whole on one line (a folded id cannot be copied); other columns fold."""
    if name in ("Id", "Published"):
        table.add_column(name, no_wrap=True, min_width=16 if name == "Id" else 10)
    else:
        table.add_column(name, overflow="fold")


class _NothingToWrite(Exception):
    """Ends an output block early, so that its file is not replaced."""


def _print_reports(
    analyses: Iterable[Analysis],
    fmt: ReportFormat,
    stream: TextIO,
    settings: Settings,
    republications: Mapping[str, RepublicationCluster | None] | None = None,
) -> None:
    if fmt is ReportFormat.text:
        console = out if stream is sys.stdout else literal_console(file=stream, width=100, color_system=None)
        plain = console.color_system is None or console.no_color  # spans bracketed where no colour shows
        shown = catalogue_displays(settings, versioned=True)  # the report says when findings are stale
        installed = installed_versions(settings)
        for n, analysis in enumerate(analyses):
            if n:
                console.print(Rule())
            console.print(
                render_analysis(analysis, shown.attacks, plain=plain, catalogues=shown, installed=installed)
            )
    else:
        attacks, titles, _ = catalogue_displays(settings)
        fmt_name: Any = fmt.value  # json, jsonl or csv: the text format was handled above
        write_analyses(analyses, fmt_name, stream, attacks, republications, narrative_titles=titles)


def _analyses(outcomes: Iterable[Outcome]) -> Iterator[Analysis]:
    return (o.analysis for o in outcomes if o.analysis is not None)


SourcesArg = Annotated[
    list[str], typer.Argument(help="Files, folders, URLs, JSONL/CSV/WARC files, feeds; '-' reads stdin.")
]
AllowPrivate = Annotated[
    bool | None,
    typer.Option(
        "--allow-private-addresses", help="Fetch URLs on loopback/private networks (off: SSRF guard)."
    ),
]
InputEncoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Encoding of the files and stdin when it is not detected right, e.g. cp1251. "
        "Env: PROPWATCH_INPUT_ENCODING.",
    ),
]
IgnoreRobots = Annotated[
    bool, typer.Option("--ignore-robots", help="Fetch pages even where robots.txt forbids it.")
]


@app.command()
def analyze(
    ctx: typer.Context,
    sources: SourcesArg,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not save articles and analyses.")] = False,
    analyzer: Annotated[
        list[str] | None, typer.Option("--analyzer", "-a", help="Run only these analyzers (repeatable).")
    ] = None,
    allow_private_addresses: AllowPrivate = None,
    ignore_robots: IgnoreRobots = False,
    outlet: DefaultOutlet = None,
    encoding: InputEncoding = None,
) -> None:
    """Analyse articles and print a report; stores them unless --no-store."""
    settings = settings_from(
        ctx,
        analyzers=tuple(analyzer) if analyzer else None,
        allow_private_addresses=allow_private_addresses,
        respect_robots=False if ignore_robots else None,
        input_encoding=encoding,
    )
    tally = Tally("Analysed")
    try:
        with contextlib.ExitStack() as stack:
            store = None if no_store else stack.enter_context(ArticleStore.from_settings(settings))
            stream = stack.enter_context(text_output(output))
            outcomes = tally.track(
                analyze_sources(sources, settings, store=store, stdin=sys.stdin.buffer, outlet=outlet)
            )
            _print_reports(_analyses(outcomes), fmt, stream, settings)
            if output is not None and tally.seen == len(tally.failures):
                raise _NothingToWrite  # the file is left as it was, not replaced by an empty one
    except _NothingToWrite:
        err.print(f"No article could be analysed: {output} was left as it was.", highlight=False)
    except KeyboardInterrupt:
        tally.interrupted(storing=not no_store, output=output)
    tally.finish(storing=not no_store)


@app.command()
def ingest(
    ctx: typer.Context,
    sources: SourcesArg,
    allow_private_addresses: AllowPrivate = None,
    ignore_robots: IgnoreRobots = False,
    outlet: DefaultOutlet = None,
    encoding: InputEncoding = None,
    fmt: Annotated[
        IngestFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: a line per article; jsonl: a JSON record a line per article (status, id, title, "
            "url, origin), for scripts.",
        ),
    ] = IngestFormat.text,
) -> None:
    """Read articles and store them without analysing them."""
    settings = settings_from(
        ctx,
        allow_private_addresses=allow_private_addresses,
        respect_robots=False if ignore_robots else None,
        input_encoding=encoding,
    )
    tally = Tally("Ingested")
    try:
        with ArticleStore.from_settings(settings) as store:
            read = ingest_sources(sources, settings, store=store, stdin=sys.stdin.buffer, outlet=outlet)
            for outcome in tally.track(read):
                if outcome.analysis is None:
                    continue
                article = outcome.analysis.article
                state = "stored" if outcome.article_stored else "already stored"
                if fmt is IngestFormat.jsonl:  # one record a line as each is stored: `| jq -r .id`
                    record = {"status": state, "id": article.id, "title": article.title}
                    record |= {"url": article.url, "origin": article.origin}
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                    sys.stdout.flush()
                else:  # one line each, never folded: a long title is cut by the terminal, not wrapped
                    line = f"{state:>14}  {article.id}  {article.title or article.origin or ''}"
                    out.print(line, highlight=False, soft_wrap=True)
    except KeyboardInterrupt:
        tally.interrupted(storing=True)
    tally.finish(storing=True)


@app.command("list")
def list_articles(
    ctx: typer.Context,
    outlet: filters.Outlet = None,
    language: filters.Language = None,
    genre: filters.Genre = None,
    since: filters.Since = None,
    until: filters.Until = None,
    technique: filters.Technique = None,
    category: filters.Category = None,
    narrative: filters.Narrative = None,
    target: filters.Target = None,
    attacked: filters.Attacked = None,
    praised: filters.Praised = None,
    limit: Annotated[int, typer.Option(min=1, help="How many to show.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="How many to skip.")] = 0,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
) -> None:
    """List stored articles, newest first; filters on what their latest analysis found too
    (e.g. --attacked NATO --technique Doubt)."""
    from propwatch.storage.queries import find_articles

    settings = settings_from(ctx)
    options = filters.given(locals())
    with ArticleStore.from_settings(settings, create=False) as store:
        query = filters.article_query(settings, store, **options)
        page = find_articles(store, query, limit=limit, offset=offset, most=None)
    rows, total = [found.summary for found in page.items], page.total
    if fmt is ListFormat.json:
        write_json([_summary_record(r) for r in rows])
        return
    table = Table(title=f"{total} stored articles" + (f", showing {len(rows)}" if len(rows) < total else ""))
    for column in ("Id", "Published", "Outlet", "Lang", "Genre", "Techniques", "Title"):
        _add_column(table, column)
    for r in rows:
        table.add_row(
            r.id,
            r.published.isoformat() if r.published else "",
            r.outlet or "",
            r.language or "",
            _genre_cell(r.genre, r.genre_tag),
            "—" if r.n_technique_spans is None else str(r.n_technique_spans),
            r.title or "",
        )
    out.print(table)


def _genre_cell(predicted: str | None, tag: str | None) -> str:
    """The predicted genre, with the page's own tag when it says something else."""
    if predicted is None:
        return tag or ""
    return predicted if tag in (None, predicted) else f"{predicted} (page: {tag})"


def _summary_record(summary: Any) -> dict[str, Any]:
    return {
        "id": summary.id,
        "title": summary.title,
        "outlet": summary.outlet,
        "url": summary.url,
        "published": summary.published.isoformat() if summary.published else None,
        "language": summary.language,
        "genre_tag": summary.genre_tag,
        "genre": summary.genre,
        "n_spans": summary.n_spans,
        "n_technique_spans": summary.n_technique_spans,
        "stored_at": summary.stored_at.isoformat() if summary.stored_at else None,
    }


@app.command()
def show(
    ctx: typer.Context,
    article_id: Annotated[
        str, typer.Argument(metavar="ID", help="Article id (or a unique prefix of 6+ chars).")
    ],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    model_version: Annotated[
        str | None, typer.Option("--model-version", help="That analysis instead of the latest.")
    ] = None,
) -> None:
    """Show a stored article with its latest analysis."""
    # Imported here: MinHash (datasketch, scipy) costs every other command a second and a half.
    from propwatch.republication.signatures import republications_of

    settings = settings_from(ctx)
    with ArticleStore.from_settings(settings, create=False) as store:
        analysis = store.get_analysis(article_id, model_version)
        cluster = republications_of(analysis.article.id, store, settings)
    _print_reports([analysis], fmt, sys.stdout, settings, {analysis.article.id: cluster})
    if cluster is not None and fmt is ReportFormat.text:
        out.print(render_republications(cluster, analysis.article))


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find in titles and texts (any language).")],
    outlet: filters.Outlet = None,
    language: filters.Language = None,
    genre: filters.Genre = None,
    since: filters.Since = None,
    until: filters.Until = None,
    technique: filters.Technique = None,
    category: filters.Category = None,
    narrative: filters.Narrative = None,
    target: filters.Target = None,
    attacked: filters.Attacked = None,
    praised: filters.Praised = None,
    limit: Annotated[int, typer.Option(min=1)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
) -> None:
    """Full-text search over stored articles, best matches first; takes the filters of `list`.

    Words must all match; "a phrase", x or y and -word work as in web search engines. A bare word
    also finds its other forms (Russian cases and verb forms, English plurals), a quoted phrase its
    words together in any case; a quoted single word only itself."""
    from propwatch.storage.queries import find_articles
    from propwatch.storage.search import snippet_text

    settings = settings_from(ctx)
    options = filters.given(locals())
    with ArticleStore.from_settings(settings, create=False) as store:
        wanted = filters.article_query(settings, store, **options, text=query)
        hits = find_articles(store, wanted, limit=limit, offset=offset, most=None).items
    if fmt is ListFormat.json:
        records = [{**_summary_record(h.summary), "snippet": snippet_text(h.snippet)} for h in hits]
        write_json(records)
        return
    if not hits:
        err.print(f"No stored article matches {query!r}.", highlight=False)
        return
    table = Table(title=f"Matches for {query!r}")
    for column in ("Id", "Published", "Outlet", "Title", "Snippet"):
        _add_column(table, column)
    for hit in hits:
        s = hit.summary
        table.add_row(
            s.id,
            s.published.isoformat() if s.published else "",
            s.outlet or "",
            s.title or "",
            snippet_text(hit.snippet) or "",
        )
    out.print(table)


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="json, jsonl, csv, ptc, brat (zip), webanno, claimreview, labelstudio (zip).",
        ),
    ] = ExportFormat("jsonl"),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default stdout).")
    ] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Only these article ids (repeatable).")
    ] = None,
    outlet: filters.Outlet = None,
    language: filters.Language = None,
    genre: filters.Genre = None,
    since: filters.Since = None,
    until: filters.Until = None,
    technique: filters.Technique = None,
    category: filters.Category = None,
    narrative: filters.Narrative = None,
    target: filters.Target = None,
    attacked: filters.Attacked = None,
    praised: filters.Praised = None,
) -> None:
    """Export stored articles with their latest analyses: all, those of --id, or those the filters of
    `list` match (e.g. --outlet X --since 2022-01-01), in the order stored."""
    settings = settings_from(ctx)
    options = filters.given(locals())
    if ids and filters.chosen(options):
        raise ConfigurationError("export", "give --id or filters (e.g. --outlet), not both")
    to_stdout = output is None or str(output) == "-"
    if str(fmt) in ZIP_FORMATS and to_stdout and sys.stdout.isatty():
        raise ConfigurationError(
            f"--format {fmt}", "writes a zip: give a file with -o, or redirect the output"
        )
    with ArticleStore.from_settings(settings, create=False) as store, binary_output(output) as stream:
        tally = Tally("Exported")
        if filtered := bool(filters.chosen(options)):
            ids = filters.matching_ids(settings, store, options)
        analyses = store.iter_analyses(article_ids=ids, stored_order=filtered, matched=filtered)
        tracked = (o.analysis for o in tally.track(Outcome(analysis=a) for a in analyses) if o.analysis)
        attacks, titles, _ = catalogue_displays(settings)
        try:
            count = write_export(tracked, str(fmt), stream, attacks, narrative_titles=titles)
        except KeyboardInterrupt:
            tally.interrupted(storing=False, output=None if to_stdout else output)
    if not to_stdout:
        err.print(f"Exported {count} {'article' if count == 1 else 'articles'} to {output}.", highlight=False)


@app.command()
def analyzers() -> None:
    """List the installed analyzers (built-in and plugins) with what they need and add."""
    catalogue = registry.available()
    for name, reason in sorted(catalogue.broken.items()):
        err.print(labelled("warning:", "yellow", f"analyzer {name!r} {reason}"), highlight=False)
    if not catalogue.analyzers:
        out.print("No analyzer is installed yet.")
        return
    table = Table(title="Installed analyzers")
    for column in ("Name", "Version", "Needs", "Uses if present", "Adds", "Class"):
        table.add_column(column)
    for name, cls in sorted(catalogue.analyzers.items()):
        table.add_row(
            name,
            cls.version,
            ", ".join(sorted(cls.requires)),
            ", ".join(sorted(cls.after)),
            ", ".join(sorted(cls.provides)),
            f"{cls.__module__}.{cls.__qualname__}",
        )
    out.print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the analysis output (as in docs/analysis.schema.json)."""
    sys.stdout.write(json.dumps(analysis_json_schema(), indent=2, ensure_ascii=False) + "\n")


# Command groups live in their own modules and are added here; heavy imports stay inside commands.
from propwatch.cli import batch as _batch  # noqa: E402
from propwatch.cli import claims as _claims  # noqa: E402
from propwatch.cli import configuration as _configuration  # noqa: E402
from propwatch.cli import copy as _copy  # noqa: E402
from propwatch.cli import delete as _delete  # noqa: E402
from propwatch.cli import narratives as _narratives  # noqa: E402
from propwatch.cli import outlets as _outlets  # noqa: E402
from propwatch.cli import reanalyze as _reanalyze  # noqa: E402
from propwatch.cli import serve as _serve  # noqa: E402
from propwatch.cli.tasks import compare, evaluate_app, predict_app, score_app  # noqa: E402
from propwatch.cli.train import TRAIN_EXTRA_HINT, TRAIN_MODULES, train_app  # noqa: E402

_reanalyze.register(app)
_serve.register(app)
_outlets.register(app)
_batch.register(app)
_delete.register(app)
_copy.register(app)
_configuration.register(app)
app.add_typer(predict_app)
app.add_typer(score_app)
app.command("compare")(compare)
app.add_typer(evaluate_app)
app.add_typer(train_app)
app.add_typer(_narratives.app, name="narratives")
_narratives.register_predict(predict_app)
_narratives.register_score(score_app)
_claims.register_predict(predict_app)
_claims.register_score(score_app)
_claims.register_train(train_app)


def _one_line_short_help(typer_app: typer.Typer) -> None:
    """Each command's summary in the command list as one paragraph that the terminal wraps: the line
    breaks of a docstring's first paragraph had cut `propwatch --help` mid-sentence at any width."""
    for command in typer_app.registered_commands:
        if command.short_help is None and command.callback is not None and command.callback.__doc__:
            first = inspect.cleandoc(command.callback.__doc__).split("\n\n")[0]
            command.short_help = " ".join(first.split())
    for group in typer_app.registered_groups:
        if group.short_help is None and group.help:
            group.short_help = " ".join(inspect.cleandoc(group.help).split("\n\n")[0].split())
        if group.typer_instance is not None:
            _one_line_short_help(group.typer_instance)


_one_line_short_help(app)


def _unexplained_interrupt(exc: SystemExit) -> bool:
    """Whether Typer ended the run over a Ctrl-C that the command itself did not report."""
    raised = exc.__context__
    return exc.code == 130 and raised is not None and isinstance(raised.__cause__, KeyboardInterrupt)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):  # a latin-1 or cp1252 console: escapes, not a traceback
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="backslashreplace")
    sys.argv[1:] = global_options_first(sys.argv[1:])
    debug = "--debug" in sys.argv
    try:
        try:
            app()  # standalone: usage errors and typer.Exit become exit codes; our errors come through
        except SystemExit as exc:
            if _unexplained_interrupt(exc):  # Typer turns a Ctrl-C no command caught into a bare 130
                err.print("Interrupted: the command stopped before it finished.", highlight=False)
            raise
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in TRAIN_MODULES:
                raise
            raise ConfigurationError(
                "propwatch train", f"needs the 'train' extra ({exc.name} is missing): {TRAIN_EXTRA_HINT}"
            ) from exc
    except PropwatchError as exc:
        if debug:  # the traceback too, with the same exit status as without --debug
            traceback.print_exc()
        err.print(labelled("error:", "red", str(exc)), highlight=False)
        sys.exit(exc.exit_code)
    except OSError as exc:  # e.g. `propwatch list -f json > /dev/full`: output files say so themselves
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
            raise
        where = exc.filename or "standard output"
        err.print(labelled("error:", "red", f"{where}: cannot write: {exc.strerror}"), highlight=False)
        sys.exit(2)
