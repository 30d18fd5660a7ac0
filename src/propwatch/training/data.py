"""Training data of the technique model: SemEval-2023 Task 3 articles → token windows with targets.

Numpy and ``tokenizers`` only. Windows and character ranges come from
:mod:`propwatch.models.technique_decode` — the functions inference uses — so a token is labelled in
training exactly as it is read back at inference.

Targets per token are ``2K`` binary channels: ``2k`` = the token begins a span of label ``k``,
``2k + 1`` = the token is inside one. A token is inside a span when its character range (leading
space of a ``▁`` token dropped) overlaps the span; a whitespace-only token (empty range) is inside
when it lies strictly within the span, so it does not break the run the decoder looks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from propwatch.corpora import ArticleSplit, Corpus, CorpusArticle, read_semeval2023, split_by_article
from propwatch.errors import MalformedRecordError
from propwatch.models.technique_decode import pack_windows, plan_windows, token_char_ranges

SEMEVAL23_FOLDER: Final = "semeval2023_task3"
PTC_FOLDER: Final = "ptc_semeval2020_task11"

IntArray = npt.NDArray[np.int64]
ByteArray = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class TokenizedArticle:
    """One article's tokens: ids, tokenizer offsets, cleaned character ranges and targets ``[T, 2K]``."""

    article: CorpusArticle
    ids: IntArray
    offsets: IntArray
    ranges: IntArray
    targets: ByteArray


@dataclass(frozen=True)
class Window:
    """One training example: a window of an article's tokens (``<s>``/``</s>`` added when batched)."""

    article: int  # index into the tokenized article list
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 2


def read_training_corpora(data_dir: Path, languages: Sequence[str]) -> dict[str, Corpus]:
    """SemEval-2023 Task 3 train, repaired spans, per folder code (English = PTC train relabelled); a
    language without a single gold span is an error (a truncated span file would train on nothing)."""
    corpora = {code: read_semeval2023(data_dir / SEMEVAL23_FOLDER, code) for code in languages}
    for code, corpus in corpora.items():
        if corpus.articles and not any(article.spans for article in corpus.articles):
            raise MalformedRecordError(
                str(data_dir / SEMEVAL23_FOLDER / code / "train-labels-subtask-3-spans.txt"),
                f"holds no gold span for the {len(corpus.articles)} articles: empty or cut short?",
            )
    return corpora


def split_corpora(corpora: Mapping[str, Corpus], seed: int, fraction: float) -> dict[str, ArticleSplit]:
    """The validation split by article, per language."""
    return {
        code: split_by_article(corpus.article_ids(), seed=seed, fraction=fraction)
        for code, corpus in corpora.items()
    }


def token_targets(
    text: str, offsets: IntArray, ranges: IntArray, article: CorpusArticle, labels: Sequence[str]
) -> ByteArray:
    """``[T, 2K]`` begin/inside targets of the article's gold spans (labels outside ``labels`` ignored)."""
    channel = {label: k for k, label in enumerate(labels)}
    targets = np.zeros((len(ranges), 2 * len(labels)), dtype=np.uint8)
    if not len(ranges):
        return targets
    empty = ranges[:, 1] <= ranges[:, 0]
    for span in article.spans:
        k = channel.get(span.technique)
        if k is None:
            continue
        overlap = (~empty) & (ranges[:, 0] < span.end) & (ranges[:, 1] > span.start)
        within = empty & (offsets[:, 0] >= span.start) & (offsets[:, 1] <= span.end)
        hits = np.nonzero(overlap)[0]
        if not len(hits):
            continue
        targets[overlap | within, 2 * k + 1] = 1
        targets[hits[0], 2 * k] = 1
    del text  # ranges already encode the text; kept in the signature for symmetry with decoding
    return targets


