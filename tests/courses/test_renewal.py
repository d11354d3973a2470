"""A course marked "requires renewal": progress counts only what the learner did since."""

from datetime import date

import pytest

from courses import services
from courses.selectors import course_progress, module_context
from records.models import Completion
from records.selectors import assignments_for_learner
from records.services import assignment_create, course_renewal_require
from schools.roles import Role
from tests.courses.conftest import module_page
from tests.courses.test_services import VERB, complete_activity, verbs_for
from xapi.identity import activity_iri

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(db):
    from assessments.models import Quiz

    return Quiz.objects.create(title="Check your understanding")


@pytest.fixture
def staff_modules(staff_course, quiz):
    """One module to read, one with a required quiz."""
    return [
        module_page(staff_course, "read-me", title="Read me"),
        module_page(
            staff_course,
            "quiz-module",
            title="Quiz module",
            body=[("text", "<p>Read.</p>"), ("quiz", {"quiz": quiz, "required": True})],
        ),
    ]


def finish_course(learner, modules, quiz):
    services.module_read_confirm(learner=learner, module=modules[0])
    complete_activity(learner, activity_iri("quiz", quiz.uuid))
    services.module_progress_sync(learner=learner, module=modules[1])


def test_after_a_renewal_staff_who_had_completed_start_again_at_zero(
    teacher, staff_course, staff_modules, quiz
):
    finish_course(teacher, staff_modules, quiz)
    assert course_progress(learner=teacher, course=staff_course).complete

    course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")

    progress = course_progress(learner=teacher, course=staff_course)
    assert not progress.complete
    assert progress.percent == 0
    assert progress.next_module.pk == staff_modules[0].pk
    context = module_context(learner=teacher, module=staff_modules[1])
    assert not context["module_complete"]
    assert context["activities_remaining"] == [activity_iri("quiz", quiz.uuid)]


def test_course_page_shows_no_progress_after_a_renewal(
    client, teacher, staff_course, staff_modules, quiz
):
    finish_course(teacher, staff_modules, quiz)
    course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")
    client.force_login(teacher)
    assert "0 of 2 modules complete" in client.get(staff_course.url).content.decode()


def test_completing_again_after_a_renewal_records_a_new_course_completion(
    teacher, school, staff_course, staff_modules, quiz
):
    assignment_create(
        school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=date(2030, 1, 1)
    )
    finish_course(teacher, staff_modules, quiz)
    course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")

    # The quiz passed before the renewal does not complete the module on its own.
    services.module_progress_sync(learner=teacher, module=staff_modules[1])
    assert verbs_for(teacher, staff_course.activity_iri).count(VERB + "completed") == 1

    finish_course(teacher, staff_modules, quiz)

    progress = course_progress(learner=teacher, course=staff_course)
    assert progress.complete and progress.percent == 100
    assert verbs_for(teacher, staff_course.activity_iri).count(VERB + "completed") == 2
    assert verbs_for(teacher, staff_modules[0].activity_iri).count(VERB + "completed") == 2
    assert (
        Completion.objects.filter(learner=teacher, activity_iri=staff_course.activity_iri).count()
        == 2
    )
    [item] = assignments_for_learner(teacher)
    assert item.state.label == "Completed"


def test_after_a_renewal_a_module_whose_quiz_was_passed_again_elsewhere_completes_on_opening(
    client, teacher, staff_course, staff_modules, quiz
):
    """docs/authoring.md: a module whose activities a learner finished somewhere else is
    complete when they open it. After a "requires renewal" mark, the module they had
    completed before it asked them to finish the quiz again; they passed it again outside
    the module (its own page, a school's tool through the LRS), but opening the module left
    it incomplete, and the course with it: the completion from before the mark was taken as
    this attempt's."""
    finish_course(teacher, staff_modules, quiz)
    course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")
    services.module_read_confirm(learner=teacher, module=staff_modules[0])
    complete_activity(teacher, activity_iri("quiz", quiz.uuid))

    client.force_login(teacher)
    page = client.get(staff_modules[1].url)

    assert page.status_code == 200
    assert page.context["module_complete"] is True
    assert course_progress(learner=teacher, course=staff_course).complete
    assert verbs_for(teacher, staff_course.activity_iri).count(VERB + "completed") == 2


