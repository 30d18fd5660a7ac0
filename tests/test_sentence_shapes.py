"""Sentences of text that is not plain prose: long runs, table rows, bullets and speaker labels."""

from __future__ import annotations

from propwatch.analyzers.claims import ClaimDetector
from propwatch.claims.sentences import split_sentences as claim_sentences
from propwatch.narratives.sentences import split_sentences as narrative_sentences
from propwatch.sentence_shapes import MAX_SENTENCE_CHARS, cut_long, is_table_row, speaker_labels, trimmed

CLAUSE = "the US and NATO refused to discuss the key issues with Russia, "
RUN = (
    "NATO diplomats accuse Russia of undermining security " + CLAUSE
) * 80  # 9,000 characters, no full stop


def test_a_run_without_sentence_punctuation_is_cut_at_clause_marks() -> None:
    """One 20,000-character "sentence" had been one claim and one piece of narrative evidence."""
    for split in (claim_sentences, narrative_sentences):
        pieces = split(RUN, "en")
        assert len(pieces) >= 9, split.__module__
        assert all(0 < len(p.text) <= MAX_SENTENCE_CHARS for p in pieces)
        assert all(RUN[p.start : p.end] == p.text for p in pieces)
        assert all(p.text.endswith(",") for p in pieces[:-1])  # at a clause mark, not inside a word
    assert cut_long("short sentence.", 0, 15) == [(0, 15)]
    unbroken = "x" * 2500  # no space at all: hard cuts
    assert cut_long(unbroken, 0, 2500) == [(0, 1000), (1000, 2000), (2000, 2500)]
    for joined in ("🇺🇦", "e\u0301"):  # a hard cut falls between characters, never inside one
        text = "x" * 999 + joined + "y" * 500
        assert cut_long(text, 0, len(text))[0] == (0, 999), joined
    # A long sentence of prose (750 characters) stays whole; a longer one is cut at a semicolon first.
    prose = (
        "The General Assembly demanded that Russia withdraw, "
        + "completely and unconditionally, " * 22
        + "all."
    )
    assert 700 < len(prose) < MAX_SENTENCE_CHARS and cut_long(prose, 0, len(prose)) == [(0, len(prose))]
    longer = "a" * 500 + "; then " + "b, " * 200 + "end"
    assert longer[: cut_long(longer, 0, len(longer))[0][1]].endswith(";")


def test_table_rows_bullets_and_speaker_labels_are_not_sentences_or_parts_of_them() -> None:
    assert is_table_row("| Issue | Russia's proposal | US/NATO answer |") and is_table_row("|---|---|")
    assert not is_table_row("NATO | the alliance")
    for line, kept in [
        ("- NATO refused to discuss the key issues.", "NATO refused to discuss the key issues."),
        ("• 🔴 NATO refused to discuss the key issues.", "NATO refused to discuss the key issues."),
        ("👨\u200d👩\u200d👧 Families fled Kharkiv.", "Families fled Kharkiv."),  # the whole emoji
        (
            "SERGEY LAVROV: Calls for de-escalation are aimed at Russia.",
            "Calls for de-escalation are aimed at Russia.",
        ),
        ("A: The texts boil down to one message.", "The texts boil down to one message."),
        ("Вопрос: Что ответили в НАТО?", "Что ответили в НАТО?"),
        ("> **NATO is essentially making demands**", "NATO is essentially making demands"),
        ("A new report says NATO refused.", "A new report says NATO refused."),
        # a subject, a date or a name before a colon or a dot is the sentence's own
        (
            "Ukraine: Russian forces fired 40 missiles at Kharkiv.",
            "Ukraine: Russian forces fired 40 missiles at Kharkiv.",
        ),
        ("Lavrov: the West wants war.", "Lavrov: the West wants war."),
        (
            "24. Februar 2022: Russland greift die Ukraine an.",
            "24. Februar 2022: Russland greift die Ukraine an.",
        ),
        ("1. FC Köln spendet für die Ukraine.", "1. FC Köln spendet für die Ukraine."),
        ("Q:", "Q:"),  # nothing would be left
        ("QUESTION: Mr Lavrov, what is your answer?", "Mr Lavrov, what is your answer?"),  # any case
        ("**Host:** NATO refused to answer.", "NATO refused to answer."),
        # emphasis closing inside the sentence stays whole: half of it had opened claims and drafts
        ("**Washington** has sent 3,000 troops.", "**Washington** has sent 3,000 troops."),
        ("- __Russia__ has massed troops.", "__Russia__ has massed troops."),
        ("NATO has **refused**", "NATO has **refused**"),
        ("* 🇺🇦 Ukraine says it will fight.", "Ukraine says it will fight."),  # a flag as a bullet
        ("**Host:** Why did **NATO** expand?", "Why did **NATO** expand?"),  # the label's own pair
    ]:
        start, end = trimmed(0, len(line), line)
        assert line[start:end] == kept, line


def test_claims_leave_out_table_rows_and_their_markup(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (
        "| Issue | Russia's proposal | US and NATO answer |\n|---|---|---|\n"
        "| INF Treaty | Restore the treaty | The USA abandoned it |\n\n"
        "IVAN IVANOV: The United States withdrew from the INF Treaty in 2019.\n"
    )
    detector = ClaimDetector.__new__(ClaimDetector)  # candidates() needs no model
    found = detector.candidates(text, "en")
    assert [s.text for s in found] == ["The United States withdrew from the INF Treaty in 2019."]
    assert all(text[s.start : s.end] == s.text for s in found)


def test_speaker_labels_are_the_transcripts_not_a_topic_or_a_subject() -> None:
    text = (
        "Ukraine: Russian forces fired 40 missiles.\nUkraine: more to come.\n"  # a digest's topic
        "Lavrov: the West wants war.\n"  # a headline's subject
        "Sergey Lavrov: This is a lie.\nQUESTION: Why?\n- **Maria Zakharova:** No.\n"
        "Sergey Lavrov: Our troops are at home.\nMARIA ZAKHAROVA: Indeed.\nNote: none\n"
    )
    assert [text[a:b] for a, b in speaker_labels(text)] == [
        "Sergey Lavrov",  # a full name opening two lines
        "QUESTION",
        "Sergey Lavrov",
        "MARIA ZAKHAROVA",  # a name in capitals, once is enough
    ]


def test_a_listicles_names_are_topics_not_speakers() -> None:
    """Names heading a list's items had been dropped from the targets they are attacked as."""
    listicle = (
        "Joe Biden: a senile puppet of the arms lobby.\nJens Stoltenberg: the warmonger who lies.\n"
        "Joe Biden: again the puppet.\nJens Stoltenberg: still lying.\n"
    )
    assert speaker_labels(listicle) == []  # what follows the names opens no sentence
    monologue = "SERGEY LAVROV: This is a lie.\nThe minister went on for an hour.\n"
    assert speaker_labels(monologue) == []  # one voice labelled: no conversation
