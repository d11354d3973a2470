"""A certificate's lines fit inside its border, whatever the name or course title."""

import io
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from records.certificates import MIN_SIZE, fit_line, font_chains, line_runs

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


@pytest.fixture
def fonts(settings):
    """The certificate's bold line's fonts: DejaVu Sans, then the fonts for the scripts it
    lacks (Debian's fonts-hosny-amiri and fonts-droid-fallback, installed by .ci/run)."""
    from records.certificates import fonts_missing

    if missing := fonts_missing():
        message = f"Not installed: {', '.join(missing)} (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return font_chains()[1]


def _has_glyph(font_name: str, char: str) -> bool:
    return ord(char) in pdfmetrics.getFont(font_name).face.charToGlyph


def test_each_script_of_a_name_is_set_in_a_font_that_has_its_letters(fonts):
    runs = line_runs("Łukasz 王小明 عائشہ", fonts, 28)
    assert [run.logical for run in runs] == ["Łukasz", "王小明", "عائشہ"]
    assert runs[0].font == fonts[0]  # Latin keeps DejaVu Sans, as before
    for run in runs:
        assert all(_has_glyph(run.font, char) for char in run.logical)


def test_an_urdu_name_is_drawn_right_to_left_with_its_letters_joined(fonts):
    (run,) = line_runs("عائشہ خان", fonts, 28)
    assert run.rtl
    drawn = run.drawn
    # Left to right on the page: the name's last letter first, its first letter last, and
    # that letter (ع, joined to the next) is not drawn in its isolated form.
    assert drawn.__shapeData__[0].cluster == len("عائشہ خان") - 1
    assert drawn.__shapeData__[-1].cluster == 0
    assert drawn[-1] != "ع"
    assert run.width == pytest.approx(sum(d.x_advance for d in drawn.__shapeData__) * 28 / 1000)


def test_a_latin_name_with_an_arabic_one_keeps_the_order_of_each(fonts):
    runs = line_runs("Ayesha Khan عائشہ خان", fonts, 28)
    assert [(run.logical, run.rtl) for run in runs] == [
        ("Ayesha Khan", False),
        ("عائشہ خان", True),
    ]
    runs = line_runs("عائشہ Khan", fonts, 28)  # starts right to left: Khan is on its left
    assert [run.logical for run in runs] == ["Khan", "عائشہ"]


def test_a_chinese_name_too_long_for_the_page_wraps_between_characters(fonts):
    name = "王小明" * 40
    size, rows = fit_line(name, fonts, 28, ROOM)
    assert len(rows) > 1 and "".join(rows) == name
    assert all(sum(r.width for r in line_runs(row, fonts, size)) <= ROOM for row in rows)


@pytest.mark.parametrize("text", ["CPD log: عائشہ خان", "Privacy عائشہ王 & <photos>", "וشخئنہ"])
def test_a_paragraph_mixing_scripts_even_within_a_word_makes_a_pdf(fonts, text):
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import SimpleDocTemplate

    from records.certificates import _paragraph

    style = getSampleStyleSheet()["Normal"].clone("body", fontName=font_chains()[0][0])
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([_paragraph(text, style)])
    assert buffer.getvalue().startswith(b"%PDF")
