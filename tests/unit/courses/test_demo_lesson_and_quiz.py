"""The demo pupils' lesson and its quiz teach the same steps, in the same order: a pupil who
followed the lesson's list was marked wrong by the quiz's ordering question."""

import re

from assessments.demo import PUPIL_QUIZ
from courses.demo_content import PUPIL_COURSE

# A word that names each step of the quiz's ordering question, in the lesson's list too.
STEP_WORDS = {
    "Stop: don't reply or share it": "share",
    "Take a screenshot": "screenshot",
    "Tell an adult you trust": "adult",
    "Report it to the app": "report",
}


def test_the_lesson_lists_the_steps_in_the_order_its_quiz_marks_right():
    module = next(m for m in PUPIL_COURSE["modules"] if m["slug"] == PUPIL_QUIZ["module"])
    steps_html = next(value for kind, value in module["body"] if kind == "text" and "<ol>" in value)
    lesson = [
        re.sub(r"<[^>]+>", "", item).lower() for item in re.findall(r"<li>(.*?)</li>", steps_html)
    ]
    question = next(q for q in PUPIL_QUIZ["questions"] if q["type"] == "ordering")
    right_order = [item["value"] for item in question["value"]["items"]]
    places = []
    for step in right_order:
        word = STEP_WORDS[step]
        found = [n for n, item in enumerate(lesson) if word in item]
        assert found, f"the lesson's list never says to {step.lower()}"
        places.append(found[0])
    assert places == sorted(places), (right_order, lesson)
