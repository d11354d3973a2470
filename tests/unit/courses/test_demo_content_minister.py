"""What the courses say the Welsh education minister did (no database).

Deeside.com's report: Jeremy Miles "instructed his officials to contact TikTok directly" to
ask for offensive content to be removed, and, in the report's own words, not his, the UK
Safer Internet Centre had agreed an escalation process with TikTok. The pupils' lesson said
he "asked TikTok" himself, and the leads' course that he "reported" the escalation process."""

import re

from django.utils.html import strip_tags

from courses.demo_content import DSL_COURSE, PUPIL_COURSE


def _case(course: dict, slug: str) -> dict:
    module = next(m for m in course["modules"] if m["slug"] == slug)
    return next(value for kind, value in module["body"] if kind == "case_study")


def _paragraphs(html: str) -> list[str]:
    return [" ".join(strip_tags(p).split()) for p in re.findall(r"<p>(.*?)</p>", html, re.S)]


def test_the_pupils_lesson_says_the_minister_had_his_officials_contact_tiktok():
    case = _case(PUPIL_COURSE, "pupil-2021-what-happened")
    assert _paragraphs(case["body"])[-1] == (
        'The Welsh education minister, Jeremy Miles, said he was "appalled and deeply '
        'troubled". He told his officials to ask TikTok to take the posts down. TikTok said a '
        "team was working to remove them."
    )


def test_the_leads_course_attributes_the_escalation_process_to_the_report_not_the_minister():
    case = _case(DSL_COURSE, "dsl-response-escalation")
    assert _paragraphs(case["body"])[0] == (
        "The Welsh education minister told his officials to contact TikTok directly and ask "
        "for offensive content to be removed. The report of his statement adds that the UK "
        "Safer Internet Centre had agreed an escalation process with TikTok for abusive "
        "content reported through POSH. He urged staff who experienced abuse to report it to "
        "POSH."
    )
