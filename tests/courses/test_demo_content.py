"""The demo catalogue: three courses built from the case studies, loaded idempotently."""

import re

import pytest
import textstat
from django.core.management import call_command
from django.utils.html import strip_tags
from wagtail.rich_text import RichText

from courses.blocks import ChecklistBlock
from courses.demo import (
    DEMO_MODULE_SLUGS,
    DemoContentError,
    activity_block_ensure,
    demo_content_load,
)
from courses.demo_content import COURSES, PUPIL_COURSE
from courses.models import Audience, CoursePage, ModulePage
from xapi.identity import activity_iri

pytestmark = pytest.mark.django_db


def test_load_demo_content_builds_three_courses_of_at_least_three_modules(home_page):
    call_command("load_demo_content")
    courses = {c.audience: c for c in CoursePage.objects.live()}
    assert set(courses) == {Audience.PUPILS, Audience.STAFF, Audience.SAFEGUARDING_LEADS}
    assert courses[Audience.PUPILS].title == "Respect online: when posts target teachers"
    assert courses[Audience.STAFF].title == "Protecting your professional reputation online"
    assert courses[Audience.SAFEGUARDING_LEADS].title == "Responding to online abuse of staff"
    for course in courses.values():
        assert course.modules().count() >= 3


def test_load_demo_content_twice_changes_nothing(home_page):
    call_command("load_demo_content")
    counts = (CoursePage.objects.count(), ModulePage.objects.count())
    revisions = {p.pk: p.latest_revision_id for p in ModulePage.objects.all()}
    call_command("load_demo_content")
    assert (CoursePage.objects.count(), ModulePage.objects.count()) == counts
    assert {p.pk: p.latest_revision_id for p in ModulePage.objects.all()} == revisions


def test_demo_module_slugs_name_every_demo_module_in_order(home_page):
    demo_content_load()
    for key, slugs in DEMO_MODULE_SLUGS.items():
        course = next(c for c in COURSES if c["key"] == key)
        page = CoursePage.objects.get(slug=course["slug"])
        assert [m.slug for m in page.modules()] == slugs
    assert set(DEMO_MODULE_SLUGS) == {"pupil-2021", "staff-privacy", "dsl-response"}


def test_activity_block_ensure_adds_once_and_survives_a_reload(home_page):
    from assessments.models import Quiz

    demo_content_load()
    quiz = Quiz.objects.create(title="Demo quiz")
    slug = DEMO_MODULE_SLUGS["pupil-2021"][0]
    activity_block_ensure(
        module_slug=slug, block_type="quiz", value={"quiz": quiz, "required": True}
    )
    activity_block_ensure(
        module_slug=slug, block_type="quiz", value={"quiz": quiz, "required": True}
    )
    module = ModulePage.objects.get(slug=slug)
    assert [c.block_type for c in module.body].count("quiz") == 1
    assert module.required_activity_iris() == [activity_iri("quiz", quiz.uuid)]
    # The activity goes before the closing signposting.
    assert module.body[len(module.body) - 1].block_type == "callout"

    demo_content_load()
    module = ModulePage.objects.get(slug=slug)
    assert module.required_activity_iris() == [activity_iri("quiz", quiz.uuid)]


def test_activity_block_ensure_refuses_unknown_modules_and_non_activity_blocks(home_page):
    demo_content_load()
    with pytest.raises(DemoContentError):
        activity_block_ensure(module_slug="nope", block_type="quiz", value={})
    with pytest.raises(DemoContentError):
        activity_block_ensure(
            module_slug=DEMO_MODULE_SLUGS["pupil-2021"][0], block_type="text", value={}
        )


def test_every_demo_case_study_cites_at_least_one_source(home_page):
    demo_content_load()
    case_studies = [
        child.value
        for module in ModulePage.objects.all()
        for child in module.body
        if child.block_type == "case_study"
    ]
    assert len(case_studies) >= 9
    for case in case_studies:
        assert len(case["sources"]) >= 1
        for source in case["sources"]:
            assert source["organisation"] and source["title"] and source["date"]


