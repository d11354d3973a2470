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


def test_the_exposed_debrief_says_only_that_some_photos_came_from_staff_profiles():
    """INEQE's alert says the photos in the posts were taken on pupils' phones or harvested
    from staff members' personal profiles; it gives no share and does not say the profiles
    were public. The debrief said "many" of the photos came "from their own public
    profiles"."""
    debrief = LOCK_IT_DOWN.node("ending-exposed").debrief
    first = re.split(r"(?<=\.)\s+", debrief)[0]
    assert first == (
        "In 2021 some of the photos used to target teachers were taken on pupils' phones, and "
        "some were harvested from the teachers' own social media profiles."
    )


def test_the_staff_privacy_module_says_where_the_photos_came_from_as_ineqe_says():
    """The same claim in the module the scenario sits in: "Many of the 2021 posts used photos
    harvested from staff members' own social media"."""
    from django.utils.html import strip_tags

    from courses.demo_content import STAFF_COURSE

    module = next(m for m in STAFF_COURSE["modules"] if m["slug"] == "staff-privacy-settings")
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    text = " ".join(strip_tags(html.split("<h2>Why it matters</h2>", 1)[1]).split())
    assert text.startswith(
        "Some of the 2021 posts used photos taken on pupils' phones in school; others used "
        "photos harvested from staff members' own social media."
    )


def test_the_leave_it_feedback_says_what_ineqe_found_not_how_fast_pupils_find_profiles():
    """The feedback for putting the check off said "Pupils can often find public profiles in
    minutes.": no source gives a time or says how often. INEQE's alert says some photos in
    the posts were harvested from staff members' personal social media profiles."""
    later = next(c for c in LOCK_IT_DOWN.node("sunday-evening").choices if c.id == "later")
    assert "minutes" not in later.feedback
    assert "INEQE" in later.feedback
    assert "profiles" in later.feedback
