"""What the pupils' lesson tells pupils the sources said (no database)."""

import re

from django.utils.html import strip_tags

from courses.demo_content import PUPIL_COURSE


def _module(slug: str) -> dict:
    return next(m for m in PUPIL_COURSE["modules"] if m["slug"] == slug)


def _paragraphs(html: str) -> list[str]:
    return [" ".join(strip_tags(p).split()) for p in re.findall(r"<p>(.*?)</p>", html, re.S)]


def test_the_lesson_says_where_the_photos_came_from_and_no_more():
    """INEQE's alert says the photos were taken by pupils on their phones or harvested from
    staff members' own profiles. It does not say whether the teachers knew; the lesson told
    pupils, as a fact, that "the teacher did not know"."""
    module = _module("pupil-2021-phones-photos-consent")
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    section = html.split("<h2>Ask first</h2>", 1)[1]
    assert _paragraphs(section)[0] == (
        "Many of the posts used photos of teachers. Some were taken in class on a phone. "
        "Others were copied from the teacher's own pages."
    )


def test_the_lesson_gives_ascls_warning_to_pupils_who_post_as_ascl_gave_it():
    """ASCL's general secretary warned that pupils posting this content could be excluded
    from school or, in extreme cases, investigated by the police. The lesson said ASCL called
    it "putting their own future at risk", words ASCL did not use, under a title ("What
    happened to those who posted") reporting as outcomes what the sources give as risks."""
    module = _module("pupil-2021-if-you-see-it")
    case = next(value for kind, value in module["body"] if kind == "case_study")
    assert case["title"] == "What can happen to those who post"
    assert _paragraphs(case["body"])[0] == (
        "The group for school leaders, ASCL, said the posts upset the staff. It warned that "
        "the pupils who made them could be excluded from school. In the worst cases, the "
        "police could look into it."
    )
    assert module["summary"].endswith("What can happen to those who post.")


def test_the_lesson_says_how_the_named_staff_felt_as_the_sources_say_it():
    """ASCL said the posts were very distressing to the staff they targeted, and ASCL and
    NAHT that they caused huge distress. No source says the staff were frightened; the
    lesson told pupils, as a fact, that they "felt upset and scared"."""
    module = _module("pupil-2021-what-happened")
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    section = html.split("<h2>Why it hurts</h2>", 1)[1].split("<h2>", 1)[0]
    sentences = re.split(r"(?<=\.)\s+", " ".join(_paragraphs(section)))
    felt = [s for s in sentences if s.startswith("The staff who were named")]
    assert felt == ["The staff who were named were very upset."]
