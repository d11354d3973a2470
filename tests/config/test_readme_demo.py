"""The README's account of the demo matches what the demo loader does."""

import re
from pathlib import Path

from records.demo import DEMO_ASSIGNMENTS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _paragraph(start: str) -> str:
    at = README.index(start)
    return README[at : README.index("\n\n", at)]


def test_readme_states_the_staff_courses_due_days_the_demo_sets():
    staff_days = {days for _key, _group, role, days, _months in DEMO_ASSIGNMENTS if role}
    assert len(staff_days) == 1
    text = " ".join(_paragraph("The demo school has its courses assigned").split())
    assert f"due in {staff_days.pop()} days" in text


def test_readme_warns_make_run_puts_back_demo_module_text():
    text = " ".join(_paragraph("`make run` creates `.venv`").split())
    assert re.search(r"every start", text)
    assert re.search(r"demo (courses|modules)' (original )?text", text)
