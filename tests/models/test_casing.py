"""Shouted paragraphs are read by the technique and claims models in ordinary case, offsets kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.claims.model import CheckWorthinessModel, shipped_model_path
from propwatch.models.casing import is_shouted, recased, recased_ranges, shouted_lines
from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings
from technique_fixture import piece_targets, write_artifact

# Written for these tests, after the sample article's sentences.
SHOUTED = (
    "THE US AND NATO RESPONSES TO RUSSIA’S PROPOSALS DEMONSTRATE A LACK OF DESIRE. SPEAKING FROM A "
    "POSITION OF IMAGINED MORAL SUPERIORITY, NATO IS MAKING DEMANDS ON RUSSIA!"
)
ORDINARY = (
    "The US and NATO responses to Russia’s proposals demonstrate a lack of desire. Speaking from a "
    "position of imagined moral superiority, NATO is making demands on Russia!"
)


def test_a_shouted_paragraph_is_lowered_but_for_each_sentences_first_letter() -> None:
    copy = recased(SHOUTED)
    assert copy == (
        "The us and nato responses to russia’s proposals demonstrate a lack of desire. Speaking from a "
        "position of imagined moral superiority, nato is making demands on russia!"
    )
    assert len(copy) == len(SHOUTED)
    # Bullets and quotes before a sentence's first word; words in mixed case stay as written.
    assert recased("• «THEY LIE.» “IT IS McDONALD’S AND iPHONE EVERYWHERE”") == (
        "• «They lie.» “It is McDONALD’s and iPHONE everywhere”"
    )


def test_letters_whose_lower_case_str_gets_wrong_are_lowered_as_the_language_writes_them() -> None:
    text = "İSTANBUL WAS NAMED AGAIN AND AGAIN İN THE REPORTS OF THE DAY."
    assert "İ".lower() != "i" and len("İ".lower()) == 2  # two code points: the copy would grow
    copy = recased(text)
    assert len(copy) == len(text) and copy.startswith("İstanbul was") and " in the " in copy  # not "İn"
    greek = "ΟΙ ΠΡΟΔΟΤΕΣ ΨΕΥΔΟΝΤΑΙ ΣΥΝΕΧΩΣ ΣΤΟΝ ΛΑΟ ΜΑΣ ΚΑΘΕ ΜΕΡΑ. ΣΑΣ."
    assert recased(greek) == "Οι προδοτες ψευδονται συνεχως στον λαο μας καθε μερα. Σας."  # final ς


def test_ordinary_text_with_acronyms_and_a_headline_in_capitals_is_left_as_it_is() -> None:
    text = (
        "NATO MOVES MORE TROOPS TO THE EASTERN FLANK\n\n"
        "The USA, the UK and NATO met the OSCE and the EU in Brussels on Monday.\n"
        "WHAT THE SUMMIT MEANS FOR KYIV AND MOSCOW\n"
        "The ministers said little."
    )
    assert recased(text) == text
    assert recased_ranges(text) == [] and len(shouted_lines(text)) == 2  # the two headlines
    assert not is_shouted("The USA, the UK and NATO met the OSCE and the EU.")
    # A few words of emphasis in an ordinary sentence are no shouting (74% of its letters are capitals).
    assert not is_shouted("He was out to STOP THE ELECTION OF DONALD TRUMP.")
    assert not is_shouted("WAKE UP PEOPLE")  # too short to tell from a headline


def test_shouting_that_recurs_among_ordinary_paragraphs_is_recased_and_the_title_is_not() -> None:
    title = "RUSSIA AND NATO: WHAT THE ANSWERS SAY. AN ANALYSIS"
    prose = "The answers were published on Wednesday by a Spanish newspaper."
    rant = "THEY WANT TO IMPOSE A PROVOCATION ON RUSSIA IN ORDER TO THEN CALL IT THE AGGRESSOR."
    again = "AND THEN THEY WILL CALL US THE AGGRESSORS AGAIN!"
    copy = recased(f"{title}\n\n{prose}\n\n{rant}\n{prose}\n\n{again} WAKE UP.\n{prose}")
    assert copy.startswith(title + "\n\n" + prose)  # the title, though it holds a sentence end
    assert "They want to impose a provocation on russia in order to then call it the aggressor." in copy
    assert "And then they will call us the aggressors again! Wake up." in copy
    # Two shouted lines together are shouting, with or without full stops (a Telegram post).
    lines = (
        "🔴 THE US AND NATO REFUSED TO DISCUSS THE KEY ISSUES\n🔴 ACTIVE US EFFORTS ARE NOT MENTIONED AT ALL"
    )
    assert recased(f"{prose}\n{lines}\n{prose}") == (
        f"{prose}\n🔴 The us and nato refused to discuss the key issues\n"
        f"🔴 Active us efforts are not mentioned at all\n{prose}"
    )


def test_a_first_line_ending_in_a_full_stop_is_the_bodys_not_a_title() -> None:
    """The readers move the title out of the text: a footer line had left one shouted paragraph to
    recase, too few, and the rant was read in capitals (genre satire 0.95 instead of opinion)."""
    rant = "THE TRAITORS WHO SOLD OUR COUNTRY ARE LYING AGAIN. WAKE UP."
    more = "THE GLOBALIST ELITES IN BRUSSELS ARE COWARDS. THEY WANT WAR."
    footer = "Posted by admin on 3 March 2022, shared from a Telegram channel."
    copy = recased(f"{rant}\n{more}\n{footer}")
    assert copy.startswith("The traitors who sold our country are lying again. Wake up.\nThe globalist")


def test_a_lone_line_in_capitals_among_ordinary_lines_is_left_as_written() -> None:
    # The notice Russian "foreign agent" media must print in capitals: the models read it so in training.
    text = (
        "Что будет, если в России ограничат право на бесплатные аборты\n"
        "ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО И (ИЛИ) РАСПРОСТРАНЕНО ИНОСТРАННЫМ СРЕДСТВОМ МАССОВОЙ "
        "ИНФОРМАЦИИ, ВЫПОЛНЯЮЩИМ ФУНКЦИИ ИНОСТРАННОГО АГЕНТА.\n\n"
        "В российской Госдуме готовят законопроект, согласно которому нельзя будет сделать аборт по полису."
    )
    assert len(shouted_lines(text)) == 1 and recased(text) == text


def test_a_text_all_in_capitals_is_recased_whole() -> None:
    text = f"WAKE UP PEOPLE\n\n{SHOUTED}\r\n\r\nTHE TEXTS OF THE RESPONSES BOIL DOWN TO ONE MESSAGE"
    copy = recased(text)
    assert copy.startswith("WAKE UP PEOPLE\n\nThe us and nato")  # a line too short to judge stays
    assert copy.endswith("\r\n\r\nThe texts of the responses boil down to one message")


LOADED, NAME = "Loaded_Language", "Name_Calling-Labeling"
PIECES = {"▁imagine": LOADED, "d": LOADED, "▁moral": NAME, "▁superior": NAME, "ity": NAME}


def test_the_technique_model_reads_shouted_text_as_ordinary_text(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    # The tiny encoder is fitted on the ordinary text's tokens only: capitals are pieces it never saw.
    folder = write_artifact(
        tmp_path / "model", settings.data_dir / "cache", [recased(SHOUTED)], [LOADED, NAME],
        piece_targets(PIECES, [LOADED, NAME]),
    )  # fmt: skip
    model = TechniqueModel.load(folder, settings)
    ordinary, shouted = model.predict([recased(SHOUTED), SHOUTED])
    assert ordinary and [(s.start, s.end, s.technique) for s in shouted] == [
        (s.start, s.end, s.technique) for s in ordinary
    ]
    assert [SHOUTED[s.start : s.end] for s in shouted] == ["IMAGINED", "MORAL SUPERIORITY"]
    ranges = model.token_probabilities([SHOUTED])[0].ranges
    assert ranges.tolist() == model.token_probabilities([recased(SHOUTED)])[0].ranges.tolist()


@pytest.mark.skipif(not (shipped_model_path() / "model.json").is_file(), reason="no shipped claims model")
def test_the_claims_model_scores_a_shouted_sentence_as_its_recased_copy() -> None:
    model = CheckWorthinessModel.load(shipped_model_path())
    sentence = "IN THEIR RESPONSES, THE US AND NATO REFUSED TO DISCUSS THE EXPANSION OF NATO TO THE EAST."
    shouted, lowered, ordinary = model.scores([sentence, recased(sentence), ORDINARY])
    assert shouted == lowered
    assert model.scores([ORDINARY])[0] == ordinary  # ordinary text is read as written


def test_the_ptc_span_tagger_reads_the_same_recased_text_as_the_technique_model(tmp_path: Path) -> None:
    onnx = pytest.importorskip("onnx")
    from test_span_tagger import BIAS, SPEC, WEIGHTS, tagger_graph

    from propwatch.models.span_tagger import SPAN_TAGGER_FILE
    from technique_fixture import write_sample_artifact

    folder = write_sample_artifact(tmp_path / "model", tmp_path / "cache")
    onnx.save(tagger_graph(WEIGHTS, BIAS), str(folder / SPAN_TAGGER_FILE))
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["ptc_view"] = {"mode": "mapping", "si": {"threshold": 0.4, "tagger": SPEC.to_json()}}
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    model = TechniqueModel.load(folder, Settings(data_dir=tmp_path / "data"))
    view = model.ptc_view()
    # Read as written, the tagger's tokens of the capitals would not be the technique model's: refused.
    shouted, ordinary = model.token_probabilities([SHOUTED, recased(SHOUTED)])
    assert shouted.ptc_spans(SHOUTED, view) == ordinary.ptc_spans(recased(SHOUTED), view)
