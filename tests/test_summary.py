"""The article-level summary: technique coverage (Prta's measure), rates, counts, frames, genre check."""

from __future__ import annotations

import pytest

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.summary import (
    NARRATIVE_CAUTION,
    SHORT_SATIRE_CAUTION,
    covered_characters,
    genre_note,
    other_script_share,
    summarize,
    text_characters,
)

# 11 words, 61 characters.
TEXT = "NATO lies again and again while the brave nation stands firm."


def _span(start: int, end: int, label: str, analyzer: str = "techniques") -> Span:
    return Span(start=start, end=end, label=label, score=0.9, analyzer=analyzer)


def _analysis(
    spans: tuple[Span, ...] = (),
    labels: tuple[Label, ...] = (),
    analyzers: dict[str, str] | None = None,
    genre_tag: str | None = None,
) -> Analysis:
    return Analysis(
        article=Article(text=TEXT, genre_tag=genre_tag),
        spans=spans,
        labels=labels,
        analyzers={"techniques": "1"} if analyzers is None else analyzers,
    )


def test_coverage_counts_overlapping_characters_once() -> None:
    assert covered_characters([(0, 10), (5, 15), (40, 45)]) == 15 + 5
    assert covered_characters([(0, 20), (2, 5)]) == 20
    assert covered_characters([]) == 0


def test_a_crlf_line_break_is_one_character() -> None:
    text = "ab\r\ncd\r\n\r\nef"
    assert text_characters(text) == len("ab\ncd\n\nef")
    assert covered_characters([(0, 6)], text) == len("ab\ncd")  # "ab\r\ncd"
    assert covered_characters([(1, 3)], text) == 1  # "b\r": half a line break is none
    assert covered_characters([(3, 5)], text) == 2  # "\nc"
    assert covered_characters([(0, 4), (2, 9)], text) == len("ab\ncd\n")  # up to the last CR


def test_figures_from_fixture_technique_spans() -> None:
    spans = (
        _span(0, 9, "Name_Calling-Labeling"),  # "NATO lies"
        _span(5, 25, "Repetition"),  # "lies again and again"
        _span(36, 48, "Flag_Waving"),  # "brave nation"
        _span(36, 48, "Loaded_Language"),
        _span(0, 4, "Target", analyzer="targets"),  # not a technique: left out
    )
    summary = summarize(_analysis(spans))
    assert len(TEXT) == 61 and summary.words == 11
    assert summary.techniques_measured and summary.technique_spans == 4
    assert summary.propaganda_share == pytest.approx((25 + 12) / 61)
    assert summary.techniques_per_1000_words == pytest.approx(4 * 1000 / 11)
    assert summary.per_technique == {
        "Flag_Waving": 1,
        "Loaded_Language": 1,
        "Name_Calling-Labeling": 1,
        "Repetition": 1,
    }
    assert summary.per_category == {"Manipulative_Wording": 2, "Attack_on_Reputation": 1, "Justification": 1}
    assert summary.dominant_category == "Manipulative_Wording"


def test_dominant_category_tie_goes_to_more_characters() -> None:
    spans = (_span(0, 4, "Doubt"), _span(10, 40, "Appeal_to_Fear-Prejudice"))
    summary = summarize(_analysis(spans))
    assert summary.per_category == {"Attack_on_Reputation": 1, "Justification": 1}
    assert summary.dominant_category == "Justification"


def test_no_technique_analyzer_means_no_technique_figures() -> None:
    summary = summarize(_analysis(analyzers={"claims": "1"}))
    assert not summary.techniques_measured
    assert summary.propaganda_share is None and summary.techniques_per_1000_words is None
    assert summary.dominant_category is None and summary.per_technique == {}
    measured_nothing = summarize(_analysis())
    assert measured_nothing.propaganda_share == 0.0 and measured_nothing.techniques_per_1000_words == 0.0


def test_top_frames_best_first() -> None:
    labels = tuple(
        Label(name="frame", value=value, score=score, analyzer="frames")
        for value, score in [
            ("Economic", 0.4),
            ("Security_and_defense", 0.9),
            ("Political", 0.7),
            ("Morality", 0.5),
        ]
    )
    summary = summarize(_analysis(labels=labels))
    assert [(f.frame, f.score) for f in summary.top_frames] == [
        ("Security_and_defense", 0.9),
        ("Political", 0.7),
        ("Morality", 0.5),
    ]
    assert [f.frame for f in summarize(_analysis(labels=labels), top_frames=1).top_frames] == [
        "Security_and_defense"
    ]


