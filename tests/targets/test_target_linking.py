"""Linking technique spans to target mentions, polarity and stance (fixture spans, no NER model)."""

from __future__ import annotations

import re

import pytest

from propwatch.domain import Analysis, Article, Span
from propwatch.models import taxonomy
from propwatch.targets.linking import (
    POLARITY,
    SPAN_PREFIX,
    TargetMention,
    build_profiles,
    is_reported_label,
    mentions_of,
    target_profiles,
)

TEXT = (
    "Speaking from a position of imagined moral superiority, NATO is making demands on Russia. "
    "The United States and NATO are not interested in peace. "
    "Russia defends the sacred values of its people. "
    "The weather was fine."
)
NAMES = {"NATO": "NATO", "Russia": "Russia", "United States": "United States"}


def _mentions(text: str) -> list[TargetMention]:
    found = [
        TargetMention(m.start(), m.end(), NAMES[m.group()])
        for m in re.finditer("|".join(map(re.escape, NAMES)), text)
    ]
    return sorted(found, key=lambda m: m.start)


def _span(text: str, quote: str, label: str, score: float | None = None) -> Span:
    start = text.index(quote)
    return Span(start=start, end=start + len(quote), label=label, score=score, analyzer="techniques")


def test_polarity_covers_exactly_the_semeval_techniques() -> None:
    assert set(POLARITY) == set(taxonomy.SEMEVAL23_TECHNIQUES)
    assert POLARITY["Name_Calling-Labeling"] == "attack"
    assert POLARITY["Flag_Waving"] == "praise"
    assert POLARITY["Loaded_Language"] == "neutral"


def test_nato_example_nearest_first_inside_and_coordination() -> None:
    techniques = [
        _span(TEXT, "imagined moral superiority", "Name_Calling-Labeling"),  # none before: next is NATO
        _span(TEXT, "NATO is making demands on Russia", "Doubt"),  # first inside: NATO
        _span(TEXT, "The United States and NATO are not interested", "Doubt"),  # both, coordinated
        _span(TEXT, "sacred values of its people", "Appeal_to_Values"),
        _span(TEXT, "The weather was fine", "Loaded_Language"),  # nobody in this sentence
    ]
    profiles = {p.name: p for p in build_profiles(TEXT, "en", _mentions(TEXT), techniques)}
    nato = profiles["NATO"]
    assert nato.techniques == (("Name_Calling-Labeling", 1), ("Doubt", 2))
    assert nato.stance == "attacked" and nato.stance_score == 1.0
    assert nato.summary() == "NATO — attacked: Name_Calling-Labeling ×1, Doubt ×2"
    assert [s.label for s in nato.evidence] == ["Name_Calling-Labeling", "Doubt", "Doubt"]
    assert profiles["United States"].techniques == (("Doubt", 1),)
    assert profiles["United States"].stance == "attacked"
    russia = profiles["Russia"]
    assert russia.techniques == (("Appeal_to_Values", 1),)
    assert russia.stance == "praised" and russia.mentions == 2
    # Shares: 5 linked pieces of evidence (NATO 3, US 1, Russia 1); the unlinked span counts nowhere.
    assert nato.share == pytest.approx(0.6) and russia.share == pytest.approx(0.2)
    assert list(profiles) == ["NATO", "Russia", "United States"]  # most evidence, then most mentioned


def test_the_mention_before_wins_and_scores_weigh() -> None:
    text = "Russia — these shameful lies about everything — NATO."
    mentions = _mentions(text)
    span = _span(text, "shameful lies", "Name_Calling-Labeling", score=0.5)
    (russia, nato) = build_profiles(text, "en", mentions, [span])  # NATO is nearer, Russia before
    assert russia.name == "Russia" and russia.attack == 0.5 and russia.share == 1.0
    assert (
        nato.stance == "unlinked" and nato.share is None and nato.summary().startswith("NATO — mentioned ×1")
    )


