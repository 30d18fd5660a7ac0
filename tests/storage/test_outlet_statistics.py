"""Outlet statistics: per outlet, per period, and per outlet and period in one pass."""

from __future__ import annotations

from datetime import date

import pytest

from article_findings_fixture import findings_analysis
from propwatch.domain import Analysis, Article, Label, Span
from propwatch.errors import InputError, NotFoundError
from propwatch.storage import ArticleStore
from propwatch.storage.queries import ArticleQuery
from propwatch.storage.statistics import outlet_statistics, outlet_timelines, timeline, with_empty_periods
from propwatch.summary import summarize
from workbench_fixture import seed

OUTLETS = ("Daily Clarion", "Evening Herald", "Northern Post")


def test_outlet_timelines_agree_with_each_outlets_own_timeline(store: ArticleStore) -> None:
    seed(store)
    tallies, every = outlet_timelines(store, bucket="month", analyzer="techniques")
    assert {n: t.record() for n, t in tallies.items()} == {
        n: t.record() for n, t in outlet_statistics(store, analyzer="techniques").items()
    }
    assert list(every) == list(outlet_statistics(store, analyzer="techniques")) == list(OUTLETS)
    for name, periods in every.items():
        overall, alone = timeline(store, outlet=name, bucket="month", analyzer="techniques")
        assert {p: t.record() for p, t in periods.items()} == {p: t.record() for p, t in alone.items()}
        assert list(periods) == sorted(periods)
        assert sum(t.articles for t in periods.values()) == overall.articles
        assert sum(t.spans for t in periods.values()) == overall.spans


def test_the_dashboard_s_single_pass_gives_the_figures_of_the_two(store: ArticleStore) -> None:
    from propwatch.storage.statistics import outlets_overview

    seed(store)
    store.save_article(
        Article(text="An article of no outlet, counted in no outlet's figures.", published=date(2022, 2, 3))
    )
    outlets, overall, periods = outlets_overview(store, bucket="week", analyzer="techniques")
    expected = outlet_statistics(store, analyzer="techniques")
    assert list(outlets) == list(expected) and {n: t.record() for n, t in outlets.items()} == {
        n: t.record() for n, t in expected.items()
    }
    every, by_week = timeline(store, bucket="week", analyzer="techniques", with_outlet=True)
    assert overall.record() == every.record()
    assert {p: t.record() for p, t in periods.items()} == {p: t.record() for p, t in by_week.items()}


def test_only_the_outlets_asked_for_and_unknown_ones_are_an_error(store: ArticleStore) -> None:
    seed(store)
    asked = outlet_statistics(store, outlets=["Northern Post"])
    assert list(asked) == ["Northern Post"] and asked["Northern Post"].articles == 6
    _, yearly = outlet_timelines(store, bucket="year", outlets=["Northern Post", "Daily Clarion"])
    assert list(yearly) == ["Daily Clarion", "Northern Post"]  # most articles first
    assert {name: list(periods) for name, periods in yearly.items()} == {
        "Daily Clarion": ["2024"],
        "Northern Post": ["2024"],
    }
    with pytest.raises(NotFoundError, match="'Nobody'"):
        outlet_statistics(store, outlets=["Daily Clarion", "Nobody"])
    with pytest.raises(NotFoundError, match="'Nobody'"):
        outlet_timelines(store, outlets=["Nobody"])
    with pytest.raises(InputError, match="decade"):
        outlet_timelines(store, bucket="decade")  # type: ignore[arg-type]


def test_tally_record_counts_most_frequent_first(store: ArticleStore) -> None:
    seed(store)
    record = outlet_statistics(store, analyzer="techniques")["Daily Clarion"].record()
    assert record["articles"] == record["analysed"] == 7
    counts = list(record["labels"].values())
    assert counts == sorted(counts, reverse=True) and sum(counts) == record["spans"]
    assert 0 < record["coverage"] < 1 and record["first_published"] <= record["last_published"]


def test_tallies_count_the_articles_attacking_each_target(store: ArticleStore) -> None:
    seed(store)
    base = findings_analysis()  # NATO attacked
    for outlet, text in (("Daily Clarion", "one"), ("Daily Clarion", "two"), ("Northern Post", "three")):
        article = Article(
            text=f"{base.article.text} {text}",
            title="Demands",
            outlet=outlet,
            language="en",
            published=date(2024, 5, 2),
        )
        store.save_analysis(
            Analysis(article=article, spans=base.spans, labels=base.labels, analyzers=base.analyzers)
        )
    tallies = outlet_statistics(store, analyzer="techniques")
    assert tallies["Daily Clarion"].record()["attacked"] == {"NATO": 2}
    assert tallies["Northern Post"].attacked == {"NATO": 1} and not tallies["Evening Herald"].attacked
    _, monthly = outlet_timelines(store, bucket="month")
    assert sum(t.attacked["NATO"] for t in monthly["Daily Clarion"].values()) == 2


