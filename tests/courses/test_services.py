"""Learner actions in courses: each is a statement, and completion is read from records."""

import pytest

from courses import services
from courses.models import ChecklistProgress, Enrolment, Reflection
from courses.selectors import course_progress
from records.models import Completion
from records.selectors import completed_activity_iris
from tests.courses.conftest import module_page
from xapi.identity import activity_iri, actor_for
from xapi.models import Statement
from xapi.services import record
from xapi.statements.builders import Activity

pytestmark = pytest.mark.django_db

VERB = "http://adlnet.gov/expapi/verbs/"


def verbs_for(learner, iri):
    return list(
        Statement.objects.filter(learner=learner, object_iri=iri)
        .order_by("stored", "id")
        .values_list("verb_iri", flat=True)
    )


def complete_activity(learner, iri, at=None):
    """What a scenario, quiz or H5P player does when the learner finishes: a completing
    statement through the one recording path (dated `at`, if given)."""
    statement = {
        "actor": actor_for(learner),
        "verb": {"id": VERB + "completed"},
        "object": {"objectType": "Activity", "id": iri},
    }
    if at is not None:
        statement["timestamp"] = at.isoformat()
    record(statements=[statement], school=learner.school)


@pytest.fixture
def quiz(db):
    from assessments.models import Quiz

    return Quiz.objects.create(title="Check your understanding")


@pytest.fixture
def h5p_activity(db):
    from h5p.models import H5PActivity

    return H5PActivity.objects.create(title="Drag the words")


@pytest.fixture
def activity_module(course, modules, quiz, h5p_activity):
    """A fourth module with two required activities."""
    return module_page(
        course,
        "with-activities",
        body=[
            ("text", "<p>Read.</p>"),
            ("quiz", {"quiz": quiz, "required": True}),
            ("h5p", {"activity": h5p_activity, "required": True}),
        ],
    )


def test_course_registration_enrols_on_first_use_and_is_stable(pupil, course):
    first = services.course_registration(learner=pupil, course=course)
    again = services.course_registration(learner=pupil, course=course)
    assert first == again
    assert Enrolment.objects.get(learner=pupil, course=course).registration == first


def test_each_learner_has_their_own_registration(pupil, teacher, course):
    assert services.course_registration(
        learner=pupil, course=course
    ) != services.course_registration(learner=teacher, course=course)


def test_course_launch_records_launched_and_goes_to_the_first_unfinished_module(
    pupil, course, modules
):
    target = services.course_launch(learner=pupil, course=course)
    assert target.pk == modules[0].pk
    assert verbs_for(pupil, course.activity_iri) == [VERB + "launched"]
    statement = Statement.objects.get(learner=pupil, object_iri=course.activity_iri)
    registration = services.course_registration(learner=pupil, course=course)
    assert statement.data["context"]["registration"] == str(registration)

    services.module_read_confirm(learner=pupil, module=modules[0])
    assert services.course_launch(learner=pupil, course=course).pk == modules[1].pk


def test_a_course_whose_last_unfinished_module_is_unpublished_completes_on_carrying_on(
    pupil, course, modules
):
    services.module_read_confirm(learner=pupil, module=modules[0])
    services.module_read_confirm(learner=pupil, module=modules[1])
    modules[2].unpublish()
    progress = course_progress(learner=pupil, course=course)
    assert (progress.completed_count, progress.total) == (2, 2)
    # Nothing is left to do in the course, so "Carry on" is all the learner can do.
    services.course_launch(learner=pupil, course=course)
    assert course_progress(learner=pupil, course=course).complete
    services.course_launch(learner=pupil, course=course)
    assert Completion.objects.filter(learner=pupil, activity_iri=course.activity_iri).count() == 1


def test_pupils_appear_in_course_statements_only_by_opaque_id(pupil, course, modules):
    # Names no course text can contain by chance (a generated surname could be "Lock").
    pupil.first_name, pupil.last_name = "Oriel", "Farrowmere"
    pupil.save(update_fields=["first_name", "last_name"])
    services.course_launch(learner=pupil, course=course)
    services.module_read_confirm(learner=pupil, module=modules[0])
    for statement in Statement.objects.filter(learner=pupil):
        actor = statement.data["actor"]
        assert actor["account"]["name"] == str(pupil.learner_id)
        assert pupil.username not in str(statement.data)
        assert pupil.last_name not in str(statement.data)
        assert pupil.first_name not in str(statement.data)


