from __future__ import annotations

import re
from pathlib import Path

import pytest

from propwatch.errors import InputNotFoundError, MalformedRecordError
from propwatch.narratives.catalogue import (
    FORMAT,
    builtin_catalogue_paths,
    catalogue_paths,
    load_catalogue,
    load_catalogues,
    parse_catalogue,
    readable_catalogues,
    write_catalogue,
)
from propwatch.settings import Settings

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)

ENTRY = """
  - id: {id}
    title: A narrative
    description: What the narrative says.
    example_claims:
      en: [One claim., Another claim.]
      ru: [Одно утверждение.]
    tags: [test]
"""


def catalogue_text(*ids: str, header: str = f"format: {FORMAT}\nname: mine\n") -> str:
    return header + "narratives:\n" + "".join(ENTRY.format(id=i) for i in ids)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_starter_catalogue_covers_the_issue() -> None:
    [path] = builtin_catalogue_paths()
    catalogue = load_catalogue(path)
    assert len(catalogue.narratives) >= 25
    for narrative in catalogue.narratives:
        assert len(narrative.example_claims["en"]) >= 3, narrative.id
        assert len(narrative.example_claims["ru"]) >= 3, narrative.id
        assert all(CYRILLIC.search(claim) for claim in narrative.example_claims["ru"]), narrative.id
        assert not any(CYRILLIC.search(claim) for claim in narrative.example_claims["en"]), narrative.id
        assert narrative.tags and len(narrative.description) > 80
        assert narrative.source == "propwatch team (own wording)"
    ids = {n.id for n in catalogue.narratives}
    assert {"west-provokes-russia-to-blame-it", "nato-encircles-russia", "western-biolabs"} <= ids


def test_starter_attack_lists_name_catalogued_targets(tmp_path: Path) -> None:
    from propwatch.narratives.catalogue import narrative_attacks
    from propwatch.targets.aliases import load_aliases

    entities = set(load_aliases(Settings(data_dir=tmp_path)).entities)
    attacks = narrative_attacks([load_catalogue(builtin_catalogue_paths()[0])])
    assert len(attacks) >= 25
    for narrative, names in attacks.items():
        assert names <= entities, (narrative, names - entities)
    assert attacks["west-provokes-russia-to-blame-it"] >= {"NATO", "United States"}


def test_attack_lists_may_name_targets_by_any_alias(tmp_path: Path) -> None:
    from propwatch.narratives.catalogue import attacks_in_catalogues

    entry = ENTRY.format(id="desk-1") + "    attacks: [USA, Nato, США, Soros Foundation]\n"
    write(tmp_path / "narratives", "desk.yaml", catalogue_text() + entry)
    attacks = attacks_in_catalogues(Settings(data_dir=tmp_path, narrative_builtin=False))
    assert attacks == {"desk-1": frozenset({"United States", "NATO", "Soros Foundation"})}


def test_an_attacks_name_no_alias_catalogue_knows_is_named(tmp_path: Path) -> None:
    """A typo ("Untied States") had silently lost the narrative's stance towards the United States."""
    from propwatch.narratives.catalogue import unknown_attack_names

    entry = ENTRY.format(id="desk-1") + "    attacks: [USA, Untied States, Hunter Biden]\n"
    write(tmp_path / "narratives", "desk.yaml", catalogue_text() + entry)
    settings = Settings(data_dir=tmp_path, narrative_builtin=False)
    [line] = unknown_attack_names(settings, load_catalogues(settings))  # a person far from any name: fine
    assert "desk.yaml (id 'desk-1'): attacks 'Untied States', a name no target alias catalogue knows" in line
    assert "did you mean 'United States'?" in line
    starter = Settings(data_dir=tmp_path / "other")
    assert unknown_attack_names(starter, load_catalogues(starter)) == []  # the shipped names are all known


