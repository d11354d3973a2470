"""The demo quizzes give the advice the source documents give (no database)."""

import re

from assessments.demo import DSL_QUIZ, STAFF_QUIZ, _id


def _question(quiz: dict, key: str) -> dict:
    return next(q for q in quiz["questions"] if q["id"] == _id(key))


def test_the_staff_steps_do_not_hold_posh_back_until_the_platform_has_failed():
    """TikTok's advice in the NAHT guide calls POSH the shortest route to getting content
    taken down, and the Welsh education minister urged staff to report abuse to POSH
    directly; the quiz taught contacting POSH only once a report to the platform failed."""
    question = _question(STAFF_QUIZ, "staff:steps")["value"]
    posh_steps = [i["value"] for i in question["items"] if "POSH" in i["value"]]
    assert len(posh_steps) == 1
    assert not re.search(r"\b(if|unless|once|when)\b", posh_steps[0], re.IGNORECASE)
    assert "shortest route" in question["explanation"]


def test_the_leads_quiz_asks_about_the_lado_only_what_nahts_guide_says():
    """The only source that names the LADO is NAHT's guide: tell the police and the LADO if
    you believe a colleague has committed a crime on a personal device or phone. The
    matching question paired the LADO with allegations that staff had "harmed a child or
    offended", and its explanation said what the LADO handles in general, neither of which
    any source says; the course module gives the rule as NAHT's and leaves room for the
    officer a school's local procedures name, and the quiz must not teach otherwise."""
    matching = _question(DSL_QUIZ, "dsl:who")["value"]
    lado = next(p["value"]["answer"] for p in matching["pairs"] if p["value"]["prompt"] == "LADO")
    assert "crime" in lado
    assert "personal device" in lado
    assert "harmed a child" not in lado
    assert "NAHT" in matching["explanation"]
    assert "local safeguarding procedures" in matching["explanation"]
    assert "The LADO handles allegations about adults" not in matching["explanation"]

    true_false = _question(DSL_QUIZ, "dsl:lado")["value"]
    assert true_false["prompt"].startswith("NAHT's guide says")