@pytest.mark.parametrize(
    ("tag", "genre", "disagrees"),
    [
        ("opinion", "opinion", False),
        ("editorial", "opinion", False),
        ("news", "opinion", True),
        ("opinion", "reporting", True),
        ("satire", "satire", False),
        ("analysis", "reporting", None),  # the tag straddles the genres: not compared
        (None, "opinion", None),
    ],
)
def test_genre_against_the_page_tag(tag: str | None, genre: str, disagrees: bool | None) -> None:
    label = Label(name="genre", value=genre, score=0.8, analyzer="genre")
    summary = summarize(_analysis(labels=(label,), genre_tag=tag))
    assert summary.genre == genre and summary.genre_score == 0.8 and summary.genre_tag == tag
    assert summary.genre_disagrees is disagrees
    note = genre_note(summary)
    assert (note is not None) is bool(disagrees)
    if note:
        assert repr(tag) in note and repr(genre) in note


def test_without_a_genre_label_nothing_is_compared() -> None:
    summary = summarize(_analysis(genre_tag="opinion"))
    assert summary.genre is None and summary.genre_disagrees is None


def test_summary_serialises_to_plain_json() -> None:
    data = summarize(_analysis((_span(0, 9, "Doubt"),))).model_dump(mode="json")
    assert data["per_category"] == {"Attack_on_Reputation": 1}
    assert data["top_frames"] == []


def test_cautions_name_an_unlearnt_language_and_a_text_too_short_for_genre() -> None:
    long_text = " ".join(["Yarın Ankara'da büyük bir toplantı yapılacak."] * 30)
    turkish = Analysis(
        article=Article(text=long_text, language="tr"), analyzers={"techniques": "1", "genre": "1"}
    )
    [caution] = summarize(turkish).cautions
    assert "'tr'" in caution and "en, fr, de, it, pl, ru" in caution
    short = Analysis(article=Article(text=TEXT, language="en"), analyzers={"genre": "1", "frames": "1"})
    assert summarize(short).cautions == [
        "The text has 11 words: the genre and frame models read whole articles, so their verdict on it "
        "means little."
    ]
    unknown = Analysis(article=Article(text=TEXT), analyzers={"techniques": "1"})
    assert summarize(unknown).cautions == [
        "The text's language could not be identified; the models learnt en, fr, de, it, pl, ru only."
    ]
    # No caution for what did not run, nor for a long text in a learnt language.
    assert summarize(Analysis(article=Article(text=TEXT), analyzers={"claims": "1"})).cautions == []
    english = " ".join([TEXT] * 10)
    assert (
        summarize(Analysis(article=Article(text=english, language="en"), analyzers={"genre": "1"})).cautions
        == []
    )


def test_satire_read_in_a_short_text_carries_a_caution() -> None:
    def cautions(words: int, genre: str) -> list[str]:
        text = " ".join(["word"] * words)
        label = Label(name="genre", value=genre, score=0.9, analyzer="genre")
        article = Article(text=text, language="en")
        return summarize(Analysis(article=article, labels=(label,), analyzers={"genre": "1"})).cautions

    assert cautions(200, "satire") == [SHORT_SATIRE_CAUTION]
    assert cautions(399, "satire") == [SHORT_SATIRE_CAUTION]
    assert cautions(400, "satire") == []  # long enough
    assert cautions(200, "opinion") == []  # only satire is what short texts are pulled to
    assert SHORT_SATIRE_CAUTION not in cautions(50, "satire")  # "too short" says it already


def test_narrative_matches_in_a_language_without_its_own_threshold_carry_a_caution() -> None:
    def cautions(language: str) -> list[str]:
        analysis = Analysis(
            article=Article(text=TEXT, language=language),
            labels=(
                Label(name="narrative", value="nato-encircles-russia", score=0.86, analyzer="narratives"),
            ),
            analyzers={"narratives": "1"},
        )
        return summarize(analysis).cautions

    assert cautions("en") == cautions("ru") == [NARRATIVE_CAUTION]
    (lead, caution) = cautions("it")
    assert lead == NARRATIVE_CAUTION
    assert "not on 'it' ones" in caution and "en and ru" in caution