def test_module_experience_records_experienced_with_the_course_as_parent(pupil, course, modules):
    services.module_experience(learner=pupil, module=modules[1])
    statement = Statement.objects.get(learner=pupil, object_iri=modules[1].activity_iri)
    assert statement.verb_iri == VERB + "experienced"
    parents = statement.data["context"]["contextActivities"]["parent"]
    assert [p["id"] for p in parents] == [course.activity_iri]


def test_read_confirm_completes_a_module_without_activities(pupil, course, modules):
    services.module_read_confirm(learner=pupil, module=modules[0])
    assert completed_activity_iris(learner=pupil, activity_iris=[modules[0].activity_iri]) == {
        modules[0].activity_iri
    }
    progress = course_progress(learner=pupil, course=course)
    assert (progress.completed_count, progress.total, progress.percent) == (1, 3, 33)
    assert not progress.complete


def test_read_confirm_twice_records_one_completion(pupil, modules):
    services.module_read_confirm(learner=pupil, module=modules[0])
    services.module_read_confirm(learner=pupil, module=modules[0])
    assert (
        Completion.objects.filter(learner=pupil, activity_iri=modules[0].activity_iri).count() == 1
    )


def test_read_confirm_is_refused_when_the_module_has_activities(pupil, activity_module):
    with pytest.raises(services.CourseActionError):
        services.module_read_confirm(learner=pupil, module=activity_module)
    assert not Completion.objects.filter(learner=pupil).exists()


def test_course_completes_when_its_last_module_does(pupil, course, modules):
    for module in modules:
        services.module_read_confirm(learner=pupil, module=module)
    progress = course_progress(learner=pupil, course=course)
    assert progress.complete and progress.percent == 100
    assert verbs_for(pupil, course.activity_iri).count(VERB + "completed") == 1


def test_progress_sync_completes_the_module_only_when_every_required_activity_is_done(
    pupil, activity_module, quiz, h5p_activity
):
    complete_activity(pupil, activity_iri("quiz", quiz.uuid))
    services.module_progress_sync(learner=pupil, module=activity_module)
    assert not Completion.objects.filter(
        learner=pupil, activity_iri=activity_module.activity_iri
    ).exists()

    complete_activity(pupil, activity_iri("h5p", h5p_activity.uuid))
    services.module_progress_sync(learner=pupil, module=activity_module)
    services.module_progress_sync(learner=pupil, module=activity_module)
    assert (
        Completion.objects.filter(learner=pupil, activity_iri=activity_module.activity_iri).count()
        == 1
    )


def test_progress_sync_completes_the_course_after_its_last_module(
    pupil, course, modules, activity_module, quiz, h5p_activity
):
    for module in modules:
        services.module_read_confirm(learner=pupil, module=module)
    assert not course_progress(learner=pupil, course=course).complete
    complete_activity(pupil, activity_iri("quiz", quiz.uuid))
    complete_activity(pupil, activity_iri("h5p", h5p_activity.uuid))
    services.module_progress_sync(learner=pupil, module=activity_module)
    assert course_progress(learner=pupil, course=course).complete


def test_a_completion_delivered_late_dates_the_module_and_course_when_the_last_part_was_done(
    pupil, course, modules, activity_module, quiz, h5p_activity
):
    from datetime import timedelta

    from django.utils import timezone

    def completed_at(page):
        return Completion.objects.get(learner=pupil, activity_iri=page.activity_iri).completed_at

    now = timezone.now().replace(microsecond=0)  # statements keep milliseconds
    for module in modules:
        services.module_read_confirm(learner=pupil, module=module)
    # The H5P answer was given two hours ago and kept in the tab; the quiz was passed an
    # hour ago, after it. The module is complete from the quiz, the later of the two.
    complete_activity(pupil, activity_iri("quiz", quiz.uuid), at=now - timedelta(hours=1))
    two_hours_ago = now - timedelta(hours=2)
    complete_activity(pupil, activity_iri("h5p", h5p_activity.uuid), at=two_hours_ago)
    services.module_progress_sync(learner=pupil, module=activity_module, at=two_hours_ago)
    assert completed_at(activity_module) == now - timedelta(hours=1)
    # The other modules were read just now: the course is complete from the last of them.
    assert completed_at(course) == max(completed_at(m) for m in modules)


