"""Reading the check-worthiness corpora of ``../shared/data`` into one list of labelled sentences.

Datasets (folder names as in ``shared/data``; see each folder's README):

* ``ct24-en`` — CheckThat! 2024 Task 1 English train = ClaimBuster ``crowdsourced.csv`` made binary
  (CFS → Yes). Read once, from the CheckThat! file; ClaimBuster's copy only gives each sentence its
  debate (``File_id``), the unit of the validation split.
* ``ct24-ar``, ``ct24-nl`` — CheckThat! 2024 Arabic and Dutch tweets.
* ``ct21-en`` — CheckThat! 2021 Task 1A English COVID-19 tweets (``check_worthiness`` column).
* ``ct20-en`` — CheckThat! 2020 Task 5 debate and speech transcripts. Label 1 means a fact-checker
  chose the sentence, so 0 is weak evidence against; all positives and a seeded sample of the
  negatives are read (``ct20_negatives_per_positive``).

Texts are read with no quote handling (``QUOTE_NONE``): the files contain stray double quotes.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from propwatch.claims.text import normalize_text
from propwatch.corpora.split import split_by_article
from propwatch.errors import InputNotFoundError, MalformedRecordError

CT24_DIR = "checkthat2024_task1"
CLAIMBUSTER_CSV = "claimbuster/crowdsourced.csv"
CLAIMBUSTER_STRICT_JSON = "claimbuster/3xNCS_minus_groundtruth.json"
CT21_TSV = "checkthat2021_task1a_en/dataset_train_v1_english.tsv"
CT20_DIR = "checkthat2020_task5_debates/train"
YES, NO = "Yes", "No"


@dataclass(frozen=True)
class LabelledSentence:
    """One training or validation item."""

    dataset: str
    language: str
    item_id: str
    text: str
    label: bool
    group: str  # the unit kept on one side of the split: a debate, a transcript, a tweet


def tsv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each non-blank line of a tab-separated file; fields as written, but for a
    carriage return inside a line (a line break pasted into a tweet), which reads as a space."""
    if not path.is_file():
        raise InputNotFoundError(str(path), "no such file")
    try:
        # only "\n" ends a row (universal newlines had split a row at a lone "\r" inside its text), but
        # in a file of old Mac line ends, where no "\n" comes, "\r" does
        with path.open("rb") as raw:
            head = raw.read(1 << 16)
        ends = "\r" if b"\r" in head and b"\n" not in head else "\n"
        with path.open(encoding="utf-8-sig", newline=ends) as handle:
            for number, line in enumerate(handle, start=1):
                line = line.rstrip("\r\n").replace("\r", " ")
                if line.strip():
                    yield number, line.split("\t")
    except UnicodeDecodeError as exc:
        raise MalformedRecordError(str(path), f"is not UTF-8 text: {exc.reason}") from exc


def _label(path: Path, number: int, value: str, yes: str, no: str) -> bool:
    value = value.strip()
    if value == yes:
        return True
    if value == no:
        return False
    raise MalformedRecordError(f"{path} line {number}", f"label {value!r} is neither {yes!r} nor {no!r}")


def _fields(path: Path, number: int, fields: list[str], count: int) -> list[str]:
    if len(fields) != count:
        raise MalformedRecordError(
            f"{path} line {number}", f"expected {count} tab-separated columns, found {len(fields)}"
        )
    return fields


def _debate_of_sentence(data_dir: Path) -> dict[str, str]:
    path = data_dir / CLAIMBUSTER_CSV
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["Sentence_id"]: row["File_id"] for row in csv.DictReader(handle)}


def factual_sentences(data_dir: Path) -> dict[str, bool]:
    """ClaimBuster's three-class verdict of each English debate sentence, by ``Sentence_id``, as whether
    it states a fact at all (UFS or CFS, not NFS): what check-worthy sentences share with unimportant
    factual ones. Empty without ``claimbuster/crowdsourced.csv``."""
    path = data_dir / CLAIMBUSTER_CSV
    if not path.is_file():
        return {}
    found = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            verdict = (row.get("Verdict") or "").strip()
            if verdict not in ("-1", "0", "1"):
                raise MalformedRecordError(str(path), f"line {number}: Verdict {verdict!r} is not -1, 0 or 1")
            found[row["Sentence_id"]] = verdict != "-1"
    return found


def strict_subset(data_dir: Path) -> frozenset[str]:
    """``Sentence_id`` of every English debate sentence in ClaimBuster's stricter binary subset (3xNCS:
    every CFS the authors kept and three times as many non-CFS). The CFS sentences it leaves out score
    lower under a trained model (0.55 against 0.70 on held-out debates), so its labels are the clearer."""
    path = data_dir / CLAIMBUSTER_STRICT_JSON
    if not path.is_file():
        raise InputNotFoundError(str(path), "no such file")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRecordError(str(path), f"is not JSON text: {exc}") from exc
    if not isinstance(records, list):
        raise MalformedRecordError(str(path), "is not a JSON list of sentences")
    found = set()
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not isinstance(record.get("sentence_id"), int | str):
            raise MalformedRecordError(str(path), f"record {number} has no sentence_id")
        found.add(str(record["sentence_id"]))
    return frozenset(found)


