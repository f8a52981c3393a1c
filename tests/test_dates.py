"""Dates with precision: parsing, canonical text, ranges and estimates."""

from datetime import date

import pytest

from sillok.archive.dates import parse, render
from sillok.archive.periods import period_range


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2023-05-08", date(2023, 5, 8), date(2023, 5, 8), "day"),
        ("2023-05", date(2023, 5, 1), date(2023, 5, 31), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2023-Q1", date(2023, 1, 1), date(2023, 3, 31), "quarter"),
        ("2023", date(2023, 1, 1), date(2023, 12, 31), "year"),
        ("2021-03/2021-09", date(2021, 3, 1), date(2021, 9, 30), "month"),
        ("2023-01-15/2023-02", date(2023, 1, 15), date(2023, 2, 28), "month"),
    ],
)
def test_parse(text: str, start: date, end: date, precision: str) -> None:
    fd = parse(text)
    assert (fd.start, fd.end, fd.precision) == (start, end, precision)
    assert render(fd.start, fd.end, fd.precision, fd.estimate) == text


def test_estimate_is_kept() -> None:
    fd = parse("~2019")
    assert fd.estimate and fd.precision == "year"
    assert render(fd.start, fd.end, fd.precision, fd.estimate) == "~2019"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-13", "month 13 does not exist"),
        ("2023-02-30", "not a day"),
        ("yesterday", "is not a date"),
        ("2023-05/2023-01", "before start"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(text)


def test_periods() -> None:
    assert period_range("2023-q1") == (date(2023, 1, 1), date(2023, 3, 31), "2023-Q1")
    assert period_range("2023-H2") == (date(2023, 7, 1), date(2023, 12, 31), "2023-H2")
    assert period_range("2019")[2] == "2019"
    with pytest.raises(ValueError):
        period_range("Q1 2023")