def test_every_summary_with_narrative_matches_says_they_are_leads_to_check() -> None:
    """Only matches in languages other than en and ru had carried a caution; docs/narratives.md says
    every match is a lead (15 of 20 unrelated US articles got one, debunking sentences match too)."""
    english = Analysis(
        article=Article(text=TEXT, language="en"),
        labels=(Label(name="narrative", value="nato-encircles-russia", score=0.86, analyzer="narratives"),),
        analyzers={"narratives": "1"},
    )
    said = " ".join(summarize(english).cautions)
    for words in ("lead to check against its evidence sentences", "not what it asserts", "debunk"):
        assert words in said
    assert summarize(english.model_copy(update={"labels": ()})).cautions == []


# A Polish paragraph quoting a Russian post (58 Polish words, 46 Russian ones), as in the mixed-text audit.
POLISH = (
    "Kremlowskie media po raz kolejny wzięły na celownik Polskę. W poniedziałek popularny kanał na "
    "Telegramie, obserwowany przez ponad milion osób, opublikował wpis, który warto przytoczyć w całości. "
    "Teza o rzekomych planach aneksji zachodniej Ukrainy pojawia się w rosyjskich mediach regularnie. "
    "Nie ma żadnych dowodów na to, że polski rząd przygotowuje takie działania, a ministerstwo wielokrotnie "
    "dementowało te doniesienia."
)
RUSSIAN = (
    "«Польша готовится захватить Западную Украину. Варшава мечтает о возрождении Речи Посполитой и уже "
    "стягивает войска к границе. Польские наёмники воюют на Украине против России, а польские политики "
    "открыто требуют раздела Украины. НАТО использует Польшу как таран против России. Если Варшава не "
    "остановится, Польша станет первой целью.»"
)


def _cautions_of(text: str, language: str | None) -> list[str]:
    return summarize(
        Analysis(article=Article(text=text, language=language), analyzers={"claims": "1"})
    ).cautions


def test_a_text_with_a_long_passage_in_another_script_carries_a_caution() -> None:
    """A Polish article quoting a Russian post in full gave no sign of being mixed: its Russian sentences
    were read with Polish aliases and thresholds."""
    [caution] = _cautions_of(f"{POLISH}\n\n{RUSSIAN}", "pl")
    assert caution.startswith("About 44% of the words are in Cyrillic script while the text was read as 'pl'")
    assert "aliases, claim thresholds and technique shifts are those of 'pl'" in caution
    # read the other way round: the Latin words of a text identified as Russian
    [caution] = _cautions_of(f"{RUSSIAN}\n\n{POLISH}", "ru")
    assert caution.startswith("About 56% of the words are in Latin script while the text was read as 'ru'")
    share, scripts = other_script_share(f"{POLISH} {RUSSIAN}", "pl")
    assert share == pytest.approx(46 / 104) and scripts == ["Cyrillic"]


def test_names_a_short_quote_or_one_script_per_language_carry_no_mixed_caution() -> None:
    english = " ".join([TEXT] * 10) + " Putin, or Путин in Russian, said so."
    assert _cautions_of(english, "en") == []
    # 33 % of the words, but a line of them: a quote, not a part to analyse apart
    short_quote = f"{TEXT} The post said: «Польша готовится захватить Западную Украину уже сегодня»."
    assert other_script_share(short_quote, "en") == (0.0, [])
    assert _cautions_of(short_quote, "en") == []
    # Japanese writes its words in kanji and kana, Ukrainian quotes Russian in the same script
    assert _cautions_of("日本の政府は今日、新しい政策を発表しました。" * 40, "ja") == []
    assert _cautions_of(RUSSIAN.replace("«", "Він написав: «") * 3, "uk") == []
    assert _cautions_of(f"{POLISH}\n\n{RUSSIAN}", None) == []  # no language read, none to compare with


def test_a_mixed_caution_names_each_script_with_a_fair_part_of_the_other_words() -> None:
    hebrew = "הממשלה הודיעה היום על מדיניות חדשה בנושא הביטחון והכלכלה " * 3
    arabic = "أعلنت الحكومة اليوم عن سياسة جديدة في مجال الأمن والاقتصاد " * 3
    share, scripts = other_script_share(f"{TEXT} {hebrew} {arabic} α", "en")  # 11 + 27 + 30 + 1 words
    assert scripts == ["Arabic", "Hebrew"] and share == pytest.approx(58 / 69)  # a Greek letter: not named
    [caution] = _cautions_of(f"{TEXT} {hebrew} {arabic}", "en")
    assert caution.startswith("About 84% of the words are in Arabic and Hebrew scripts while")
