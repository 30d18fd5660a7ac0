"""schema.org ClaimReview skeletons for the check-worthy claims of an analysis.

Each claim span becomes one ``ClaimReview`` whose ``itemReviewed`` (the ``Claim``: what was said,
by whom, where and when) is filled from the article, and whose review parts (``reviewRating``,
the reviewing ``author``, ``datePublished`` and ``url`` of the review) are ``null`` for the
fact-checker to complete. Field by field: docs/claimreview.md.
"""

from __future__ import annotations

from typing import Any

from propwatch.domain import Analysis, Article, Span, as_iri, author_names

CLAIM_LABEL = "Claim"
CLAIMS_ANALYZER = "claims"
# schema.org's article types for the page's own genre tag (OpinionNewsArticle covers editorials,
# columns and commentary); any other tag appears as a CreativeWork.
_APPEARANCE_TYPES = {
    "opinion": "OpinionNewsArticle",
    "editorial": "OpinionNewsArticle",
    "column": "OpinionNewsArticle",
    "commentary": "OpinionNewsArticle",
    "letter": "OpinionNewsArticle",
    "news": "NewsArticle",
    "report": "ReportageNewsArticle",
    "investigation": "ReportageNewsArticle",
    "analysis": "AnalysisNewsArticle",
    "explainer": "BackgroundNewsArticle",
    "review": "ReviewNewsArticle",
    "satire": "SatiricalArticle",
    "blog": "BlogPosting",
    "interview": "NewsArticle",
    "feature": "NewsArticle",
}


def _organization(name: str | None) -> dict[str, Any] | None:
    return {"@type": "Organization", "name": name} if name else None


def _people(author: str | None) -> dict[str, Any] | list[dict[str, Any]] | None:
    """A Person per name of the byline; a list when there are several (one Person named "Ann Lee;
    Bo Chen" had gone into drafts as someone who does not exist)."""
    people = [{"@type": "Person", "name": name} for name in author_names(author)]
    return people[0] if len(people) == 1 else people or None


def _claimant(article: Article) -> dict[str, Any] | list[dict[str, Any]] | None:
    """Who makes the claim: the byline's people, else the outlet that published it."""
    return _people(article.author) or _organization(article.outlet)


def _appearance(article: Article) -> dict[str, Any]:
    appearance: dict[str, Any] = {"@type": _APPEARANCE_TYPES.get(article.genre_tag or "", "CreativeWork")}
    fields: dict[str, Any] = {
        "url": as_iri(article.url) if article.url else None,
        "headline": article.title,
        "datePublished": article.published.isoformat() if article.published else None,
        "author": _people(article.author),
        "publisher": _organization(article.outlet),
        "inLanguage": article.language,
    }
    appearance.update({k: v for k, v in fields.items() if v is not None})
    if article.sources:
        appearance["isBasedOn"] = [_organization(source) for source in article.sources]
    return appearance


def claim_review(article: Article, span: Span) -> dict[str, Any]:
    """One ClaimReview skeleton for the claim ``span`` of ``article``."""
    claim: dict[str, Any] = {"@type": "Claim", "appearance": [_appearance(article)]}
    claimant = _claimant(article)
    if claimant is not None:
        claim["author"] = claimant
    if article.published is not None:
        claim["datePublished"] = article.published.isoformat()
    # The page's own fragment goes: an IRI holds one '#'.
    anchor = (
        f"{as_iri(article.url.split('#', 1)[0])}#propwatch-claim-{span.start}-{span.end}"
        if article.url
        else None
    )
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": span.text_of(article),
        "itemReviewed": claim,
        # Left for the fact-checker: their verdict, their organisation, when and where they publish.
        "reviewRating": {"@type": "Rating", "alternateName": None, "ratingValue": None, "bestRating": None,
                         "worstRating": None},
        "author": None,
        "datePublished": None,
        "url": None,
    }  # fmt: skip
    if anchor is not None:
        claim["@id"] = anchor
    return review


def claim_spans(analysis: Analysis) -> list[Span]:
    """The claim spans of ``analysis`` in reading order."""
    spans = [s for s in analysis.spans if s.analyzer == CLAIMS_ANALYZER and s.label == CLAIM_LABEL]
    return sorted(spans, key=lambda s: (s.start, s.end))


def claim_reviews(analysis: Analysis) -> list[dict[str, Any]]:
    """ClaimReview JSON-LD skeletons, one per check-worthy claim of ``analysis``, in reading order."""
    return [claim_review(analysis.article, span) for span in claim_spans(analysis)]
