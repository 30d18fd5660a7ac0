"""Wire datelines in title case with a known agency, ANSA's agency-first dateline and the agency signing
the end of a text (audits fr/it and pl/de)."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.ingest.datelines import match_wire_dateline, split_closing_signature
from propwatch.ingest.html_blocks import opening_agency
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

BODY = "Le président a annoncé mardi de nouvelles sanctions contre Moscou, selon un communiqué."
SECOND = "Les ministres se réuniront de nouveau la semaine prochaine à Bruxelles, a précisé l'Élysée."


@pytest.fixture
def quiet(tmp_path: Path) -> Settings:
    """No language identification: these tests are about structure."""
    return Settings(data_dir=tmp_path, detect_language=False)


# --- a place in title case and a known agency ------------------------------------------------------


@pytest.mark.parametrize(
    ("dateline", "place", "agency"),
    [
        ("Paris (AFP) - ", "Paris", "AFP"),
        ("Bruxelles (AFP) - ", "Bruxelles", "AFP"),
        ("Washington (AFP) - ", "Washington", "AFP"),
        ("London (Reuters) - ", "London", "Reuters"),
        ("Berlin (dpa) - ", "Berlin", "dpa"),
        ("Berlin (DPA) - ", "Berlin", "DPA"),  # next to a place any case is the wire's
        ("Warszawa (PAP) - ", "Warszawa", "PAP"),
        ("Roma (ANSA) – ", "Roma", "ANSA"),
    ],
)
def test_a_title_case_place_and_a_known_agency_is_a_dateline(
    quiet: Settings, dateline: str, place: str, agency: str
) -> None:
    """The dateline had stayed in the text (its place a target, itself part of claim 1), no place read."""
    article = parse_plain_text(f"Sanctions contre Moscou\n\n{dateline}{BODY}\n\n{SECOND}", quiet)
    assert (article.place, article.sources, article.body) == (place, (agency,), f"{BODY}\n\n{SECOND}")
    opening = opening_agency(f"{dateline}{BODY}")  # a page's first paragraph reads the same
    assert (opening.text, opening.place, opening.sources) == (BODY, place, [agency])


@pytest.mark.parametrize(
    "opening",
    [
        "Paris (France) - ",  # a parenthesis that names no agency
        "Paris (AFP) - le président, ",  # lower case after the dash: prose
        "SHAME — there is no other word: ",
    ],
)
def test_a_title_case_place_without_a_known_agency_is_prose(quiet: Settings, opening: str) -> None:
    article = parse_plain_text(f"Sanctions contre Moscou\n\n{opening}{BODY}", quiet)
    assert (article.place, article.sources, article.body) == (None, (), f"{opening}{BODY}")


# --- ANSA: the agency before the dateline ----------------------------------------------------------


@pytest.mark.parametrize("dateline", ["(ANSA) - ROMA, 03 FEB - ", "(ANSA) – Roma, 3 febbraio 2022 – "])
def test_the_agency_before_the_dateline_gives_place_and_agency(quiet: Settings, dateline: str) -> None:
    """ "(ANSA) - ROMA, 03 FEB - " had not been read at all: no place, no source, all of it in the text."""
    article = parse_plain_text(f"{dateline}{BODY}\n\n{SECOND}", quiet)
    assert (article.place, article.sources, article.body) == ("Roma", ("ANSA",), f"{BODY}\n\n{SECOND}")
    found = match_wire_dateline(f"{dateline}{BODY}")
    assert found is not None and (found.agency, found.rest) == ("ANSA", BODY)


def test_an_unknown_agency_before_a_place_is_no_dateline() -> None:
    assert match_wire_dateline(f"(Kyiv) - ROMA, 03 FEB - {BODY}") is None


# --- the agency signing the end of the text --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rest", "agencies"),
    [
        ("Il ministro ha parlato. (ANSA).", "Il ministro ha parlato.", ["ANSA"]),
        ("Il ministro ha parlato (ANSA).", "Il ministro ha parlato.", ["ANSA"]),
        (f"{BODY} (AFP)", BODY, ["AFP"]),
        (f"{BODY}\n\n{SECOND}\n\n(dpa)\n", f"{BODY}\n\n{SECOND}", ["dpa"]),
        (f"{BODY} (AFP/dpa)", BODY, ["AFP", "dpa"]),
    ],
)
def test_a_known_agency_signing_the_end_is_read_and_removed(
    text: str, rest: str, agencies: list[str]
) -> None:
    assert split_closing_signature(text) == (rest, agencies)


@pytest.mark.parametrize(
    "text",
    [
        "Selon l'agence (AFP).",  # the sentence names the agency
        "Die Deutsche Presse-Agentur (dpa).",
        "Il governo ha risposto alla NATO (NATO).",  # no agency
        "(ANSA).",  # nothing is signed
        f"{BODY} (AFP) {SECOND}",  # not at the very end
    ],
)
def test_a_parenthesis_that_signs_nothing_stays(text: str) -> None:
    assert split_closing_signature(text) == (text, [])


@pytest.mark.parametrize(
    ("text", "rest", "agencies"),
    [
        ("Il ministro ha parlato (Ansa).", "Il ministro ha parlato.", ["Ansa"]),
        ("Lo ha detto il premier Giorgia Meloni (ANSA).", "Lo ha detto il premier Giorgia Meloni.", ["ANSA"]),
        ("Das sagte der Kanzler in Berlin. (dpa)", "Das sagte der Kanzler in Berlin.", ["dpa"]),
    ],
)
def test_an_agency_signs_in_its_own_case(text: str, rest: str, agencies: list[str]) -> None:
    assert split_closing_signature(text) == (rest, agencies)


@pytest.mark.parametrize(
    "text",
    [
        "The report was dismissed as baseless by the Armed Forces of the Philippines (AFP).",
        "Most transactions were made through the Unified Payments Interface (UPI).",
        "The study was published by the American Psychological Association (APA).",
        "It acts as lead authority for the Danish and German (DPA).",  # dpa signs in lower case
        "Il ministro ha parlato (ansa).",
    ],
)
def test_an_acronym_spelled_out_or_in_another_case_signs_nothing(text: str) -> None:
    """These had been cut from the text and recorded as sources ("AFP", "UPI", "APA", "DPA")."""
    assert split_closing_signature(text) == (text, [])
