"""The library calls the front ends share: one bad record or one article that breaks an analyzer
fails alone, with a reason naming it, and the rest of the run goes on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest

from propwatch.analyzers.base import Analyzer
from propwatch.domain import Analysis, Annotations, Article, Label, Span
from propwatch.errors import AnalyzerError, InputError, InputTooLargeError
from propwatch.pipeline import Pipeline
from propwatch.service import analyze_sources, ingest_sources
from propwatch.settings import Settings
from propwatch.storage import ArticleStore


class _BrokenOnPoison(Analyzer):
    """Marks 'NATO'; raises a plain TypeError (a plugin bug) on any text holding 'poison'."""

    name = "fragile"
    version = "1"

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        if any("poison" in a.article.text for a in batch):
            raise TypeError("TextEncodeInput must be Union[TextInputSequence, Tuple]")
        return [
            Annotations(
                spans=(
                    Span(
                        start=a.article.text.index("NATO"),
                        end=a.article.text.index("NATO") + 4,
                        label="x",
                        analyzer=self.name,
                    ),
                )
            )
            for a in batch
        ]


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"title": f"t{n}", "text": t}) + "\n" for n, t in enumerate(texts)))
    return path


def test_an_analyzer_bug_is_an_analyzer_error_naming_it(tmp_path: Path) -> None:
    pipeline = Pipeline([_BrokenOnPoison(Settings(data_dir=tmp_path))])
    with pytest.raises(AnalyzerError, match=r"'fragile'.*TypeError: TextEncodeInput"):
        pipeline.run([Article(text="NATO poison")])


def test_only_the_article_that_breaks_an_analyzer_fails(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, batch_size=8, detect_language=False)
    source = _jsonl(tmp_path / "in.jsonl", ["NATO one.", "NATO poison two.", "NATO three."])
    outcomes = list(analyze_sources([str(source)], settings, pipeline=Pipeline([_BrokenOnPoison(settings)])))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].failure is not None and "TypeError" in outcomes[1].failure.reason
    assert [o.analysis.spans[0].label for o in outcomes if o.analysis is not None] == ["x", "x"]


def test_a_lone_surrogate_fails_its_record_and_the_run_goes_on(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, detect_language=False)
    source = tmp_path / "s.jsonl"
    source.write_text(
        '{"text": "First good article."}\n{"text": "Text with \\ud800 inside."}\n{"text": "Second one."}\n'
    )
    with ArticleStore.from_settings(settings) as store:
        outcomes = list(ingest_sources([str(source)], settings, store=store))
        assert store.count_articles() == 2
    assert [o.ok for o in outcomes] == [True, False, True]
    failure = outcomes[1].failure
    assert failure is not None and failure.input == f"{source} line 2"
    assert failure.reason == "text holds invalid Unicode: a lone surrogate U+D800 at character 10"


def test_outlet_fills_in_only_where_the_source_names_none(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, detect_language=False)
    source = tmp_path / "mixed.jsonl"
    source.write_text('{"text": "Named.", "outlet": "Daily Clarion"}\n{"text": "Unnamed."}\n')
    with ArticleStore.from_settings(settings) as store:
        outcomes = list(ingest_sources([str(source)], settings, store=store, outlet="Example Daily"))
        assert [o.analysis.article.outlet for o in outcomes if o.analysis] == [
            "Daily Clarion",
            "Example Daily",
        ]
        with pytest.raises(InputError, match="--outlet"):
            list(ingest_sources([str(source)], settings, store=store, outlet="  "))


class _Marker(Analyzer):
    """Marks the first word, labelled with its own name; its version comes from the constructor."""

    def __init__(self, settings: Settings, name: str, version: str) -> None:
        super().__init__(settings)
        self.name, self.version = name, version

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        return [
            Annotations(
                spans=(Span(start=0, end=a.article.text.index(" "), label=self.name, analyzer=self.name),)
            )
            for a in batch
        ]


def test_rerunning_one_analyzer_keeps_the_others_findings(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, detect_language=False)
    source = _jsonl(tmp_path / "one.jsonl", ["NATO expands east."])

    def run(*analyzers: tuple[str, str]) -> list[bool]:
        pipeline = Pipeline([_Marker(settings, name, version) for name, version in analyzers])
        with ArticleStore.from_settings(settings) as store:
            return [
                o.analysis_stored
                for o in analyze_sources([str(source)], settings, store=store, pipeline=pipeline)
            ]

    assert run(("techniques", "1"), ("claims", "1")) == [True]
    assert run(("claims", "1")) == [False]  # nothing new: the full analysis stays the latest
    assert run(("claims", "2")) == [True]
    with ArticleStore.from_settings(settings) as store:
        [summary] = store.list_articles()
        latest = store.get_analysis(summary.id)
    assert latest.analyzers == {"techniques": "1", "claims": "2"}
    assert sorted(span.analyzer for span in latest.spans) == ["claims", "techniques"]


class _Counting(_Marker):
    calls = 0

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        _Counting.calls += len(batch)
        return super().analyze(batch)


def test_a_run_started_again_does_not_analyse_what_it_stored_already(tmp_path: Path) -> None:
    """ "Run the same command again to go on" had analysed every stored article again (60 articles, 3 min
    48 s of CPU) only to throw the results away as already stored."""
    settings = Settings(data_dir=tmp_path, detect_language=False)
    first = _jsonl(tmp_path / "first.jsonl", ["NATO expands east.", "Moscow objects loudly."])
    both = _jsonl(tmp_path / "both.jsonl", ["NATO expands east.", "Moscow objects loudly.", "Kyiv waits."])
    elsewhere = tmp_path / "elsewhere.jsonl"  # the same text at another address: a republication
    elsewhere.write_text(json.dumps({"text": "NATO expands east.", "url": "https://b.example/1"}) + "\n")

    def run(source: Path, version: str = "1") -> list[tuple[bool, bool]]:
        pipeline = Pipeline([_Counting(settings, "techniques", version)])
        with ArticleStore.from_settings(settings) as store:
            outcomes = list(analyze_sources([str(source)], settings, store=store, pipeline=pipeline))
        assert all(o.analysis is not None and o.analysis.spans for o in outcomes)  # each with its findings
        return [(o.article_stored, o.analysis_stored) for o in outcomes]

    _Counting.calls = 0
    assert run(first) == [(True, True), (True, True)]
    assert run(both) == [(False, False), (False, False), (True, True)]
    assert _Counting.calls == 3  # the third article only, the second time
    assert run(elsewhere) == [(False, False)] and _Counting.calls == 3
    with ArticleStore.from_settings(settings) as store:
        ids = [summary.id for summary in store.list_articles()]
        seen = [a.url for found in store.appearances_of(ids).values() for a in found]
        assert "https://b.example/1" in seen
    assert run(both, version="2") == [(False, True), (False, True), (False, True)]  # a new model: again
    assert _Counting.calls == 6


def test_stored_articles_are_analysed_again_without_their_sources(tmp_path: Path) -> None:
    """After a model or catalogue change: from the stored text, only what is not current, the other
    analyzers' findings kept (there had been no way but to find every source again)."""
    from propwatch.service import reanalyze_stored

    settings = Settings(data_dir=tmp_path, detect_language=False)
    source = _jsonl(tmp_path / "two.jsonl", ["NATO expands east.", "Moscow objects loudly."])
    first = Pipeline([_Counting(settings, "techniques", "1"), _Counting(settings, "claims", "1")])
    with ArticleStore.from_settings(settings) as store:
        assert all(o.ok for o in analyze_sources([str(source)], settings, store=store, pipeline=first))
    source.unlink()  # the sources are gone: the stored text is enough

    def again(version: str, ids: list[str] | None = None) -> list[bool]:
        pipeline = Pipeline([_Counting(settings, "claims", version)])
        with ArticleStore.from_settings(settings) as store:
            return [o.analysis_stored for o in reanalyze_stored(settings, store, ids, pipeline=pipeline)]

    _Counting.calls = 0
    assert again("2") == [True, True] and _Counting.calls == 2
    assert again("2") == [False, False] and _Counting.calls == 2  # current already: not analysed again
    with ArticleStore.from_settings(settings) as store:
        ids = [summary.id for summary in store.list_articles()]
        latest = store.get_analysis(ids[0])
    assert latest.analyzers == {"techniques": "1", "claims": "2"}
    assert sorted(span.analyzer for span in latest.spans) == ["claims", "techniques"]
    assert again("3", ids[:1]) == [True] and _Counting.calls == 3  # only those given


