"""ArticleStore on SQLite and PostgreSQL: dedup, analyses per version, ids, listings, transactions."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import func, insert, select

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.errors import InputError, NotFoundError, StorageError
from propwatch.settings import Settings
from propwatch.storage import ArticleStore, ArticleSummary, SaveOutcome
from propwatch.storage.schema import analyses, articles, labels, spans


def row_counts(store: ArticleStore) -> dict[str, int]:
    with store._engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (articles, analyses, spans, labels)
        }


def stored_at_of(store: ArticleStore, article_id: str) -> object:
    with store._engine.connect() as conn:
        return conn.execute(select(articles.c.stored_at).where(articles.c.id == article_id)).scalar_one()


def test_save_article_then_already_stored(store: ArticleStore, full_article: Article) -> None:
    assert store.save_article(full_article) is True
    before = row_counts(store)
    first_stored_at = stored_at_of(store, full_article.id)

    # Same text, other metadata: still the same article, and nothing changes.
    again = full_article.model_copy(update={"title": "Another title", "url": "https://other.example/"})
    assert store.save_article(again) is False
    assert store.save_article(full_article) is False

    assert row_counts(store) == before == {"articles": 1, "analyses": 0, "spans": 0, "labels": 0}
    assert stored_at_of(store, full_article.id) == first_stored_at
    assert store.get_article(full_article.id) == full_article


def test_every_article_field_round_trips(store: ArticleStore, full_article: Article) -> None:
    store.save_article(full_article)
    got = store.get_article(full_article.id)
    assert got == full_article
    assert got.sources == ("TASS", "RIA")
    assert got.quoted_outlets == ("Reuters",)
    assert got.raw == full_article.raw
    assert got.published == date(2024, 3, 2)


def test_minimal_article_round_trips(store: ArticleStore) -> None:
    article = Article(text="Только текст, без заголовка.")
    store.save_article(article)
    assert store.get_article(article.id) == article


def test_save_analysis_stores_article_spans_and_labels(
    store: ArticleStore, make_article, make_analysis
) -> None:
    analysis = make_analysis(make_article(), n_spans=3)

    outcome = store.save_analysis(analysis)

    assert outcome == SaveOutcome(article_id=analysis.article.id, article_stored=True, analysis_stored=True)
    assert row_counts(store) == {"articles": 1, "analyses": 1, "spans": 3, "labels": 2}
    got = store.get_analysis(analysis.article.id)
    assert got == analysis  # spans and labels in order, scores, analyzers, created_at
    assert got.model_version == analysis.model_version


def test_save_analysis_of_stored_article_keeps_the_article(
    store: ArticleStore, make_article, make_analysis
) -> None:
    article = make_article()
    store.save_article(article)
    outcome = store.save_analysis(make_analysis(article))
    assert outcome.article_stored is False
    assert outcome.analysis_stored is True
    assert row_counts(store)["articles"] == 1


def test_same_model_version_is_stored_once(store: ArticleStore, make_article, make_analysis) -> None:
    article = make_article()
    first = make_analysis(article, n_spans=2)
    store.save_analysis(first)
    before = row_counts(store)

    # Different spans, same analyzer versions: already stored, nothing changes.
    other = make_analysis(article, n_spans=4)
    assert other.model_version == first.model_version
    assert store.save_analysis(other) == SaveOutcome(article.id, article_stored=False, analysis_stored=False)

    assert row_counts(store) == before
    assert store.get_analysis(article.id) == first


def test_new_model_version_is_kept_next_to_the_old(store: ArticleStore, make_article, make_analysis) -> None:
    article = make_article()
    old = make_analysis(article, version="1.0", n_spans=1)
    new = make_analysis(article, version="2.0", n_spans=3)

    store.save_analysis(old)
    assert store.save_analysis(new).analysis_stored is True

    assert store.model_versions(article.id) == [old.model_version, new.model_version]
    assert store.get_analysis(article.id) == new  # the latest
    assert store.get_analysis(article.id, old.model_version) == old
    assert store.get_analysis(article.id, new.model_version) == new
    assert store.list_articles()[0].n_spans == 3


def test_unknown_model_version_names_the_stored_ones(
    store: ArticleStore, make_article, make_analysis
) -> None:
    analysis = make_analysis(make_article())
    store.save_analysis(analysis)
    with pytest.raises(NotFoundError) as caught:
        store.get_analysis(analysis.article.id, "spans=9.9")
    assert "spans=9.9" in str(caught.value)
    assert analysis.model_version in str(caught.value)


def test_article_without_analysis(store: ArticleStore, make_article) -> None:
    article = make_article()
    store.save_article(article)
    got = store.get_analysis(article.id)
    assert got.article == article
    assert got.spans == ()
    assert got.labels == ()
    assert store.model_versions(article.id) == []
    # Never analysed is not "no spans": the counts are unknown, not 0.
    assert (store.list_articles()[0].n_spans, store.list_articles()[0].n_technique_spans) == (None, None)
    # Dated when stored, not when read: two exports of it are the same record.
    assert store.get_analysis(article.id) == got and got.created_at == store.list_articles()[0].stored_at


def test_analysis_without_spans_or_analyzers(store: ArticleStore, make_article) -> None:
    analysis = Analysis(article=make_article())
    assert store.save_analysis(analysis).analysis_stored is True
    assert store.model_versions(analysis.article.id) == ["none"]
    assert store.get_analysis(analysis.article.id) == analysis


def _two_texts_sharing_an_id_prefix(length: int = 6) -> tuple[str, str]:
    seen: dict[str, str] = {}
    for number in itertools.count():
        text = f"Article number {number} about the alliance."
        prefix = hashlib.sha256(text.encode()).hexdigest()[:length]
        if prefix in seen:
            return seen[prefix], text
        seen[prefix] = text
    raise AssertionError("unreachable")


def test_article_ids_and_prefixes(store: ArticleStore, make_article) -> None:
    article = make_article()
    store.save_article(article)
    assert store.get_article(article.id) == article
    assert store.get_article(article.id[:6]) == article
    assert store.get_article(article.id[:10].upper()) == article
    assert store.get_article(f"  {article.id}\n") == article
    assert store.get_article(article.content_hash) == article


def test_ambiguous_prefix(store: ArticleStore, make_article) -> None:
    first, second = (make_article(text) for text in _two_texts_sharing_an_id_prefix())
    store.save_article(first)
    store.save_article(second)
    with pytest.raises(NotFoundError, match="ambiguous") as caught:
        store.get_article(first.id[:6])
    assert first.id in str(caught.value) and second.id in str(caught.value)
    assert store.get_article(first.id) == first
    assert store.get_article(second.id) == second


@pytest.mark.parametrize(
    ("article_id", "reason"),
    [("0123456789abcdef", "no stored article"), ("abc12", "too short"), ("not-an-id!", "not an article id")],
)
def test_unknown_or_malformed_ids(store: ArticleStore, make_article, article_id: str, reason: str) -> None:
    store.save_article(make_article())
    for call in (store.get_article, store.get_analysis, store.model_versions):
        with pytest.raises(NotFoundError, match=reason) as caught:
            call(article_id)
        assert caught.value.input_name == article_id


def _corpus(make_article) -> list[Article]:
    return [
        make_article(
            "Alpha text one.", outlet="RT", language="en", genre_tag="opinion", published=date(2024, 1, 1)
        ),
        make_article(
            "Beta text two.", outlet="RT", language="en", genre_tag="news", published=date(2024, 2, 1)
        ),
        make_article(
            "Гамма текст три.", outlet="TASS", language="ru", genre_tag="news", published=date(2024, 3, 1)
        ),
        make_article("Delta text four.", outlet="BBC", language="en", genre_tag="news"),
    ]


def test_list_articles_newest_first_and_summaries(store: ArticleStore, make_article, make_analysis) -> None:
    corpus = _corpus(make_article)
    for article in corpus:
        store.save_article(article)
    store.save_analysis(make_analysis(corpus[0], n_spans=2))

    listed = store.list_articles()
    assert [summary.id for summary in listed] == [article.id for article in reversed(corpus)]
    oldest = listed[-1]
    assert isinstance(oldest, ArticleSummary)
    assert (oldest.outlet, oldest.language, oldest.genre_tag, oldest.published) == (
        "RT",
        "en",
        "opinion",
        date(2024, 1, 1),
    )
    assert oldest.n_spans == 2
    assert oldest.stored_at.tzinfo is not None
    assert store.count_articles() == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"outlet": "RT"}, [1, 0]),
        ({"language": "ru"}, [2]),
        ({"language": "EN"}, [3, 1, 0]),
        ({"genre_tag": "News"}, [3, 2, 1]),
        ({"genre_tag": "news", "language": "en"}, [3, 1]),
        ({"since": date(2024, 2, 1)}, [2, 1]),
        ({"until": date(2024, 2, 1)}, [1, 0]),
        ({"since": date(2024, 1, 15), "until": date(2024, 2, 15)}, [1]),
        ({"outlet": "Nobody"}, []),
    ],
)
def test_list_filters(
    store: ArticleStore, make_article, filters: dict[str, object], expected: list[int]
) -> None:
    corpus = _corpus(make_article)
    for article in corpus:
        store.save_article(article)
    assert [summary.id for summary in store.list_articles(**filters)] == [corpus[i].id for i in expected]  # type: ignore[arg-type]
    assert store.count_articles(**filters) == len(expected)  # type: ignore[arg-type]


def test_pagination(store: ArticleStore, make_article) -> None:
    corpus = [make_article(f"Article {n} text.") for n in range(7)]
    for article in corpus:
        store.save_article(article)
    newest_first = [article.id for article in reversed(corpus)]

    pages = [store.list_articles(limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [[s.id for s in page] for page in pages] == [
        newest_first[0:3],
        newest_first[3:6],
        newest_first[6:],
        [],
    ]
    with pytest.raises(InputError):
        store.list_articles(limit=0)
    with pytest.raises(InputError):
        store.list_articles(offset=-1)


def test_iter_analyses_latest_of_each_article_across_pages(
    store: ArticleStore, make_article, make_analysis
) -> None:
    corpus = [make_article(f"Article {n} is about the alliance.") for n in range(5)]
    for article in corpus[:4]:
        store.save_analysis(make_analysis(article, version="1.0", n_spans=1))
    store.save_analysis(make_analysis(corpus[1], version="2.0", n_spans=3))
    store.save_article(corpus[4])  # no analysis

    got = list(store.iter_analyses(page_size=2))

    assert [analysis.article.id for analysis in got] == [article.id for article in corpus]
    assert [len(analysis.spans) for analysis in got] == [1, 3, 1, 1, 0]
    assert got[1] == make_analysis(corpus[1], version="2.0", n_spans=3)


def test_iter_analyses_of_given_ids(store: ArticleStore, make_article, make_analysis) -> None:
    corpus = [make_article(f"Article {n} is about the alliance.") for n in range(3)]
    for article in corpus:
        store.save_analysis(make_analysis(article))
    wanted = [corpus[2].id, corpus[0].id[:8], corpus[2].id]
    assert [a.article.id for a in store.iter_analyses(article_ids=wanted)] == [corpus[2].id, corpus[0].id]
    assert list(store.iter_analyses(article_ids=[])) == []
    assert [a.article.id for a in store.iter_analyses(article_ids=corpus[1].id)] == [corpus[1].id]
    with pytest.raises(NotFoundError):  # at the call, before any analysis is read or written out
        store.iter_analyses(article_ids=[corpus[0].id, "ffffffffffffffff"])


def test_an_export_goes_on_past_articles_deleted_while_it_reads(
    store: ArticleStore, make_article, make_analysis
) -> None:
    # A filtered export racing a delete crashed with a KeyError, or (API) said 404 for ids never given.
    corpus = [make_article(f"Article {n} is about the alliance.") for n in range(4)]
    for article in corpus:
        store.save_analysis(make_analysis(article))
    ids = [article.id for article in corpus]
    exported = store.iter_analyses(article_ids=ids, page_size=1, matched=True)
    assert next(exported).article.id == ids[0]
    store.delete_articles([ids[2]])
    assert [a.article.id for a in exported] == [ids[1], ids[3]]
    # ids a query found that are gone by the time the export starts are skipped, not an error
    store.delete_articles([ids[3]])
    assert [a.article.id for a in store.iter_analyses(article_ids=ids, matched=True)] == ids[:2]


def test_reads_see_one_snapshot(store: ArticleStore) -> None:
    # PostgreSQL gave each statement of a read its own view: an analysis stored between two of the outlet
    # statistics' queries broke their lookups (KeyError, a 500 on the dashboard).
    from sqlalchemy import text

    with store._reading("checking") as conn:
        if conn.dialect.name == "postgresql":
            assert conn.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"


def test_empty_store(store: ArticleStore) -> None:
    assert store.list_articles() == []
    assert store.count_articles() == 0
    assert list(store.iter_analyses()) == []


def _bad_span() -> Span:
    # Bypasses the Span validator, as a buggy analyzer or a corrupted record could: the database refuses it.
    return Span.model_construct(start=5, end=2, label="Broken", score=None, analyzer="spans")


def test_failed_analysis_write_leaves_nothing_behind(
    store: ArticleStore, make_article, make_analysis
) -> None:
    stored = make_article("An article stored before the failure.")
    store.save_analysis(make_analysis(stored))
    before = row_counts(store)

    good = make_analysis(make_article())
    # Article row, analysis row and the first span go in before the second span fails.
    broken = good.model_copy(update={"spans": (*good.spans, _bad_span())})
    with pytest.raises(StorageError) as caught:
        store.save_analysis(broken)

    assert good.article.id in str(caught.value)
    assert row_counts(store) == before
    with pytest.raises(NotFoundError):
        store.get_article(good.article.id)
    assert store.save_analysis(good) == SaveOutcome(good.article.id, True, True)


def test_failed_labels_write_keeps_the_old_state(store: ArticleStore, make_article, make_analysis) -> None:
    article = make_article()
    first = make_analysis(article, version="1.0")
    store.save_analysis(first)
    before = row_counts(store)

    second = make_analysis(article, version="2.0", n_spans=3)
    broken_label = Label.model_construct(name="genre", value=None, score=None, analyzer="genre")
    broken = second.model_copy(update={"labels": (*second.labels, broken_label)})
    with pytest.raises(StorageError):
        store.save_analysis(broken)

    assert row_counts(store) == before
    assert store.model_versions(article.id) == [first.model_version]
    assert store.get_analysis(article.id) == first


def test_text_postgres_cannot_hold_never_reaches_a_store(store: ArticleStore, make_article) -> None:
    # PostgreSQL cannot store a NUL in text and SQLite can: the Article refuses it, so both agree.
    with pytest.raises(ValidationError, match="NUL"):
        make_article("Text with a NUL \x00 character.")
    assert store.count_articles() == 0


def test_closed_store_refuses_work(database_url: str, make_article) -> None:
    store = ArticleStore.open(database_url)
    store.close()
    store.close()  # closing twice is harmless
    with pytest.raises(StorageError, match="closed"):
        store.save_article(make_article())
    with pytest.raises(StorageError, match="closed"):
        store.list_articles()


def test_context_manager_and_reopen(database_url: str, make_article) -> None:
    article = make_article()
    with ArticleStore.open(database_url) as store:
        store.save_article(article)
    with ArticleStore.open(database_url) as store:
        assert store.get_article(article.id) == article


def test_from_settings(tmp_path: Path, database_url: str, make_article) -> None:
    data_dir = tmp_path / "data" / "nested"
    with ArticleStore.from_settings(Settings(data_dir=data_dir)) as store:
        store.save_article(make_article())
    assert (data_dir / "propwatch.db").is_file()

    with ArticleStore.from_settings(Settings(db=database_url)) as store:
        assert store.dialect in ("sqlite", "postgresql")
        assert store.count_articles() == 0


def test_concurrent_writers(store: ArticleStore, make_article, make_analysis) -> None:
    """Threads saving the same and different analyses at once: no lock errors, each stored once."""
    from concurrent.futures import ThreadPoolExecutor

    shared = make_analysis(make_article("One article every writer saves."))
    own = [make_analysis(make_article(f"Article {n} of one writer.")) for n in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        shared_outcomes = list(pool.map(store.save_analysis, [shared] * 6))
        own_outcomes = list(pool.map(store.save_analysis, own))

    assert sum(outcome.article_stored for outcome in shared_outcomes) == 1
    assert sum(outcome.analysis_stored for outcome in shared_outcomes) == 1
    assert all(outcome.analysis_stored for outcome in own_outcomes)
    assert row_counts(store) == {"articles": 13, "analyses": 13, "spans": 26, "labels": 26}


def test_write_retried_once_after_a_unique_conflict(
    store: ArticleStore, make_article, make_analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that loses an insert race to another (unique hash refused) tries again, and succeeds."""
    from propwatch.storage import writing
    from propwatch.storage.records import article_values

    original = writing.insert_article
    calls: list[int] = []

    def racing_insert(conn, article, **options):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            # As if another writer had inserted the same text between our check and our insert.
            values = article_values(article, datetime.now(UTC))
            conn.execute(insert(articles).values(values))
            conn.execute(insert(articles).values(values))
        return original(conn, article, **options)

    monkeypatch.setattr(writing, "insert_article", racing_insert)
    analysis = make_analysis(make_article())
    assert store.save_analysis(analysis) == SaveOutcome(analysis.article.id, True, True)
    assert len(calls) == 2
    assert row_counts(store)["articles"] == 1


