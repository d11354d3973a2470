"""A group that holds its school's records stays at that school.

Its assignments name the school that made them, and its lessons and classroom runs its
school's teachers and pupils: moved, the new school's lead could take back the old school's
lessons (voiding its pupils' records), and the old school's reminders went to the new
school's people.
"""

from datetime import date, timedelta

import pytest

from courses.models import Audience, ClassLesson
from records.models import Assignment
from schools.models import Group
from schools.roles import Role
from tests.courses.conftest import course_index, course_page
from tests.factories import GroupFactory, SchoolFactory, UserFactory


@pytest.fixture
def pupils_course(home_page):
    catalogue = course_index(
        home_page, title="Courses for pupils", slug="pupils", audience=Audience.PUPILS
    )
    return course_page(
        catalogue,
        title="Respect online",
        slug="respect-online",
        summary="Be kind online.",
        estimated_minutes=30,
        learning_outcomes="Say what to do",
    )


def _move(admin_client, group, school):
    return admin_client.post(
        f"/admin/schools/groups/edit/{group.pk}/",
        {"school": school.pk, "name": group.name, "kind": group.kind},
    )


def test_a_class_with_a_lesson_recorded_is_not_moved_to_another_school(
    admin_client, school, pupils_course
):
    teacher = UserFactory(school=school, roles=[Role.STAFF])
    emptied = GroupFactory(school=school, name="7E", kind=Group.Kind.CLASS)
    ClassLesson.objects.create(
        group=emptied,
        course=pupils_course,
        taught_on=date.today(),
        pupil_count=3,
        recorded_by=teacher,
    )
    other = SchoolFactory(name="Other Academy")

    response = _move(admin_client, emptied, other)

    assert response.status_code == 200
    assert "Test Academy recorded lessons with it" in response.content.decode()
    emptied.refresh_from_db()
    assert emptied.school == school


def test_a_class_with_a_course_assigned_is_not_moved_to_another_school(
    admin_client, school, pupils_course
):
    emptied = GroupFactory(school=school, name="7E", kind=Group.Kind.CLASS)
    Assignment.objects.create(
        school=school,
        course=pupils_course,
        group=emptied,
        due_on=date.today() + timedelta(days=20),
    )
    other = SchoolFactory(name="Other Academy")

    response = _move(admin_client, emptied, other)

    assert response.status_code == 200
    assert "Test Academy assigned courses to it" in response.content.decode()
    emptied.refresh_from_db()
    assert emptied.school == school
