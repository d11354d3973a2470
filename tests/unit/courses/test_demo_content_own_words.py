"""The demo content is written in our own words: facts, names, dates and phone numbers carry
over from the case studies in ../shared/case-studies/, their sentences do not. A short quote
is fine where the text says who said it; a run of twelve words the same is not."""

import dataclasses
import os
import re
from html import unescape
from pathlib import Path

import pytest

from assessments.demo import DEMO_QUIZZES
from courses.demo_content import COURSES
from scenarios.demo import DEMO_SCENARIOS

CASE_STUDIES = Path(
    os.environ.get(
        "CASE_STUDIES_DIR",
        Path(__file__).resolve().parents[3].parent / "shared" / "case-studies",
    )
)
IN_CI = os.environ.get("CI", "").lower() == "true"
RUN = 12

# Contact details are facts to carry over exactly; a sentence around them is not.
CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b0\d{3}(?: \d{3,4}){1,2}\b")


def _words(text: str) -> list[str]:
    text = unescape(re.sub(r"<[^>]+>", " ", text))
    text = CONTACT.sub(" | ", text).translate(str.maketrans("\u2018\u2019", "''"))
    return re.findall(r"[a-z0-9']+|\|", text.lower())


def _strings(value):
    """Every string in the demo's text, leaving out case studies' citations of their sources,
    which name the documents exactly."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "sources":
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {
        tuple(words[n : n + RUN])
        for n in range(len(words) - RUN + 1)
        if "|" not in words[n : n + RUN]
    }


@pytest.fixture
def case_study_runs():
    documents = sorted(CASE_STUDIES.glob("0*.txt"))
    if not documents:
        message = f"No case studies at {CASE_STUDIES}"
        if IN_CI:
            pytest.fail(message + " (required under CI)")
        pytest.skip(message + "; set CASE_STUDIES_DIR to their folder.")
    return set().union(*(_runs(_words(path.read_text())) for path in documents))


def test_no_demo_text_copies_twelve_words_running_from_a_case_study(case_study_runs):
    demo = [COURSES, DEMO_QUIZZES, [entry[3:5] for entry in DEMO_SCENARIOS]]
    copied = [
        " ".join(run)
        for text in _strings(demo)
        for run in sorted(_runs(_words(text)) & case_study_runs)
    ]
    assert copied == []