class _Tracked(_Marker):
    runs: ClassVar[dict[str, int]] = {}

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        _Tracked.runs[self.name] = _Tracked.runs.get(self.name, 0) + len(batch)
        return super().analyze(batch)


class _EvidenceProvider(_Tracked):
    provides = frozenset({"spans:narrative-evidence"})


class _EvidenceReader(_Tracked):
    after = frozenset({"spans:narrative-evidence"})


def test_a_re_analysis_runs_only_what_is_not_current_and_what_reads_it(tmp_path: Path) -> None:
    """A changed catalogue had re-run every analyzer, the technique model included, on every article."""
    from propwatch.service import reanalyze_stored

    settings = Settings(data_dir=tmp_path, detect_language=False)
    source = _jsonl(tmp_path / "two.jsonl", ["NATO expands east.", "Moscow objects loudly."])

    def pipeline(narratives: str) -> Pipeline:
        return Pipeline(
            [
                _Tracked(settings, "techniques", "1"),
                _EvidenceProvider(settings, "narratives", narratives),
                _EvidenceReader(settings, "targets", "1"),
            ]
        )

    with ArticleStore.from_settings(settings) as store:
        first = analyze_sources([str(source)], settings, store=store, pipeline=pipeline("1"))
        assert all(o.ok for o in first)
        _Tracked.runs = {}
        outcomes = list(reanalyze_stored(settings, store, pipeline=pipeline("2")))
        assert [o.analysis_stored for o in outcomes] == [True, True]
        assert _Tracked.runs == {"narratives": 2, "targets": 2}  # not the techniques
        [summary, _] = store.list_articles()
        latest = store.get_analysis(summary.id)
    assert latest.analyzers == {"techniques": "1", "narratives": "2", "targets": "1"}
    assert sorted(span.analyzer for span in latest.spans) == ["narratives", "targets", "techniques"]


