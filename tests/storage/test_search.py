"""Full-text search on SQLite FTS5 and PostgreSQL tsvector: languages, snippets, ranking, hostile queries."""

from __future__ import annotations

import unicodedata

import pytest

from propwatch.domain import Article
from propwatch.errors import InputError
from propwatch.storage import SNIPPET_END, SNIPPET_START, ArticleStore
from propwatch.storage.search import ParsedQuery, fts5_expression, parse_query, tsquery_sql

ENGLISH = Article(
    title="Alliance expansion worries the minister",
    text="The minister said the eastward expansion of the alliance is a provocation. "
    "Critics called the speech pure propaganda.",
    language="en",
    outlet="Example Daily",
)
RUSSIAN = Article(
    title="Заявление министра",
    text="Министр заявил, что расширение НАТО на восток является провокацией. "
    "Москва ответит на любые угрозы.",
    language="ru",
    outlet="Пример",
)
OTHER = Article(
    title="Weather report",
    text="Rain is expected in the north tomorrow; the south stays dry and warm.",
    language="en",
)


@pytest.fixture
def corpus(store: ArticleStore) -> ArticleStore:
    for article in (ENGLISH, RUSSIAN, OTHER):
        store.save_article(article)
    return store


def ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [hit.summary.id for hit in hits]


def test_english_word_with_snippet(corpus: ArticleStore) -> None:
    hits = corpus.search("propaganda")
    assert ids(hits) == [ENGLISH.id]
    hit = hits[0]
    assert f"{SNIPPET_START}propaganda{SNIPPET_END}" in hit.snippet
    assert hit.summary.title == ENGLISH.title
    assert hit.summary.outlet == "Example Daily"
    assert isinstance(hit.rank, float)


def test_case_insensitive_and_all_words_must_match(corpus: ArticleStore) -> None:
    assert ids(corpus.search("MINISTER Provocation")) == [ENGLISH.id]
    assert ids(corpus.search("minister weather")) == []
    # 'or' joins only its neighbours (PostgreSQL's websearch syntax read (expansion & minister) | weather)
    assert ids(corpus.search("expansion minister or weather")) == [ENGLISH.id]


def test_bare_words_find_their_other_forms_quoted_ones_do_not(corpus: ArticleStore) -> None:
    assert ids(corpus.search("провокация")) == [RUSSIAN.id]  # the text says "провокацией"
    assert ids(corpus.search("министр заявление")) == [RUSSIAN.id]  # "Министр", "Заявление министра"
    assert ids(corpus.search("любая угроза")) == [RUSSIAN.id]  # "любые угрозы"
    assert ids(corpus.search('"провокация"')) == []
    assert ids(corpus.search("provocations critic")) == [ENGLISH.id]  # "a provocation", "Critics"
    assert ids(corpus.search('"provocations"')) == []
    hits = corpus.search("провокация")
    assert f"{SNIPPET_START}провокацией{SNIPPET_END}" in hits[0].snippet


def test_russian_words_any_case(corpus: ArticleStore) -> None:
    hits = corpus.search("москва")
    assert ids(hits) == [RUSSIAN.id]
    assert f"{SNIPPET_START}Москва{SNIPPET_END}" in hits[0].snippet
    assert ids(corpus.search("НАТО")) == [RUSSIAN.id]
    assert ids(corpus.search("нато восток")) == [RUSSIAN.id]


def test_yo_and_ye_find_each_other(store: ArticleStore) -> None:
    # Russian outlets write "лжёт" or "лжет"; neither FTS5 nor PostgreSQL folds one into the other.
    with_yo = Article(text="Он лжёт про санкции. Зелёный свет дан.", language="ru")
    without = Article(text="Он лжет снова, и елка стоит.", language="ru")
    store.save_article(with_yo)
    store.save_article(without)
    assert set(ids(store.search("лжет"))) == set(ids(store.search("лжёт"))) == {with_yo.id, without.id}
    assert ids(store.search("ёлка")) == [without.id] and ids(store.search('"зеленый свет"')) == [with_yo.id]
    assert ids(store.search("лжет -зеленый")) == [without.id]


def test_title_is_searched_too(corpus: ArticleStore) -> None:
    hits = corpus.search("заявление")
    assert ids(hits) == [RUSSIAN.id]
    assert f"{SNIPPET_START}Заявление{SNIPPET_END}" in hits[0].snippet


def test_phrase_or_and_exclusion(corpus: ArticleStore) -> None:
    assert ids(corpus.search('"eastward expansion"')) == [ENGLISH.id]
    assert ids(corpus.search('"expansion eastward"')) == []
    assert set(ids(corpus.search("propaganda or rain"))) == {ENGLISH.id, OTHER.id}
    assert ids(corpus.search("the -propaganda")) == [OTHER.id]


def test_title_match_ranks_first(store: ArticleStore) -> None:
    in_title = Article(title="Sanctions", text="The council met today and voted on several measures.")
    in_text = Article(title="Council meeting", text="The council met today and voted on new sanctions.")
    store.save_article(in_text)
    store.save_article(in_title)
    for n in range(4):  # unrelated articles, so that the word is rare enough to weigh something
        store.save_article(Article(text=f"Unrelated story number {n} about farming."))
    hits = store.search("sanctions")
    assert ids(hits) == [in_title.id, in_text.id]
    assert hits[0].rank > hits[1].rank