def _demo_module_page(client, user, course, index) -> str:
    """The demo content loaded, the page of module `index` of the demo `course` (its key in
    DEMO_MODULE_SLUGS) as `user` sees it."""
    demo_content_load()
    client.force_login(user)
    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS[course][index])
    return client.get(module.url).content.decode()


def test_staff_signposting_gives_the_professionals_helpline(client, home_page, teacher):
    html = _demo_module_page(client, teacher, "staff-privacy", 1)
    assert "0344 381 4772" in html
    assert "helpline@saferinternet.org.uk" in html


def test_staff_signposting_in_wales_names_the_designated_safeguarding_person(
    client, home_page, school, teacher
):
    """In Wales the role is the Designated Safeguarding Person, as the scenario's debrief
    and the notes for the teacher already say; the module's help box said the lead."""
    from schools.models import School

    school.nation = School.Nation.WALES
    school.save()
    html = _demo_module_page(client, teacher, "staff-privacy", 1)
    signposts = re.search(r'<ul class="signposts">(.*?)</ul>', html, re.S).group(1)
    assert "your line manager and the Designated Safeguarding Person" in strip_tags(signposts)


def test_pupil_help_in_wales_names_the_designated_safeguarding_person(
    client, home_page, school, pupil
):
    """Welsh schools call the role the Designated Safeguarding Person; a pupil there was
    told to go to "the school's safeguarding lead", a role their school does not have, in
    the help box and under the private question."""
    from schools.models import School

    school.nation = School.Nation.WALES
    school.save()
    text = strip_tags(_demo_module_page(client, pupil, "pupil-2021", 0))
    assert "the school's designated safeguarding person, or someone at home" in text
    assert "which your school's designated safeguarding person can open" in text


def test_pupil_help_in_england_names_the_designated_safeguarding_lead(client, home_page, pupil):
    text = strip_tags(_demo_module_page(client, pupil, "pupil-2021", 0))
    assert "the school's designated safeguarding lead, or someone at home" in text
    assert "which your school's designated safeguarding lead can open" in text


@pytest.mark.parametrize("module_index", [1, 2])
def test_staff_steps_in_wales_name_the_designated_safeguarding_person(
    client, home_page, school, teacher, module_index
):
    """The staff course's own text told staff to go to their "designated safeguarding
    lead", a role Welsh schools call the designated safeguarding person."""
    from schools.models import School

    school.nation = School.Nation.WALES
    school.save()
    html = _demo_module_page(client, teacher, "staff-privacy", module_index)
    body = html.split('<ul class="signposts">')[0]
    assert "in Wales, the designated safeguarding person" in strip_tags(body)


@pytest.mark.parametrize(
    ("course", "module_index", "person", "heading"),
    [
        ("staff-privacy", 2, "teacher", "What a school leaders"),
        ("dsl-response", 2, "safeguarding_lead", "Policy</h2>"),
    ],
)
def test_who_oversees_the_social_media_policy_is_named_for_schools_in_wales(
    request, client, home_page, school, course, module_index, person, heading
):
    """NAHT's guide says a school's social media policy is best overseen by the designated
    safeguarding lead (DSL) and senior leadership team. That is the English role: staff and
    leads in Wales, where it is the designated safeguarding person, read "the DSL" as a role
    their school does not have. The NAHT case study keeps NAHT's term and says what it
    advises, not more; both it and the leads' own policy list name the Welsh role too."""
    from schools.models import School

    school.nation = School.Nation.WALES
    school.save()
    html = _demo_module_page(client, request.getfixturevalue(person), course, module_index)
    section = html.split(f">{heading}", 1)[1].split("</section>")[0].split("<h2")[0]
    text = " ".join(strip_tags(section).split())
    assert "overseen by" in text
    assert "designated safeguarding lead" in text
    assert "in Wales, the designated safeguarding person" in text
    if course == "staff-privacy":
        assert "NAHT's guide for school leaders advises starting with a social media" in text


