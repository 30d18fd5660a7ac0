"""Targets in shouted lines (any case, no tagger) and in hashtags (a catalogued CamelCase part)."""

from __future__ import annotations

import re

from propwatch.targets.aliases import AliasCatalogue
from propwatch.targets.extraction import Mention, extract_mentions
from propwatch.targets.ner import NerMention


class EveryCapitalisedRun:
    """A tagger as the real ones behave on capitals: every run of capitalised words is a name."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def entities(self, text: str) -> list[NerMention]:
        self.read.append(text)
        return [
            NerMention(m.start(), m.end(), "ORG")
            for m in re.finditer(r"[A-Z][\w’']*(?: [A-Z][\w’']*)*", text)
        ]


def mentioned(text: str, mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.name) for m in mentions]


def found(catalogue: AliasCatalogue, text: str, language: str = "en") -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.entity.name) for m in catalogue.find(text, language)]


def test_names_in_a_shouted_line_match_in_any_case(catalogue: AliasCatalogue) -> None:
    text = "THE US AND NATO REFUSED TO DISCUSS WITH RUSSIA THE EXPANSION OF THE UNITED STATES’ ALLIANCE."
    assert found(catalogue, text) == [
        ("US", "United States"),
        ("NATO", "NATO"),
        ("RUSSIA", "Russia"),
        ("UNITED STATES", "United States"),
    ]
    # An ordinary line keeps case-sensitive matching: "russia" in lower case is no name there.
    assert found(catalogue, "The answers of the United States ignore what russia and us want.") == [
        ("United States", "United States")
    ]


def test_us_in_capitals_counts_only_where_it_cannot_be_the_pronoun(catalogue: AliasCatalogue) -> None:
    text = (
        "LET US PRAY THAT THEY LEAVE US ALONE. THE US-LED BLOC AND THE US WANT WAR, "
        "US AND NATO SAY IT, NATO AND US WILL SEE. ACTIVE US EFFORTS ARE NOT MENTIONED."
    )
    names = found(catalogue, text)
    spots = [m.start for m in catalogue.find(text, "en") if m.entity.name == "United States"]
    assert spots == [text.index("US-LED"), text.index("THE US WANT") + 4, text.index("US AND NATO")]
    assert names.count(("NATO", "NATO")) == 2
    # WHO as well: the organisation after an article, the pronoun otherwise.
    assert found(catalogue, "THE WHO SAID THE VIRUS CAME FROM A LAB; WHO KNOWS WHAT THEY HIDE") == [
        ("WHO", "World Health Organization")
    ]


def test_a_metonym_in_capitals_needs_a_function_word_or_a_stop_after_it(catalogue: AliasCatalogue) -> None:
    text = "THE WASHINGTON POST WROTE THAT WASHINGTON IS LYING AND THE KREMLIN’S ANSWER CAME FROM MOSCOW."
    assert found(catalogue, text) == [
        ("WASHINGTON", "United States"),
        ("KREMLIN", "Russia"),
        ("MOSCOW", "Russia"),
    ]
    assert text.index("WASHINGTON IS") == catalogue.find(text, "en")[0].start


def test_inflected_names_in_capitals_match_in_polish_german_and_russian(catalogue: AliasCatalogue) -> None:
    assert found(catalogue, "ROSJA I NATO WIEDZĄ, ŻE W ROSJI NIKT NIE CHCE WOJNY", "pl") == [
        ("ROSJA", "Russia"),
        ("NATO", "NATO"),
        ("ROSJI", "Russia"),
    ]
    assert found(catalogue, "RUSSLANDS DIPLOMATEN UND DIE NATO SCHWEIGEN ÜBER MOSKAUS PLÄNE", "de") == [
        ("RUSSLANDS", "Russia"),
        ("NATO", "NATO"),
        ("MOSKAUS", "Russia"),
    ]
    assert found(catalogue, "ВЛАДИМИР ПУТИН ОТВЕТИЛ ЕВРОПЕЙСКОМУ СОЮЗУ И США", "ru") == [
        ("ВЛАДИМИР ПУТИН", "Vladimir Putin"),
        ("ЕВРОПЕЙСКОМУ СОЮЗУ", "European Union"),
        ("США", "United States"),
    ]


def test_the_tagger_does_not_read_shouted_lines(catalogue: AliasCatalogue) -> None:
    text = (
        "Jens Stoltenberg spoke in Brussels.\n"
        "INSTEAD, THE US AND NATO REFUSED TO DISCUSS THE KEY ISSUES WITH RUSSIA.\n"
        "Ordinary Names follow here."
    )
    tagger = EveryCapitalisedRun()
    mentions = extract_mentions(text, "en", catalogue, tagger)
    shouted = text.split("\n")[1]
    (read,) = tagger.read
    assert len(read) == len(text) and shouted not in read and "Ordinary Names" in read
    assert mentioned(text, mentions) == [
        ("Jens Stoltenberg", "Jens Stoltenberg"),
        ("Brussels", "European Union"),
        ("US", "United States"),
        ("NATO", "NATO"),
        ("RUSSIA", "Russia"),
        ("Ordinary Names", "Ordinary Names"),
    ]


def test_a_transcripts_speaker_labels_name_no_target(catalogue: AliasCatalogue) -> None:
    """ "SERGEY LAVROV:" opening his answers had been a target that the answers attacked."""
    text = (
        "QUESTION: Mr Lavrov, the West says Russia will attack.\n"
        "SERGEY LAVROV: This is a lie invented in Washington.\n"
        "Jens Stoltenberg: NATO is a defensive alliance.\n"
        "Jens Stoltenberg: Russia must withdraw.\n"
    )
    names = [
        name for _, name in mentioned(text, extract_mentions(text, "en", catalogue, EveryCapitalisedRun()))
    ]
    assert "SERGEY LAVROV" not in names and "Jens Stoltenberg" not in names
    assert {"Russia", "United States", "NATO"} <= set(names)  # Washington is the United States
    listicle = "Joe Biden: a senile puppet.\nJens Stoltenberg: a warmonger.\nJoe Biden: a puppet again.\n"
    listed = [name for _, name in mentioned(listicle, extract_mentions(listicle, "en", catalogue, None))]
    assert listed.count("Joe Biden") == 2 and "Jens Stoltenberg" in listed  # topics of a list, attacked
    single = "Jens Stoltenberg: NATO is a defensive alliance."  # one line: a headline's subject
    assert "Jens Stoltenberg" in [
        n for _, n in mentioned(single, extract_mentions(single, "en", catalogue, None))
    ]


def test_a_hashtag_names_the_catalogued_part_of_it_and_is_no_target_itself(catalogue: AliasCatalogue) -> None:
    text = "Subscribe now\n#NATO #USA #провокация #StopNATO #RussiaIsNotTheEnemy #WakeUp #UnitedStatesOut"
    mentions = extract_mentions(text, "en", catalogue, EveryCapitalisedRun())
    assert mentioned(text, mentions) == [
        ("Subscribe", "Subscribe"),  # the tagger's, outside any hashtag
        ("NATO", "NATO"),
        ("USA", "United States"),
        ("NATO", "NATO"),  # the part of #StopNATO
        ("Russia", "Russia"),
        ("UnitedStates", "United States"),
    ]
    assert mentions[3].start == text.index("#StopNATO") + len("#Stop")
    assert all(m.source == "catalogue" for m in mentions[1:])