def test_search_pages(store: ArticleStore) -> None:
    articles = [Article(text=f"Report number {n} on the referendum.") for n in range(5)]
    for article in articles:
        store.save_article(article)
    pages = [ids(store.search("referendum", limit=2, offset=offset)) for offset in (0, 2, 4)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(hit for page in pages for hit in page) == sorted(article.id for article in articles)


def test_articles_saved_with_analyses_are_indexed(store: ArticleStore, make_article, make_analysis) -> None:
    article = make_article("A referendum was announced by the governor.")
    store.save_analysis(make_analysis(article))
    assert ids(store.search("governor")) == [article.id]
    assert store.search("governor")[0].summary.n_spans == 2


@pytest.mark.parametrize(
    "query",
    [
        '"NATO',
        'NATO"',
        "AND OR (",
        "(",
        ")",
        "*",
        "NOT",
        "NEAR(minister alliance",
        "title:minister",
        "minister^",
        "'; DROP TABLE articles; --",
        '"" "',
        "-",
        "-- -",
        "\x00minister",
        "min*ster",
        "a:b:c {x} [y] <z> & | !",
        "Министр AND",
    ],
)
def test_hostile_queries_do_not_crash(corpus: ArticleStore, query: str) -> None:
    hits = corpus.search(query)
    assert isinstance(hits, list)
    assert corpus.count_articles() == 3  # and nothing was dropped


def test_hostile_queries_still_find_their_words(corpus: ArticleStore) -> None:
    assert ids(corpus.search('"НАТО')) == [RUSSIAN.id]
    assert ids(corpus.search('propaganda"')) == [ENGLISH.id]
    assert ids(corpus.search("(minister: AND")) == []  # "and" is just a word, and not in the text
    assert ids(corpus.search("(minister: provocation)")) == [ENGLISH.id]
    assert ids(corpus.search("\x00propaganda")) == [ENGLISH.id]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "_", "« — »"])
def test_queries_without_words_find_nothing(corpus: ArticleStore, query: str) -> None:
    assert corpus.search(query) == []


def test_a_query_that_only_excludes_says_so(corpus: ArticleStore) -> None:
    # Neither backend can list "every article without a word": an empty list would read as "none has it".
    with pytest.raises(InputError, match="only excludes words"):
        corpus.search("-propaganda")


def test_empty_store_search(store: ArticleStore) -> None:
    assert store.search("anything") == []


# --- the query parser, on its own --------------------------------------------------------------------


def test_parse_query() -> None:
    parsed = parse_query('NATO "eastward expansion" provocation or threat -peace')
    assert parsed == ParsedQuery(
        groups=(
            (("nato",),),
            (("eastward", "expansion"), ("eastward", "expansions")),  # quoted: the words together
            (("provocation",), ("provocations",), ("threat",), ("threats",)),
        ),
        excluded=(("peace",), ("peaces",)),
    )
    assert fts5_expression(parsed) == (
        '("nato" AND ("eastward expansion" OR "eastward expansions") AND '
        '("provocation" OR "provocations" OR "threat" OR "threats"))'
        ' NOT "peace" NOT "peaces"'
    )
    expression, phrases = tsquery_sql(parsed)
    assert expression == (
        "(phraseto_tsquery('simple', :phrase_0)) && (phraseto_tsquery('simple', :phrase_1) || "
        "phraseto_tsquery('simple', :phrase_2)) && "
        "(phraseto_tsquery('simple', :phrase_3) || phraseto_tsquery('simple', :phrase_4) || "
        "phraseto_tsquery('simple', :phrase_5) || phraseto_tsquery('simple', :phrase_6)) && "
        "!!phraseto_tsquery('simple', :phrase_7) && !!phraseto_tsquery('simple', :phrase_8)"
    )
    assert list(phrases.values()) == [
        "nato",
        "eastward expansion",
        "eastward expansions",
        "provocation",
        "provocations",
        "threat",
        "threats",
        "peace",
        "peaces",
    ]


def test_parse_query_punctuation_splits_words_like_the_index() -> None:
    groups = parse_query("U.S.-led e-mail").groups
    assert [group[0] for group in groups] == [("u", "s", "led"), ("e", "mail")]  # as typed, then forms
    assert parse_query('"NATO').groups == ((("nato",),),)
    assert parse_query("AND OR (").groups == ((("and",),),)
    assert [group[0] for group in parse_query("or nato").groups] == [("or",), ("nato",)]  # first, a word
    assert parse_query("-").empty


