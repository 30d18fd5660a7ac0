"""ClaimReview skeletons: structure and what is left for the fact-checker."""

from __future__ import annotations

import json
from datetime import date

from propwatch.claims.claimreview import claim_reviews
from propwatch.domain import Analysis, Article, Span

TEXT = "The deficit doubled in 2021. I think that is sad. Taxes rose by 5 percent."


def _analysis(**fields: object) -> Analysis:
    article = Article(text=TEXT, **fields)  # type: ignore[arg-type]
    spans = (
        Span(start=TEXT.index("Taxes"), end=len(TEXT), label="Claim", score=0.8, analyzer="claims"),
        Span(start=0, end=28, label="Claim", score=0.9, analyzer="claims"),
        Span(start=0, end=11, label="Loaded_Language", analyzer="techniques"),
    )
    return Analysis(article=article, spans=spans)


def test_one_skeleton_per_claim_in_reading_order() -> None:
    reviews = claim_reviews(
        _analysis(
            url="https://example.org/a",
            title="Deficit",
            published=date(2022, 2, 3),
            outlet="Example News",
            author="Jane Roe",
            genre_tag="opinion",
            language="en",
            sources=("Wire Agency",),
        )
    )
    assert [r["claimReviewed"] for r in reviews] == [
        "The deficit doubled in 2021.",
        "Taxes rose by 5 percent.",
    ]
    review = reviews[0]
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == {"@type": "Person", "name": "Jane Roe"}
    assert claim["datePublished"] == "2022-02-03"
    assert claim["@id"] == "https://example.org/a#propwatch-claim-0-28"
    (appearance,) = claim["appearance"]
    assert appearance == {
        "@type": "OpinionNewsArticle",
        "url": "https://example.org/a",
        "headline": "Deficit",
        "datePublished": "2022-02-03",
        "author": {"@type": "Person", "name": "Jane Roe"},
        "publisher": {"@type": "Organization", "name": "Example News"},
        "inLanguage": "en",
        "isBasedOn": [{"@type": "Organization", "name": "Wire Agency"}],
    }
    # The fact-checker's part is there, empty.
    assert review["reviewRating"]["@type"] == "Rating" and review["reviewRating"]["alternateName"] is None
    assert review["author"] is None and review["datePublished"] is None and review["url"] is None
    json.dumps(reviews)  # plain JSON


def test_outlet_is_the_claimant_without_a_byline_and_unknown_fields_are_left_out() -> None:
    (review, _) = claim_reviews(_analysis(outlet="Rossa Primavera"))
    claim = review["itemReviewed"]
    assert claim["author"] == {"@type": "Organization", "name": "Rossa Primavera"}
    assert "datePublished" not in claim and "@id" not in claim
    assert claim["appearance"] == [
        {"@type": "CreativeWork", "publisher": {"@type": "Organization", "name": "Rossa Primavera"}}
    ]


def test_several_authors_are_several_people() -> None:
    """One Person named "Ann Lee; Bo Chen" had gone into drafts as someone who does not exist."""
    (review, _) = claim_reviews(_analysis(author="Ann Lee; Bo Chen", outlet="Example News"))
    people = [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Chen"}]
    assert review["itemReviewed"]["author"] == people
    assert review["itemReviewed"]["appearance"][0]["author"] == people


def test_no_claims_no_reviews() -> None:
    assert claim_reviews(Analysis(article=Article(text=TEXT))) == []


def test_the_appearance_type_follows_the_genre_tag_and_the_claim_id_has_one_fragment() -> None:
    reviews = claim_reviews(_analysis(genre_tag="editorial", url="https://example.org/story?id=7#main"))
    appearance = reviews[0]["itemReviewed"]["appearance"][0]
    assert appearance["@type"] == "OpinionNewsArticle"
    assert reviews[0]["itemReviewed"]["@id"].startswith("https://example.org/story?id=7#propwatch-claim-")
    assert claim_reviews(_analysis(genre_tag="satire"))[0]["itemReviewed"]["appearance"][0]["@type"] == (
        "SatiricalArticle"
    )
