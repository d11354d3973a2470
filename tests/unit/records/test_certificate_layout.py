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


@given(st.text(alphabet="abcdefghij ŁŵWMmi-", min_size=1, max_size=200))
def test_no_row_is_wider_than_the_room(text):
    size, rows = fit_line(text, "Helvetica-Bold", 22, ROOM)
    assert MIN_SIZE <= size <= 22
    for row in rows:
        assert stringWidth(row, "Helvetica-Bold", size) <= ROOM


def test_a_word_wider_than_the_page_is_broken_after_a_hyphen_where_it_has_one():
    name = "-".join(["Montgomery", "Fitzwilliam", "Cholmondeley", "Featherstonehaugh"] * 3)
    size, rows = fit_line(name, "Helvetica-Bold", 28, ROOM)
    assert size == MIN_SIZE and len(rows) > 1
    assert "".join(rows) == name  # nothing lost, nothing added
    assert all(row.endswith("-") for row in rows[:-1])
    assert all(stringWidth(row, "Helvetica-Bold", size) <= ROOM for row in rows)


def test_a_word_wider_than_the_page_without_a_hyphen_is_broken_between_letters():
    title = "Onlinesafetyforschools" * 6
    size, rows = fit_line(f"CPD: {title}", "Helvetica-Bold", 22, ROOM)
    assert len(rows) > 1 and "".join(rows).replace(" ", "", 1) == f"CPD:{title}"
    assert all(stringWidth(row, "Helvetica-Bold", size) <= ROOM for row in rows)
