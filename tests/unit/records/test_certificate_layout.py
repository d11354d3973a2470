"""A certificate's lines fit inside its border, whatever the name or course title."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth

from records.certificates import MIN_SIZE, fit_line

ROOM = 700.0


def test_a_short_title_keeps_its_size_on_one_row():
    assert fit_line("Protecting your reputation", "Helvetica-Bold", 22, ROOM) == (
        22,
        ["Protecting your reputation"],
    )


def test_a_long_title_gets_smaller_before_it_wraps():
    title = "Responding to online abuse of staff: what to do when a post targets you"
    size, rows = fit_line(title, "Helvetica-Bold", 22, ROOM)
    assert MIN_SIZE <= size < 22 and rows == [title]


@pytest.mark.parametrize("words", [12, 40])
def test_a_very_long_title_wraps_at_the_smallest_size(words):
    title = " ".join(["safeguarding"] * words)
    size, rows = fit_line(title, "Helvetica-Bold", 22, ROOM)
    assert size == MIN_SIZE and len(rows) > 1
    assert " ".join(rows) == title


@given(st.text(alphabet="abcdefghij ŁŵWMmi", min_size=1, max_size=200))
def test_no_row_is_wider_than_the_room_unless_it_is_one_unbreakable_word(text):
    size, rows = fit_line(text, "Helvetica-Bold", 22, ROOM)
    assert MIN_SIZE <= size <= 22
    for row in rows:
        assert stringWidth(row, "Helvetica-Bold", size) <= ROOM or " " not in row.strip()
