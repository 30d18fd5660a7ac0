from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from propwatch.ingest.dates import (
    date_from_number,
    date_from_timestamp,
    dates_in,
    full_year,
    plausible,
    read_date,
    read_iso_date,
)


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
        # GDELT's compact stamps were read day first by dateutil: 2 March
        ("20220203101500", date(2022, 2, 3)),
        ("20220203T101500Z", date(2022, 2, 3)),
        # a time first is no day: "15:42, 3 февраля" was 15 February
        ("15:42, 3 февраля 2022", date(2022, 2, 3)),
        ("10:30, 3 February 2022", date(2022, 2, 3)),
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3 fév 2022", date(2022, 2, 3)),  # AFP: "PARIS, 3 fév 2022 (AFP) -"
        ("3 fév. 2022", date(2022, 2, 3)),
        ("3 juill. 2022", date(2022, 7, 3)),
        ("3 aoû 2022", date(2022, 8, 3)),
        ("3. Mär. 2022", date(2022, 3, 3)),
        ("3. Mrz 2022", date(2022, 3, 3)),
        ("3. Jän. 2022", date(2022, 1, 3)),  # Austrian
        ("3 gen 2022", date(2022, 1, 3)),
        ("3 paź 2022", date(2022, 10, 3)),
        ("3 dic. 2022", date(2022, 12, 3)),
    ],
)
def test_short_months_agencies_write(raw: str, expected: date) -> None:
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


def test_an_eight_digit_number_is_a_compact_date_not_seconds() -> None:
    assert date_from_number(20220204) == date(2022, 2, 4)  # as Unix seconds it was 1970-08-23
    assert date_from_number(1643947200) == date(2022, 2, 4)


def test_a_field_documented_as_iso_takes_iso_only() -> None:
    assert read_iso_date("2021-12-31T23:30:00-05:00") == date(2021, 12, 31)
    assert read_iso_date("20220203") == date(2022, 2, 3)
    for guessed in ("02/03/2022", "1.5.22", "15:42, 3 февраля 2022", "2022-02-03 is when it ran"):
        assert read_iso_date(guessed) is None


def test_dates_written_in_a_line() -> None:
    assert [d for d, _, _ in dates_in("By Jane Doe | February 3, 2022")] == [date(2022, 2, 3)]
    assert [d for d, _, _ in dates_in("Publié le 03 février 2022 à 10h30")] == [date(2022, 2, 3)]
    for none in ("version 1.5.2 released", "call 555-12-2022", "score 3-1 in 2022"):
        assert dates_in(none) == []


def test_a_filters_day_is_written_yyyy_mm_dd_and_nothing_else() -> None:
    """`--until 2022-W09` had been that week's Monday, silently dropping Tuesday to Sunday."""
    from datetime import date

    import pytest

    from propwatch.cli.filters import date_option
    from propwatch.errors import ConfigurationError
    from propwatch.ingest.dates import calendar_day

    assert calendar_day("2022-03-01") == date(2022, 3, 1)
    for written in ("2022-W09", "2022-W09-2", "20220301", "2022-060", "2022-03-01T10:00", " 2022-03-01"):
        with pytest.raises(ValueError):
            calendar_day(written)
    with pytest.raises(ConfigurationError, match="give YYYY-MM-DD"):
        date_option("--until", "2022-W09")