def test_parse_query_spells_ye_and_yo_both_ways() -> None:
    assert parse_query('"лжёт"').groups == ((("лжёт",), ("лжет",)),)
    assert parse_query('"нет"').groups == ((("нет",),),)  # a word pymorphy3 knows: its own spelling only
    assert parse_query('"Шойгу Зеленый"').groups[0][:2] == (("шойгу", "зеленый"), ("шойгу", "зелёный"))
    bare = parse_query("лжёт").groups[0]
    assert bare[:2] == (("лжёт",), ("лжет",)) and {("лгут",), ("лжешь",), ("лжёшь",)} <= set(bare)
    many = parse_query('"лес сено вечер день"').groups[0]  # 2 × 2 × 4 × 2 spellings, capped
    assert many[0] == ("лес", "сено", "вечер", "день") and 1 < len(many) <= 64  # spellings, then forms
    unknown = parse_query('"Бенедетто"').groups[0]  # a word pymorphy3 does not know: every е read as ё
    assert ("бенёдетто",) in unknown and ("бенедётто",) in unknown
    assert parse_query('"перемещение"').groups == ((("перемещение",),),)  # five е: as typed only


def test_hyphens_dots_and_cases_match_on_both_backends(store: ArticleStore) -> None:
    covid = Article(text="Меры против COVID-19 отменены. Инфляция составила 7.1 процента.", language="ru")
    press = Article(
        text="Пресс-секретарю Кремля Дмитрию Пескову задали вопрос о специальной военной операции.",
        language="ru",
    )
    rostov = Article(text="В Ростове-на-Дону прошли учения.", language="ru")
    for article in (covid, press, rostov):
        store.save_article(article)
    assert ids(store.search("COVID-19")) == [covid.id]  # PostgreSQL indexes the hyphenated word whole too
    assert ids(store.search('"против COVID-19"')) == [covid.id]
    assert ids(store.search("7.1")) == [covid.id]
    assert ids(store.search("пресс-секретарь Песков")) == [press.id]
    assert ids(store.search('"специальная военная операция"')) == [press.id]  # in the prepositional case
    assert ids(store.search("Ростов-на-Дону")) == [rostov.id]


def test_words_joined_by_punctuation_are_found_one_by_one_on_both_backends(store: ArticleStore) -> None:
    # PostgreSQL kept "Security/War" whole (a file name to its parser) and "COVID-19" as "covid" "-19":
    # "covid 19" found a tenth of the articles SQLite found.
    report = Article(
        text="Globe/Reuters: COVID-19 cases rose, Security/War analysts wrote at news@example.org."
    )
    store.save_article(report)
    for query in (
        "covid 19",
        "covid\u201119",
        "war",
        "security",
        "reuters",
        "globe",
        "example",
        '"covid 19 cases"',
    ):
        assert ids(store.search(query)) == [report.id], query


def test_accents_are_ignored_on_every_backend(store: ArticleStore) -> None:
    # FTS5 folded accents, PostgreSQL's index kept them: "elysee" found 50 articles on one, 0 on the other.
    french = Article(text="L'Élysée a répondu aux hôpitaux de Kraków et de Łódź.", language="fr")
    store.save_article(french)
    for query in ("elysee", "Élysée", "hopitaux", "krakow", "Kraków", '"elysee a repondu"'):
        assert ids(store.search(query)) == [french.id], query
    assert ids(store.search("lodz")) == []  # "ł" has no decomposition: FTS5 keeps it, so does PostgreSQL
    assert ids(store.search("łódź")) == [french.id]


def test_a_query_with_decomposed_accents_is_found_on_every_backend(store: ArticleStore) -> None:
    # A query typed as e + U+0301 (pasted from a decomposed source) had searched the phrase "re gime".
    french = Article(text="Le régime répond à l'Élysée, à Kyïv.", language="fr")
    store.save_article(french)
    for query in ("régime", "Kyïv", '"le régime"', "élysée"):
        assert ids(store.search(unicodedata.normalize("NFD", query))) == [french.id], query


def test_a_capitalised_name_pymorphy_does_not_know_finds_its_other_cases(store: ArticleStore) -> None:
    biden = Article(text="Байден пообещал Зеленскому новые транши, а Столтенберг промолчал.", language="ru")
    other = Article(text="Маска защищает от вируса.", language="ru")
    for article in (biden, other):
        store.save_article(article)
    for typed in ("Байдена", "Зеленского", "Столтенберга", "зеленского"):
        assert ids(store.search(typed)) == [biden.id], typed
    assert ids(store.search("Маск")) == []  # a guessed name's forms that are other words: not "Маска"


def test_a_surname_finds_only_its_own_gender_on_both_backends(store: ArticleStore) -> None:
    him = Article(text="Владимир Зеленский выступил в Раде. Зеленского поддержали депутаты.", language="ru")
    her = Article(text="Олена Зеленская посетила больницу. Зеленская встретилась с врачами.", language="ru")
    strelkov = Article(text="Стрелкова поддержали военкоры, а Стрелкову ответили.", language="ru")
    shooters = Article(text="Стрелки заняли позиции.", language="ru")
    for article in (him, her, strelkov, shooters):
        store.save_article(article)
    assert ids(store.search("Зеленская")) == [her.id]
    assert ids(store.search("Зеленского")) == [him.id]
    assert ids(store.search("Стрелков")) == [strelkov.id]  # the surname, not the plural of "стрелок"
