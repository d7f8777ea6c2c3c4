"""motcua.officetime.parse_any reads every date shape the provinces' systems send (CONNECTORS.md):
a time without offset is office time; anything else is a ValueError naming the shapes, never an
OverflowError or OSError from a number too big for a clock."""

from datetime import datetime, timedelta, timezone

import pytest

from motcua.officetime import parse_any

NOON_UTC = datetime(2025, 11, 3, 10, 0, tzinfo=timezone.utc)  # 17:00 office time


@pytest.mark.parametrize(
    "value",
    [
        "20251103170000",
        20251103170000,
        "03/11/2025 17:00:00",
        "2025-11-03 17:00:00",
        "2025-11-03T17:00:00+07:00",
        "2025-11-03T17:00:00.000+0700",
        "2025-11-03T10:00:00Z",
        1762164000000,
        "1762164000000",
        1762164000000.0,
        datetime(2025, 11, 3, 17, 0),
    ],
)
def test_every_shape_is_the_same_moment(value):
    moment = parse_any(value)
    assert moment == NOON_UTC and moment.utcoffset() == timedelta(hours=7)


def test_a_day_alone_is_its_start_and_nothing_is_none():
    assert parse_any("03/11/2025") == datetime(2025, 11, 2, 17, 0, tzinfo=timezone.utc)
    assert parse_any(None) is None and parse_any("") is None and parse_any(0) is None


@pytest.mark.parametrize(
    "value", ["31/02/2026 08:00:00", "abc", True, 5, 99999999999999999999, float("nan"), "2025-13-45"]
)
def test_anything_else_is_a_value_error_naming_the_shapes(value):
    with pytest.raises(ValueError, match="is not a time"):
        parse_any(value)
