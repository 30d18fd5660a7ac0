from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest

from propwatch.errors import InputNotFoundError, MalformedRecordError
from propwatch.narratives.catalogue import load_catalogue, load_catalogues
from propwatch.narratives.euvsdisinfo import import_euvsdisinfo
from propwatch.settings import Settings

# Cases written for the tests in the shape of the cknabs scrape (lists joined with '+').
POSTS = [
    (
        "2021-02-01",
        "https://euvsdisinfo.eu/report/a",
        "Vaccine A is a Western experiment",
        "coronavirus+vaccine",
        "TV One",
    ),
    (
        "2021-01-20",
        "https://euvsdisinfo.eu/report/b",
        "Vaccine B kills the elderly",
        "coronavirus+vaccine",
        "TV Two",
    ),
    (
        "2021-01-10",
        "https://euvsdisinfo.eu/report/c",
        "The virus came from a US lab",
        "coronavirus+biolabs",
        "TV One",
    ),
    (
        "2020-12-01",
        "https://euvsdisinfo.eu/report/d",
        "Labs in Georgia make bioweapons",
        "biolabs+Georgia",
        "TV One",
    ),
    ("2020-11-01", "https://euvsdisinfo.eu/report/e", "The Pentagon tests germs abroad", "biolabs", "TV Two"),
    ("2020-10-01", "https://euvsdisinfo.eu/report/f", "The lockdown is a plot", "coronavirus", "TV Two"),
    (
        "2020-10-01",
        "https://euvsdisinfo.eu/report/f",
        "The lockdown is a plot",
        "coronavirus",
        "TV Two",
    ),  # duplicate
    ("2020-09-01", "https://euvsdisinfo.eu/report/g", "A lone claim", "rare keyword", "TV Two"),
    ("2020-08-01", "https://euvsdisinfo.eu/report/h", "", "coronavirus", "TV Two"),  # no title
]


def write_posts(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "id", "title", "countries", "keywords", "languages", "outlets"])
        for day, url, title, keywords, outlet in POSTS:
            writer.writerow([day, url, title, "Russia", keywords, "Russian", outlet])
    return path


