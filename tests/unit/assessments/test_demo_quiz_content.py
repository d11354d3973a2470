"""The demo quizzes give the advice the source documents give (no database)."""

import re

from assessments.demo import STAFF_QUIZ, _id


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
