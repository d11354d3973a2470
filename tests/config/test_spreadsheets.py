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