def test_after_a_renewal_the_learner_takes_the_course_as_a_new_attempt(
    teacher, staff_course, staff_modules, quiz
):
    from courses.models import Enrolment

    before = services.course_registration(learner=teacher, course=staff_course)
    finish_course(teacher, staff_modules, quiz)
    course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")

    after = services.course_registration(learner=teacher, course=staff_course)

    assert after != before
    assert services.course_registration(learner=teacher, course=staff_course) == after
    assert list(
        Enrolment.objects.filter(learner=teacher, course=staff_course)
        .order_by("attempt")
        .values_list("attempt", flat=True)
    ) == [1, 2]
    assert module_context(learner=teacher, module=staff_modules[0])["registration"] == after


def test_a_staff_member_who_used_every_quiz_attempt_can_retake_it_after_a_renewal(
    client, teacher, staff_course
):
    """Through the real quiz pages: one attempt allowed, passed before the renewal; after
    it the course shows 0%, the quiz can be taken again, and passing completes the course."""
    from django.urls import reverse

    from assessments.models import Attempt
    from tests.assessments.conftest import make_quiz, right_answers

    quiz = make_quiz(title="Renewal quiz", max_attempts=1)
    module = module_page(
        staff_course,
        "renewal-quiz",
        body=[("text", "<p>Read.</p>"), ("quiz", {"quiz": quiz, "required": True})],
    )
    client.force_login(teacher)

    def pass_quiz():
        response = client.post(reverse("assessments:quiz_start", args=[module.pk, quiz.uuid]))
        assert response.status_code == 302
        attempt = Attempt.objects.filter(learner=teacher, quiz=quiz).order_by("-pk").first()
        client.post(
            reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt)
        )
        return Attempt.objects.get(pk=attempt.pk)

    assert pass_quiz().passed
    assert course_progress(learner=teacher, course=staff_course).complete
    course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")
    assert "0 of 1 modules complete" in client.get(staff_course.url).content.decode()

    retake = pass_quiz()

    assert retake.passed and Attempt.objects.filter(learner=teacher).count() == 2
    assert course_progress(learner=teacher, course=staff_course).complete
    assert verbs_for(teacher, staff_course.activity_iri).count(VERB + "completed") == 2


# --- Renewing a completion that expired (an assignment's renewal period) -------------------


def _age_completions(learner, days):
    """As if everything the learner completed had been completed `days` ago, with the
    courses already assigned to them then (a completion that had run out before a course
    was assigned would last until its due date)."""
    from datetime import timedelta

    from django.utils import timezone

    from records.models import Assignment, LearnerActivity
    from schools.models import Membership, RoleGrant, User

    then = timezone.now() - timedelta(days=days)
    Completion.objects.filter(learner=learner).update(completed_at=then)
    LearnerActivity.objects.filter(learner=learner).update(
        first_seen_at=then, last_seen_at=then, first_completed_at=then, last_completed_at=then
    )
    before = then - timedelta(days=1)
    Assignment.objects.filter(created_at__gt=before).update(created_at=before)
    User.objects.filter(pk=learner.pk).update(date_joined=before, school_joined_at=before)
    Membership.objects.filter(user=learner).update(joined_at=before)
    RoleGrant.objects.filter(user=learner).update(granted_at=before)


@pytest.fixture
def yearly(school, staff_course):
    """The course assigned to all staff, to renew every twelve months."""
    return assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=Role.STAFF,
        due_on=date(2030, 1, 1),
        renewal_months=12,
    )


def _go_through_it_again(client, course):
    from django.urls import reverse

    return client.post(reverse("courses:course_start", args=[course.pk]))


@pytest.mark.parametrize(("days", "state"), [(400, "Expired"), (350, "Expiring soon")])
def test_a_staff_member_renews_an_expired_or_expiring_completion_by_taking_the_course_again(
    client, teacher, staff_course, staff_modules, quiz, yearly, days, state
):
    from courses.models import Enrolment

    finish_course(teacher, staff_modules, quiz)
    _age_completions(teacher, days)
    [item] = assignments_for_learner(teacher)
    assert item.state.label == state
    client.force_login(teacher)
    page = client.get(staff_course.url).content.decode()
    verb = "expired" if state == "Expired" else "expires"
    assert f"Your completion of this course {verb} on {item.standing.expires_on:%-d %B %Y}" in page
    assert "Go through it again" in page

    response = _go_through_it_again(client, staff_course)

    assert response.url == staff_modules[0].url
    assert "0 of 2 modules complete" in client.get(staff_course.url).content.decode()
    assert module_context(learner=teacher, module=staff_modules[0])["can_confirm_read"]
    _go_through_it_again(client, staff_course)  # carrying on does not start yet again
    attempts = Enrolment.objects.filter(learner=teacher, course=staff_course)
    assert sorted(attempts.values_list("attempt", flat=True)) == [1, 2]

    finish_course(teacher, staff_modules, quiz)

    assert course_progress(learner=teacher, course=staff_course).complete
    assert verbs_for(teacher, staff_course.activity_iri).count(VERB + "completed") == 2
    [item] = assignments_for_learner(teacher)
    assert item.state.label == "Completed"


