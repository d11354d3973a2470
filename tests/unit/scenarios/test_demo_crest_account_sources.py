"""The "crest account" scenario tells pupils only what the case studies support (no database).

None of the five source documents says what a platform tells an account owner about who
reported them. The INEQE alert and the NAHT guide say to report the content to the platform;
the ASCL and NAHT statement says TikTok sometimes did not respond or found no breach. The
scenario promised pupils that "Reporting is private. The account owner is not told who
reported.", and its mixed ending repeated "It is private"."""

import re

from scenarios.demo import CREST_ACCOUNT


def _choice(node_id, choice_id):
    return next(c for c in CREST_ACCOUNT.node(node_id).choices if c.id == choice_id)


def test_the_report_feedback_makes_no_promise_about_who_the_account_owner_is_told():
    feedback = _choice("break-time", "report").feedback
    assert not re.search(r"\bprivate\b|not told who", feedback), feedback
    assert "report" in feedback.lower()


def test_the_mixed_ending_does_not_call_reporting_private():
    debrief = CREST_ACCOUNT.node("ending-mixed").debrief
    assert not re.search(r"\bit is private\b", debrief, re.IGNORECASE), debrief
    assert "tell an adult you trust" in debrief