def test_outlets_compare_on_the_articles_a_query_matches(store: ArticleStore) -> None:
    seed(store)
    base = findings_analysis()  # NATO attacked, one article of the Northern Post
    article = Article(text=base.article.text, title="Demands", outlet="Northern Post", language="en")
    store.save_analysis(
        Analysis(article=article, spans=base.spans, labels=base.labels, analyzers=base.analyzers)
    )
    attacking = outlet_statistics(store, analyzer="techniques", query=ArticleQuery(attacked="NATO"))
    assert list(attacking) == ["Northern Post"] and attacking["Northern Post"].articles == 1
    assert attacking["Northern Post"].labels == {"Doubt": 1, "Name_Calling-Labeling": 1, "Flag_Waving": 1}
    # An outlet asked for with no matching article is compared as empty; an unknown one is still an error.
    asked = ["Evening Herald", "Northern Post"]
    tallies, periods = outlet_timelines(
        store, bucket="year", outlets=asked, query=ArticleQuery(attacked="NATO")
    )
    assert tallies["Evening Herald"].articles == 0 and periods["Evening Herald"] == {}
    with pytest.raises(NotFoundError, match="'Nobody'"):
        outlet_statistics(store, outlets=["Nobody"], query=ArticleQuery(attacked="NATO"))
    # Full-text and metadata filters too; the outlet's own timeline takes the same query.
    regime = outlet_statistics(store, query=ArticleQuery(text="regime", since=date(2024, 3, 1)))
    assert 0 < sum(t.articles for t in regime.values()) < 19
    assert outlet_statistics(store, query=ArticleQuery(text="no-such-word-anywhere")) == {}
    overall, _ = timeline(store, outlet="Northern Post", query=ArticleQuery(technique="doubt"))
    assert overall.articles == 1


def test_undated_articles_are_counted_but_in_no_period(store: ArticleStore) -> None:
    base = findings_analysis()
    dated = Article(text=base.article.text, outlet="Clean Outlet", language="en", published=date(2022, 5, 6))
    undated = Article(text=f"{base.article.text} again", outlet="Clean Outlet", language="en")
    for article in (dated, undated):
        store.save_analysis(
            Analysis(article=article, spans=base.spans, labels=base.labels, analyzers=base.analyzers)
        )
    overall, periods = outlet_timelines(store, bucket="month")
    tally = overall["Clean Outlet"]
    # The day it was stored is not when it was published: no "2026-12" period, no last date of today.
    assert (tally.articles, tally.undated, tally.first, tally.last) == (
        2,
        1,
        date(2022, 5, 6),
        date(2022, 5, 6),
    )
    assert list(periods["Clean Outlet"]) == ["2022-05", "undated"]  # the undated article is not lost
    assert periods["Clean Outlet"]["2022-05"].articles == periods["Clean Outlet"]["undated"].articles == 1
    assert tally.record()["undated"] == 1


def test_an_outlet_with_nothing_analysed_has_no_coverage_rather_than_zero(store: ArticleStore) -> None:
    store.save_article(Article(text="Stored, never analysed.", outlet="Radio Liberty / RFE", language="en"))
    tally = outlet_statistics(store)["Radio Liberty / RFE"]
    assert (tally.articles, tally.analysed) == (1, 0)
    assert tally.coverage is None and tally.spans_per_article is None
    assert tally.record()["coverage"] is None


def test_an_unknown_analyzer_is_refused_rather_than_counted_as_zero(store: ArticleStore) -> None:
    seed(store)
    with pytest.raises(InputError, match="bogus") as caught:
        outlet_statistics(store, analyzer="bogus")
    assert "stored spans come from" in caught.value.reason and "techniques" in caught.value.reason
    assert outlet_statistics(store, analyzer="claims")  # installed, even where it found nothing