def test_mixed_and_neutral_stances_and_unknown_labels_are_ignored() -> None:
    text = "NATO is a band of liars and the guardian of freedom. Russia was loud."
    mentions = _mentions(text)
    spans = [
        _span(text, "a band of liars", "Name_Calling-Labeling"),
        _span(text, "guardian of freedom", "Flag_Waving"),
        _span(text, "was loud", "Loaded_Language"),
        _span(text, "Russia", "Claim"),  # not a technique
    ]
    profiles = {p.name: p for p in build_profiles(text, "en", mentions, spans)}
    assert profiles["NATO"].stance == "mixed" and profiles["NATO"].stance_score is None
    assert profiles["Russia"].stance == "neutral" and profiles["Russia"].techniques == (
        ("Loaded_Language", 1),
    )


def test_russian_coordination_links_both() -> None:
    text = "США и НАТО лгут всему миру."
    mentions = [TargetMention(0, 3, "United States"), TargetMention(6, 10, "NATO")]
    profiles = build_profiles(text, "ru", mentions, [_span(text, "лгут всему миру", "Doubt")])
    assert {p.name for p in profiles if p.stance == "attacked"} == {"United States", "NATO"}


def test_target_profiles_reads_a_stored_analysis() -> None:
    article = Article(text=TEXT, language="en")
    targets = [
        Span(start=m.start, end=m.end, label=f"{SPAN_PREFIX}{m.name}", analyzer="targets")
        for m in _mentions(TEXT)
    ]
    technique = _span(TEXT, "imagined moral superiority", "Name_Calling-Labeling")
    analysis = Analysis(article=article, spans=(*targets, technique))
    assert mentions_of(analysis.spans) == _mentions(TEXT)
    profiles = target_profiles(analysis)
    assert profiles[0].summary() == "NATO — attacked: Name_Calling-Labeling ×1"
    assert target_profiles(Analysis(article=article)) == []


def test_a_narrative_sentence_attacks_the_targets_its_narrative_lists() -> None:
    article = Article(text=TEXT, language="en")
    targets = [
        Span(start=m.start, end=m.end, label=f"{SPAN_PREFIX}{m.name}", analyzer="targets")
        for m in _mentions(TEXT)
    ]
    sentence = "The United States and NATO are not interested in peace."
    narrative = Span(
        start=TEXT.index(sentence),
        end=TEXT.index(sentence) + len(sentence),
        label="narrative:west-provokes-russia-to-blame-it",
        score=0.8,
        analyzer="narratives",
    )
    loaded = _span(TEXT, "sacred values", "Loaded_Language")
    analysis = Analysis(article=article, spans=(*targets, narrative, loaded))
    attacks = {"west-provokes-russia-to-blame-it": frozenset({"NATO", "United States", "the West"})}
    # One matched sentence alone is shown but decides nothing (see test_target_narrative_weight.py).
    alone = {p.name: p for p in target_profiles(analysis, attacks)}
    assert alone["NATO"].stance == "neutral" and alone["NATO"].neutral == pytest.approx(0.8)
    first = TEXT.index("NATO is making")
    again = Span(start=first, end=TEXT.index(".", first) + 1, label=narrative.label, score=0.8, analyzer="n")
    repeated = Analysis(article=article, spans=(*targets, narrative, again, loaded))
    profiles = {p.name: p for p in target_profiles(repeated, attacks)}
    assert profiles["NATO"].stance == "attacked" and profiles["United States"].stance == "neutral"
    assert profiles["NATO"].attack == pytest.approx(1.6)
    assert profiles["NATO"].summary() == "NATO — attacked: narrative:west-provokes-russia-to-blame-it ×2"
    assert profiles["Russia"].stance == "neutral"  # in no narrative's attack list; Loaded_Language only
    # Without the catalogue's attack lists, or for a narrative that lists nobody, a narrative is no evidence.
    assert {p.name: p.stance for p in target_profiles(analysis)}["NATO"] == "unlinked"
    assert {p.name: p.stance for p in target_profiles(analysis, {"other": frozenset({"NATO"})})}[
        "NATO"
    ] == "unlinked"
    # Technique evidence sorts before narratives in the summary.
    doubt = _span(TEXT, "not interested in peace", "Doubt")
    both = target_profiles(Analysis(article=article, spans=(*targets, narrative, doubt)), attacks)
    nato = next(p for p in both if p.name == "NATO")
    assert [name for name, _ in nato.techniques] == ["Doubt", "narrative:west-provokes-russia-to-blame-it"]


