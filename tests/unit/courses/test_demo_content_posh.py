"""POSH is not itself part of TikTok's Community Partner Channel: the NAHT guide (TikTok's
own advice in it) says the UK Safer Internet Centre, which runs POSH, is (no database)."""

import re

import pytest

from assessments.demo import STAFF_QUIZ, _id
from courses.demo_content import COURSES

from .test_demo_content_own_words import _strings

PARTNER = re.compile(r"community partner channel", re.IGNORECASE)


def _sentences(value) -> list[str]:
    text = " ".join(re.sub(r"<[^>]+>", " ", s) for s in _strings(value))
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if PARTNER.search(s)]


@pytest.mark.parametrize("where", ["courses", "staff quiz"])
def test_every_mention_of_the_partner_channel_says_the_safer_internet_centre_is_in_it(where):
    value = COURSES if where == "courses" else STAFF_QUIZ
    sentences = _sentences(value)
    assert sentences
    for sentence in sentences:
        # The centre is what is part of the channel, not the helpline it runs.
        assert re.search(r"(Safer Internet Centre, which|which runs POSH,) is part of", sentence), (
            sentence
        )


def test_the_staff_quiz_says_the_centre_agreed_the_escalation_route_with_tiktok():
    """The Welsh minister's statement: the UK Safer Internet Centre agreed the escalation
    process with TikTok, for abuse reported through POSH."""
    explanation = next(q for q in STAFF_QUIZ["questions"] if q["id"] == _id("staff:posh"))["value"][
        "explanation"
    ]
    assert "The centre agreed an escalation route with TikTok" in explanation


def test_the_leads_course_promises_only_the_escalation_routes_its_sources_give():
    """The Community Partner Channel is TikTok's, and the way into it is POSH (the UK Safer
    Internet Centre, which runs POSH, is part of it). The leads' course promised to teach
    escalating "through POSH and the platforms' community partner route", as if every
    platform had one and it were a route of its own beside POSH."""
    from courses.demo_content import DSL_COURSE

    outcomes = DSL_COURSE["page"]["learning_outcomes"].splitlines()
    escalate = [line for line in outcomes if line.startswith("Escalate")]
    assert escalate == [
        "Escalate through the platform's own reporting, POSH, the LADO and the police, as "
        "appropriate"
    ]
