"""Where the leads' course sends a targeted member of staff for support (no database)."""

import re

from django.utils.html import strip_tags

from courses.demo_content import DSL_COURSE


def test_the_leads_course_offers_targeted_staff_only_the_support_the_sources_name():
    """NAHT's guide names the senior management team, HR and union representatives; the Welsh
    minister the school, the trade union and POSH; INEQE's alert the school and POSH. The
    course added occupational health, which none of them names."""
    slug = "dsl-response-support-and-policy"
    module = next(m for m in DSL_COURSE["modules"] if m["slug"] == slug)
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    section = html.split("<h2>Supporting staff</h2>", 1)[1].split("<h2>", 1)[0]
    text = " ".join(strip_tags(section).split())
    support = next(s for s in re.split(r"(?<=\.)\s+", text) if "access support" in s)
    for named in ("senior team", "HR", "union", "POSH"):
        assert named in support
    assert "occupational health" not in support.lower()
