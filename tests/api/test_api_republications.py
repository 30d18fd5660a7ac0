"""Republication clusters through the API and on the article page ("this text also appeared on …")."""

from __future__ import annotations

from datetime import date

from propwatch.domain import Analysis, Article
from propwatch.republication.signatures import index_missing
from workbench_fixture import ApiMaker

STORY = " ".join(
    f"Sentence {n} of the story says the alliance moved troops closer to the border again this week."
    for n in range(40)
)


def _copies() -> list[Article]:
    edited = STORY.replace("this week", "this month", 2) + " Subscribe to our channel."
    unrelated = "An unrelated report about the harvest in the valley. " * 20
    return [
        Article(text=STORY, outlet="First Site", url="https://first.example/a", published=date(2022, 2, 3)),
        Article(text=edited, outlet="Second Site", url="https://b.example/", published=date(2022, 2, 5)),
        Article(text=unrelated, outlet="Third Site", url="https://c.example/", published=date(2022, 2, 1)),
    ]


def test_republications_route_lists_copies_origin_first(make_api: ApiMaker) -> None:
    api = make_api()
    original, copy, other = _copies()
    for article in (copy, original, other):
        api.store.save_analysis(Analysis(article=article))
    index_missing(api.store, api.settings)  # as every command that stores articles does
    found = api.client.get(f"/api/articles/{copy.id}/republications").json()
    assert found["cluster_id"] == original.id
    assert [c["outlet"] for c in found["copies"]] == ["First Site", "Second Site"]
    alone = api.client.get(f"/api/articles/{other.id}/republications").json()
    assert alone == {"cluster_id": None, "copies": []}
    assert api.client.get("/api/articles/0000000000000000/republications").status_code == 404


def test_article_page_says_where_else_the_text_appeared(make_api: ApiMaker) -> None:
    api = make_api()
    original, copy, other = _copies()
    for article in (original, copy, other):
        api.store.save_analysis(Analysis(article=article))
    index_missing(api.store, api.settings)
    page = api.client.get(f"/articles/{copy.id}").text
    assert "This text also appeared 1 other time, on 2 sites in all" in page
    assert f'href="/articles/{original.id}"' in page
    assert "also appeared" not in api.client.get(f"/articles/{other.id}").text


def test_each_copy_on_the_page_shows_its_address_and_headline(make_api: ApiMaker) -> None:
    """The panel had shown outlet and date only, every exact copy linked to the page itself and marked
    as the current one: where the copies were, and under which headlines, was nowhere on the page."""
    import html
    import re

    api = make_api()
    original, copy, _ = _copies()
    original = original.model_copy(update={"title": "NATO moves troops"})
    mirror = original.model_copy(
        update={"url": "https://mirror.example/nato", "outlet": None, "title": "Why NATO wants war"}
    )
    hostile = original.model_copy(update={"url": "javascript:alert(1)", "outlet": "Hostile"})
    for article in (original, mirror, hostile, copy):
        api.store.save_analysis(Analysis(article=article))
    index_missing(api.store, api.settings)
    page = api.client.get(f"/articles/{original.id}").text
    panel = html.unescape(
        re.search(r'<section class="card panel republications-panel">.*?</section>', page, re.S)[0]
    )
    assert panel.count('aria-current="true"') == 1  # this page only, not every exact copy
    assert 'href="https://mirror.example/nato"' in panel and "mirror.example" in panel  # host for no outlet
    assert "“Why NATO wants war”" in panel  # a headline other than this page's
    assert 'href="javascript:' not in panel and "javascript:alert(1)</span>" in panel  # shown, not linked
    assert f'href="/articles/{copy.id}">edited copy</a>' in panel
    assert "(the same text)" in panel and "(this page)" in panel


def test_copies_of_no_known_site_are_not_on_0_sites(make_api: ApiMaker) -> None:
    api = make_api()
    first = Article(text=STORY, published=date(2022, 2, 3), title="One")
    api.store.save_analysis(Analysis(article=first))
    api.store.save_analysis(
        Analysis(article=first.model_copy(update={"published": date(2022, 2, 5), "title": "Two"}))
    )
    page = api.client.get(f"/articles/{first.id}").text
    assert "This text also appeared 1 other time (earliest first)" in page and "0 sites" not in page


def test_a_copy_s_host_is_the_one_a_browser_goes_to() -> None:
    from propwatch.web.pages import url_host

    assert url_host("https://evil.example\\@www.bbc.com/news/1") == "evil.example"
    assert url_host("https://reader@www.bbc.com/news/1") == "www.bbc.com"
