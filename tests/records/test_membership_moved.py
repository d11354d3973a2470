"""A pupil moved to another class by editing their group membership in the admin joins that
class then: a course assigned to it earlier gives them its days for people who join later,
as a pupil added to the class has, instead of showing as overdue at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from records.selectors import school_standings
from records.states import State
from schools.models import Membership
from tests.factories import GroupFactory
from tests.records.conftest import assignment_made_at

pytestmark = pytest.mark.django_db


def test_a_pupil_moved_to_another_class_has_the_days_for_people_who_join_later(
    school, klass, pupil, pupil_course
):
    other = GroupFactory(school=school, name="8S")
    today = timezone.localdate()
    assignment_made_at(
        timezone.now() - timedelta(days=40),
        school=school,
        course_page_id=pupil_course.pk,
        group=other,
        due_on=today - timedelta(days=5),
        new_starter_days=30,
    )
    place = Membership.objects.get(user=pupil, group=klass)
    Membership.objects.filter(pk=place.pk).update(joined_at=timezone.now() - timedelta(days=400))
    place = Membership.objects.get(pk=place.pk)  # as the admin's edit form loads it
    place.group = other
    place.save()
    _courses, items = school_standings(school=school, today=today)
    (item,) = [i for i in items if i.learner_id == pupil.pk]
    assert item.state == State.NOT_STARTED
    assert item.due_on == today + timedelta(days=30)