def test_cases_are_grouped_by_their_most_specific_keyword(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    report = import_euvsdisinfo(write_posts(tmp_path / "posts.csv"), settings, name="test", min_cases=2)
    assert (report.rows, report.cases, report.duplicates, report.ungrouped) == (9, 7, 1, 1)
    assert report.skipped == [f"{tmp_path / 'posts.csv'} line 10: no title"]
    assert report.path == tmp_path / "data" / "narratives" / "test.yaml"

    catalogue = load_catalogue(report.path)
    groups = {n.id: n for n in catalogue.narratives}
    # vaccine (2 cases) is more specific than coronavirus (4); biolabs (3) than coronavirus for case c.
    assert set(groups) == {"test.vaccine", "test.biolabs", "test.coronavirus"}
    assert groups["test.vaccine"].example_claims["en"] == (
        "Vaccine A is a Western experiment",
        "Vaccine B kills the elderly",
    )
    assert (
        groups["test.biolabs"].example_claims["en"][0] == "The virus came from a US lab"
    )  # most recent first
    assert groups["test.coronavirus"].example_claims["en"] == ("The lockdown is a plot",)
    assert groups["test.vaccine"].links == (
        "https://euvsdisinfo.eu/report/a",
        "https://euvsdisinfo.eu/report/b",
    )
    assert "coronavirus" in groups["test.vaccine"].tags
    assert "2 cases, 2021-01-20 to 2021-02-01" in groups["test.vaccine"].description
    assert all(n.source and "posts.csv" in n.source for n in catalogue.narratives)
    # The imported catalogue is picked up with the shipped one.
    names = [c.name for c in load_catalogues(settings)]
    assert names == ["pro-kremlin-starter", "test"]


def test_summaries_are_examples_and_outlet_keywords_do_not_group(tmp_path: Path) -> None:
    # The kalkun scrape's shape: comma-separated keywords that include the outlet, summaries, MM/DD/YY dates.
    path = tmp_path / "kalkun.csv"
    header = [
        "issue",
        "date",
        "outlet",
        "language",
        "origin",
        "reported by",
        "keywords",
        "source",
        "title",
        "summary",
        "disproof",
    ]
    rows = [
        [
            "1",
            "10/03/17",
            "Channel X",
            "Russian",
            "Ukraine",
            "x",
            "Channel X, NATO",
            "",
            "NATO plans war",
            "NATO is preparing an attack on Russia.",
            "No.",
        ],
        [
            "1",
            "10/02/17",
            "Channel X",
            "Russian",
            "Ukraine",
            "x",
            "Channel X, NATO",
            "",
            "NATO builds bases",
            "NATO builds new bases near Russia.",
            "No.",
        ],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    report = import_euvsdisinfo(path, Settings(data_dir=tmp_path), min_cases=2)
    assert report.catalogue is not None
    [entry] = report.catalogue.narratives
    assert entry.id == "euvsdisinfo.nato"
    assert entry.example_claims["en"] == (
        "NATO plans war",
        "NATO is preparing an attack on Russia.",
        "NATO builds bases",
        "NATO builds new bases near Russia.",
    )
    assert entry.links == ()  # 'source' is the disinforming item, not a report documenting the narrative


def test_importing_again_replaces_the_catalogue_atomically(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    posts = write_posts(tmp_path / "posts.csv")
    assert not import_euvsdisinfo(posts, settings, min_cases=2).replaced
    again = import_euvsdisinfo(posts, settings, min_cases=3)
    assert again.replaced
    assert [p.name for p in (tmp_path / "data" / "narratives").iterdir()] == ["euvsdisinfo.yaml"]
    assert stat.S_IMODE((again.path or Path()).stat().st_mode) & 0o044  # readable as before, not 0600
    assert {n.id for n in load_catalogue(again.path or Path()).narratives} == {
        "euvsdisinfo.biolabs",
        "euvsdisinfo.coronavirus",
    }


def test_import_errors(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(InputNotFoundError):
        import_euvsdisinfo(tmp_path / "missing.csv", settings)
    no_keywords = tmp_path / "plain.csv"
    no_keywords.write_text("date,title\n2020-01-01,Something\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="'title' and 'keywords'"):
        import_euvsdisinfo(no_keywords, settings)
    with pytest.raises(MalformedRecordError, match="min-cases"):
        import_euvsdisinfo(write_posts(tmp_path / "posts.csv"), settings, min_cases=50)
    for name in ("../escape", "x\n"):  # "$" alone would let a final newline through
        with pytest.raises(MalformedRecordError, match="catalogue name"):
            import_euvsdisinfo(write_posts(tmp_path / "posts.csv"), settings, name=name)
    assert not (tmp_path / "narratives").exists()


def test_a_quote_left_open_is_named_not_merged_into_one_case(tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert ",Vaccine B" in posts[2]
    posts[2] = posts[2].replace(",Vaccine B", ',"Vaccine B')  # the quote opened on line 3 never closes
    broken = tmp_path / "broken.csv"
    broken.write_text("".join(posts), encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"broken.csv line 3: .*never closed \(lines 3-10"):
        import_euvsdisinfo(broken, Settings(data_dir=tmp_path))
    assert not (tmp_path / "narratives").exists()
    # A multi-line field that does close, and a final record without a newline, are read as before.
    posts[2] = posts[2].replace('"Vaccine B kills the elderly', '"Vaccine B\nkills the elderly"')
    broken.write_text("".join(posts).rstrip("\n"), encoding="utf-8")
    report = import_euvsdisinfo(broken, Settings(data_dir=tmp_path), min_cases=2)
    assert report.rows == len(POSTS)


def test_a_hand_written_catalogue_of_the_same_name_is_not_overwritten(tmp_path: Path) -> None:
    from propwatch.errors import ConfigurationError

    settings = Settings(data_dir=tmp_path)
    mine = tmp_path / "narratives" / "desk.yaml"
    mine.parent.mkdir()
    mine.write_text(
        "format: propwatch-narratives/1\nname: desk\nnarratives:\n  - id: mine\n    title: Mine\n"
        "    description: Written by hand.\n    example_claims: {en: [One., Two., Three.]}\n",
        encoding="utf-8",
    )
    before = mine.read_text(encoding="utf-8")
    posts = write_posts(tmp_path / "posts.csv")
    with pytest.raises(ConfigurationError, match=r"no EUvsDisinfo import wrote; .*--replace"):
        import_euvsdisinfo(posts, settings, name="desk", min_cases=2)
    assert mine.read_text(encoding="utf-8") == before
    assert import_euvsdisinfo(posts, settings, name="desk", min_cases=2, replace=True).replaced
    assert import_euvsdisinfo(posts, settings, name="desk", min_cases=2).replaced  # an import it replaces


def test_a_stray_quote_closed_further_down_is_named_not_merged(tmp_path: Path) -> None:
    # Closed by a later stray quote, the open one merged the cases between them into one field: 15 cases
    # were lost, and the rows reported skipped were named by their last line.
    posts = write_posts(tmp_path / "posts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    posts[2] = posts[2].replace(",Vaccine B", ',"Vaccine B')
    posts[6] = posts[6].replace(",The lockdown", ',The lockdown"')
    broken = tmp_path / "broken.csv"
    broken.write_text("".join(posts), encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"broken.csv line 3: .*runs to line 7 .*line 4 first"):
        import_euvsdisinfo(broken, Settings(data_dir=tmp_path))
    # A multi-line field of prose with commas is no stray quote.
    posts = write_posts(tmp_path / "posts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    prose = "Vaccine B\nParticipants: Estonia, Finland, France, Germany, Latvia"
    posts[2] = posts[2].replace(",Vaccine B kills the elderly", f',"{prose} kills the elderly"')
    broken.write_text("".join(posts), encoding="utf-8")
    assert import_euvsdisinfo(broken, Settings(data_dir=tmp_path), min_cases=2).rows == len(POSTS)


def test_a_date_not_read_is_reported_and_the_case_kept(tmp_path: Path) -> None:
    """Unreadable dates had been dropped without a word ("6 cases … 0 skipped"), the entries undated."""
    path = tmp_path / "odd.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "title", "keywords"])
        writer.writerow(["2020-13-4N", "Vaccine A is a Western experiment", "vaccine"])
        writer.writerow(["2021-02-01", "Vaccine B kills the elderly", "vaccine"])
        writer.writerow(["", "Vaccine C is poison", "vaccine"])  # no date given: nothing to report
    report = import_euvsdisinfo(path, Settings(data_dir=tmp_path), name="odd", min_cases=1)
    assert report.undated == [f"{path} line 2: '2020-13-4N'"]
    assert report.cases == 3 and report.skipped == []
