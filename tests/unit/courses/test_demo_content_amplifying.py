"""What the leads' course says about warnings that amplify a trend (no database)."""

import re

from django.utils.html import strip_tags

from courses.demo_content import DSL_COURSE


def _module_text(slug: str) -> str:
    module = next(m for m in DSL_COURSE["modules"] if m["slug"] == slug)
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    return " ".join(strip_tags(html).split())


def test_the_leads_course_claims_no_more_than_the_minister_on_coverage_raising_interest():
    """The Welsh education minister spoke of research highlighting instances where coverage
    from organisations, meant well, had driven up interest in viral trends. The course said
    well-meaning warnings "have been shown to drive up interest", a rule he did not state."""
    text = _module_text("dsl-response-support-and-policy")
    sentence = next(s for s in re.split(r"(?<=\.)\s+", text) if "interest in" in s)
    assert "shown to" not in sentence
    assert re.search(r"\b(sometimes|instances|cases)\b", sentence), sentence
    assert "minister" in sentence