def test_a_module_whose_last_part_arrives_late_is_dated_when_that_part_was_done(
    pupil, activity_module, quiz, h5p_activity
):
    from datetime import timedelta

    from django.utils import timezone

    two_hours_ago = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    complete_activity(pupil, activity_iri("quiz", quiz.uuid), at=two_hours_ago - timedelta(1))
    complete_activity(pupil, activity_iri("h5p", h5p_activity.uuid), at=two_hours_ago)
    services.module_progress_sync(learner=pupil, module=activity_module, at=two_hours_ago)
    completion = Completion.objects.get(learner=pupil, activity_iri=activity_module.activity_iri)
    assert completion.completed_at == two_hours_ago


def test_an_activity_in_two_modules_completes_both_when_finished_in_either(
    pupil, course, modules, quiz
):
    """docs/authoring.md: a learner completes a module when they have finished every
    required activity on it. The same quiz required in two modules of a course is one
    activity (its IRI is the quiz's): passed in one, the other shows it done, so that module
    is complete too, and the course with it, not left waiting for an "I've read this"."""
    first = module_page(course, "first-check", body=[("quiz", {"quiz": quiz, "required": True})])
    second = module_page(course, "second-check", body=[("quiz", {"quiz": quiz, "required": True})])
    for module in modules:
        services.module_read_confirm(learner=pupil, module=module)
    complete_activity(pupil, activity_iri("quiz", quiz.uuid))
    services.module_progress_sync(learner=pupil, module=first)
    progress = course_progress(learner=pupil, course=course)
    assert [m.complete for m in progress.modules] == [True] * 5
    assert progress.complete
    assert second.activity_iri in completed_activity_iris(
        learner=pupil, activity_iris=[second.activity_iri]
    )


def test_a_module_whose_activities_were_finished_elsewhere_is_complete_on_opening_it(
    client, pupil, course, modules, activity_module, quiz, h5p_activity
):
    """docs/authoring.md: a learner completes a module when they have finished every
    required activity on it, however they got there (courses/activity.py): here the quiz
    and the H5P activity were finished outside the module (a scenario's own page, a school's
    tool through the LRS). Its page shows both done, so it says the module is complete, and
    the course with it, rather than asking the pupil to say they have read it."""
    for module in modules:
        services.module_read_confirm(learner=pupil, module=module)
    complete_activity(pupil, activity_iri("quiz", quiz.uuid))
    complete_activity(pupil, activity_iri("h5p", h5p_activity.uuid))
    client.force_login(pupil)
    page = client.get(activity_module.url)
    assert page.status_code == 200
    assert page.context["module_complete"] is True
    assert page.context["can_confirm_read"] is False
    assert course_progress(learner=pupil, course=course).complete


def test_progress_sync_ignores_another_learners_completions(
    pupil, teacher, activity_module, quiz, h5p_activity
):
    complete_activity(teacher, activity_iri("quiz", quiz.uuid))
    complete_activity(teacher, activity_iri("h5p", h5p_activity.uuid))
    services.module_progress_sync(learner=pupil, module=activity_module)
    assert not Completion.objects.filter(learner=pupil).exists()


def test_progress_sync_leaves_a_module_without_activities_to_read_confirm(pupil, modules):
    services.module_progress_sync(learner=pupil, module=modules[0])
    assert not Completion.objects.filter(learner=pupil).exists()


def test_completed_statements_carry_the_registration(pupil, course, modules):
    services.module_read_confirm(learner=pupil, module=modules[0])
    registration = services.course_registration(learner=pupil, course=course)
    completion = Completion.objects.get(learner=pupil, activity_iri=modules[0].activity_iri)
    assert completion.registration == registration


