"""How the genre model reads short texts: its validation articles (the split recorded in the shipped
model, all six languages) cut to their first N words, read again through the analyzer's path.

    .venv/bin/python benchmarks/genre_short_texts.py [--data ../shared/data] [--words all 150 250 400]

Prints, per length, how many articles the model got right and the (gold, predicted) genre counts. It
measured the figures behind ``propwatch.summary.SHORT_SATIRE_CAUTION`` (see the genre model card,
"Limits"). Not part of the test suite; about 10 minutes per length on 2 loaded cores.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from propwatch.framing.model import GenreFramesModel, shipped_model_path
from propwatch.framing.representation import REPRESENTATION, ArticleEncoder, shared_article_encoder
from propwatch.framing.tasks import label_articles
from propwatch.ingest.shared_task import shared_task_article
from propwatch.settings import Settings
from propwatch.training.genre_frames_data import read_labelled_articles, split_articles


def first_words(text: str, count: int | None) -> str:
    """``text`` up to the end of its ``count``-th word (all of it for None), line breaks kept."""
    words = list(re.finditer(r"\S+", text))
    return text if count is None or len(words) <= count else text[: words[count - 1].end()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--words", nargs="+", default=["all", "150", "250", "400"])
    args = parser.parse_args()
    settings = Settings()
    model = GenreFramesModel.load(shipped_model_path(), representation=REPRESENTATION)
    config = model.meta.get("config", {})
    articles = read_labelled_articles(args.data)
    splits = split_articles(
        args.data,
        articles,
        seed=int(config.get("seed", 13)),
        fraction=float(config.get("validation_fraction", 0.15)),
    )
    held = [a for a in articles if a.article_id in set(splits[a.code].validation) and a.genre]
    for words in args.words:
        count = None if words == "all" else int(words)
        documents = [
            shared_task_article(settings, first_words(a.text, count), a.key, a.key).model_copy(
                update={"language": a.language}
            )
            for a in held
        ]
        encoder = shared_article_encoder()
        remembering = ArticleEncoder(encoder.encode, encoder.count, remember=len(documents))
        found = {
            r.article_id: r.labels[0]
            for r in label_articles(documents, "genre", model, remembering, settings)
        }
        table = Counter((a.genre, found[a.key]) for a in held)
        right = sum(n for (gold, predicted), n in table.items() if gold == predicted)
        print(f"{words} words: {right}/{len(held)} right", dict(sorted(table.items())), flush=True)


if __name__ == "__main__":
    main()
