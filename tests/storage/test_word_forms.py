"""The grammatical forms a bare search word or phrase also matches."""

from __future__ import annotations

import pytest

from propwatch.storage.search import parse_query
from propwatch.storage.word_forms import phrase_forms, word_forms


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("sanction", ("sanction", "sanctions")),
        ("sanctions", ("sanctions", "sanction")),
        ("policies", ("policies", "policy")),
        ("policy", ("policy", "policies")),
        ("taxes", ("taxes", "tax")),
        ("crisis", ("crisis", "crisises")),  # no false singular "crisi"
        ("news", ("news",)),  # too short to guess: "new" is another word
        ("nato", ("nato",)),
        ("kraków", ("kraków",)),  # languages without a paradigm here: as typed
    ],
)
def test_word_forms(word: str, forms: tuple[str, ...]) -> None:
    assert word_forms(word) == forms


def test_russian_words_get_their_paradigm_of_the_same_part_of_speech() -> None:
    nouns = word_forms("санкции")
    assert nouns[0] == "санкции" and {"санкция", "санкций", "санкциям", "санкциях"} <= set(nouns)
    verbs = word_forms("провоцирует")
    assert {"провоцировать", "провоцируют", "провоцировал"} <= set(verbs)
    assert not any(form.startswith("провоцирующ") for form in verbs)  # participles are other words


def test_a_russian_phrase_keeps_its_words_agreeing() -> None:
    forms = phrase_forms(("западные", "санкции"))
    assert forms[0] == ("западные", "санкции")
    assert {("западных", "санкций"), ("западную", "санкцию"), ("западным", "санкциям")} <= set(forms)
    assert ("западный", "санкция") not in forms  # the adjective takes its noun's gender
    assert ("киевские", "режимы") in phrase_forms(("киевский", "режим"))  # inanimate accusative plural
    assert phrase_forms(("против", "россии"))[:2] == [("против", "россии"), ("против", "россия")]


def test_an_english_phrase_inflects_its_last_word() -> None:
    assert phrase_forms(("eastward", "expansion")) == [("eastward", "expansion"), ("eastward", "expansions")]


def test_quoted_words_are_exact_and_variants_are_capped() -> None:
    assert parse_query('"sanctions"').groups == ((("sanctions",),),)
    assert parse_query("sanctions").groups == ((("sanctions",), ("sanction",)),)
    long_phrase = parse_query("западные экономические санкции против российской нефти").groups[0]
    assert 1 < len(long_phrase) <= 64