def test_an_id_the_starter_catalogue_has_names_the_way_out(tmp_path: Path) -> None:
    write(tmp_path / "narratives", "desk.yaml", catalogue_text("nato-encircles-russia"))
    with pytest.raises(MalformedRecordError, match="PROPWATCH_NARRATIVE_BUILTIN=false"):
        load_catalogues(Settings(data_dir=tmp_path))


def test_round_trip_through_yaml(tmp_path: Path) -> None:
    original = load_catalogue(builtin_catalogue_paths()[0])
    path = tmp_path / "copy.yaml"
    write_catalogue(original, path)
    again = load_catalogue(path)
    assert again.narratives == original.narratives
    assert again.content_hash == original.content_hash
    assert [p.name for p in tmp_path.iterdir()] == ["copy.yaml"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("format: [unclosed\n", r"bad\.yaml line \d+", "not valid YAML"),
        ("- just a list\n", r"bad\.yaml$", "expected a mapping"),
        (catalogue_text("a").replace(FORMAT, "other/1"), r"bad\.yaml$", "'format' must be"),
        (catalogue_text("a") + "extra: 1\n", r"bad\.yaml$", "unknown top-level field"),
        (f"format: {FORMAT}\nnarratives: []\n", r"bad\.yaml$", "non-empty list"),
        (catalogue_text("ok", "Bad Id"), r"bad\.yaml entry 2 \(id 'Bad Id'\)", "field id"),
        (catalogue_text("a", "a"), r"bad\.yaml entry 2 \(id 'a'\)", "already used by entry 1"),
        (catalogue_text("a").replace("    title: A narrative\n", ""), r"entry 1 \(id 'a'\)", "field title"),
        (catalogue_text("a").replace("ru: [", "RUS: ["), r"entry 1 \(id 'a'\)", "not a lower-case ISO 639"),
        (catalogue_text("a").replace("[Одно утверждение.]", "['  ']"), r"entry 1", "blank claim"),
        (catalogue_text("a").replace("[Одно утверждение.]", "[]"), r"entry 1", "lists no claim"),
        (catalogue_text("a").replace("tags: [test]", "links: [not-a-url]"), r"entry 1", "not an http"),
        (catalogue_text("a").replace("tags: [test]", "colour: red"), r"entry 1", "colour"),
        (catalogue_text("a") + "  - just text\n", r"entry 2$", "expected a mapping"),
        # In YAML's words, not pydantic's ("Input should be a valid tuple").
        (catalogue_text("a").replace("tags: [test]", "tags: a, b"), r"entry 1", "field tags: must be a list"),
        (catalogue_text("a").replace("tags: [test]", "tags: [x, 2024]"), r"entry 1", "tags.1: must be text"),
        (catalogue_text("a").replace("[Одно утверждение.]", "Одно."), r"entry 1", "ru: must be a list"),
    ],
)
def test_malformed_catalogues_name_file_and_entry(tmp_path: Path, text: str, where: str, reason: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(MalformedRecordError) as caught:
        load_catalogue(path)
    assert re.search(where, caught.value.input_name), caught.value.input_name
    assert reason in caught.value.reason


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        load_catalogue(tmp_path / "nope.yaml")


def test_catalogue_source_is_the_default_of_its_entries() -> None:
    text = catalogue_text("a", header=f"format: {FORMAT}\nsource: our desk\n")
    catalogue = parse_catalogue(text, "stem", origin="x.yaml")
    assert catalogue.name == "stem"
    assert catalogue.narratives[0].source == "our desk"


def test_catalogues_in_use(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    user = write(data_dir / "narratives", "user.yaml", catalogue_text("u1"))
    write(data_dir / "narratives", "notes.txt", "not a catalogue")
    extra_file = write(tmp_path / "elsewhere", "one.yaml", catalogue_text("e1"))
    extra_folder = tmp_path / "folder"
    write(extra_folder, "two.yml", catalogue_text("e2"))
    settings = Settings(data_dir=data_dir, narrative_catalogues=(extra_file, extra_folder))
    paths = catalogue_paths(settings)
    assert paths[0] == builtin_catalogue_paths()[0].resolve()
    assert paths[1:] == [user.resolve(), extra_file.resolve(), (extra_folder / "two.yml").resolve()]
    ids = [n.id for c in load_catalogues(settings) for n in c.narratives]
    assert ids[-3:] == ["u1", "e1", "e2"]

    only_user = Settings(data_dir=data_dir, narrative_builtin=False)
    assert [c.name for c in load_catalogues(only_user)] == ["mine"]


def test_missing_configured_catalogue_is_reported(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, narrative_catalogues=(tmp_path / "gone.yaml",))
    with pytest.raises(InputNotFoundError, match="narrative_catalogues"):
        catalogue_paths(settings)


def test_an_id_defined_twice_across_catalogues_names_both_files(tmp_path: Path) -> None:
    write(tmp_path / "narratives", "a.yaml", catalogue_text("same"))
    write(tmp_path / "narratives", "b.yaml", catalogue_text("other", "same"))
    settings = Settings(data_dir=tmp_path, narrative_builtin=False)
    with pytest.raises(MalformedRecordError) as caught:
        load_catalogues(settings)
    assert "b.yaml entry 2 (id 'same')" in caught.value.input_name
    assert "a.yaml" in caught.value.reason


def test_displays_keep_the_catalogues_that_read_when_one_does_not(tmp_path: Path) -> None:
    """A hand-edited catalogue with a YAML error had left a running workbench with none at all."""
    write(tmp_path / "narratives", "a.yaml", catalogue_text("first"))
    write(tmp_path / "narratives", "b.yaml", "format: propwatch-narratives/1\nnarratives: [unclosed\n")
    write(tmp_path / "narratives", "c.yaml", catalogue_text("first", "third"))  # "first" is a.yaml's
    write(tmp_path / "narratives", "d.yaml", catalogue_text("fourth"))
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(MalformedRecordError):
        load_catalogues(settings)
    ids = [n.id for c in readable_catalogues(settings, "a test") for n in c.narratives]
    assert "first" in ids and "fourth" in ids and "third" not in ids
    assert len(ids) == len(set(ids)) and len(ids) > 2  # the starter catalogue's ids too


def test_titles_carry_a_few_case_links_and_the_threshold_setting(tmp_path: Path) -> None:
    """An import keeps up to 10 report links per entry, and no display read them; one of them is the
    site's home page, which documents no case."""
    from propwatch.narratives.catalogue import CASE_LINKS, match_links, match_threshold, narrative_titles

    reports = [f"https://euvsdisinfo.eu/report/case-{n}/" for n in range(5)]
    links = "\n    links: [https://euvsdisinfo.eu/, " + ", ".join(reports) + "]\n"
    write(tmp_path / "narratives", "eu.yaml", catalogue_text("eu.sanctions").rstrip("\n") + links)
    settings = Settings(data_dir=tmp_path, narrative_builtin=False)
    titles = narrative_titles(settings)
    assert titles["eu.sanctions"] == "A narrative (catalogue: mine)"
    assert match_links("eu.sanctions", titles) == tuple(reports[:CASE_LINKS]) and CASE_LINKS == 3
    assert match_links("eu.sanctions", dict(titles)) == ()  # a plain mapping of titles has none
    assert match_threshold("en", titles) == 0.819 and match_threshold("it", titles) == 0.837
    fixed = narrative_titles(Settings(data_dir=tmp_path, narrative_builtin=False, narrative_threshold=0.9))
    assert match_threshold("en", fixed) == 0.9


def test_displays_keep_the_threshold_setting_when_a_catalogue_cannot_be_read(tmp_path: Path) -> None:
    from propwatch.narratives.catalogue import catalogue_displays, match_threshold

    write(tmp_path / "narratives", "broken.yaml", "format: nope\n")
    settings = Settings(data_dir=tmp_path, narrative_threshold=0.9)
    shown = catalogue_displays(settings)
    assert shown.titles == {} and match_threshold("en", shown.titles) == 0.9