@pytest.fixture
def checklist_module(course):
    return module_page(
        course,
        "checklist",
        body=[
            (
                "checklist",
                {
                    "title": "Check your settings",
                    "intro": "",
                    "platforms": [
                        {"platform": "Instagram", "items": ["Private account", "Hide activity"]},
                        {"platform": "TikTok", "items": ["Private account"]},
                    ],
                },
            )
        ],
    )


def checklist_ids(module):
    from courses.blocks import ChecklistBlock

    child = module.body[0]
    return child.id, ChecklistBlock.item_ids(child.value)


def test_checklist_ticks_are_saved_and_reported_as_progress(pupil, checklist_module):
    block_id, items = checklist_ids(checklist_module)
    assert len(items) == 3
    services.checklist_tick(
        learner=pupil, module=checklist_module, block_id=block_id, ticked=[items[2], items[0]]
    )
    saved = ChecklistProgress.objects.get(learner=pupil, block_id=block_id)
    assert saved.ticked == [items[0], items[2]]
    statement = Statement.objects.get(learner=pupil, verb_iri=VERB + "progressed")
    assert statement.object_iri == activity_iri("checklist", block_id)
    assert statement.data["result"]["score"]["raw"] == 2
    assert statement.data["result"]["completion"] is False


def test_ticking_every_item_completes_the_checklist(pupil, checklist_module):
    block_id, items = checklist_ids(checklist_module)
    services.checklist_tick(learner=pupil, module=checklist_module, block_id=block_id, ticked=items)
    assert Completion.objects.filter(
        learner=pupil, activity_iri=activity_iri("checklist", block_id)
    ).exists()


def test_unticking_saves_the_smaller_set(pupil, checklist_module):
    block_id, items = checklist_ids(checklist_module)
    services.checklist_tick(learner=pupil, module=checklist_module, block_id=block_id, ticked=items)
    services.checklist_tick(learner=pupil, module=checklist_module, block_id=block_id, ticked=[])
    assert ChecklistProgress.objects.get(learner=pupil, block_id=block_id).ticked == []


def test_an_item_no_longer_on_the_checklist_is_left_out_and_the_other_ticks_saved(
    pupil, checklist_module
):
    block_id, items = checklist_ids(checklist_module)
    services.checklist_tick(
        learner=pupil, module=checklist_module, block_id=block_id, ticked=["gone", items[1]]
    )
    assert ChecklistProgress.objects.get(learner=pupil, block_id=block_id).ticked == [items[1]]
    statement = Statement.objects.get(learner=pupil, verb_iri=VERB + "progressed")
    assert statement.data["result"]["score"]["raw"] == 1


def test_unknown_checklist_block_is_refused(pupil, checklist_module):
    with pytest.raises(services.CourseActionError):
        services.checklist_tick(learner=pupil, module=checklist_module, block_id="x", ticked=[])


@pytest.fixture
def reflection_module(course):
    return module_page(
        course, "reflect", body=[("reflection", {"prompt": "How would you feel?", "hint": ""})]
    )


def test_reflection_is_kept_privately_and_never_sent_in_a_statement(pupil, reflection_module):
    block_id = reflection_module.body[0].id
    services.reflection_save(
        learner=pupil, module=reflection_module, block_id=block_id, text="  I would feel sad.  "
    )
    assert Reflection.objects.get(learner=pupil, block_id=block_id).text == "I would feel sad."
    assert not any("sad" in str(s.data) for s in Statement.objects.all())


