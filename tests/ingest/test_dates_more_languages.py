"""Month names in languages without models (es, pt, nl, ro, sr, uk, be, ar): their bylines and datelines
had dated nothing ("5 лютого 2022", "3 de febrero de 2022")."""

from __future__ import annotations

from datetime import date

import pytest

from propwatch.ingest.datelines import dateline_date
from propwatch.ingest.dates import dates_in, read_date


@pytest.mark.parametrize(
    "written",
    [
        "3 de febrero de 2022",
        "3 de febrero del 2022",
        "jueves, 3 de febrero de 2022",
        "3 de fevereiro de 2022",
        "3 februari 2022",
        "3 februarie 2022",
        "3. februar 2022.",
        "3. фебруар 2022.",
        "3 лютого 2022",
        "3 лютага 2022",
        "3 فبراير 2022",
    ],
)
def test_a_date_with_a_month_name_in_another_language(written: str) -> None:
    assert read_date(written) == dateline_date(written) == date(2022, 2, 3)
    assert [found for found, _, _ in dates_in(f"Publicado: {written}")] == [date(2022, 2, 3)]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1 de março de 2022", date(2022, 3, 1)),
        ("24 de octubre de 2021", date(2021, 10, 24)),
        ("12 mrt 2022", date(2022, 3, 12)),
        ("9 травня 2022", date(2022, 5, 9)),
        ("7 снежня 2021", date(2021, 12, 7)),
        ("15 septembar 2021", date(2021, 9, 15)),
    ],
)
def test_other_months(written: str, expected: date) -> None:
    assert read_date(written) == expected


def test_a_first_name_is_no_month() -> None:
    # "Ian" (Romanian January) and "Augusta" stayed out: a byline naming one had held two months
    assert read_date("By Ian Smith, Feb 3, 2022") == date(2022, 2, 3)
    assert read_date("Augusta, Feb 3, 2022") == date(2022, 2, 3)
