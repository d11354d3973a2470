"""A school's LRS tool takes back (voids) a module completion Upstander recorded: the course
completion that rested on it goes too, as when a class lesson is removed."""

import uuid

import pytest
from django.urls import reverse

from courses.services import module_progress_sync, module_read_confirm
from records.models import Completion
from tests.courses.conftest import module_page
from tests.xapi.conftest import LrsClientHelper
from xapi.identity import activity_iri, actor_for
from xapi.models import LrsClient, Statement

pytestmark = pytest.mark.django_db


def _lrs(school):
    from django.test import Client

    credentials = LrsClient(name="Tool", school=school, can_read=True, can_write=True)
    secret = credentials.issue_secret()
    credentials.save()
    return LrsClientHelper(Client(), credentials.key, secret)


def _completed(pupil) -> set[str]:
    return set(Completion.objects.filter(learner=pupil).values_list("activity_iri", flat=True))


def test_voiding_a_module_completion_through_the_lrs_takes_back_the_course_it_finished(
    school, pupil, course, modules
):
    """xAPI 1.0.3 §2.2.6: a voided statement is as if it had never been made. The course
    was completed because every module was; with one module's completion voided it is not."""
    for module in modules:
        module_read_confirm(learner=pupil, module=module)
    assert course.activity_iri in _completed(pupil)
    module_done = Statement.objects.get(learner=pupil, object_iri=modules[1].activity_iri)
    voiding = {
        "id": str(uuid.uuid4()),
        "actor": module_done.data["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(module_done.statement_id)},
    }
    response = _lrs(school).post(reverse("xapi:statements"), voiding)
    assert response.status_code == 200, response.content
    assert _completed(pupil) == {modules[0].activity_iri, modules[2].activity_iri}
    finished = Statement.objects.get(learner=pupil, object_iri=course.activity_iri)
    assert finished.voided


def test_voiding_an_activity_completion_through_the_lrs_takes_back_the_module_and_course(
    client, school, pupil, course, modules
):
    """xAPI 1.0.3 §2.2.6: the module was complete because its H5P activity was; with the
    activity's completed statement voided neither the module nor the course is, and the
    module page says so."""
    from h5p.models import H5PActivity
    from xapi.services import record

    h5p = H5PActivity.objects.create(title="Drag the words")
    module = module_page(course, "with-h5p", body=[("h5p", {"activity": h5p, "required": True})])
    for done in modules:
        module_read_confirm(learner=pupil, module=done)
    h5p_iri = activity_iri("h5p", h5p.uuid)
    completed = {
        "id": str(uuid.uuid4()),
        "actor": Statement.objects.filter(learner=pupil).first().data["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": h5p_iri},
    }
    record(statements=[completed], school=school)
    module_progress_sync(learner=pupil, module=module)
    assert {module.activity_iri, course.activity_iri} <= _completed(pupil)
    voiding = {
        "actor": completed["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": completed["id"]},
    }
    response = _lrs(school).post(reverse("xapi:statements"), voiding)
    assert response.status_code == 200, response.content
    assert _completed(pupil) == {m.activity_iri for m in modules}
    assert Statement.objects.get(learner=pupil, object_iri=module.activity_iri).voided
    assert Statement.objects.get(learner=pupil, object_iri=course.activity_iri).voided
    client.force_login(pupil)
    page = client.get(module.url)
    assert page.status_code == 200
    assert page.context["module_complete"] is False


def test_voiding_one_of_two_completions_of_an_activity_leaves_the_module_complete(
    school, pupil, course, modules
):
    """The module still rests on the activity's other completion."""
    from h5p.models import H5PActivity
    from xapi.services import record

    h5p = H5PActivity.objects.create(title="Drag the words")
    module = module_page(course, "with-h5p", body=[("h5p", {"activity": h5p, "required": True})])
    for done in modules:
        module_read_confirm(learner=pupil, module=done)
    actor = Statement.objects.filter(learner=pupil).first().data["actor"]
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    record(
        statements=[
            {
                "id": statement_id,
                "actor": actor,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"objectType": "Activity", "id": activity_iri("h5p", h5p.uuid)},
            }
            for statement_id in ids
        ],
        school=school,
    )
    module_progress_sync(learner=pupil, module=module)
    voiding = {
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": ids[1]},
    }
    assert _lrs(school).post(reverse("xapi:statements"), voiding).status_code == 200
    assert {module.activity_iri, course.activity_iri} <= _completed(pupil)