def test_a_label_the_article_reports_someone_else_giving_does_not_decide_the_stance() -> None:
    # The sample's last sentence: the article blames the US and NATO for calling Russia the aggressor.
    text = (
        "The US and NATO want chaos in order to then call Russia the aggressor. "
        "Russia is branded a pariah. "
        "NATO diplomats accuse the United States and Russia of lying. "
        "NATO is an aggressor."
    )
    names = {"US": "United States", "NATO": "NATO", "Russia": "Russia", "United States": "United States"}
    mentions = sorted(
        (
            TargetMention(m.start(), m.end(), names[m.group()])
            for m in re.finditer(r"\b(?:United States|US|NATO|Russia)\b", text)
        ),
        key=lambda m: m.start,
    )
    spans = [
        _span(text, "aggressor.", "Name_Calling-Labeling", score=0.4),  # "call Russia the aggressor"
        _span(text, "a pariah", "Name_Calling-Labeling", score=0.5),  # passive after the target
        _span(text, "of lying", "Doubt", score=0.6),  # coordinated objects of "accuse"
        _span(text, "an aggressor", "Name_Calling-Labeling", score=0.7),  # the article's own label
    ]
    profiles = {p.name: p for p in build_profiles(text, "en", mentions, spans)}
    russia = profiles["Russia"]
    assert russia.techniques == (("Name_Calling-Labeling", 2), ("Doubt", 1))  # still shown as evidence
    assert russia.stance == "neutral" and russia.attack == 0.0
    assert russia.neutral == pytest.approx(1.5) and russia.reported == 3
    assert russia.summary() == "Russia — neutral: Name_Calling-Labeling ×2, Doubt ×1; 3 reported labels"
    assert profiles["United States"].stance == "neutral"
    assert profiles["NATO"].stance == "attacked" and profiles["NATO"].attack == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("text", "target", "label", "reported"),
    [
        ("…чтобы потом назвать Россию агрессором.", "Россию", "агрессором", True),
        ("Ils veulent traiter la Russie d'agresseur.", "Russie", "d'agresseur", True),
        ("Sie nennen Russland einen Aggressor.", "Russland", "einen Aggressor", True),
        ("Chcą nazwać Rosję agresorem.", "Rosję", "agresorem", True),
        ("Vogliono bollare la Russia come aggressore.", "Russia", "aggressore", True),
        ("The minister calls on NATO to stop its lies.", "NATO", "its lies", False),
        ("It is definitely NATO that lies.", "NATO", "lies", False),
        # Filing the target under a label: with "as" or its equivalent, or (consider, deem…) without.
        ("Washington sees Russia as a threat.", "Russia", "a threat", True),
        ("Brussels regards Russia as an aggressor.", "Russia", "an aggressor", True),
        ("Russia is seen as a pariah.", "Russia", "a pariah", True),
        ("The EU considers Russia a terrorist state.", "Russia", "terrorist state", True),
        ("Запад считает Россию угрозой.", "Россию", "угрозой", True),
        ("Запад рассматривает Россию как угрозу.", "Россию", "угрозу", True),
        ("Washington voit la Russie comme une menace.", "Russie", "une menace", True),
        ("Berlin hält Russland für eine Gefahr.", "Russland", "eine Gefahr", True),
        ("Bruksela uważa Rosję za wroga.", "Rosję", "wroga", True),
        ("Londra vede la Russia come una minaccia.", "Russia", "una minaccia", True),
        ("NATO demonizes Russia as a barbaric horde.", "Russia", "barbaric horde", True),
        # Controls: the author's own label, seeing without "as", a word between target and label.
        ("We consider NATO a threat.", "NATO", "a threat", False),
        ("We clearly see NATO as an aggressor.", "NATO", "an aggressor", False),
        ("Everyone sees NATO expanding aggressively.", "NATO", "expanding aggressively", False),
        ("The EU considers Russia's actions barbaric.", "Russia", "barbaric", False),
        ("We call Russia a terrorist state.", "Russia", "a terrorist state", False),
        ("Мы называем Россию агрессором.", "Россию", "агрессором", False),
        ("The United States is what we call a rogue state.", "United States", "a rogue state", False),
        ("The United States is what Moscow calls a rogue state.", "United States", "a rogue state", True),
        ("NATO is rightly branded a criminal alliance.", "NATO", "a criminal alliance", False),
        ("NATO is branded a criminal alliance.", "NATO", "a criminal alliance", True),
    ],
)
def test_reported_labels_in_the_six_languages(text: str, target: str, label: str, reported: bool) -> None:
    start = text.rindex(target)
    mention = TargetMention(start, start + len(target), "X")
    span = _span(text, label, "Name_Calling-Labeling")
    assert is_reported_label(text, span, [mention]) is reported


