"""A tiny ``../shared/data``-shaped folder for technique-model tests: SemEval-2023 en + fr and PTC en."""

from __future__ import annotations

from pathlib import Path

# (id, text, spans as (technique, substring))
EN_ARTICLES = {
    "111": (
        "Stop the invasion now!\n\nThese corrupt traitors will destroy our great nation, experts say.\n"
        "Everyone knows the truth: they lie and lie again.\n",
        [
            ("Slogans", "Stop the invasion now!"),
            ("Name_Calling-Labeling", "corrupt traitors"),
            ("Loaded_Language", "destroy our great nation"),
            ("Appeal_to_Popularity", "Everyone knows the truth"),
        ],
    ),
    "222": (
        "The minister said the plan was fine.\nCritics called it a shameful disaster for working families.\n",
        [("Loaded_Language", "shameful disaster")],
    ),
    "333": (
        "A quiet report about rainfall.\nScientists measured the rain in April and found it normal.\n"
        "Some fear a catastrophic flood will wipe out every village.\n",
        [("Appeal_to_Fear-Prejudice", "a catastrophic flood will wipe out every village")],
    ),
}
FR_ARTICLES = {
    "901": (
        "Le gouvernement ment encore.\r\n\r\nCes « élites » corrompues trahissent la France éternelle.\r\n",
        [
            ("Loaded_Language", "ment encore"),
            ("Name_Calling-Labeling", "« élites » corrompues"),
            ("Flag_Waving", "la France éternelle"),
        ],
    ),
    "902": (
        "Un rapport calme sur la pluie.\r\nLa catastrophe arrive, il faut agir maintenant !\r\n",
        [("Appeal_to_Fear-Prejudice", "La catastrophe arrive"), ("Slogans", "il faut agir maintenant !")],
    ),
    "903": (
        "Les chiffres du chômage sont stables.\r\nCe traître de ministre nous ment.\r\n",
        [("Name_Calling-Labeling", "Ce traître de ministre")],
    ),
}
PTC_NAMES = {
    "Slogans": "Slogans",
    "Name_Calling-Labeling": "Name_Calling,Labeling",
    "Loaded_Language": "Loaded_Language",
    "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",
    "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
}


def _spans(text: str, spans: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    found = []
    for technique, piece in spans:
        start = text.index(piece)
        found.append((technique, start, start + len(piece)))
    return found


def _paragraph_lines(article_id: str, text: str, spans: list[tuple[str, int, int]]) -> list[str]:
    lines, position = [], 0
    for number, line in enumerate(text.split("\n"), 1):
        content = line.rstrip("\r")
        if content.strip():
            end = position + len(content)
            names = sorted({t for t, s, e in spans if s < end and e > position})
            lines.append(f"{article_id}\t{number}\t{','.join(names)}")
        position += len(line) + 1
    return lines


def _write_language(
    base: Path, articles: dict[str, tuple[str, list[tuple[str, str]]]], short_end: bool
) -> None:
    folder = base / "train-articles-subtask-3"
    folder.mkdir(parents=True)
    span_lines, paragraph_lines = [], []
    for article_id, (text, spans) in articles.items():
        with (folder / f"article{article_id}.txt").open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        located = _spans(text, spans)
        for technique, start, end in located:
            # Non-English label files stop one character short inside a word: the reader repairs that.
            cut = end - 1 if short_end and text[end - 1].isalpha() else end
            span_lines.append(f"{article_id}\t{technique}\t{start}\t{cut}")
        paragraph_lines += _paragraph_lines(article_id, text, located)
    (base / "train-labels-subtask-3-spans.txt").write_text("\n".join(span_lines) + "\n", encoding="utf-8")
    (base / "train-labels-subtask-3.txt").write_text("\n".join(paragraph_lines) + "\n", encoding="utf-8")


def write_fake_data(root: Path) -> Path:
    """A ``../shared/data``-shaped folder: SemEval-2023 en + fr (CRLF, short ends) and PTC for en."""
    semeval = root / "semeval2023_task3"
    _write_language(semeval / "en", EN_ARTICLES, short_end=False)
    _write_language(semeval / "fr", FR_ARTICLES, short_end=True)
    ptc = root / "ptc_semeval2020_task11"
    (ptc / "train-articles").mkdir(parents=True)
    tc, si = [], []
    for article_id, (semeval_text, spans) in EN_ARTICLES.items():
        # PTC stores the same articles with other line breaks: its offsets fit only its own text.
        text = semeval_text.replace("\n\n", "\n").replace("\n", " \n")
        (ptc / "train-articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
        for technique, start, end in _spans(text, spans):
            tc.append(f"{article_id}\t{PTC_NAMES[technique]}\t{start}\t{end}")
            si.append(f"{article_id}\t{start}\t{end}")
    (ptc / "train-task-tc.labels").write_text("\n".join(tc) + "\n", encoding="utf-8")
    (ptc / "train-task-si.labels").write_text("\n".join(si) + "\n", encoding="utf-8")
    return root