def test_a_crlf_copy_of_an_article_has_the_coverage_of_the_lf_one(store: ArticleStore) -> None:
    lf_text = "NATO lies.\nThe brave nation\nstands firm against the empire.\n"
    crlf_text = lf_text.replace("\n", "\r\n")

    def saved(text: str, outlet: str) -> Analysis:
        # The same words in both: "lies", and a span over a line break ("nation\nstands").
        found = (
            Span(start=text.index("lies"), end=text.index("lies") + 4, label="Doubt", analyzer="techniques"),
            Span(
                start=text.index("nation"),
                end=text.index("stands") + 6,
                label="Loaded_Language",
                analyzer="techniques",
            ),
        )
        analysis = Analysis(
            article=Article(text=text, outlet=outlet, language="en"),
            spans=found,
            analyzers={"techniques": "1"},
        )
        store.save_analysis(analysis)
        return analysis

    lf, crlf = saved(lf_text, "Unix Outlet"), saved(crlf_text, "Windows Outlet")
    tallies = outlet_statistics(store, analyzer="techniques")
    expected = (4 + len("nation\nstands")) / len(lf_text)
    assert tallies["Unix Outlet"].coverage == pytest.approx(expected)
    assert tallies["Windows Outlet"].coverage == pytest.approx(expected)
    assert summarize(lf).propaganda_share == summarize(crlf).propaganda_share == pytest.approx(expected)


def test_articles_the_technique_detector_did_not_run_on_are_not_counted_as_clean(store: ArticleStore) -> None:
    # An article analysed for claims only counted as 0 spans and 0 % of text: 1.5 spans per article and
    # 34.6 % where the one measured article had 3 and 63 %.
    base = findings_analysis()
    measured = Article(text=base.article.text, outlet="Herald", language="en", published=date(2023, 11, 1))
    store.save_analysis(
        Analysis(article=measured, spans=base.spans, labels=base.labels, analyzers=base.analyzers)
    )
    claims_only = Article(text="The minister said so on Monday.", outlet="Herald", language="en")
    store.save_analysis(
        Analysis(
            article=claims_only,
            spans=(Span(start=0, end=31, label="Claim", analyzer="claims"),),
            labels=(
                Label(name="narrative", value="west-provokes-russia-to-blame-it", analyzer="narratives"),
            ),
            analyzers={"claims": "1", "narratives": "1"},
        )
    )
    tally = outlet_statistics(store, analyzer="techniques")["Herald"]
    alone = outlet_statistics(store, analyzer="techniques", query=ArticleQuery(since=date(2023, 1, 1)))
    assert (tally.articles, tally.analysed) == (2, 1)
    techniques = sum(1 for span in base.spans if span.analyzer == "techniques")
    assert tally.spans_per_article == alone["Herald"].spans_per_article == techniques
    assert tally.coverage == alone["Herald"].coverage
    assert tally.narratives["west-provokes-russia-to-blame-it"] == 1  # what the other analyzers found counts
    # Its own timeline keeps the undated article in an "undated" period, as the comparison does.
    overall, periods = timeline(store, outlet="Herald", analyzer="techniques")
    assert list(periods) == ["2023-11", "undated"]
    assert sum(t.articles for t in periods.values()) == overall.articles == 2


def test_a_target_stored_under_two_names_is_counted_once_under_one(store: ArticleStore) -> None:
    # "USA" in one article and "United States" in another were two targets of the outlet.
    def attacking(text: str, *names: str) -> None:
        labels = tuple(Label(name="attacked", value=name, analyzer="targets") for name in names)
        article = Article(text=text, outlet="Clarion", language="en", published=date(2024, 1, 2))
        store.save_analysis(Analysis(article=article, labels=labels, analyzers={"targets": "1"}))

    attacking("First text about Washington.", "USA")
    attacking("Second text about Washington.", "United States")
    attacking("Third text about Washington.", "USA", "United States")
    merged = {"USA": "United States"}
    tally = outlet_statistics(store, canonical=lambda name: merged.get(name, name))["Clarion"]
    assert tally.attacked == {"United States": 3}
    assert outlet_statistics(store)["Clarion"].attacked == {"USA": 2, "United States": 2}


def test_the_dominant_category_breaks_ties_as_an_article_s_summary_does(store: ArticleStore) -> None:
    text = "Our flag flies high. We will win! And what about their crimes?"
    spans = (
        Span(start=0, end=20, label="Flag_Waving", analyzer="techniques"),  # Justification, 20 characters
        Span(start=21, end=33, label="Slogans", analyzer="techniques"),  # Call, 12
        Span(start=34, end=62, label="Whataboutism", analyzer="techniques"),  # Distraction, 28
    )
    analysis = Analysis(
        article=Article(text=text, outlet="Post", language="en"), spans=spans, analyzers={"techniques": "1"}
    )
    store.save_analysis(analysis)
    tally = outlet_statistics(store, analyzer="techniques")["Post"]
    assert tally.dominant_category == summarize(analysis).dominant_category == "Distraction"