def test_a_sentence_with_a_pronoun_subject_does_not_lend_its_object_the_span() -> None:
    # The sample: "They" are the United States and NATO of the sentence before; Russia is the object.
    text = (
        "The United States and NATO are not interested in peace. "
        "They want chaos in order to provoke Russia. "
        "Они хотят хаоса, чтобы спровоцировать Россию. "
        "It was chaos that NATO wanted. "
        "On Tuesday, chaos came to Russia."
    )
    mentions = sorted(
        (
            TargetMention(m.start(), m.end(), "Russia" if m.group().startswith(("R", "Р")) else m.group())
            for m in re.finditer(r"United States|NATO|Russia|Россию", text)
        ),
        key=lambda m: m.start,
    )
    chaos = [m.start() for m in re.finditer("chaos|хаоса", text)]
    spans = [Span(start=i, end=i + 5, label="Loaded_Language", analyzer="t") for i in chaos]
    profiles = {p.name: p for p in build_profiles(text, "en", mentions, spans)}
    # "They want chaos…" stands for the one group of names of the sentence before (the United States and
    # NATO), not for its object Russia; "Они хотят хаоса…" follows a sentence without a group: nobody.
    # The impersonal "It was chaos…" and "On Tuesday, chaos came to Russia" keep the mention after the span.
    assert [s.start for s in profiles["NATO"].evidence] == [chaos[0], chaos[2]]
    assert [s.start for s in profiles["United States"].evidence] == [chaos[0]]
    assert [s.start for s in profiles["Russia"].evidence] == [chaos[3]]


@pytest.mark.parametrize(
    ("before", "linked"),
    [
        ("The US and NATO refused. ", ["United States", "NATO"]),
        ("США и НАТО отказались. ", ["United States", "NATO"]),
        ("NATO refused. ", []),  # one name: "they" may be anyone
        ("The US and NATO refused, and Britain and France agreed. ", []),  # two groups: ambiguous
        ("", []),  # the first sentence
    ],
)
def test_a_plural_pronoun_stands_for_the_one_group_of_names_before_it(before: str, linked: list[str]) -> None:
    text = before + "They want chaos. He wants chaos."
    names = {"US": "United States", "США": "United States", "NATO": "NATO", "НАТО": "NATO"}
    names |= {"Britain": "Britain", "France": "France"}
    mentions = [
        TargetMention(m.start(), m.end(), names[m.group()]) for m in re.finditer("|".join(names), text)
    ]
    spans = [
        Span(start=m.start(), end=m.end(), label="Loaded_Language", analyzer="t")
        for m in re.finditer("chaos", text)
    ]
    profiles = build_profiles(text, "en", mentions, spans)
    # Only "They want chaos" is linked; the singular "He" never is.
    assert sorted(p.name for p in profiles if p.evidence) == sorted(linked)
    assert all(len(p.evidence) == 1 for p in profiles if p.evidence)


