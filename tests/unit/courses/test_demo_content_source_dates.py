"""The dates and titles the demo case studies give the documents they cite (no database)."""

import re

import pytest

from courses.demo_content import (
    COURSES,
    SOURCE_ASCL_COMPLAINTS,
    SOURCE_ASCL_NAHT_STATEMENT,
    SOURCE_INEQE_ALERT,
    SOURCE_NAHT_GUIDE,
    SOURCE_WELSH_MINISTER,
)

from .test_demo_content_own_words import CASE_STUDIES, IN_CI

DOCUMENTS = {
    "01-welsh-minister-statement-tiktok-teachers.txt": SOURCE_WELSH_MINISTER,
    "02-ascl-complaints-tiktok-abuse-of-staff.txt": SOURCE_ASCL_COMPLAINTS,
    "03-ascl-naht-joint-statement-after-tiktok-meeting.txt": SOURCE_ASCL_NAHT_STATEMENT,
    "04-ineqe-alert-online-targeting-of-teachers.txt": SOURCE_INEQE_ALERT,
    "05-naht-guide-social-media-phones-in-schools.txt": SOURCE_NAHT_GUIDE,
}


def _cited_sources() -> list[dict]:
    return [
        source
        for course in COURSES
        for module in course["modules"]
        for kind, value in module["body"]
        if kind == "case_study"
        for source in value["sources"]
    ]


def test_every_source_the_demo_cites_is_one_of_the_case_studies():
    cited = _cited_sources()
    assert cited
    for source in cited:
        assert source in DOCUMENTS.values(), source["title"]


def _case_study(name: str):
    """The path of case study `name`; its absence skips the test, and fails it under CI."""
    path = CASE_STUDIES / name
    if not path.exists():
        message = f"No case study {name} at {CASE_STUDIES}"
        if IN_CI:
            pytest.fail(message + " (required under CI)")
        pytest.skip(message + "; set CASE_STUDIES_DIR to their folder.")
    return path


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_a_cited_source_is_dated_only_as_precisely_as_its_document_dates_itself(name):
    """A source's date is given "as precisely as the source says", or 'Not dated' (the
    block's help and the authoring guide). The report of the Welsh minister's statement,
    the press report of ASCL's complaints and INEQE's alert carry no date; the demo cited
    them as 'Autumn 2021', 'Autumn 2021' and '2021', which none of them says."""
    path = _case_study(name)
    date = DOCUMENTS[name]["date"]
    if date != "Not dated":
        assert date in path.read_text(), f"{name} does not say {date!r}"


def test_the_case_study_blocks_preview_cites_a_case_study_as_the_demo_cites_it():
    """Editors see the block's preview when they choose a block, and copy its shape. It cited
    ASCL's complaints as 'Autumn 2021', a date that report does not give."""
    from courses.blocks import CaseStudyBlock

    for source in CaseStudyBlock().meta.preview_value["sources"]:
        assert source in DOCUMENTS.values(), source["title"]


def _plain_quotes(text: str) -> str:
    return " ".join(re.sub('[\u2018\u2019\u201c\u201d"]', "'", text).split())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_a_cited_source_gives_its_document_s_own_title_or_says_it_has_none(name):
    """The block asks for the title of the document, and the page sets it as a citation. The
    press report of ASCL's complaints and INEQE's alert carry no headline, yet the demo cited
    them under titles of its own ("School leaders report more than 50 complaints of staff
    abused on TikTok"), which a reader looking for them will not find. A title may add a
    description in brackets after the document's own words, as the Welsh minister's does."""
    path = _case_study(name)
    title = DOCUMENTS[name]["title"]
    if title.startswith("Untitled"):
        return
    own_words = title.split(" (", 1)[0]
    assert _plain_quotes(own_words).lower() in _plain_quotes(path.read_text()).lower(), title