def test_the_welsh_ministers_words_on_not_amplifying_a_trend_are_quoted_as_his(
    client, home_page, safeguarding_lead
):
    """The case study repeated the minister's sentence on care and caution almost word for
    word as if it were ours. Course text is in our own words; the few words kept from a
    source are in quotation marks, next to who said them."""
    import html as html_lib

    page = html_lib.unescape(_demo_module_page(client, safeguarding_lead, "dsl-response", 2))
    section = page.split(">Care and caution in communication</h2>", 1)[1].split("</section>")[0]
    text = " ".join(strip_tags(section).split())
    quoted = 'Jeremy Miles pointed schools to guidance asking them to "exercise care and caution"'
    assert quoted in text


def test_pupil_signposting_gives_childline_and_ceop(client, home_page, pupil):
    html = _demo_module_page(client, pupil, "pupil-2021", 2)
    assert "Childline" in html and "0800 1111" in html and "CEOP" in html


def _pupil_course_text() -> str:
    parts = [PUPIL_COURSE["page"]["summary"], strip_tags(PUPIL_COURSE["page"]["intro"])]
    parts += PUPIL_COURSE["page"]["learning_outcomes"].splitlines()
    parts.append(PUPIL_COURSE["page"]["content_warning"])
    for module in PUPIL_COURSE["modules"]:
        parts += [module["title"], module["summary"], module.get("content_warning", "")]
        for block_type, value in module["body"]:
            if block_type == "text":
                parts.append(value)
            elif block_type == "case_study":
                parts += [value["title"], value["summary"], value["body"]]
            elif block_type == "reflection":
                parts += [value["prompt"], value["hint"]]
            elif block_type == "callout":
                parts += [value["heading"], value["text"]]
    text = "\n".join(strip_tags(re.sub(r"</(p|li|h2|h3)>", ". ", p)) for p in parts if p)
    return re.sub(r"\.\s*\.", ".", text)


@pytest.fixture
def syllables_by_pyphen(monkeypatch):
    """Count syllables with textstat's Pyphen fallback.

    textstat prefers NLTK's CMU dictionary, which it downloads from GitHub on first use; CI
    and this project's machines cannot reach GitHub, so the measure would depend on the
    network. Pyphen (bundled with textstat) gives the same measure offline, every time.
    """
    from textstat.backend.counts import _count_syllables

    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: None)
    _count_syllables.count_syllables.cache_clear()
    yield
    _count_syllables.count_syllables.cache_clear()


def test_pupil_course_reads_at_flesch_kincaid_grade_7_or_below(syllables_by_pyphen):
    text = _pupil_course_text()
    assert len(text.split()) > 800
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= 7, f"Flesch-Kincaid grade {grade}"


def test_reloading_the_demo_content_keeps_learners_checklist_ticks_and_reflections(
    home_page, teacher
):
    """An editor fixed a typo in a demo module; loading the demo content again (as `make run`
    does) puts its text back, but what learners ticked and wrote there still shows."""
    from courses.selectors import module_context
    from courses.services import checklist_tick, reflection_save

    demo_content_load()
    modules = [
        ModulePage.objects.get(slug="staff-privacy-settings"),
        ModulePage.objects.get(slug="staff-privacy-if-targeted"),
    ]
    checklist = next(c for c in modules[0].body if c.block_type == "checklist")
    reflection = next(c for c in modules[1].body if c.block_type == "reflection")
    first_item = ChecklistBlock.item_ids(checklist.value)[0]
    checklist_tick(learner=teacher, module=modules[0], block_id=checklist.id, ticked=[first_item])
    reflection_save(
        learner=teacher, module=modules[1], block_id=reflection.id, text="Tell the DSL."
    )
    for module in modules:
        draft = module.get_latest_revision_as_object()
        text = next(c for c in draft.body if c.block_type == "text")
        text.value = RichText(text.value.source.replace("</p>", " (edited)</p>", 1))
        draft.save_revision().publish()

    demo_content_load()

    ticked = module_context(learner=teacher, module=ModulePage.objects.get(pk=modules[0].pk))
    assert ticked["checklist_ticks"] == {checklist.id: [first_item]}
    reloaded = next(
        c for c in ModulePage.objects.get(pk=modules[0].pk).body if c.block_type == "checklist"
    )
    assert reloaded.id == checklist.id
    assert first_item in ChecklistBlock.item_ids(reloaded.value)
    written = ModulePage.objects.get(pk=modules[1].pk)
    assert reflection.id in {c.id for c in written.body if c.block_type == "reflection"}
    assert module_context(learner=teacher, module=written)["reflections"] == {
        reflection.id: "Tell the DSL."
    }


