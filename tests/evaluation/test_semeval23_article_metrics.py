"""SemEval-2023 subtasks 1 and 2: the official metrics (checked against scikit-learn) and file checks."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sklearn.metrics import f1_score  # type: ignore[import-untyped]
from sklearn.preprocessing import MultiLabelBinarizer  # type: ignore[import-untyped]

from propwatch.errors import MalformedRecordError, PropwatchError
from propwatch.evaluation import score_files
from propwatch.evaluation.formats import ArticleLabelsRecord
from propwatch.evaluation.semeval23_articles import (
    read_frame_labels,
    read_genre_labels,
    score_st1,
    score_st2,
    write_article_labels,
)
from propwatch.framing.labels import FRAMES, GENRES


def _records(pairs: list[tuple[str, tuple[str, ...]]]) -> list[ArticleLabelsRecord]:
    return [ArticleLabelsRecord(i, labels) for i, labels in pairs]


@pytest.mark.parametrize("seed", range(6))
def test_st1_equals_the_official_scikit_learn_call(seed: int) -> None:
    rng = random.Random(seed)
    # Some draws leave satire out of both sides: the official scorer then averages over two genres.
    pool = GENRES if seed % 2 else GENRES[:2]
    gold = [(str(i), (rng.choice(pool),)) for i in range(40)]
    pred = [(str(i), (rng.choice(pool),)) for i in range(40)]
    scores = score_st1(_records(gold), _records(pred))
    truth, guess = [g[1][0] for g in gold], [p[1][0] for p in pred]
    assert scores.f1 == pytest.approx(f1_score(truth, guess, average="macro", zero_division=0))
    assert scores.micro_f1 == pytest.approx(f1_score(truth, guess, average="micro", zero_division=0))
    assert scores.task == "semeval23-st1" and scores.gold_count == 40


def test_st1_counts_a_predicted_genre_absent_from_gold_as_zero() -> None:
    gold = _records([("1", ("opinion",)), ("2", ("opinion",))])
    pred = _records([("1", ("opinion",)), ("2", ("satire",))])
    scores = score_st1(gold, pred)
    # opinion: P 1, R 0.5 → F1 2/3; satire: predicted once, never gold → 0; reporting left out.
    assert scores.f1 == pytest.approx((2 / 3 + 0) / 2)
    assert set(scores.per_label) == {"opinion", "satire"}


@pytest.mark.parametrize("seed", range(6))
def test_st2_equals_the_official_scikit_learn_call(seed: int) -> None:
    rng = random.Random(100 + seed)
    gold = [(str(i), tuple(rng.sample(FRAMES[:8], rng.randint(1, 4)))) for i in range(30)]
    pred = [(str(i), tuple(rng.sample(FRAMES[:10], rng.randint(0, 4)))) for i in range(30)]
    scores = score_st2(_records(gold), _records(pred))
    binarizer = MultiLabelBinarizer()
    binarizer.fit([FRAMES])
    truth = binarizer.transform([g[1] for g in gold])
    guess = binarizer.transform([p[1] for p in pred])
    assert scores.f1 == pytest.approx(f1_score(truth, guess, average="micro", zero_division=1))
    assert scores.macro_f1 == pytest.approx(f1_score(truth, guess, average="macro", zero_division=1))


def test_st2_perfect_and_empty_predictions() -> None:
    gold = _records([("1", ("Economic", "Political")), ("2", ("Morality",))])
    assert score_st2(gold, gold).f1 == 1.0
    nothing = score_st2(gold, _records([("1", ()), ("2", ())]))
    assert nothing.f1 == 0.0 and nothing.recall == 0.0


def test_the_articles_must_match_the_gold_file() -> None:
    gold = _records([("1", ("opinion",)), ("2", ("reporting",))])
    with pytest.raises(MalformedRecordError, match="1 gold article"):
        score_st1(gold, gold[:1], predicted_name="pred.txt")
    with pytest.raises(MalformedRecordError, match="not in the gold file"):
        score_st1(gold, [*gold, ArticleLabelsRecord("3", ("opinion",))])


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_score_files_reads_both_official_layouts(tmp_path: Path) -> None:
    gold1 = _write(tmp_path / "g1.txt", "11\topinion\n12\treporting\n\n13\tsatire\n")
    pred1 = _write(tmp_path / "p1.txt", "13\tsatire\r\n11\topinion\r\n12\topinion\r\n")
    scores = score_files("semeval23-st1", gold1, pred1)
    assert scores.f1 == pytest.approx((2 / 3 + 0 + 1) / 3)
    gold2 = _write(tmp_path / "g2.txt", "11\tEconomic,Political\n12\tMorality\n")
    pred2 = _write(tmp_path / "p2.txt", "11\tPolitical\n12\t\n")
    scores2 = score_files("semeval23-st2", gold2, pred2)
    assert scores2.f1 == pytest.approx(2 * 1 / (2 * 1 + 0 + 2))
    assert "semeval23-st2" in scores2.summary()


@pytest.mark.parametrize(
    ("content", "reader", "message"),
    [
        ("11\topinion\n12\tnews\n", read_genre_labels, r"g\.txt line 2: unknown genre 'news'"),
        ("11\topinion\n\n11\treporting\n", read_genre_labels, r"g\.txt line 3: article 11 is listed twice"),
        ("11\topinion,satire\n", read_genre_labels, r"g\.txt line 1: article 11 needs exactly one genre"),
        ("11\n", read_genre_labels, r"line 1: article 11 needs exactly one genre, got 0"),
        ("11\topinion\textra\n", read_genre_labels, r"line 1: expected article_id<TAB>genre"),
        ("11\tEconomic,Wars\n", read_frame_labels, r"g\.txt line 1: unknown frame 'Wars'"),
        ("\tEconomic\n", read_frame_labels, r"line 1: empty article id"),
    ],
)
def test_malformed_label_files_name_the_file_and_line(
    tmp_path: Path, content: str, reader: object, message: str
) -> None:
    path = _write(tmp_path / "g.txt", content)
    with pytest.raises(MalformedRecordError, match=message):
        reader(path)  # type: ignore[operator]


def test_missing_file_is_a_propwatch_error(tmp_path: Path) -> None:
    with pytest.raises(PropwatchError, match="no such file"):
        score_files("semeval23-st1", tmp_path / "gold.txt", tmp_path / "pred.txt")


def test_written_files_read_back(tmp_path: Path) -> None:
    records = _records([("7", ("Economic", "Morality")), ("8", ())])
    path = tmp_path / "out.txt"
    write_article_labels(path, records)
    assert path.read_bytes() == b"7\tEconomic,Morality\n8\t\n"
    assert read_frame_labels(path) == records
