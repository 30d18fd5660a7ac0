"""The pieces behind the pages: span segments and lanes, charts' axes, exports' fragments, CLI."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from propwatch.cli.serve import register
from propwatch.domain import Analysis, Article, Span
from propwatch.export_formats import brat_ann, ptc_label
from propwatch.web.charts import _fractions, _nice_ceiling
from propwatch.web.highlight import colour_class, legend, segments, span_views

TEXT = "alpha beta gamma delta"


def _analysis(*spans: tuple[int, int, str, str]) -> Analysis:
    return Analysis(
        article=Article(text=TEXT),
        spans=tuple(Span(start=a, end=b, label=label, analyzer=who, score=0.5) for a, b, label, who in spans),
        analyzers={"techniques": "1", "keywords": "1"},
    )


def test_overlapping_spans_nest_and_keep_their_lane() -> None:
    views = span_views(
        _analysis(
            (0, 10, "Doubt", "techniques"),
            (6, 16, "Loaded_Language", "techniques"),
            (17, 22, "X", "keywords"),
        )
    )
    assert [v.lane for v in views] == [0, 1, 0]
    parts = segments(TEXT, views)
    assert "".join(p.text for p in parts) == TEXT
    both = next(p for p in parts if p.text == "beta")
    assert [m.span.label for m in both.marks] == ["Doubt", "Loaded_Language"]
    assert sum(m.first for p in parts for m in p.marks) == 3  # each span takes focus once
    assert views[0].explanation and views[0].category == "Attack_on_Reputation"
    assert views[2].explanation is None  # not a technique: no invented explanation
    assert colour_class("techniques", "Doubt") == colour_class("techniques", "Questioning_the_Reputation")
    assert [entry.label for entry in legend(views)] == ["Doubt", "Loaded_Language", "X"]


def test_axes_end_on_round_numbers() -> None:
    assert [_nice_ceiling(v) for v in (0.31, 7, 23, 180)] == [0.5, 10, 25, 200]
    assert _fractions(25) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert _fractions(0.5) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_brat_fragments_do_not_cross_line_breaks() -> None:
    article = Article(text="first line\nsecond line")
    analysis = Analysis(
        article=article, spans=(Span(start=6, end=17, label="Loaded Language!", analyzer="k"),)
    )
    line = brat_ann(analysis).splitlines()[0]
    assert line == "T1\tLoaded_Language 6 10;11 17\tline second"
    assert ptc_label(Span(start=0, end=1, label="Flag_Waving", analyzer="techniques")) == "Flag-Waving"
    assert ptc_label(Span(start=0, end=1, label="Flag_Waving", analyzer="other")) is None
    assert ptc_label(Span(start=0, end=1, label="Appeal_to_Values", analyzer="techniques")) is None


def test_token_commands(tmp_path: Path) -> None:
    app = typer.Typer()

    @app.callback()
    def _main(ctx: typer.Context, db: str = typer.Option(...)) -> None:
        ctx.obj = {"db": db, "data_dir": tmp_path}

    register(app)
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    created = runner.invoke(app, ["--db", db, "token", "create", "desk"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("pw_")
    listed = runner.invoke(app, ["--db", db, "token", "list"])
    assert "desk" in listed.stdout and secret not in listed.stdout and "active" in listed.stdout
    assert runner.invoke(app, ["--db", db, "token", "revoke", "desk"]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["--db", db, "token", "list"]).stdout
    assert runner.invoke(app, ["--db", db, "serve", "--help"]).exit_code == 0


def test_small_shares_keep_their_decimals_on_an_axis() -> None:
    from propwatch.web.charts import _format

    assert [_format(v, True) for v in (0.0, 0.005, 0.01, 0.015, 0.02)] == ["0%", "0.5%", "1%", "1.5%", "2%"]


def test_months_without_articles_are_empty_columns_not_left_out() -> None:
    from propwatch.storage.statistics import Tally, with_empty_periods

    periods = {"2022-11": Tally(articles=1), "2023-02": Tally(articles=2), "undated": Tally(articles=3)}
    filled = with_empty_periods(periods, "month")
    assert list(filled) == ["2022-11", "2022-12", "2023-01", "2023-02", "undated"]
    assert filled["2022-12"].articles == 0 and filled["2023-02"] is periods["2023-02"]
    assert list(with_empty_periods({"2024-W52": Tally(), "2025-W02": Tally()}, "week")) == [
        "2024-W52",
        "2025-W01",
        "2025-W02",
    ]


def test_narrative_ids_are_shown_as_written() -> None:
    from propwatch.web.highlight import pretty

    assert pretty("narrative:west-provokes-russia") == "narrative: west-provokes-russia"
    assert pretty("Name_Calling-Labeling") == "Name Calling / Labeling"


def test_charts_carry_their_numbers_for_screen_readers() -> None:
    # A chart was an image named by its title only: its bars' names and values were not read out.
    from propwatch.web.charts import Series, hbar_chart, stacked_columns
    from propwatch.web.pages import environment

    macros = environment.get_template("_charts.html").module
    bars = str(macros.hbars(hbar_chart([("Outlet A", 0.4, "40%", "/outlets/A")]), "Share", "share"))
    assert '<th scope="row"><a href="/outlets/A">Outlet A</a></th><td>40%</td>' in bars  # keyboard: these
    assert '<a href="/outlets/A" tabindex="-1"><text' in bars  # out of the tab order inside the image
    chart = stacked_columns(
        ["2022-01", "2022-02"], [Series("Doubt", "cat-1", [3, 0]), Series("Smears", "cat-0", [1, 2])]
    )
    columns = str(macros.columns(chart, "Spans per month", "time"))
    assert '<th scope="col">Doubt</th><th scope="col">Smears</th>' in columns
    assert '<tr><th scope="row">2022-02</th><td>0</td><td>2</td></tr>' in columns


def test_highlight_colours_stand_out_from_the_page() -> None:
    # Underlines of 2.3:1 on white: claim and narrative highlights were hard to see at all (WCAG 1.4.11).
    import re

    css = (Path(__file__).resolve().parents[2] / "src/propwatch/web/static/app.css").read_text(
        encoding="utf-8"
    )

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    colours = re.findall(r"\.((?:pal|cat)-[\w]+) \{ --c: (#[0-9a-f]{6})", css)
    assert len(colours) == 19
    for name, colour in colours:
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, name
