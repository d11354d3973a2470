"""The "Lock it down" scenario credits the guidance only with what it says (no database).

NAHT's guide warns staff that being tagged in posts can harm their reputation; neither it
nor the INEQE alert recommends turning on tag review."""

import re

from scenarios.demo import LOCK_IT_DOWN


def test_the_locked_down_debrief_does_not_say_naht_and_ineqe_recommend_tag_review():
    debrief = LOCK_IT_DOWN.node("ending-locked").debrief
    sentences = re.split(r"(?<=\.)\s+", debrief)
    for n, sentence in enumerate(sentences):
        if "recommend" not in sentence:
            continue
        # "These are the steps ... recommend" credits the sentence before it.
        credited = sentence + (" " + sentences[n - 1] if sentence.startswith("These") else "")
        assert "tag review" not in credited.lower(), credited


def test_the_check_now_feedback_credits_the_one_safeguarding_alert_the_sources_hold():
    """Of the five case studies only one is a safeguarding alert, INEQE's, and it is the one
    that asks schools to make sure staff check their privacy settings regularly. The feedback
    credited "the safeguarding alerts", as if several said so."""
    check = next(c for c in LOCK_IT_DOWN.node("sunday-evening").choices if c.id == "check")
    assert "alerts" not in check.feedback
    assert "INEQE's safeguarding alert" in check.feedback