@pytest.mark.parametrize(
    ("text", "label", "target", "reported"),
    [
        # The mention before the verb gives the label; the one before it receives it, as a reported label.
        ("Russia acted in what Washington calls aggression.", "aggression", "Russia", True),
        ("NATO, which Moscow calls an aggressive bloc, met today.", "aggressive bloc", "NATO", True),
        ("Россия ответила на то, что Вашингтон называет агрессией.", "агрессией", "Россия", True),
        ("La Russie répond à ce que Washington appelle une agression.", "agression", "Russie", True),
        ("Russia acted in what Washington sees as aggression.", "aggression", "Russia", True),
        ("NATO, which Moscow considers a threat, met today.", "a threat", "NATO", True),
        ("Россия ответила на то, что Вашингтон рассматривает как агрессию.", "агрессию", "Россия", True),
        # No one before the speaker: the label's target is not named in the sentence.
        ("In what Washington calls aggression, troops moved.", "aggression", None, False),
        # A verb of saying reports the clause after it: its target is linked, with a reported label.
        ("Washington says that Russia is an aggressor.", "an aggressor", "Russia", True),
        # Control: no labelling verb right before the span, so the nearest mention before it is the target.
        ("Moscow calls on NATO to stop its aggression.", "its aggression", "NATO", False),
    ],
)
def test_a_label_given_by_the_mention_before_it_is_not_aimed_at_that_mention(
    text: str, label: str, target: str | None, reported: bool
) -> None:
    names = r"Russia|Washington|NATO|Moscow|Россия|Вашингтон|Russie"
    mentions = [TargetMention(m.start(), m.end(), m.group()) for m in re.finditer(names, text)]
    span = _span(text, label, "Name_Calling-Labeling")
    profiles = {p.name: p for p in build_profiles(text, None, mentions, [span])}
    assert [name for name, p in profiles.items() if p.techniques] == ([target] if target else [])
    if target is not None:
        assert profiles[target].reported == int(reported)
        assert profiles[target].stance == ("neutral" if reported else "attacked")


@pytest.mark.parametrize(
    "sentence",
    ["They call it chaos.", "They see it as chaos.", "Они называют это chaos.", "They brand the move chaos."],
)
def test_a_label_the_pronouns_referents_give_is_not_aimed_at_them(sentence: str) -> None:
    text = "The US and NATO refused. " + sentence
    mentions = [TargetMention(m.start(), m.end(), m.group()) for m in re.finditer("US|NATO", text)]
    start = text.index("chaos")
    span = Span(start=start, end=start + 5, label="Name_Calling-Labeling", analyzer="t")
    assert [p.name for p in build_profiles(text, "en", mentions, [span]) if p.evidence] == []


# Names of the sentences below and whom they stand for.
_NAMED = {
    "Washington": "United States",
    "Moscow": "Russia",
    "Russia": "Russia",
    "China": "China",
    "NATO": "NATO",
    "OTAN": "NATO",
    "НАТО": "NATO",
    "Lavrov": "Sergey Lavrov",
    "Лаврова": "Sergey Lavrov",
}


def _attacked(text: str, quote: str) -> set[str]:
    """Whom a Name_Calling span over ``quote`` attacks among the names of :data:`_NAMED` in ``text``."""
    return {name for name, stance in _aimed(text, quote).items() if stance == "attacked"}


def _aimed(text: str, quote: str) -> dict[str, str]:
    """The stance towards each name of :data:`_NAMED` a Name_Calling span over ``quote`` is linked to."""
    mentions = sorted(
        (
            TargetMention(m.start(), m.end(), _NAMED[m.group()])
            for m in re.finditer("|".join(map(re.escape, _NAMED)), text)
        ),
        key=lambda m: m.start,
    )
    profiles = build_profiles(text, "en", mentions, [_span(text, quote, "Name_Calling-Labeling")])
    return {p.name: p.stance for p in profiles if p.evidence}


