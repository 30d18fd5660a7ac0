"""Corpus readers on tiny fake corpora laid out like ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.corpora import (
    complete_short_end,
    corpus_boundary_stats,
    paragraph_ranges,
    read_ptc,
    read_ptc_si,
    read_semeval2021_memes,
    read_semeval2023,
    trim_whitespace,
)
from propwatch.errors import ConfigurationError, InputNotFoundError, MalformedRecordError


def write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8"))


@pytest.fixture
def ptc_folder(tmp_path: Path) -> Path:
    root = tmp_path / "ptc"
    write(root / "train-articles" / "article111.txt", "A title\n\nThey are traitors and liars.\n")
    write(root / "train-articles" / "article222.txt", "Nothing to see.\n")
    write(root / "train-articles" / "notes.txt", "not an article")
    write(
        root / "train-task-tc.labels",
        "111\tName_Calling,Labeling\t18\t26\n111\tLoaded_Language\t18\t26\n111\tName_Calling,Labeling\t31\t36\n",
    )
    write(root / "train-task-si.labels", "111\t18\t26\n111\t31\t36\n")
    return root


def test_ptc_reads_articles_and_spans(ptc_folder: Path) -> None:
    corpus = read_ptc(ptc_folder)
    assert corpus.article_ids() == ("111", "222")
    first = corpus.articles[0]
    assert [first.text[s.start : s.end] for s in first.spans] == ["traitors", "traitors", "liars"]
    assert first.document_techniques == ("Loaded_Language", "Name_Calling,Labeling")
    assert corpus.articles[1].spans == ()
    assert corpus.span_count() == 3 and corpus.scheme == "ptc"
    assert len(read_ptc_si(ptc_folder)) == 2


def test_ptc_rejects_spans_past_the_text_and_labels_without_article(ptc_folder: Path) -> None:
    write(ptc_folder / "train-task-tc.labels", "222\tDoubt\t3\t400\n")
    with pytest.raises(MalformedRecordError, match="ends after the text"):
        read_ptc(ptc_folder)
    write(ptc_folder / "train-task-tc.labels", "999\tDoubt\t3\t4\n")
    with pytest.raises(MalformedRecordError, match="article 999 has labels but no article file"):
        read_ptc(ptc_folder)
    with pytest.raises(InputNotFoundError):
        read_ptc(ptc_folder / "absent")


FR_TEXT = "Titre\r\n\r\nLa discipline olympique est « une honte ».\r\nFin.\r\n"


@pytest.fixture
def semeval_folder(tmp_path: Path) -> Path:
    root = tmp_path / "semeval2023_task3"
    fr = root / "fr"
    write(fr / "train-articles-subtask-3" / "article2310.txt", FR_TEXT)
    start = FR_TEXT.index("discipline")
    quote = FR_TEXT.index("une honte")
    write(
        fr / "train-labels-subtask-3-spans.txt",
        # a span one character short of "olympique", and one with a trailing space before "»"
        f"2310\tLoaded_Language\t{start}\t{start + len('discipline olympiqu')}\n"
        f"2310\tName_Calling-Labeling\t{quote}\t{quote + len('une honte ')}\n",
    )
    write(
        fr / "train-labels-subtask-3.txt",
        "2310\t1\t\n2310\t3\tLoaded_Language,Name_Calling-Labeling\n2310\t4\n",
    )
    write(fr / "train-labels-subtask-1.txt", "2310\topinion\n")
    write(fr / "train-labels-subtask-2.txt", "2310\tMorality,Political\n")
    return root


def test_semeval2023_keeps_crlf_offsets_and_repairs_boundaries(semeval_folder: Path) -> None:
    corpus = read_semeval2023(semeval_folder, "fr")
    (article,) = corpus.articles
    assert article.text == FR_TEXT and article.language == "fr"
    texts = [article.text[s.start : s.end] for s in article.spans]
    assert texts == ["discipline olympique", "une honte"]
    assert all(s.repaired for s in article.spans)
    assert [(p.number, article.text[p.start : p.end], p.techniques) for p in article.paragraphs] == [
        (1, "Titre", ()),
        (3, "La discipline olympique est « une honte ».", ("Loaded_Language", "Name_Calling-Labeling")),
        (4, "Fin.", ()),
    ]
    assert article.genre == "opinion" and article.frames == ("Morality", "Political")
    before = corpus_boundary_stats(corpus, original=True)
    after = corpus_boundary_stats(corpus)
    assert (before.end_inside_word, before.end_on_space) == (1, 1)
    assert (after.end_inside_word, after.end_on_space) == (0, 0)


def test_semeval2023_trims_a_two_character_span_down_to_its_one_visible_character(
    semeval_folder: Path,
) -> None:
    quote = FR_TEXT.index("« une")
    write(semeval_folder / "fr" / "train-labels-subtask-3-spans.txt", f"2310\tDoubt\t{quote}\t{quote + 2}\n")
    (article,) = read_semeval2023(semeval_folder, "fr").articles
    (span,) = article.spans
    assert (span.start, span.end) == (quote, quote + 1) and span.repaired


def test_semeval2023_repairs_can_be_switched_off_and_iso_codes_work(semeval_folder: Path) -> None:
    corpus = read_semeval2023(semeval_folder, "fr", repair_short_ends=False, trim_spaces=False)
    assert not any(s.repaired for s in corpus.articles[0].spans)
    with pytest.raises(ConfigurationError):
        read_semeval2023(semeval_folder, "xx")
    with pytest.raises(InputNotFoundError):
        read_semeval2023(semeval_folder, "de")  # ISO code of the "ge" folder, absent here


def test_semeval2023_rejects_a_paragraph_that_is_not_a_line(semeval_folder: Path) -> None:
    write(semeval_folder / "fr" / "train-labels-subtask-3.txt", "2310\t2\tDoubt\n")
    with pytest.raises(MalformedRecordError, match="no non-empty line 2"):
        read_semeval2023(semeval_folder, "fr")


def test_boundary_helpers() -> None:
    text = "olympique est"
    assert complete_short_end(text, 0, 8) == 9
    assert complete_short_end(text, 0, 9) == 9  # already at the word end
    assert complete_short_end(text, 0, 7) == 7  # two characters short: not this defect
    assert complete_short_end("abc", 0, 2) == 3  # the word ends the text
    assert trim_whitespace(" ab \r\n", 0, 6) == (1, 3)
    assert trim_whitespace("   ", 0, 3) == (2, 3)
    assert paragraph_ranges("T\r\n\r\nA b\r\n  \r\nC") == {1: (0, 1), 3: (5, 8), 5: (14, 15)}


def test_memes_relocate_a_wrong_fragment_and_trim(tmp_path: Path) -> None:
    memes = [
        {
            "id": "7",
            "text": "VOTE NOW\n\nOR LOSE EVERYTHING\n",
            "labels": [
                {"start": 0, "end": 9, "technique": "Slogans", "text_fragment": "VOTE NOW\n"},
                {
                    "start": 9,
                    "end": 20,
                    "technique": "Appeal to fear/prejudice",
                    "text_fragment": "LOSE EVERYTHING",
                },
            ],
        },
        {"id": "8", "text": "nothing", "labels": []},
    ]
    write(tmp_path / "training_set_task2.txt", json.dumps(memes))
    corpus = read_semeval2021_memes(tmp_path)
    first = corpus.articles[0]
    assert [(first.text[s.start : s.end], s.technique) for s in first.spans] == [
        ("VOTE NOW", "Slogans"),
        ("LOSE EVERYTHING", "Appeal to fear/prejudice"),
    ]
    assert corpus.scheme == "semeval2021" and corpus.articles[1].spans == ()
    write(
        tmp_path / "training_set_task2.txt", json.dumps([{"id": "1", "text": "x", "labels": [{"start": 0}]}])
    )
    with pytest.raises(MalformedRecordError, match="item 1"):
        read_semeval2021_memes(tmp_path)
    write(tmp_path / "training_set_task2.txt", "[{")
    with pytest.raises(MalformedRecordError, match="not JSON"):
        read_semeval2021_memes(tmp_path)
