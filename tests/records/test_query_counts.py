"""The dashboard's queries do not grow with learners, completions or statements."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from records.projection import completions_project
from records.services import assignment_create
from schools.models import Membership
from schools.roles import Role
from tests.factories import UserFactory
from tests.records.conftest import module_iris
from tests.records.statements import COMPLETED, EXPERIENCED, keys, statement

pytestmark = pytest.mark.django_db


def _grow(school, team, course, n: int) -> None:
    """Add n staff to the team, each with a few statements and completions."""
    people = [UserFactory(school=school, roles=[Role.STAFF]) for _ in range(n)]
    Membership.objects.bulk_create([Membership(group=team, user=p) for p in people])
    batch = []
    for i, person in enumerate(people):
        for module in module_iris(course):
            batch.append(statement(person, EXPERIENCED, module, grouping=course.activity_iri))
            batch.append(statement(person, COMPLETED, module, grouping=course.activity_iri))
        if i % 2:
            batch.append(statement(person, COMPLETED, course.activity_iri, when=timezone.now()))
    completions_project(statements=batch, learners_by_key=keys(*people))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("records:dashboard"),
        reverse("records:matrix"),
        reverse("records:matrix") + "?status=overdue&role=staff",
        reverse("records:matrix_csv"),
        reverse("records:overview_csv"),
        reverse("records:groups_csv"),
    ],
)
def test_dashboard_queries_do_not_grow_with_rows(
    client, school, staff_team, staff_course, pupil_course, safeguarding_lead, url
):
    for course in (staff_course, pupil_course):
        assignment_create(
            school=school,
            course_page_id=course.pk,
            group=staff_team,
            due_on=date.today() - timedelta(days=1),
        )
    client.force_login(safeguarding_lead)
    _grow(school, staff_team, staff_course, 3)
    client.get(url)  # warm per-process caches (site root paths, content types)
    small = _count(client, url)
    _grow(school, staff_team, staff_course, 40)
    large = _count(client, url)
    assert large == small


def test_pshe_class_queries_do_not_grow_with_pupils(client, school, klass, teacher, pupil_course):
    url = reverse("records:pshe_class", args=[klass.pk])
    client.force_login(teacher)
    # With a course set for the class, so what is set for it is worked out too.
    assignment_create(
        school=school, course_page_id=pupil_course.pk, group=klass, due_on=date.today()
    )

    def add_pupils(n):
        pupils = [UserFactory(school=school, roles=[Role.PUPIL]) for _ in range(n)]
        Membership.objects.bulk_create([Membership(group=klass, user=p) for p in pupils])
        completions_project(
            statements=[
                statement(p, COMPLETED, m) for p in pupils for m in module_iris(pupil_course)
            ],
            learners_by_key=keys(*pupils),
        )

    add_pupils(2)
    client.get(url)
    small = _count(client, url)
    add_pupils(30)
    assert _count(client, url) == small


def test_pshe_overview_queries_do_not_grow_with_classes_or_pupils(
    client, school, klass, safeguarding_lead, pupil_course
):
    from courses.models import ClassLesson
    from tests.factories import GroupFactory

    url = reverse("records:pshe_groups")
    client.force_login(safeguarding_lead)

    def add_class(n):
        group = GroupFactory(school=school)
        pupils = [UserFactory(school=school, roles=[Role.PUPIL]) for _ in range(n)]
        Membership.objects.bulk_create([Membership(group=group, user=p) for p in pupils])
        completions_project(
            statements=[statement(p, COMPLETED, module_iris(pupil_course)[0]) for p in pupils],
            learners_by_key=keys(*pupils),
        )
        ClassLesson.objects.create(
            group=group, course=pupil_course, taught_on=date.today(), pupil_count=n
        )

    add_class(2)
    client.get(url)
    small = _count(client, url)
    for _ in range(5):
        add_class(10)
    assert _count(client, url) == small


def test_voiding_completions_takes_no_more_queries_for_more_learners(school):
    """Removing a lesson led with a year group voids what it recorded for every pupil there
    in one batch: the completion times left are worked out for them all together, not with
    two queries for each pupil and lesson."""
    import uuid
    from datetime import UTC, datetime

    from records.models import LearnerActivity
    from records.projection import VERB_VOIDED
    from tests.records.statements import iri
    from xapi.services import record

    course, module = iri("course", "void-course"), iri("module", "void-module")
    earlier = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    later = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    bystander = UserFactory(school=school, roles=[Role.PUPIL])
    record(statements=[statement(bystander, COMPLETED, module, when=later)], school=school)

    def void_for(n: int) -> tuple[int, list]:
        pupils = [UserFactory(school=school, roles=[Role.PUPIL]) for _ in range(n)]
        kept, lesson = [], []
        for pupil in pupils:
            kept.append(statement(pupil, COMPLETED, module, when=earlier))
            lesson.append(statement(pupil, COMPLETED, module, when=later))
            lesson.append(statement(pupil, COMPLETED, course, when=later))
        record(statements=kept + lesson, school=school)
        voiding = [
            {
                "id": str(uuid.uuid4()),
                "actor": s["actor"],
                "verb": {"id": VERB_VOIDED},
                "object": {"objectType": "StatementRef", "id": s["id"]},
                "timestamp": s["timestamp"],
            }
            for s in lesson
        ]
        with CaptureQueriesContext(connection) as queries:
            record(statements=voiding, school=school)
        summaries = sorted(
            (pupils.index(a.learner), a.activity_iri, a.first_completed_at, a.last_completed_at)
            for a in LearnerActivity.objects.filter(learner__in=pupils).select_related("learner")
        )
        return len(queries), summaries

    few, summaries = void_for(2)
    # What each pupil did before the lesson still counts; the lesson's course completion
    # was their only statement about the course, so nothing of it is left.
    assert summaries == [(i, module, earlier, earlier) for i in range(2)]
    many, summaries = void_for(20)
    assert summaries == [(i, module, earlier, earlier) for i in range(20)]
    assert many == few
    untouched = LearnerActivity.objects.get(learner=bystander)
    assert (untouched.first_completed_at, untouched.last_completed_at) == (later, later)


def _upstanders_own(queries) -> int:
    """The queries, bar Wagtail's upkeep of its reference index: it forgets each deleted row
    on its own (a query and a savepoint a row), whoever deletes it."""
    return sum(
        1
        for query in queries.captured_queries
        if not query["sql"].startswith(
            ('DELETE FROM "wagtailcore_referenceindex"', "SAVEPOINT", "RELEASE SAVEPOINT")
        )
    )


def test_erasing_leavers_takes_no_more_queries_for_more_leavers(school, klass):
    """Erasing the people who left longer ago than the school keeps records went one person
    at a time: their log entry, their statements and records, the files their statements
    carried (reading every such statement in the school again), their sign-ins, and their
    account with Django's cascade over every table that refers to people: some seventy
    queries a person, thousands for a year's leavers. They now go together."""
    from records.models import DataProtectionEvent
    from records.services import leavers_purge
    from schools.models import User
    from tests.factories import PupilFactory
    from tests.records.statements import iri
    from xapi.models import Statement
    from xapi.services import record

    school.retention_months = 12
    school.save()

    def purge(n: int) -> int:
        leavers = [PupilFactory(school=school, is_active=False) for _ in range(n)]
        Membership.objects.bulk_create([Membership(group=klass, user=p) for p in leavers])
        record(
            statements=[statement(p, COMPLETED, iri("module", "m1")) for p in leavers],
            school=school,
        )
        User.objects.filter(pk__in=[p.pk for p in leavers]).update(
            left_on=timezone.localdate() - timedelta(days=400)
        )
        with CaptureQueriesContext(connection) as queries:
            assert leavers_purge()[school.name] == n
        assert not User.objects.filter(pk__in=[p.pk for p in leavers]).exists()
        assert not Membership.objects.filter(user__in=leavers).exists()
        assert not Statement.objects.filter(school=school).exists()
        return _upstanders_own(queries)

    purge(1)  # warm per-process caches (content types)
    few = purge(2)
    many = purge(8)
    assert many == few
    logged = DataProtectionEvent.objects.filter(
        school=school, kind=DataProtectionEvent.Kind.ERASED_AFTER_LEAVING
    )
    assert logged.count() == 11
    assert set(logged.values_list("role", "groups")) == {("Pupil", "8R")}