def test_erasing_records_but_keeping_the_account_removes_reflections_ticks_and_enrolments(
    pupil, teacher, course, checklist_module, reflection_module
):
    """`erase_learner --keep-account` erases "learning records": what the pupil wrote and
    ticked, and their attempts at the course, go with their statements."""
    from django.core.management import call_command

    services.course_registration(learner=pupil, course=course)
    services.course_registration(learner=teacher, course=course)
    block_id, items = checklist_ids(checklist_module)
    for person in (pupil, teacher):
        services.checklist_tick(
            learner=person, module=checklist_module, block_id=block_id, ticked=items[:1]
        )
        services.reflection_save(
            learner=person,
            module=reflection_module,
            block_id=reflection_module.body[0].id,
            text="I would tell my form tutor.",
        )
    call_command("erase_learner", pupil.username, "--keep-account", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Reflection.objects.filter(learner=pupil).exists()
    assert not ChecklistProgress.objects.filter(learner=pupil).exists()
    assert not Enrolment.objects.filter(learner=pupil).exists()
    # The account stays, and nobody else's records are touched.
    pupil.refresh_from_db()
    assert Reflection.objects.filter(learner=teacher).count() == 1
    assert ChecklistProgress.objects.filter(learner=teacher).count() == 1
    assert Enrolment.objects.filter(learner=teacher).count() == 1


def test_reflection_can_be_changed_or_cleared(pupil, reflection_module):
    block_id = reflection_module.body[0].id
    services.reflection_save(learner=pupil, module=reflection_module, block_id=block_id, text="a")
    services.reflection_save(learner=pupil, module=reflection_module, block_id=block_id, text="")
    assert Reflection.objects.get(learner=pupil, block_id=block_id).text == ""


def test_too_long_reflection_is_refused(pupil, reflection_module):
    block_id = reflection_module.body[0].id
    with pytest.raises(services.CourseActionError):
        services.reflection_save(
            learner=pupil, module=reflection_module, block_id=block_id, text="x" * 5001
        )
    assert not Reflection.objects.exists()


def test_reflection_filling_its_box_with_new_lines_sent_as_cr_lf_is_kept(pupil, reflection_module):
    """The box counts a new line as one character; the browser sends it as two (CR LF)."""
    block_id = reflection_module.body[0].id
    text = "\r\n".join(["x" * 999] * 5) + "x"
    assert len(text.replace("\r\n", "\n")) == 5000
    services.reflection_save(learner=pupil, module=reflection_module, block_id=block_id, text=text)
    saved = Reflection.objects.get(learner=pupil, block_id=block_id).text
    assert saved == text.replace("\r\n", "\n")


def test_reflection_with_a_nul_character_is_refused_and_the_old_answer_kept(
    pupil, reflection_module
):
    block_id = reflection_module.body[0].id
    services.reflection_save(learner=pupil, module=reflection_module, block_id=block_id, text="a")
    with pytest.raises(services.CourseActionError, match="cannot be saved"):
        services.reflection_save(
            learner=pupil, module=reflection_module, block_id=block_id, text="b\x00c"
        )
    assert Reflection.objects.get(learner=pupil, block_id=block_id).text == "a"


def test_activity_iris_are_built_by_the_xapi_builders_activity(course):
    assert isinstance(course.xapi_activity(), Activity)


def test_progress_sync_queries_do_not_grow_with_the_modules_of_the_course(pupil, course):
    """An activity finished (a quiz passed, a scenario ended, H5P answered) syncs its
    module and course straight away, on the learner's request: what the course's other
    modules require is read in one query per kind of activity, not one per module."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Quiz
    from courses.models import ModulePage

    def add_modules(n):
        for _ in range(n):
            quiz = Quiz.objects.create(title="Check your understanding")
            added = module_page(
                course,
                f"check-{ModulePage.objects.count()}",
                body=[("quiz", {"quiz": quiz, "required": True})],
            )
        return added

    def count(module) -> int:
        module = ModulePage.objects.get(pk=module.pk)  # as a request would find it
        with CaptureQueriesContext(connection) as queries:
            services.module_progress_sync(learner=pupil, module=module)
        return len(queries)

    services.course_registration(learner=pupil, course=course)
    module = add_modules(2)
    small = count(module)
    add_modules(6)
    assert count(module) == small


def test_a_module_published_without_the_one_activity_left_completes_for_who_did_the_rest(
    pupil,
    teacher,
    course,
    modules,
    activity_module,
    quiz,
    h5p_activity,
    django_capture_on_commit_callbacks,
):
    """docs/authoring.md: a learner completes a module when they have finished every
    required activity on it, and a course when all its modules are. An editor takes the H5P
    activity out of the module and publishes it: a pupil who had read the other modules and
    passed the quiz has now finished everything, so the dashboard and their PSHE record must
    not keep them "in progress" until they happen to open the module again. Someone who had
    not passed the quiz is not completed."""
    for module in modules:
        services.module_read_confirm(learner=pupil, module=module)
    complete_activity(pupil, activity_iri("quiz", quiz.uuid))
    services.module_progress_sync(learner=pupil, module=activity_module)
    complete_activity(teacher, activity_iri("h5p", h5p_activity.uuid))
    assert not course_progress(learner=pupil, course=course).complete

    activity_module.body = [
        (child.block_type, child.value)
        for child in activity_module.body
        if child.block_type != "h5p"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        activity_module.save_revision().publish()

    assert course_progress(learner=pupil, course=course).complete
    assert not Completion.objects.filter(
        learner=teacher, activity_iri=activity_module.activity_iri
    ).exists()


def test_unpublishing_the_one_module_left_completes_the_course_for_who_did_the_rest(
    pupil, course, modules, django_capture_on_commit_callbacks
):
    """docs/authoring.md: a course is complete when all its published modules are. An
    editor unpublishes the one module a pupil had left: they have finished the course, so
    the dashboard and their PSHE record show it, not only once they press "Carry on"."""
    services.module_read_confirm(learner=pupil, module=modules[0])
    services.module_read_confirm(learner=pupil, module=modules[1])
    with django_capture_on_commit_callbacks(execute=True):
        modules[2].unpublish()
    assert course_progress(learner=pupil, course=course).complete
    assert verbs_for(pupil, course.activity_iri) == [VERB + "completed"]


def test_unpublishing_the_one_module_left_completes_the_course_for_who_is_kept_out_of_another(
    pupil, course, modules, django_capture_on_commit_callbacks
):
    """A module private to a pilot group the pupil is not in is not part of the course for
    them (courses.selectors.modules_open_to). They read the first; an editor unpublishes the
    third, the one they had left: they have finished the course, so the dashboard and their
    PSHE record show it, not only once they press "Carry on"."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=modules[1], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Year 9 pilot")])
    services.module_read_confirm(learner=pupil, module=modules[0])
    with django_capture_on_commit_callbacks(execute=True):
        modules[2].unpublish()
    assert course_progress(learner=pupil, course=course).complete
    assert verbs_for(pupil, course.activity_iri) == [VERB + "completed"]