def tokenize_article(tokenizer: Tokenizer, article: CorpusArticle, labels: Sequence[str]) -> TokenizedArticle:
    """Tokens of the whole article (no special tokens) with cleaned ranges and targets."""
    encoding = tokenizer.encode(article.text, add_special_tokens=False)
    ids = np.asarray(encoding.ids, dtype=np.int64)
    offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    ranges = token_char_ranges(article.text, offsets)
    targets = token_targets(article.text, offsets, ranges, article, labels)
    return TokenizedArticle(article, ids, offsets, ranges, targets)


def article_windows(articles: Sequence[TokenizedArticle], window: int, stride: int) -> list[Window]:
    """Every window of every article, in article order."""
    return [
        Window(index, start, end)
        for index, tokenized in enumerate(articles)
        for start, end in plan_windows(len(tokenized.ids), window, stride)
    ]


def epoch_order(
    windows: Sequence[Window], batch_size: int, bucket: int, seed: int, epoch: int
) -> list[list[int]]:
    """The batches of one pass: a seeded shuffle, then length-sorted within groups of ``bucket`` batches.

    Depends only on (seed, epoch), so a resumed run sees exactly the batches an uninterrupted one does.
    """
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(windows)).tolist()
    group = batch_size * bucket
    batches: list[list[int]] = []
    for first in range(0, len(order), group):
        chunk = sorted(order[first : first + group], key=lambda i: (windows[i].length, i))
        batches.extend(chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size))
    shuffled = rng.permutation(len(batches)).tolist()
    return [batches[i] for i in shuffled]


@dataclass(frozen=True)
class Batch:
    """Padded ids, attention mask, targets and the loss mask (real article tokens only)."""

    ids: IntArray
    mask: IntArray
    targets: npt.NDArray[np.float32]
    loss_mask: npt.NDArray[np.float32]


def make_batch(
    articles: Sequence[TokenizedArticle], windows: Sequence[Window], *, bos: int, eos: int, pad: int
) -> Batch:
    """``<s> tokens </s>`` rows padded to the longest window of the batch."""
    width = max(w.length for w in windows)
    channels = articles[windows[0].article].targets.shape[1]
    ids = np.full((len(windows), width), pad, dtype=np.int64)
    mask = np.zeros((len(windows), width), dtype=np.int64)
    targets = np.zeros((len(windows), width, channels), dtype=np.float32)
    loss_mask = np.zeros((len(windows), width), dtype=np.float32)
    for row, window in enumerate(windows):
        tokenized = articles[window.article]
        row_ids, row_mask = pack_windows(
            tokenized.ids, [(window.start, window.end)], bos=bos, eos=eos, pad=pad
        )
        size = window.end - window.start
        ids[row, : row_ids.shape[1]] = row_ids[0]
        mask[row, : row_mask.shape[1]] = row_mask[0]
        targets[row, 1 : 1 + size] = tokenized.targets[window.start : window.end]
        loss_mask[row, 1 : 1 + size] = 1.0
    return Batch(ids, mask, targets, loss_mask)


def channel_positive_rates(articles: Sequence[TokenizedArticle]) -> npt.NDArray[np.float64]:
    """Share of tokens that are positive, per channel ``[2K]``."""
    total = sum(len(a.ids) for a in articles)
    positives = sum((a.targets.sum(axis=0, dtype=np.int64) for a in articles), start=np.int64(0))
    return np.asarray(positives, dtype=np.float64) / max(total, 1)


def pos_weights(rates: npt.NDArray[np.float64], power: float, cap: float) -> npt.NDArray[np.float32]:
    """``(negatives / positives) ** power`` per channel, in ``[1, cap]`` (1 for a channel never positive)."""
    if power == 0:
        return np.ones_like(rates, dtype=np.float32)
    safe = np.clip(rates, 1e-9, 1.0)
    weights = np.where(rates > 0, ((1.0 - safe) / safe) ** power, 1.0)
    return np.clip(weights, 1.0, cap).astype(np.float32)