def test_a_re_analysis_never_brings_back_an_article_deleted_meanwhile(tmp_path: Path) -> None:
    """A takedown made while `reanalyze` ran had been undone: the deleted articles were stored again."""
    from propwatch.service import reanalyze_stored

    settings = Settings(data_dir=tmp_path, detect_language=False)
    source = _jsonl(tmp_path / "two.jsonl", ["NATO expands east.", "Moscow objects loudly."])
    with ArticleStore.from_settings(settings) as store:
        first = Pipeline([_Marker(settings, "claims", "1")])
        assert all(o.ok for o in analyze_sources([str(source)], settings, store=store, pipeline=first))
        [gone, kept] = [summary.id for summary in store.list_articles()]

        class _DeletingMidRun(_Marker):
            def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
                store.delete_articles([gone])  # as `propwatch delete` would, from another process
                return super().analyze(batch)

        deleting = Pipeline([_DeletingMidRun(settings, "claims", "2")])
        outcomes = list(reanalyze_stored(settings, store, pipeline=deleting))
        assert [o.analysis.article.id for o in outcomes if o.analysis] == [kept]  # the deleted one: skipped
        assert all(o.failure is None for o in outcomes)
        assert [summary.id for summary in store.list_articles()] == [kept]


def test_back_to_earlier_models_their_analysis_is_the_one_shown_again(tmp_path: Path) -> None:
    """After a trial with other settings, going back had left the trial's analysis the latest for good:
    every run since called the article current, and `show` kept showing the trial's findings."""
    settings = Settings(data_dir=tmp_path, detect_language=False)
    source = _jsonl(tmp_path / "one.jsonl", ["NATO expands east."])

    def run(version: str) -> tuple[bool, str]:
        pipeline = Pipeline([_Marker(settings, "narratives", version)])
        with ArticleStore.from_settings(settings) as store:
            [outcome] = analyze_sources([str(source)], settings, store=store, pipeline=pipeline)
            [summary] = store.list_articles()
            return outcome.analysis_stored, store.get_analysis(summary.id).analyzers["narratives"]

    assert run("1") == (True, "1")
    assert run("trial") == (True, "trial")
    assert run("1") == (True, "1")  # stored again as the latest, not "already stored"
    assert run("1") == (False, "1")  # and now current


