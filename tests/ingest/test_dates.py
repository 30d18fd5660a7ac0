from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from propwatch.ingest.dates import date_from_timestamp, full_year, plausible, read_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03.02.2022", date(2022, 2, 3)),
        ("3/2/22", date(2022, 2, 3)),
        ("03/02/2022", date(2022, 2, 3)),
        ("03-02-2022", date(2022, 2, 3)),
        ("12/25/2022", date(2022, 12, 25)),  # only month first is a date
        ("2022/02/03", date(2022, 2, 3)),
        ("2022.02.03", date(2022, 2, 3)),
        ("20220203", date(2022, 2, 3)),
        # the day as written, not the UTC day it falls on
        ("2021-12-31T23:30:00-05:00", date(2021, 12, 31)),
        ("2022-02-03 10:00:00", date(2022, 2, 3)),
        ("Sept. 30, 2021", date(2021, 9, 30)),
        ("30th of September 2021", date(2021, 9, 30)),
        ("Thu, 03 Feb 2022 10:00:00 GMT", date(2022, 2, 3)),
        ("3 février 2022", date(2022, 2, 3)),
        ("3 fevrier 2022", date(2022, 2, 3)),
        ("3. Februar 2022", date(2022, 2, 3)),
        ("3. März 2022", date(2022, 3, 3)),
        ("3 febbraio 2022", date(2022, 2, 3)),
        ("3 lutego 2022 r.", date(2022, 2, 3)),
        ("3 października 2022", date(2022, 10, 3)),
        ("3 февраля 2022 года", date(2022, 2, 3)),
        ("3 мая 2022 г.", date(2022, 5, 3)),
        ("03.02.69", date(1969, 2, 3)),  # 2069 has not come
        ("Feb 3", None),
        ("February 2022", None),
        ("30.02.2021", None),
        ("2022", None),
        ("Hearing set for 12 May 2019", None),  # two month words: no telling which
        ("2099-01-01", None),
        ("1970-01-01", None),  # a zero date, not a publication date
        ("1799-12-31", None),
    ],
)
def test_read_date(raw: str, expected: date | None) -> None:
    assert read_date(raw) == expected


def test_tomorrow_is_plausible_and_the_day_after_is_not() -> None:
    # A page east of the server is already dated tomorrow.
    today = datetime.now(UTC).date()
    assert plausible(today + timedelta(days=1)) == today + timedelta(days=1)
    assert plausible(today + timedelta(days=2)) is None
    assert plausible(date(1850, 2, 3)) == date(1850, 2, 3)


def test_unix_times_in_seconds_or_milliseconds() -> None:
    assert date_from_timestamp(1643947200) == date(2022, 2, 4)
    assert date_from_timestamp(1643947200000) == date(2022, 2, 4)
    assert date_from_timestamp(0) is None
    assert date_from_timestamp(1e30) is None


def test_two_digit_years() -> None:
    assert full_year(22) == 2022
    assert full_year(99) == 1999
    assert full_year(1999) == 1999
