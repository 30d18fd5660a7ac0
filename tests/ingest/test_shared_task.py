"""PTC / SemEval-2023 article folders: text kept byte for byte so label offsets apply unchanged."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from propwatch.domain import Article, Failure
from propwatch.errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
)
from propwatch.ingest.shared_task import (
    is_shared_task_folder,
    read_shared_task_article,
    read_shared_task_folder,
)
from propwatch.settings import Settings

# A French article as the SemEval-2023 files hold it: CRLF endings, a blank second line, accents.
FRENCH = (
    "Macron face à la « crise » : l'Élysée dément\r\n"
    "\r\n"
    "Le président a qualifié ces accusations de « mensonges éhontés ».\r\n"
    "Selon lui, l'opposition « manipule » les Français.\r\n"
)
# The label file would give offsets into the text above, counting every \r.
FRENCH_SPANS = [("mensonges éhontés", "Loaded_Language"), ("« manipule »", "Name_Calling")]

RUSSIAN = "Киев готовит провокацию\r\n\r\nВласти Украины, по данным ТАСС, «готовят провокацию».\r\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _offsets(text_as_labelled: str, needle: str) -> tuple[int, int]:
    """Offsets computed the way the organisers did: on the file read without newline translation."""
    start = text_as_labelled.index(needle)
    return start, start + len(needle)


def test_text_is_byte_exact_with_crlf(settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, "article24101.txt", FRENCH.encode("utf-8"))
    article = read_shared_task_article(path, settings)
    assert article.text == FRENCH
    assert article.text.encode("utf-8") == path.read_bytes()
    for needle, _technique in FRENCH_SPANS:
        start, end = _offsets(FRENCH, needle)
        assert article.text[start:end] == needle
    # The same offsets would be wrong on CRLF-translated text: the test would catch a reader that translates.
    translated = FRENCH.replace("\r\n", "\n")
    start, end = _offsets(FRENCH, "mensonges éhontés")
    assert translated[start:end] != "mensonges éhontés"


def test_metadata(settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, "article24101.txt", FRENCH.encode("utf-8"))
    article = read_shared_task_article(path, settings)
    assert article.external_id == "24101"
    assert article.title == "Macron face à la « crise » : l'Élysée dément"
    assert article.raw_format == "shared-task"
    assert article.origin == str(path)
    assert article.raw == FRENCH
    assert article.language == "fr"
    # Nothing is parsed out of a shared-task text: no genre, dateline or outlets are guessed.
    assert (article.genre_tag, article.place, article.published, article.sources) == (None, None, None, ())


def test_russian_offsets(settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, "article2424.txt", RUSSIAN.encode("utf-8"))
    article = read_shared_task_article(path, settings)
    # Hand-counted label offsets: 23 title characters + "\r\n\r\n" + 26 characters before "ТАСС".
    for start, end, expected in [(53, 57, "ТАСС"), (59, 79, "«готовят провокацию»")]:
        assert article.text[start:end] == expected
    assert article.title == "Киев готовит провокацию"


def test_byte_order_mark_is_kept_because_offsets_count_it(settings: Settings, tmp_path: Path) -> None:
    text = "Vatican Theologian Sacked\n\nHe wrote a devastating letter.\n"
    path = _write(tmp_path, "article705409419.txt", codecs.BOM_UTF8 + text.encode("utf-8"))
    article = read_shared_task_article(path, settings)
    assert article.text == "\ufeff" + text
    start = ("\ufeff" + text).index("a devastating letter")
    assert article.text[start : start + len("a devastating letter")] == "a devastating letter"
    assert article.title == "Vatican Theologian Sacked"


def test_leading_blank_lines_and_trailing_whitespace_are_kept(settings: Settings, tmp_path: Path) -> None:
    text = "\n\n  Title with spaces  \n\nBody line.\n\n\n"
    article = read_shared_task_article(_write(tmp_path, "article1.txt", text.encode()), settings)
    assert article.text == text
    assert article.title == "Title with spaces"


def test_boilerplate_is_not_stripped(settings: Settings, tmp_path: Path) -> None:
    text = "Title\n\nBody sentence here.\n\nSource: Reuters\n\nLeave a Reply\n"
    article = read_shared_task_article(_write(tmp_path, "article7.txt", text.encode()), settings)
    assert article.text == text


def test_errors(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"article<ID>\.txt"):
        read_shared_task_article(_write(tmp_path, "notes.txt", b"hello"), settings)
    with pytest.raises(InputNotFoundError):
        read_shared_task_article(tmp_path / "article9.txt", settings)
    with pytest.raises(DecodingError) as caught:
        read_shared_task_article(_write(tmp_path, "article10.txt", "Тест".encode("cp1251")), settings)
    assert str(caught.value).startswith(str(tmp_path / "article10.txt"))
    with pytest.raises(EmptyInputError):
        read_shared_task_article(_write(tmp_path, "article11.txt", b"\r\n \r\n"), settings)
    with pytest.raises(BinaryInputError):
        read_shared_task_article(_write(tmp_path, "article12.txt", b"%PDF-1.4\n..."), settings)
    small = Settings(data_dir=tmp_path, max_input_bytes=5)
    with pytest.raises(InputTooLargeError):
        read_shared_task_article(_write(tmp_path, "article13.txt", b"123456"), small)


def test_is_shared_task_folder(tmp_path: Path) -> None:
    assert not is_shared_task_folder(tmp_path)
    _write(tmp_path, "README.md", b"# notes")
    assert not is_shared_task_folder(tmp_path)
    _write(tmp_path, "article123.txt", b"Title\n\nText.")
    assert is_shared_task_folder(tmp_path)
    assert not is_shared_task_folder(tmp_path / "article123.txt")
    assert not is_shared_task_folder(tmp_path / "missing")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "article5.txt").mkdir()  # a folder with the right name is not an article
    assert not is_shared_task_folder(tmp_path / "sub")


def test_folder_sorted_numerically_with_failures_in_place(settings: Settings, tmp_path: Path) -> None:
    _write(tmp_path, "article100.txt", b"Hundred\n\nThe text of article one hundred.")
    _write(tmp_path, "article9.txt", b"Nine\n\nThe text of article nine.")
    _write(tmp_path, "article20.txt", b"\xff\xfe\xfa not utf-8 \xc3")
    _write(tmp_path, "article3.txt", RUSSIAN.encode())
    _write(tmp_path, "article20.labels", b"ignored")
    _write(tmp_path, "README.md", b"ignored")
    results = list(read_shared_task_folder(tmp_path, settings))
    kinds = [r.external_id if isinstance(r, Article) else "failure" for r in results]
    assert kinds == ["3", "9", "failure", "100"]
    failure = results[2]
    assert isinstance(failure, Failure)
    assert failure.input == str(tmp_path / "article20.txt")
    assert "UTF-8" in failure.reason


def test_folder_errors(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        list(read_shared_task_folder(tmp_path / "missing", settings))
    with pytest.raises(EmptyInputError):
        list(read_shared_task_folder(tmp_path, settings))
    file = _write(tmp_path, "article1.txt", b"x")
    with pytest.raises(InputError):
        list(read_shared_task_folder(file, settings))
