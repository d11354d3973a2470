import pytest

from config.spreadsheets import csv_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_as_a_formula_is_kept_as_text(start):
    # OWASP's list: Excel also runs "\t=cmd|..." or "\r=..." as a formula, its leading
    # tab or carriage return dropped when the cell is read.
    assert csv_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_an_ordinary_cell_is_left_as_it_is():
    assert csv_cell("Zoë Jones") == "Zoë Jones"
    assert csv_cell(None) == ""
    assert csv_cell(12) == "12"


@pytest.mark.parametrize(
    "value",
    [
        # Leading spaces or line breaks before a formula character: Google Sheets and
        # LibreOffice (with "Trim spaces") drop them as the cell is read, then run the rest.
        " =HYPERLINK(1)",
        "  +1+1",
        "\n@SUM(1)",
        "\u00a0=1+1",
        "\u3000=1+1",
        # Full-width formula characters, which Excel in a Japanese set-up reads as the
        # ordinary ones (OWASP/www-community#1088).
        "\uff1dHYPERLINK(1)",
        "\uff0b1+1",
        "\uff0d1+1",
        "\uff20SUM(1)",
        " \uff1d1+1",
    ],
)
def test_a_cell_that_becomes_a_formula_once_spreadsheets_tidy_it_is_kept_as_text(value):
    assert csv_cell(value) == "'" + value


def test_a_cell_starting_with_a_space_before_ordinary_text_is_left_as_it_is():
    assert csv_cell(" Zoë") == " Zoë"