def test_deleting_people_together_in_the_admin_takes_no_more_queries_for_more_people(
    client, school, klass
):
    """Ticking several people in the admin's Users and deleting them erased them one at a
    time, some seventy queries a person: a class of thirty took thousands, inside one
    request. They now go together, as leavers do, each still erased and logged."""
    from records.models import DataProtectionEvent
    from schools.models import User
    from tests.factories import PupilFactory
    from tests.records.statements import iri
    from xapi.models import Statement
    from xapi.services import record

    admin = UserFactory(school=None, username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("wagtail_bulk_action", args=[User._meta.app_label, "user", "delete"])

    def delete(n: int) -> int:
        people = [PupilFactory(school=school) for _ in range(n)]
        Membership.objects.bulk_create([Membership(group=klass, user=p) for p in people])
        record(
            statements=[statement(p, COMPLETED, iri("module", "m1")) for p in people],
            school=school,
        )
        ids = "&".join(f"id={p.pk}" for p in people)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(f"{url}?next=/admin/users/&{ids}").status_code == 302
        assert not User.objects.filter(pk__in=[p.pk for p in people]).exists()
        assert not Statement.objects.filter(school=school).exists()
        return _upstanders_own(queries)

    delete(1)  # warm per-process caches (content types)
    few = delete(2)
    many = delete(8)
    assert many == few
    logged = DataProtectionEvent.objects.filter(
        school=school, kind=DataProtectionEvent.Kind.ERASED, via=DataProtectionEvent.Via.ADMIN
    )
    assert logged.count() == 11
    assert set(logged.values_list("role", "groups", "by")) == {("Pupil", "8R", admin.pk)}