LAYERED = Path(__file__).parent / "fixtures" / "layered_plugin"


def _mark_count(analysis: Analysis) -> str:
    (label,) = [label for label in analysis.labels if label.name == "mark-count"]
    return label.value


def test_a_stored_article_re_run_with_some_analyzers_stays_coherent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(LAYERED))
    source = tmp_path / "a.txt"
    source.write_text("NATO met. Russia answered NATO and Russia.", encoding="utf-8")

    def run(*analyzers: str) -> Analysis:
        settings = Settings(data_dir=tmp_path, analyzers=analyzers, detect_language=False)
        with ArticleStore.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            (outcome,) = analyze_sources([str(source)], settings, store=store)
            assert outcome.analysis is not None
            return store.get_analysis(outcome.analysis.article.id)

    assert _mark_count(run("marks", "mark-count")) == "2"
    # mark-count alone reads the stored marks instead of counting none.
    alone = run("mark-count")
    assert _mark_count(alone) == "2" and len(alone.spans) == 2
    # marks re-run (a new version marks more): the count built on the old marks is re-run with it.
    import propwatch_layered_plugin

    monkeypatch.setattr(propwatch_layered_plugin.Marks, "version", "2")
    monkeypatch.setenv("MARKED_WORDS", "NATO,Russia")
    again = run("marks")
    assert again.analyzers == {"marks": "2", "mark-count": "1"}
    assert _mark_count(again) == "4" and len(again.spans) == 4
    # Without a store nothing else runs.
    settings = Settings(data_dir=tmp_path, analyzers=("marks",), detect_language=False)
    (outcome,) = analyze_sources([str(source)], settings)
    assert outcome.analysis is not None and outcome.analysis.analyzers == {"marks": "2"}


