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


def _pupil_quiz_and_lesson_text() -> list[str]:
    """Every piece of text a pupil reads in the demo lesson's modules and in its quiz."""
    texts = []

    def collect(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    for module in PUPIL_COURSE["modules"]:
        collect([value for kind, value in module["body"] if kind != "teacher_notes"])
    collect(PUPIL_QUIZ["questions"])
    return texts


def test_the_pupil_lesson_and_quiz_give_the_police_as_a_risk_not_as_what_happened():
    """ASCL and INEQE warned that pupils who posted could be excluded or, in extreme cases,
    investigated by the police; neither source says any pupil was. The lesson says the police
    "can" get involved; the quiz must not tell pupils that some were investigated."""
    sentences = [
        sentence
        for text in _pupil_quiz_and_lesson_text()
        for sentence in re.split(r"(?<=[.!?])\s+", re.sub(r"<[^>]+>", " ", text))
        if "police" in sentence.lower()
    ]
    assert len(sentences) >= 3
    for sentence in sentences:
        assert re.search(r"\b(can|could|may|might)\b", sentence), sentence


def test_the_lessons_signposting_says_what_ceop_is_for_as_the_quiz_marks_right():
    """The quiz pairs CEOP with an adult online making a pupil feel unsafe, as the scenario's
    debrief does; the lesson's own "Who can help" told pupils to go to CEOP about anyone
    online, which would send them there about the very posts the lesson is about."""
    from courses.blocks import CalloutBlock
    from scenarios.models import Scenario
    from scenarios.player import signposts

    question = next(q for q in PUPIL_QUIZ["questions"] if q["type"] == "matching")
    situation = next(
        pair["value"]["prompt"]
        for pair in question["value"]["pairs"]
        if pair["value"]["answer"] == "CEOP"
    )
    block = CalloutBlock()
    callout = block.render(
        block.to_python({"heading": "Who can help", "text": "", "signposting": "pupils"})
    )
    ceop = next(line for line in re.findall(r"<li>(.*?)</li>", callout, re.S) if "CEOP" in line)
    assert situation.lower() in re.sub(r"<[^>]+>", "", ceop).lower()
    debrief = next(line for line in signposts(Scenario.Audience.PUPILS) if "CEOP" in line)
    assert situation.lower() in debrief.lower()


def test_the_lessons_screenshot_step_tells_pupils_never_to_capture_a_sexual_picture():
    """Keeping a copy of a nude or sexual picture of someone under 18 is a crime, even as
    evidence (the UK Council for Internet Safety's advice to schools), and upskirting is named
    in the lesson. The step that tells pupils to screenshot must say what not to capture."""
    module = next(m for m in PUPIL_COURSE["modules"] if m["slug"] == PUPIL_QUIZ["module"])
    steps_html = next(value for kind, value in module["body"] if kind == "text" and "<ol>" in value)
    step = next(item for item in re.findall(r"<li>(.*?)</li>", steps_html) if "screenshot" in item)
    assert "sexual" in step
    assert "do not screenshot or save it" in step
