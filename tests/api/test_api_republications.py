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