def test_the_library_counts_technique_spans_by_default_as_the_cli_does(store: ArticleStore) -> None:
    # outlet_statistics(store) counted target mentions, claims and narrative sentences as techniques:
    # 60 spans and 97 % of text where the CLI said 5 and 2 %.
    seed(store)
    claim = Span(start=0, end=10, label="Claim", analyzer="claims")
    article = Article(text="A claim here, and more.", outlet="Daily Clarion", language="en")
    store.save_analysis(
        Analysis(article=article, spans=(claim,), analyzers={"techniques": "1", "claims": "1"})
    )
    assert {n: t.record() for n, t in outlet_statistics(store).items()} == {
        n: t.record() for n, t in outlet_statistics(store, analyzer="techniques").items()
    }
    every = sum(t.spans for t in outlet_statistics(store, analyzer=None).values())
    assert every > sum(t.spans for t in outlet_statistics(store).values())  # None: every analyzer's spans


def test_a_store_where_the_detector_found_nothing_still_counts_technique_spans(store: ArticleStore) -> None:
    # With no technique span stored anywhere, claims and target mentions were counted instead: 100 % of
    # the text "in spans" for plain news whose own summary said 0 %.
    text = "The council met on Monday. It approved the budget."
    analysis = Analysis(
        article=Article(text=text, outlet="Gazette", language="en", published=date(2024, 2, 1)),
        spans=(Span(start=0, end=26, label="Claim", analyzer="claims"),),
        analyzers={"techniques": "1", "claims": "1", "narratives": "1"},
    )
    store.save_analysis(analysis)
    tally = outlet_statistics(store)["Gazette"]
    assert (
        (tally.analysed, tally.spans, tally.coverage)
        == (1, 0, 0.0)
        == (1, 0, summarize(analysis).propaganda_share)
    )
    record = tally.record()
    assert (record["characters"], record["covered"]) == (len(text), 0)
    assert (record["narratives_checked"], record["targets_checked"]) == (1, 0)


def test_a_placeholder_date_in_9999_leaves_the_periods_whole(store: ArticleStore) -> None:
    # The dashboard answered 500: the month after December 9999 does not exist.
    for day in (date(9999, 10, 31), date(9999, 12, 31)):
        store.save_article(Article(text=f"Dated {day}.", outlet="Far", language="en", published=day))
    for bucket, last in (("year", "9999"), ("month", "9999-12"), ("week", "9999-W52")):
        _, periods = timeline(store, outlet="Far", bucket=bucket)
        assert list(with_empty_periods(periods, bucket))[-1] == last
    _, months = timeline(store, outlet="Far", bucket="month")
    assert list(with_empty_periods(months, "month")) == ["9999-10", "9999-11", "9999-12"]
    # A placeholder far from the real dates: the gap is not filled with thousands of empty periods.
    store.save_article(Article(text="Epoch.", outlet="Far", language="en", published=date(1970, 1, 1)))
    _, weeks = timeline(store, outlet="Far", bucket="week")
    assert len(with_empty_periods(weeks, "week")) == len(weeks) == 3


def test_figures_that_mix_analyzer_versions_say_so(store: ArticleStore) -> None:
    """After an upgrade half re-analysed, outlets had compared old and new findings without a word."""
    from propwatch.storage.statistics import mixed_versions_caution

    text = "NATO lies again and again, the puppets said on Tuesday."
    old = Analysis(article=Article(text=text, outlet="Daily"), analyzers={"techniques": "1+spans5"})
    new = Analysis(
        article=Article(text=text + " More.", outlet="Daily"), analyzers={"techniques": "1+spans7"}
    )
    store.save_analysis(old)
    tally = outlet_statistics(store, analyzer="techniques")
    assert mixed_versions_caution(tally.values(), "techniques") is None
    store.save_analysis(new)
    tally = outlet_statistics(store, analyzer="techniques")
    assert tally["Daily"].mixed_versions == {"techniques": {"1+spans5": 1, "1+spans7": 1}}
    caution = mixed_versions_caution(tally.values(), "techniques")
    assert caution is not None and "techniques 1+spans5 (1 article), 1+spans7 (1 article)" in caution


def test_versions_of_analyzers_no_figure_uses_are_no_concern(store: ArticleStore) -> None:
    from propwatch.storage.statistics import mixed_versions_caution

    for n, version in enumerate(("c1", "c2")):
        store.save_analysis(
            Analysis(
                article=Article(text=f"Text number {n} of the outlet.", outlet="Beta"),
                analyzers={"techniques": "t1", "claims": version},
            )
        )
    tally = outlet_statistics(store, analyzer="techniques")
    assert mixed_versions_caution(tally.values(), "techniques") is None  # the table counts no claims
    assert mixed_versions_caution(tally.values(), None) is not None  # spans of every analyzer count