def test_going_through_a_course_again_before_it_needs_renewing_keeps_the_completion(
    client, teacher, staff_course, staff_modules, quiz, yearly
):
    finish_course(teacher, staff_modules, quiz)
    _age_completions(teacher, 100)
    client.force_login(teacher)
    _go_through_it_again(client, staff_course)
    assert course_progress(learner=teacher, course=staff_course).complete
    page = client.get(staff_course.url).content.decode()
    assert "Go through it again" in page and "Your completion of this course" not in page


def test_without_a_renewal_period_an_old_completion_stands(
    client, school, teacher, staff_course, staff_modules, quiz
):
    assignment_create(
        school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=date(2030, 1, 1)
    )
    finish_course(teacher, staff_modules, quiz)
    _age_completions(teacher, 4000)
    client.force_login(teacher)
    _go_through_it_again(client, staff_course)
    assert course_progress(learner=teacher, course=staff_course).complete


def test_a_checklist_ticked_before_a_renewal_starts_unticked_and_new_ticks_show(
    client, teacher, staff_course
):
    """Renewing is checking the settings again (platforms change them): last time's ticks
    are not shown as this time's; what the learner ticks after the renewal is."""
    from django.urls import reverse

    from courses.blocks import ChecklistBlock

    module = module_page(
        staff_course,
        "settings-checklist",
        body=[
            (
                "checklist",
                {
                    "title": "Check your settings",
                    "intro": "",
                    "platforms": [{"platform": "Instagram", "items": ["Private", "Tags"]}],
                },
            )
        ],
    )
    child = module.body[0]
    first, second = ChecklistBlock.item_ids(child.value)
    services.checklist_tick(learner=teacher, module=module, block_id=child.id, ticked=[first])

    course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")

    assert module_context(learner=teacher, module=module)["checklist_ticks"] == {}
    client.force_login(teacher)
    html = client.get(module.url).content.decode()
    assert f'value="{first}" id="item-{first}">' in html

    url = reverse("courses:checklist_save", args=[module.pk, child.id])
    client.post(url, {"item": [second]})
    html = client.get(module.url).content.decode()
    assert f'value="{second}" id="item-{second}" checked' in html
    assert f'value="{first}" id="item-{first}">' in html


def test_the_check_page_does_not_ask_for_a_renewal_already_done(
    client, teacher, staff_course, staff_modules, quiz, yearly
):
    """A teacher's completion expired and they took the course again. Whoever checked the
    old certificate read that the course "must be taken again for the training to be
    current", though it had been: the page says it was completed again since (not when:
    the code holder is shown only what the certificate shows), and the new certificate
    says until when it is current."""
    from django.urls import reverse
    from django.utils import timezone

    from records.services import certificate_issue
    from records.states import add_months

    finish_course(teacher, staff_modules, quiz)
    _age_completions(teacher, 400)
    [old] = Completion.objects.filter(learner=teacher, activity_iri=staff_course.activity_iri)
    old_certificate = certificate_issue(learner=teacher, statement_id=old.statement_id)
    html = client.get(reverse("records:verify"), {"code": old_certificate.code}).content.decode()
    assert "the course must be taken again for the training to be current" in html

    client.force_login(teacher)
    _go_through_it_again(client, staff_course)
    finish_course(teacher, staff_modules, quiz)
    new = Completion.objects.filter(learner=teacher, activity_iri=staff_course.activity_iri)
    new = new.exclude(pk=old.pk).get()
    client.logout()

    html = client.get(reverse("records:verify"), {"code": old_certificate.code}).content.decode()
    assert "Expired certificate" in html
    assert "the course must be taken again for the training to be current" not in html
    assert (
        "They have completed the course again since: the certificate of their latest "
        "completion shows whether their training is current."
    ) in html
    new_certificate = certificate_issue(learner=teacher, statement_id=new.statement_id)
    html = client.get(reverse("records:verify"), {"code": new_certificate.code}).content.decode()
    expires_on = add_months(timezone.localdate(new.completed_at), 12)
    assert "Valid certificate" in html and f"It expires on {expires_on:%-d %B %Y}" in html
