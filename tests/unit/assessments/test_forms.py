"""The answer sheet (assessments/forms.py): where the error summary sends the learner."""

import pytest

from assessments.forms import AnswerSheet
from assessments.questions import Choice, Question
from assessments.scoring import Kind

STEPS = Question(
    id="steps",
    kind=Kind.ORDERING,
    prompt="Put these in order.",
    choices=(
        Choice(id="a", text="Stop"),
        Choice(id="b", text="Screenshot"),
        Choice(id="c", text="Tell"),
    ),
    correct_order=("a", "b", "c"),
)
HELP = Question(
    id="help",
    kind=Kind.MATCHING,
    prompt="Who can help?",
    choices=(
        Choice(id="p1", text="Talk privately", match="t1"),
        Choice(id="p2", text="Unsafe adult online", match="t2"),
    ),
    targets=(Choice(id="t1", text="Childline"), Choice(id="t2", text="CEOP")),
)


@pytest.mark.parametrize(
    ("question", "data", "anchor"),
    [
        # The second step has no position: the link goes to its menu, not the first one.
        (STEPS, {"q-steps-a": ["1"], "q-steps-c": ["3"]}, "q-steps-b"),
        # The second and third steps share a position; the first is fine.
        (STEPS, {"q-steps-a": ["1"], "q-steps-b": ["3"], "q-steps-c": ["3"]}, "q-steps-b"),
        # The second prompt has no answer.
        (HELP, {"q-help-p1": ["t1"]}, "q-help-p2"),
    ],
)
def test_the_error_summary_links_to_the_first_menu_that_needs_an_answer(question, data, anchor):
    """Without JavaScript, the error summary's link is the way to the problem: it must land
    on a menu the learner has to change, not on one already answered."""
    sheet = AnswerSheet([question], data)
    assert not sheet.is_valid()
    [field] = sheet.fields
    assert field.error
    assert field.anchor == anchor