@pytest.mark.parametrize(
    ("text", "quote", "aimed"),
    [
        # Washington's label, reported: Russia is its target, not attacked by the article.
        ("According to Washington, Moscow is a terrorist state.", "a terrorist state", {"Russia": "neutral"}),
        ("Unlike Russia, NATO is a warmongering bloc.", "a warmongering bloc", {"NATO": "attacked"}),
        (
            "Russia, China and NATO are liars.",
            "are liars",
            dict.fromkeys(["Russia", "China", "NATO"], "attacked"),
        ),
        (
            "Russia, China, and NATO are liars.",
            "are liars",
            dict.fromkeys(["Russia", "China", "NATO"], "attacked"),
        ),
    ],
)
def test_a_comma_alone_does_not_coordinate_names(text: str, quote: str, aimed: dict[str, str]) -> None:
    assert _aimed(text, quote) == aimed


@pytest.mark.parametrize(
    ("text", "quote", "aimed"),
    [
        # The source's words are reported: NATO is their target, with a reported label (neutral).
        ("According to Lavrov, NATO is a criminal gang.", "a criminal gang", {"NATO": "neutral"}),
        ("According to Lavrov, the alliance is a criminal gang.", "a criminal gang", {}),
        ("Lavrov said that NATO is a criminal gang.", "a criminal gang", {"NATO": "neutral"}),
        ("Moscow insists that the Kyiv government is an illegitimate junta.", "an illegitimate junta", {}),
        ("Selon Lavrov, l'OTAN est un gang.", "un gang", {"NATO": "neutral"}),
        ("По словам Лаврова, НАТО — преступная банда.", "преступная банда", {"NATO": "neutral"}),
    ],
)
def test_the_quoted_source_is_not_the_target(text: str, quote: str, aimed: dict[str, str]) -> None:
    assert _aimed(text, quote) == aimed


def _stances(text: str, quote: str, label: str, names: dict[str, str]) -> dict[str, str]:
    """The stance towards each target of ``names`` (surface → name) that one span over ``quote`` gives."""
    mentions = sorted(
        (TargetMention(m.start(), m.end(), names[m.group()]) for m in re.finditer("|".join(names), text)),
        key=lambda m: m.start,
    )
    return {p.name: p.stance for p in build_profiles(text, "ru", mentions, [_span(text, quote, label)])}


@pytest.mark.parametrize(
    ("text", "quote", "stance"),
    [
        ("Россия защищает свой народ.\n\n#НАТО #StopNATO", "НАТО #StopNATO", "neutral"),
        ("Россия защищает свой народ.\n\n#НАТО #НетНАТО", "НАТО #НетНАТО", "neutral"),
        ("Россия защищает свой народ.\n\n#NoNATO", "#NoNATO", "neutral"),
        ("Россия защищает свой народ.\n\n#Stop_NATO", "#Stop_NATO", "neutral"),
        ("Россия защищает свой народ.\n\n#NATOOut", "#NATOOut", "neutral"),
        ("Россия защищает свой народ.\n\n#НАТО #StandWithNATO", "НАТО #StandWithNATO", "praised"),
    ],
)
def test_a_hashtag_against_a_target_never_makes_it_praised(text: str, quote: str, stance: str) -> None:
    names = {"НАТО": "NATO", "NATO": "NATO", "Россия": "Russia"}
    assert _stances(text, quote, "Appeal_to_Values", names)["NATO"] == stance


def test_a_hashtag_against_one_target_leaves_the_praise_of_another() -> None:
    text = "Россия защищает свой народ #StopNATO"
    names = {"NATO": "NATO", "Россия": "Russia"}
    stances = _stances(text, text, "Flag_Waving", names)
    assert stances == {"Russia": "praised", "NATO": "unlinked"}
    assert _stances(text, text, "Doubt", names)["Russia"] == "attacked"  # only praise is undone