def read_ct24_english(data_dir: Path) -> list[LabelledSentence]:
    path = data_dir / CT24_DIR / "en" / "CT24_checkworthy_english_train.tsv"
    debates = _debate_of_sentence(data_dir)
    items = []
    for number, fields in tsv_rows(path):
        if number == 1:
            continue
        sentence_id, text, label = _fields(path, number, fields, 3)
        # Without ClaimBuster's debate ids each sentence is its own group (a weaker split).
        group = debates.get(sentence_id, f"sentence-{sentence_id}")
        items.append(
            LabelledSentence("ct24-en", "en", sentence_id, text, _label(path, number, label, YES, NO), group)
        )
    return items


def read_ct24_tweets(data_dir: Path, language: str) -> list[LabelledSentence]:
    name = {"ar": "arabic", "nl": "dutch"}[language]
    path = data_dir / CT24_DIR / language / f"CT24_checkworthy_{name}_train.tsv"
    items = []
    for number, fields in tsv_rows(path):
        if number == 1:
            continue
        tweet_id, _url, text, label = _fields(path, number, fields, 4)
        items.append(
            LabelledSentence(
                f"ct24-{language}", language, tweet_id, text, _label(path, number, label, YES, NO), tweet_id
            )
        )
    return items


def read_ct21_covid(data_dir: Path) -> list[LabelledSentence]:
    path = data_dir / CT21_TSV
    items = []
    for number, fields in tsv_rows(path):
        if number == 1:
            continue
        _topic, tweet_id, _url, text, _claim, worthy = _fields(path, number, fields, 6)
        items.append(
            LabelledSentence(
                "ct21-en", "en", tweet_id, text, _label(path, number, worthy, "1", "0"), tweet_id
            )
        )
    return items


def read_ct20_debates(data_dir: Path, negatives_per_positive: float, seed: int) -> list[LabelledSentence]:
    folder = data_dir / CT20_DIR
    if not folder.is_dir():
        raise InputNotFoundError(str(folder), "no such folder")
    items = []
    for path in sorted(folder.glob("*.tsv")):
        positives: list[LabelledSentence] = []
        negatives: list[LabelledSentence] = []
        for number, fields in tsv_rows(path):
            line_number, _speaker, text, label = _fields(path, number, fields, 4)
            item = LabelledSentence(
                "ct20-en",
                "en",
                f"{path.stem}:{line_number}",
                text,
                _label(path, number, label, "1", "0"),
                path.stem,
            )
            (positives if item.label else negatives).append(item)
        keep = min(len(negatives), round(negatives_per_positive * max(len(positives), 1)))
        items += positives + random.Random(f"{seed}:{path.stem}").sample(negatives, keep)
    return items


def read_all(
    data_dir: Path, *, seed: int, ct20_negatives_per_positive: float = 3.0
) -> list[LabelledSentence]:
    """Every dataset, with repeated texts dropped: the first reading wins, in the order above."""
    items = [
        *read_ct24_english(data_dir),
        *read_ct24_tweets(data_dir, "ar"),
        *read_ct24_tweets(data_dir, "nl"),
        *read_ct21_covid(data_dir),
        *read_ct20_debates(data_dir, ct20_negatives_per_positive, seed),
    ]
    return dedupe(items)


def dedupe(items: Iterable[LabelledSentence]) -> list[LabelledSentence]:
    """Drop later items whose normalised text was seen before (2016 debates are in two corpora)."""
    seen: dict[tuple[str, str], LabelledSentence] = {}
    kept = []
    for item in items:
        key = (item.language, normalize_text(item.text).lower())
        if key in seen and seen[key].dataset != item.dataset:
            continue  # the same sentence under another corpus's annotation scheme
        seen.setdefault(key, item)
        kept.append(item)
    return kept


@dataclass(frozen=True)
class Split:
    train: list[LabelledSentence]
    validation: list[LabelledSentence]


def split_items(items: list[LabelledSentence], *, seed: int, fraction: float) -> Split:
    """Hold out ``fraction`` of each dataset's groups (debates, transcripts, tweets), deterministically.

    A validation item whose normalised text also occurs in training ("Thank you.", stock phrases
    repeated across debates) is dropped, so the held-out figures never reward memorising.
    """
    held_out: set[tuple[str, str]] = set()
    for dataset in sorted({i.dataset for i in items}):
        groups = {i.group for i in items if i.dataset == dataset}
        held_out |= {(dataset, g) for g in split_by_article(groups, seed=seed, fraction=fraction).validation}
    train = [i for i in items if (i.dataset, i.group) not in held_out]
    seen = {normalize_text(i.text).lower() for i in train}
    validation = [
        i for i in items if (i.dataset, i.group) in held_out and normalize_text(i.text).lower() not in seen
    ]
    return Split(train, validation)
