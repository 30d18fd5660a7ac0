"""Listings and facets count what an analyst filters on: articles, and technique spans apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.models.taxonomy import category_of
from propwatch.storage import ArticleStore
from propwatch.storage.queries import ArticleQuery, facets, find_articles

TEXT = "They lie. Experts doubt it. Nobody believes them. NATO said so."


def _analysis(text: str, genre_tag: str | None) -> Analysis:
    return Analysis(
        article=Article(text=text, genre_tag=genre_tag, language="en"),
        spans=(
            Span(start=0, end=8, label="Doubt", analyzer="techniques"),
            Span(start=10, end=26, label="Doubt", analyzer="techniques"),
            Span(start=28, end=49, label="Doubt", analyzer="techniques"),
            Span(start=51, end=55, label="Target:NATO", analyzer="targets"),
            Span(start=0, end=9, label="Claim", analyzer="claims"),
        ),
        labels=(Label(name="genre", value="opinion", analyzer="genre"),),
        analyzers={"techniques": "1", "targets": "1", "claims": "1", "genre": "1"},
    )


def test_listing_counts_technique_spans_apart_from_every_span(store: ArticleStore) -> None:
    store.save_analysis(_analysis(TEXT, "opinion"))
    [found] = find_articles(store, ArticleQuery()).items
    assert (found.summary.n_spans, found.summary.n_technique_spans) == (5, 3)


def test_each_article_counts_the_technique_spans_of_its_own_latest_analysis(store: ArticleStore) -> None:
    store.save_analysis(_analysis(TEXT, "opinion"))
    store.save_article(Article(text="Stored, never analysed.", language="en"))
    quiet = Analysis(
        article=Article(text="Nothing to see.", language="en"),
        spans=(Span(start=0, end=7, label="Claim", analyzer="claims"),),
        analyzers={"techniques": "1", "claims": "1"},
    )
    store.save_analysis(quiet)  # the last analysis stored has no technique span
    counts = {
        item.summary.title or item.summary.id: (item.summary.n_spans, item.summary.n_technique_spans)
        for item in find_articles(store, ArticleQuery()).items
    }
    assert sorted(counts.values(), key=str) == [(1, 0), (5, 3), (None, None)]
    claims_only = Analysis(
        article=Article(text="Checked for claims only.", language="en"),
        spans=(Span(start=0, end=7, label="Claim", analyzer="claims"),),
        analyzers={"claims": "1"},
    )
    store.save_analysis(claims_only)  # no technique detector ran: its count is unknown, not 0
    [found] = [
        i for i in find_articles(store, ArticleQuery()).items if i.summary.id == claims_only.article.id
    ]
    assert (found.summary.n_spans, found.summary.n_technique_spans) == (1, None)
    genres = sorted((item.summary.genre or "") for item in find_articles(store, ArticleQuery()).items)
    assert genres == ["", "", "", "opinion"]  # the predicted genre of each article's own latest analysis


def test_facets_count_articles_not_spans_nor_tag_and_label_twice(store: ArticleStore) -> None:
    store.save_analysis(_analysis(TEXT, "opinion"))  # tagged and predicted opinion: one article
    store.save_analysis(_analysis(TEXT + " Again.", None))  # predicted opinion only
    found = facets(store)
    assert found.genres == [("opinion", 2)]
    assert ("techniques", "Doubt", 2) in found.span_labels  # 6 spans in 2 articles
    assert find_articles(store, ArticleQuery(genre="opinion")).total == 2
    assert find_articles(store, ArticleQuery(technique="Doubt")).total == 2


def test_a_target_typed_in_another_case_matches_on_every_backend(store: ArticleStore) -> None:
    # SQLite's lower() folds ASCII only: --attacked россия found nothing there, everything on PostgreSQL.
    from propwatch.storage.queries import target_names

    text = "Россия лжёт, пишет автор."
    analysis = Analysis(
        article=Article(text=text, language="ru"),
        spans=(Span(start=0, end=6, label="Target:Россия", analyzer="targets"),),
        labels=(Label(name="attacked", value="Россия", analyzer="targets"),),
        analyzers={"targets": "1"},
    )
    store.save_analysis(analysis)
    for typed in ("россия", "РОССИЯ", "Россия"):
        query = ArticleQuery(attacked=typed, target=typed).with_target_names(lambda n: n, target_names(store))
        assert find_articles(store, query).total == 1, typed


def test_an_alias_typed_in_another_case_finds_every_name_of_its_target(store: ArticleStore) -> None:
    # --attacked usa found the articles storing "usa"-cased names only: 2 of 4.
    from propwatch.storage.queries import target_names

    for n, name in enumerate(("USA", "United States", "США")):
        store.save_analysis(
            Analysis(
                article=Article(text=f"Article {n} on Washington.", language="en"),
                labels=(Label(name="attacked", value=name, analyzer="targets"),),
                analyzers={"targets": "1"},
            )
        )
    aliases = {"USA": "United States", "США": "United States"}  # as the catalogue (case as written)
    for typed in ("usa", "united states", "сша", "USA"):
        query = ArticleQuery(attacked=typed).with_target_names(
            lambda n: aliases.get(n, n), target_names(store)
        )
        assert find_articles(store, query).total == 3, typed


def test_facets_count_what_each_value_gives_with_the_other_filters(store: ArticleStore) -> None:
    # Genre "reporting (6)" was offered beside language=ru where no Russian article was reporting.
    for number, (language, genre) in enumerate([("ru", "opinion"), ("ru", "opinion"), ("en", "reporting")]):
        made = _analysis(f"{TEXT} {number}.", None)
        article = Article(text=made.article.text, language=language)
        labels = (Label(name="genre", value=genre, analyzer="genre"),)
        store.save_analysis(made.model_copy(update={"article": article, "labels": labels}))
    everything = facets(store)
    assert dict(everything.genres) == {"opinion": 2, "reporting": 1}
    russian = facets(store, query=ArticleQuery(language="ru"))
    assert dict(russian.genres) == {"opinion": 2}
    assert dict(russian.languages) == {"en": 1, "ru": 2}  # its own filter left out: other languages stay
    assert ("techniques", "Doubt", 2) in russian.span_labels
    reporting_doubt = facets(store, query=ArticleQuery(genre="reporting", technique="Doubt"))
    assert dict(reporting_doubt.languages) == {"en": 1}
    assert ("techniques", "Doubt", 1) in reporting_doubt.span_labels
    assert dict(facets(store, query=ArticleQuery(technique="Doubt")).genres) == {"opinion": 2, "reporting": 1}
    # A category chosen stays chosen when a label is picked beside it, so the label counts keep it.
    claim_only = Analysis(
        article=Article(text="Только утверждение, без сомнений и ярлыков.", language="ru"),
        spans=(Span(start=0, end=6, label="Claim", analyzer="claims"),),
        analyzers={"techniques": "1", "claims": "1"},
    )
    store.save_analysis(claim_only)
    in_category = ArticleQuery(category=category_of("Doubt"), language="ru")
    counted = {label: n for _, label, n in facets(store, query=in_category).span_labels}
    for label in ("Doubt", "Claim"):
        assert counted[label] == find_articles(store, replace(in_category, label=label)).total == 2
    nothing = facets(store, query=ArticleQuery(text="zzzzunfindable"))
    assert nothing.languages == [] and nothing.genres == []


def test_since_and_until_include_articles_published_on_those_very_days(store: ArticleStore) -> None:
    for day in (date(2024, 3, 9), date(2024, 3, 10), date(2024, 3, 12), date(2024, 3, 15), date(2024, 3, 16)):
        store.save_article(Article(text=f"Published on {day.isoformat()}.", language="en", published=day))
    query = ArticleQuery(since=date(2024, 3, 10), until=date(2024, 3, 15))
    found = find_articles(store, query)
    assert sorted(str(item.summary.published) for item in found.items) == [
        "2024-03-10",
        "2024-03-12",
        "2024-03-15",
    ]
    assert found.total == 3