_CONTRASTED = {
    "Moskau": "Russia",
    "Moscow": "Russia",
    "Moscou": "Russia",
    "Berlin": "Germany",
    "Washington": "United States",
    "Russia": "Russia",
    "NATO": "NATO",
    "Russland": "Russia",
    "Russie": "Russia",
    "OTAN": "NATO",
    "Mosca": "Russia",
    "Rosja": "Russia",
    "Rosji": "Russia",
    "Москве": "Russia",
    "Россия": "Russia",
    "Вашингтоне": "United States",
    "НАТО": "NATO",
    "China": "China",
    "Meloni": "Giorgia Meloni",
    "Zelensky": "Volodymyr Zelensky",
    "Macron": "Emmanuel Macron",
    "Poutine": "Vladimir Putin",
    "USA": "United States",
    "Polska": "Poland",
    "Rosją": "Russia",
    "Putinem": "Vladimir Putin",
    "Россию": "Russia",
    "Путин": "Vladimir Putin",
    "Украина": "Ukraine",
    "Russlands": "Russia",
    "London": "United Kingdom",
}


def _attacked_in_contrast(text: str, quote: str) -> set[str]:
    """The names shown attacked by a Name_Calling span on ``quote``, every name of _CONTRASTED a mention."""
    mentions = sorted(
        (
            TargetMention(m.start(), m.end(), _CONTRASTED[m.group()])
            for m in re.finditer(rf"\b(?:{'|'.join(map(re.escape, _CONTRASTED))})\b", text)
        ),
        key=lambda m: m.start,
    )
    profiles = build_profiles(text, None, mentions, [_span(text, quote, "Name_Calling-Labeling")])
    return {p.name for p in profiles if p.stance == "attacked"}


@pytest.mark.parametrize(
    ("text", "quote", "attacked"),
    [
        (
            "Kriegstreiber sitzen nicht in Moskau, sondern in Berlin und Washington.",
            "Kriegstreiber",
            {"Germany", "United States"},
        ),
        ("The warmongers sit not in Moscow but in Washington.", "warmongers", {"United States"}),
        ("The aggressor is not Russia but NATO.", "aggressor", {"NATO"}),
        ("Der Aggressor ist nicht Russland, sondern die NATO.", "Aggressor", {"NATO"}),
        ("Nicht Russland ist der Aggressor, sondern die NATO.", "Aggressor", {"NATO"}),
        ("It is not Russia that spreads lies, but NATO.", "spreads lies", {"NATO"}),
        (
            "Les fauteurs de guerre ne sont pas à Moscou, mais à Washington.",
            "fauteurs de guerre",
            {"United States"},
        ),
        ("L'agresseur, c'est non pas la Russie mais l'OTAN.", "L'agresseur", {"NATO"}),
        ("I guerrafondai non stanno a Mosca ma a Washington.", "guerrafondai", {"United States"}),
        ("Agresorem nie jest Rosja, lecz NATO.", "Agresorem", {"NATO"}),
        ("Podżegacze wojenni to nie Rosja, ale NATO.", "Podżegacze wojenni", {"NATO"}),
        ("Поджигатели войны сидят не в Москве, а в Вашингтоне.", "Поджигатели войны", {"United States"}),
        ("NATO, not Russia, is the aggressor.", "the aggressor", {"NATO"}),
        ("НАТО, а не Россия — агрессор.", "агрессор", {"NATO"}),
        # "ли", "czy" after the pair open a clause of "whether": the sentence asks nothing.
        (
            "Nie Rosja, lecz NATO odpowiada za tę wojnę, niezależnie od tego, czy ktoś w to wierzy.",
            "odpowiada za tę wojnę",
            {"NATO"},
        ),
        ("Не Россия, а НАТО — агрессор, нравится ли это кому-то или нет.", "агрессор", {"NATO"}),
        # X may be a possessive with its head noun; an emphasis may follow the negation ("già", "etwa").
        ("The true aggressor is not Russia's government but the NATO war machine.", "aggressor", {"NATO"}),
        ("The aggressor is not Russia's army but NATO, the criminal alliance.", "aggressor", {"NATO"}),
        (
            "Die Kriegstreiber sind nicht Russlands Führung, sondern die korrupten Marionetten in Berlin.",
            "Kriegstreiber",
            {"Germany"},
        ),
        ("Il vero aggressore non è già la Russia, ma la NATO.", "aggressore", {"NATO"}),
        ("Der eigentliche Aggressor ist nicht etwa Russland, sondern die NATO.", "Aggressor", {"NATO"}),
        (
            "The warmongers are not in Moscow but rather in Washington and London.",
            "warmongers",
            {"United States", "United Kingdom"},
        ),
        # Not a contrast: "not only X but also Y" names both; a bare negation keeps its name.
        ("The liars are not only in Moscow but also in Washington.", "liars", {"Russia"}),
        ("Lügner sitzen nicht nur in Moskau, sondern auch in Berlin.", "Lügner", {"Russia"}),
        ("The aggressor is not Russia.", "aggressor", {"Russia"}),
        ("Russia is not the aggressor, but a victim of NATO.", "aggressor", {"Russia"}),
    ],
)
def test_a_negated_name_gives_the_span_to_the_name_contrasted_with_it(
    text: str, quote: str, attacked: set[str]
) -> None:
    """ "Kriegstreiber sitzen nicht in Moskau, sondern in Berlin" had been shown attacking Russia."""
    assert _attacked_in_contrast(text, quote) == attacked


