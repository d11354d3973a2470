"""The "Locked down" ending credits the guidance only with what it says (no database).

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
