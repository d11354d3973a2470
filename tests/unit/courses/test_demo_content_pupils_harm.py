"""What the pupils' lesson says about how long the harm to teachers lasted (no database)."""

import re

from django.utils.html import strip_tags

from courses.demo_content import PUPIL_COURSE


def test_the_pupils_lesson_says_the_harm_can_last_not_that_it_did():
    """The sources were written within weeks of the posts: none reports how long any named
    teacher was affected. INEQE's alert warns that those targeted may suffer stress and
    anxiety leading to long-term harm. The lesson told pupils, as a fact, that some of the
    teachers "felt it for a long time"."""
    module = next(m for m in PUPIL_COURSE["modules"] if m["slug"] == "pupil-2021-what-happened")
    html = " ".join(value for kind, value in module["body"] if kind == "text")
    section = html.split("<h2>Why it hurts</h2>", 1)[1].split("<h2>", 1)[0]
    text = " ".join(strip_tags(section).split())
    lasting = [s for s in re.split(r"(?<=\.)\s+", text) if "long time" in s]
    assert lasting
    for sentence in lasting:
        assert re.search(r"\b(can|may|might)\b", sentence), sentence