def test_failing_twice_is_a_storage_error(
    store: ArticleStore, make_article, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.storage import writing
    from propwatch.storage.records import article_values

    def always_conflicting(conn, article):  # type: ignore[no-untyped-def]
        values = article_values(article, datetime.now(UTC))
        conn.execute(insert(articles).values(values))
        conn.execute(insert(articles).values(values))

    monkeypatch.setattr(writing, "insert_article", always_conflicting)
    article = make_article()
    with pytest.raises(StorageError, match=f"cannot store article {article.id}"):
        store.save_article(article)
    assert row_counts(store)["articles"] == 0


def test_an_analysis_of_some_analyzers_keeps_the_stored_findings_of_the_others(store: ArticleStore) -> None:
    article = Article(text="NATO lies. The minister said so on Monday.", language="en")
    full = Analysis(
        article=article,
        spans=(
            Span(start=0, end=10, label="Doubt", analyzer="techniques"),
            Span(start=0, end=4, label="Target:NATO", analyzer="targets"),
            Span(start=11, end=42, label="Claim", analyzer="claims"),
        ),
        labels=(Label(name="genre", value="opinion", analyzer="genre"),),
        analyzers={"techniques": "1", "targets": "1", "claims": "1", "genre": "1"},
    )
    store.save_analysis(full)
    claims_again = Analysis(
        article=article,
        spans=(Span(start=0, end=10, label="Claim", analyzer="claims"),),
        analyzers={"claims": "2"},  # as a batch, the API or a feed watcher run with one analyzer stores it
    )
    assert store.save_analysis(claims_again).analysis_stored
    latest = store.get_analysis(article.id)
    assert latest.analyzers == {"techniques": "1", "targets": "1", "genre": "1", "claims": "2"}
    assert sorted((s.analyzer, s.label) for s in latest.spans) == [
        ("claims", "Claim"),
        ("targets", "Target:NATO"),
        ("techniques", "Doubt"),
    ]
    assert [label.value for label in latest.labels] == ["opinion"]
    assert not store.save_analysis(claims_again).analysis_stored  # the same versions again: nothing new


def test_an_sqlite_uri_filename_is_found_by_read_only_commands(tmp_path: Path) -> None:
    # "sqlite:///file:/path/x.db?mode=ro&uri=true" was taken for the path "file:/path/x.db": "no database".
    from propwatch.storage.engine import missing_sqlite_file

    made = tmp_path / "ro.db"
    with ArticleStore.open(f"sqlite:///{made}"):
        pass
    uri = f"sqlite:///file:{made}?mode=ro&uri=true"
    assert missing_sqlite_file(uri) is None
    with ArticleStore.open(uri, create=False) as store:
        assert store.count_articles() == 0
    missing = tmp_path / "none.db"
    assert missing_sqlite_file(f"sqlite:///file:{missing}?mode=ro&uri=true") == missing


def test_reading_an_empty_database_creates_nothing(database_url: str) -> None:
    # `list` against an empty PostgreSQL database (even 'postgres' itself) made propwatch's tables there.
    from propwatch.errors import StorageError

    with pytest.raises(StorageError, match=r"no database at|no propwatch store yet"):
        ArticleStore.open(database_url, create=False)
    with ArticleStore.open(database_url) as store:  # writing commands create it
        store.save_article(Article(text="Now there is a store.", language="en"))
    with ArticleStore.open(database_url, create=False) as store:
        assert store.count_articles() == 1