def test_loading_the_demo_content_again_after_an_editor_copied_a_demo_course(home_page):
    """The copy's modules keep the demo modules' slugs, in another course: loading the demo
    content again (as `make run` does) still finds the demo's own, and leaves the copy be."""
    call_command("load_demo_content")
    course = CoursePage.objects.get(slug="protecting-your-professional-reputation")
    copy = course.copy(recursive=True, update_attrs={"slug": "our-version", "title": "Our version"})
    revisions = {m.pk: m.latest_revision_id for m in ModulePage.objects.child_of(copy)}

    call_command("load_demo_content")

    assert {m.pk: m.latest_revision_id for m in ModulePage.objects.child_of(copy)} == revisions


def _dsl_escalation_text(client, user) -> str:
    import html as html_lib

    demo_content_load()
    client.force_login(user)
    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS["dsl-response"][1])
    page = html_lib.unescape(client.get(module.url).content.decode())
    return page


def test_the_platform_case_study_cites_only_the_sources_it_draws_on(
    client, home_page, safeguarding_lead
):
    """ "What the platform promised, and what schools saw" retells the Welsh minister's
    statement and the ASCL/NAHT statement after meeting TikTok; nothing in it comes from
    NAHT's essential guide, which it also listed as a source."""
    page = _dsl_escalation_text(client, safeguarding_lead)
    section = page.split(">What the platform promised, and what schools saw</h2>", 1)[1]
    sources = section.split("</section>")[0].split('class="case-study__sources"', 1)[1]
    text = " ".join(strip_tags(sources).split())
    assert "Statement on meeting with TikTok about posts abusing teachers" in text
    assert "report of the Welsh education minister's written statement" in text
    assert "Social media, TikTok and mobile phones in schools: an essential guide" not in text


def test_the_lado_is_named_as_naht_names_it_with_no_other_nations_role_invented(
    client, home_page, school, safeguarding_lead
):
    """The escalation module told every lead, in its own voice, to tell "the LADO", a role the
    sources name only in NAHT's guide. Leads read that it is NAHT's advice, and that the
    officer their own local safeguarding procedures name is the one to tell."""
    from schools.models import School

    school.nation = School.Nation.WALES
    school.save()
    page = _dsl_escalation_text(client, safeguarding_lead)
    section = page.split(">The LADO and the police</h2>", 1)[1].split("<h2")[0]
    text = " ".join(strip_tags(section).split())
    assert (
        "NAHT's guide says that if you think a colleague has used their own phone or another "
        "personal device to commit a crime, you must contact the police and inform the Local "
        "Authority Designated Officer (LADO)." in text
    )
    assert "if your local safeguarding procedures name another officer" in text
    contacts = page.split(">Escalation contacts</h2>", 1)[1].split("</aside>")[0]
    assert "or the officer your local safeguarding procedures name" in strip_tags(contacts)


def test_the_escalation_contacts_name_no_police_role_the_sources_do_not_name(
    client, home_page, school, safeguarding_lead
):
    """ "Escalation contacts" asked every lead to keep their "police safer-schools officer's"
    details: a role none of the case studies names, and one many schools (in Wales, Scotland
    and Northern Ireland, or in English areas without such a scheme) do not have. The
    sources say to consider the police; the lead keeps the local police contact."""
    from schools.models import School

    school.nation = School.Nation.SCOTLAND
    school.save()
    page = _dsl_escalation_text(client, safeguarding_lead)
    contacts = page.split(">Escalation contacts</h2>", 1)[1].split("</aside>")[0]
    text = " ".join(strip_tags(contacts).split())
    assert "police safer-schools officer" not in text
    assert "and how to reach your local police" in text