@pytest.mark.parametrize("unpublished", ["scenario", "quiz"])
def test_unpublishing_the_one_activity_left_completes_the_module_for_who_did_the_rest(
    pupil, course, modules, unpublished, django_capture_on_commit_callbacks
):
    """docs/authoring.md: a scenario or quiz unpublished since a module was published no
    longer holds it back. A pupil who had read the other modules and finished the module's
    other required activity has now finished the course: the dashboard and their PSHE record
    must not keep them "in progress" until they happen to open the module again."""
    from tests.assessments.conftest import make_quiz
    from tests.scenarios.helpers import published_scenario

    scenario = published_scenario(title="The crest account")
    quiz = make_quiz(title="What would you do?")
    module = module_page(
        course,
        "two-activities",
        body=[
            ("scenario", {"scenario": scenario, "required": True}),
            ("quiz", {"quiz": quiz, "required": True}),
        ],
    )
    for other in modules:
        services.module_read_confirm(learner=pupil, module=other)
    left, finished = (scenario, quiz) if unpublished == "scenario" else (quiz, scenario)
    finished_kind = "quiz" if unpublished == "scenario" else "scenario"
    complete_activity(pupil, activity_iri(finished_kind, finished.uuid))
    services.module_progress_sync(learner=pupil, module=module)
    assert not course_progress(learner=pupil, course=course).complete

    with django_capture_on_commit_callbacks(execute=True):
        left.unpublish()

    progress = course_progress(learner=pupil, course=course)
    assert (progress.complete, progress.completed_count, progress.total) == (True, 4, 4)
    assert verbs_for(pupil, module.activity_iri) == [VERB + "completed"]
