from datetime import date

import pytest
from django.core.exceptions import ValidationError

from config.forms import DatePickerField


@pytest.mark.parametrize(
    "typed",
    [
        "2026-12-31",  # from the date picker
        "31/12/2026",
        "31/12/26",
        "31.12.2026",
        "31.12.26",
        "31-12-2026",
        "31-12-26",
        " 31/12/2026 ",
    ],
)
def test_a_date_typed_as_uk_staff_type_it_is_read_day_first(typed):
    assert DatePickerField().clean(typed) == date(2026, 12, 31)


def test_an_ambiguous_date_is_read_as_day_then_month_never_month_first():
    # 1 February, as in the UK; never 2 January as in the US.
    assert DatePickerField().clean("1/2/2027") == date(2027, 2, 1)
    assert DatePickerField().clean("1/2/27") == date(2027, 2, 1)


@pytest.mark.parametrize("typed", ["12/31/2026", "31/13/2026", "yesterday", "31 Dec"])
def test_a_date_that_cannot_be_read_says_how_to_type_it(typed):
    # 12/31/2026 is the US order: the message says which order the site expects.
    with pytest.raises(ValidationError) as caught:
        DatePickerField().clean(typed)
    assert caught.value.messages == ["Enter a real date as day/month/year, for example 31/12/2026."]