def test_texts_in_memory_are_read_and_analysed_as_files_are(tmp_path: Path) -> None:
    # A library user had no public way to analyse a string: Article(text=…) skipped the reading (no
    # language, no metadata, boilerplate kept), and analyze_sources took the text for a missing file.
    from propwatch.service import analyze_texts, read_text

    sample = (Path(__file__).parents[1] / "examples/rossa-primavera-2022-02-03-opinion.txt").read_text()
    body = (
        "NATO announced on Monday that it would send more troops to its eastern members. "
        "Officials in Moscow said the decision showed that the West was not interested in talks, "
        "while the ministers of several member states welcomed the move as a sign of unity."
    )
    page = f"<html><head><title>NATO again</title></head><body><article><p>{body}</p></article></body></html>"
    settings = Settings(data_dir=tmp_path)
    pipeline = Pipeline([_BrokenOnPoison(settings)])
    found = analyze_texts([sample, page], settings, pipeline=pipeline)
    assert [a.article.language for a in found] == ["en", "en"]
    assert found[0].article == read_text(sample, settings, origin="text 1")
    assert found[0].article.genre_tag == "opinion" and "Leave a Reply" not in found[0].article.text
    assert found[1].article.title == "NATO again" and found[1].spans[0].label == "x"
    assert read_text(page, settings, title="Given headline").title == "Given headline"
    with pytest.raises(InputError, match="text 2"):
        analyze_texts(["NATO fine.", "   "], settings, pipeline=pipeline)
    # A text the Article refuses raised pydantic's ValidationError, one over the cap was analysed, and
    # an analyzer failing on one text did not say which.
    with pytest.raises(InputError, match=r"^text 2: text holds a NUL character at character 4$"):
        analyze_texts(["NATO fine.", "NATO\x00 here"], settings, pipeline=pipeline)
    with pytest.raises(InputError, match=r"^text: text holds invalid Unicode"):
        read_text("NATO \ud800 here", settings)
    with pytest.raises(InputError, match=r"^text 1: title holds a NUL character at character 3$"):
        analyze_texts(["Bad\x00 headline\n\nNATO body here."], settings, pipeline=pipeline)
    with pytest.raises(InputError, match=r"^text 1: is bytes, not str: decode it first$"):
        analyze_texts([b"NATO"], settings, pipeline=pipeline)  # type: ignore[list-item]
    small = Settings(data_dir=tmp_path, max_input_bytes=1_000)
    with pytest.raises(InputTooLargeError, match=r"^text 1: is 1,200 bytes, over the 1,000-byte cap"):
        analyze_texts(["NATO " * 240], small, pipeline=pipeline)
    with pytest.raises(AnalyzerError, match=r"^text 3: analyzer 'fragile': failed \(TypeError"):
        analyze_texts(["NATO one.", "NATO two.", "NATO poison."], settings, pipeline=pipeline)


def test_a_pipeline_listing_an_analyzer_twice_is_refused(tmp_path: Path) -> None:
    # Every finding came out twice.
    from propwatch.errors import ConfigurationError

    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ConfigurationError, match="'fragile' twice"):
        Pipeline([_BrokenOnPoison(settings), _BrokenOnPoison(settings)])


def test_a_busy_database_fails_one_input_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "database is locked" on one article ended the whole run: the rest unread, no report, no summary.
    from propwatch.errors import StorageError

    settings = Settings(data_dir=tmp_path, batch_size=8, detect_language=False)
    source = _jsonl(tmp_path / "in.jsonl", ["NATO one.", "NATO two.", "NATO three."])
    with ArticleStore.open(f"sqlite:///{tmp_path / 'busy.db'}") as store:
        real = store.save_analysis

        def busy_on_two(analysis: Analysis) -> object:
            if "two" in analysis.article.text:
                raise StorageError("sqlite:///busy.db", "cannot store the analysis: database is locked")
            return real(analysis)

        monkeypatch.setattr(store, "save_analysis", busy_on_two)
        pipeline = Pipeline([_BrokenOnPoison(settings)])
        outcomes = list(analyze_sources([str(source)], settings, store=store, pipeline=pipeline))
        assert [o.ok for o in outcomes] == [True, False, True]
        failure = outcomes[1].failure
        assert (
            failure is not None and "database is locked" in failure.reason and "run again" in failure.reason
        )
        assert store.count_articles() == 2


