"""What the DSL course says schools found when they reported to TikTok (no database).

The escalation module said schools found the platform's reporting "slow and inconsistent";
no source says that. ASCL (the complaints report) says schools told it TikTok frequently
failed to respond to removal requests, and the ASCL and NAHT statement of 15 November 2021
says some members were told there was no breach of community guidelines."""

from django.utils.html import strip_tags

from courses.demo_content import DSL_COURSE


def _escalation_text() -> str:
    module = next(m for m in DSL_COURSE["modules"] if m["slug"] == "dsl-response-escalation")
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    return " ".join(strip_tags(html).split())


def test_the_escalation_module_says_what_schools_reported_about_tiktok():
    text = _escalation_text()
    assert "slow and inconsistent" not in text
    assert "did not respond" in text
    assert "no breach of community guidelines" in text