def test_voiding_an_activity_completion_leaves_a_module_a_class_lesson_completed(
    school, pupil, teacher, klass, course, modules
):
    """A lesson the teacher led completes the module whatever the pupil did on their own:
    taking back one of their activities does not take back the lesson."""
    from django.utils import timezone

    from courses.services import class_lesson_record
    from h5p.models import H5PActivity
    from xapi.services import record

    first, second = (H5PActivity.objects.create(title=t) for t in ("Drag", "Drop"))
    module = module_page(
        course,
        "with-h5p",
        body=[
            ("h5p", {"activity": first, "required": True}),
            ("h5p", {"activity": second, "required": True}),
        ],
    )
    completed = {
        "id": str(uuid.uuid4()),
        "actor": actor_for(pupil),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": activity_iri("h5p", first.uuid)},
    }
    record(statements=[completed], school=school)
    class_lesson_record(
        teacher=teacher,
        group=klass,
        course=course,
        modules=[module],
        pupils=[pupil],
        taught_on=timezone.localdate(),
    )
    assert module.activity_iri in _completed(pupil)
    voiding = {
        "actor": completed["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": completed["id"]},
    }
    assert _lrs(school).post(reverse("xapi:statements"), voiding).status_code == 200
    assert module.activity_iri in _completed(pupil)


def test_voiding_a_module_completion_a_tool_dated_ahead_takes_back_the_course_it_finished(
    school, pupil, course, modules
):
    """xAPI 1.0.3 §2.2.6. A school's tool whose clock runs an hour fast completes the last
    module: the projection dates it when the LRS stored it, not in the future, and the
    course completes when the pupil carries on. With the tool's statement voided, the course
    completion that rested on it goes too, although it was recorded before the time the
    tool wrote on its statement."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.services import course_launch

    for module in modules[:2]:
        module_read_confirm(learner=pupil, module=module)
    tool = _lrs(school)
    completed = {
        "id": str(uuid.uuid4()),
        "actor": actor_for(pupil),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": modules[2].activity_iri},
        "timestamp": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    assert tool.post(reverse("xapi:statements"), completed).status_code == 200
    course_launch(learner=pupil, course=course)
    assert course.activity_iri in _completed(pupil)
    voiding = {
        "actor": completed["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": completed["id"]},
    }
    assert tool.post(reverse("xapi:statements"), voiding).status_code == 200
    assert _completed(pupil) == {modules[0].activity_iri, modules[1].activity_iri}


def test_a_malformed_statement_beside_a_voiding_one_is_still_refused_with_400(school):
    """The voiding statements are looked for before the batch is validated."""
    target = str(uuid.uuid4())
    batch = [
        {"actor": {"mbox": "mailto:a@example.org"}, "verb": "voided", "object": []},
        {
            "actor": {"mbox": "mailto:a@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": target},
        },
    ]
    assert _lrs(school).post(reverse("xapi:statements"), batch).status_code == 400


@pytest.mark.parametrize("then", ["carry_on", "read_again"])
def test_a_course_completion_voided_through_the_lrs_is_not_recorded_again_unasked(
    school, pupil, course, modules, then
):
    """xAPI 1.0.3 §2.2.6: a voided statement is as if it had never been made. The school's
    tool takes back the pupil's course completion, leaving their module completions: the
    course is not complete for the pupil, their teacher or the lead, and pressing "Carry on"
    (or reading a module again) does not make it so behind the tool's back. Completing a
    module afresh does."""
    from courses.selectors import course_progress
    from courses.services import course_launch

    for module in modules:
        module_read_confirm(learner=pupil, module=module)
    finished = Statement.objects.get(learner=pupil, object_iri=course.activity_iri)
    voiding = {
        "id": str(uuid.uuid4()),
        "actor": finished.data["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(finished.statement_id)},
    }
    response = _lrs(school).post(reverse("xapi:statements"), voiding)
    assert response.status_code == 200, response.content
    assert course.activity_iri not in _completed(pupil)

    if then == "carry_on":
        course_launch(learner=pupil, course=course)
    else:
        module_read_confirm(learner=pupil, module=modules[0])

    assert course.activity_iri not in _completed(pupil)
    assert not course_progress(learner=pupil, course=course).complete
    completing = Statement.objects.filter(
        learner=pupil,
        object_iri=course.activity_iri,
        verb_iri="http://adlnet.gov/expapi/verbs/completed",
    )
    assert completing.count() == 1


def test_voiding_a_statement_about_a_module_leaves_the_course_of_who_is_kept_out_of_another(
    school, pupil, course, modules
):
    """The second module is private to a pilot group the pupil is not in, so it is no part
    of the course for them (courses.selectors.modules_open_to): they completed the course
    with the other two. The school's tool takes back the statement that they opened the
    first module, which completed nothing: their course stays complete."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from courses.services import module_experience

    restriction = PageViewRestriction.objects.create(
        page=modules[1], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Year 9 pilot")])
    module_experience(learner=pupil, module=modules[0])
    module_read_confirm(learner=pupil, module=modules[0])
    module_read_confirm(learner=pupil, module=modules[2])
    assert course.activity_iri in _completed(pupil)
    opened = Statement.objects.get(
        learner=pupil,
        object_iri=modules[0].activity_iri,
        verb_iri="http://adlnet.gov/expapi/verbs/experienced",
    )
    voiding = {
        "id": str(uuid.uuid4()),
        "actor": opened.data["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(opened.statement_id)},
    }
    response = _lrs(school).post(reverse("xapi:statements"), voiding)
    assert response.status_code == 200, response.content
    assert _completed(pupil) == {
        modules[0].activity_iri,
        modules[2].activity_iri,
        course.activity_iri,
    }
