"""Every data table on the staff pages has a caption: a screen reader moving from table to
table (NVDA's and JAWS's T key) names it by its caption, not by the heading above it."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@pytest.mark.parametrize(
    "name",
    [
        "records/person.html",
        "records/assignments.html",
        "records/includes/chase_table.html",
        "records/my_cpd.html",
        "records/pshe_class.html",
        "scenarios/classroom_start.html",
    ],
)
def test_each_table_opens_with_a_caption(name):
    source = (TEMPLATES / name).read_text()
    tables = re.findall(r"<table\b[^>]*>\s*(<\w+)", source)
    assert tables, name
    assert all(first == "<caption" for first in tables), name