def test_the_filters_of_list_resolve_aliases_and_narrative_ids_from_python(tmp_path: Path) -> None:
    # find_articles(store, ArticleQuery(attacked="USA")) found nothing where `propwatch list --attacked
    # USA` found the article: the resolution lived in the CLI.
    from propwatch.errors import PropwatchError
    from propwatch.service import article_query
    from propwatch.storage.queries import ArticleQuery, find_articles
    from propwatch.storage.store import ArticleStore

    settings = Settings(data_dir=tmp_path, db=f"sqlite:///{tmp_path / 'q.db'}")
    article = Article(text="Washington wants war.", language="en", published=date(2024, 5, 1))
    labels = (
        Label(name="attacked", value="United States", analyzer="targets"),
        Label(name="narrative", value="west-provokes-russia-to-blame-it", analyzer="narratives"),
    )
    with ArticleStore.from_settings(settings) as store:
        store.save_analysis(Analysis(article=article, labels=labels, analyzers={"targets": "1"}))
        assert find_articles(store, ArticleQuery(attacked="США")).total == 0
        for name in ("USA", "США", "united states"):
            assert find_articles(store, article_query(settings, store, attacked=name)).total == 1, name
        query = article_query(
            settings, store, narrative="west-provokes-russia-to-blame-it", since=date(2024, 1, 1)
        )
        assert find_articles(store, query).total == 1
        with pytest.raises(PropwatchError, match="west-provokes-russia-to-blame-it"):
            article_query(settings, store, narrative="west-provokes-russia")
        # One broken catalogue file had stopped every --narrative filter, even on stored ids.
        from propwatch.narratives.catalogue import user_catalogue_folder

        user_catalogue_folder(settings).mkdir(parents=True, exist_ok=True)
        (user_catalogue_folder(settings) / "broken.yaml").write_text("format: [", encoding="utf-8")
        query = article_query(settings, store, narrative="west-provokes-russia-to-blame-it")
        assert find_articles(store, query).total == 1


def _council_texts(folder: Path, count: int) -> list[str]:
    """Paths of ``count`` short text files, each a different article."""
    for n in range(count):
        text = f"The council met on day {n} and approved the budget for the harbour."
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    return [str(folder / f"{n}.txt") for n in range(count)]


def test_a_read_only_store_stops_the_run_at_the_first_article(tmp_path: Path) -> None:
    # Each article failed after its analysis with "run again to retry it", which cannot help.
    from propwatch.errors import StorageError
    from propwatch.service import ingest_sources
    from propwatch.storage import ArticleStore

    path = tmp_path / "replica.db"
    ArticleStore.open(f"sqlite:///{path}").close()
    sources = _council_texts(tmp_path, 3)
    settings = Settings(data_dir=tmp_path, detect_language=False)
    with ArticleStore.open(f"sqlite:///file:{path}?mode=ro&uri=true", create=False) as replica:
        outcomes = ingest_sources(sources, settings, store=replica)
        with pytest.raises(StorageError, match="the store is read-only, so nothing can be stored in it"):
            next(outcomes)


def test_a_run_that_stores_articles_signs_them(tmp_path: Path) -> None:
    # Only batch, watch and copy signed: the first article page then signed the whole store.
    from propwatch.republication.signatures import index_missing
    from propwatch.service import ingest_sources
    from propwatch.storage import ArticleStore

    sources = _council_texts(tmp_path, 2)
    settings = Settings(data_dir=tmp_path, detect_language=False)
    with ArticleStore.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert all(outcome.article_stored for outcome in ingest_sources(sources, settings, store=store))
        assert index_missing(store, settings) == 0


def test_a_target_filter_no_stored_analysis_names_says_so_with_the_nearest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`list --attacked Natto` found no article and said nothing: a typo looked like an answer."""
    from propwatch.service import article_query

    settings = Settings(data_dir=tmp_path, db=f"sqlite:///{tmp_path / 'q.db'}")
    store = ArticleStore.from_settings(settings)
    attacked = Label(name="attacked", value="NATO", analyzer="targets")
    store.save_analysis(Analysis(article=Article(text="NATO lies."), labels=(attacked,)))
    with caplog.at_level("WARNING", logger="propwatch.service"):
        article_query(settings, store, attacked="OTAN")  # an alias of a stored name: no word
        assert not caplog.records
        article_query(settings, store, attacked="Natto")
    store.close()
    assert [r.getMessage() for r in caplog.records] == [
        "No stored analysis names the target 'Natto'; nearest stored names: NATO."
    ]