@pytest.mark.parametrize(
    ("text", "quote", "attacked"),
    [
        # A conjunction that opens a clause of its own, with its own verb, keeps the negated name.
        ("Il governo non parla con la Russia, ma Meloni ha telefonato a Zelensky.", "la Russia", {"Russia"}),
        ("Le gouvernement ne parle pas à la Russie, mais Macron a appelé Poutine.", "la Russie", {"Russia"}),
        ("Rosja nie jest w NATO, a USA chcą wojny.", "w NATO", {"NATO"}),
        ("Я не за Россию, а Путин пусть уходит.", "за Россию", {"Russia"}),
        ("Ukraine is not in NATO, but China is arming it.", "in NATO", {"NATO"}),
        ("Nie dla Rosji, ale Polska też ma problem.", "dla Rosji", {"Russia"}),
        ("Polska nie dla Rosji, a Ukraina dla NATO.", "dla Rosji", {"Russia"}),
        ("Ukraine is not NATO's partner, but China is arming it.", "NATO's partner", {"NATO"}),
        ("Il governo non parla già con la Russia, ma Meloni ha telefonato.", "la Russia", {"Russia"}),
        # A question is no contrast.
        ("Не Россия ли напала на Украину, а НАТО теперь виновато?", "Не Россия ли напала", {"Russia"}),
        ("Czy to nie Rosja, lecz NATO?", "Rosja", {"Russia"}),
        ("Is it not Russia but NATO?", "Russia", {"Russia"}),
        # A contrast that opens its clause shares the predicate after Y; Y may close a compound.
        ("Это не Россия, а Украина обстреливает Донецк.", "не Россия", {"Ukraine"}),
        ("Nie z Rosją, a z Putinem trzeba rozmawiać.", "z Rosją", {"Vladimir Putin"}),
        ("Not Russia but NATO started this war.", "Russia", {"NATO"}),
        ("Die Ukraine ist nicht in Russland, sondern in der NATO-Warteschleife.", "in Russland", {"NATO"}),
    ],
)
def test_a_negated_name_keeps_the_span_where_no_parallel_name_replaces_it(
    text: str, quote: str, attacked: set[str]
) -> None:
    """ "Il governo non parla con la Russia, ma Meloni ha telefonato" had given Russia's span to Meloni."""
    assert _attacked_in_contrast(text, quote) == attacked
