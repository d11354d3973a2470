"""My learning: assigned courses show their due date and state, urgent ones first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Audience, CoursePage
from courses.selectors import my_learning_items
from records.services import assignment_create
from schools.roles import Role
from tests.courses.conftest import module_page

pytestmark = pytest.mark.django_db


def add_course(catalogue, title, *, modules=1):
    page = CoursePage(
        title=title,
        audience=Audience.PUPILS,
        summary="A course.",
        estimated_minutes=20,
        learning_outcomes="Learn",
    )
    catalogue.add_child(instance=page)
    page.save_revision().publish()
    page = CoursePage.objects.get(pk=page.pk)
    for n in range(1, modules + 1):
        module_page(page, f"{page.slug}-m{n}")
    return page


def assign(school, course, due_on, role=Role.PUPIL):
    return assignment_create(school=school, course_page_id=course.pk, role=role, due_on=due_on)


def get_my_learning(client, user):
    client.force_login(user)
    return client.get(reverse("courses:my_learning"))


def test_an_overdue_assignment_shows_its_due_date_and_state(client, school, pupil, course, modules):
    due = timezone.localdate() - timedelta(days=10)
    assign(school, course, due)
    html = get_my_learning(client, pupil).content.decode()
    assert (
        f'<span class="status status--overdue">Overdue</span> <strong>Due {due.day} {due:%B %Y}'
        in html
    )
    assert "course-card--attention" in html


def test_a_course_not_assigned_shows_no_due_date(client, pupil, course, modules):
    html = get_my_learning(client, pupil).content.decode()
    assert "Respect online" in html
    assert "Due " not in html
    assert "course-card--attention" not in html


def test_a_completed_assignment_is_not_shown_as_still_due(client, school, pupil, course, modules):
    due = timezone.localdate() + timedelta(days=10)
    assign(school, course, due)
    for module in modules:
        services.module_read_confirm(learner=pupil, module=module)
    html = get_my_learning(client, pupil).content.decode()
    assert '<span class="status status--completed">Completed</span>' in html
    assert f"Due {due.day} {due:%B %Y}" not in html


def test_overdue_and_due_soon_come_first_then_other_assigned_then_the_rest(
    client, school, pupil, pupil_catalogue
):
    today = timezone.localdate()
    first_in_site_order = add_course(pupil_catalogue, "Not assigned")
    later = add_course(pupil_catalogue, "Due next year")
    soon = add_course(pupil_catalogue, "Due in three days")
    overdue = add_course(pupil_catalogue, "Overdue course")
    done = add_course(pupil_catalogue, "Done already")
    assign(school, later, today + timedelta(days=365))
    assign(school, soon, today + timedelta(days=3))
    assign(school, overdue, today - timedelta(days=1))
    assign(school, done, today + timedelta(days=2))
    services.module_read_confirm(learner=pupil, module=done.modules().first())

    items = my_learning_items(learner=pupil, today=today)

    assert [i.course.title for i in items] == [
        "Overdue course",
        "Due in three days",
        "Due next year",
        "Done already",
        "Not assigned",
    ]
    assert [i.assignment.state.label for i in items[:4]] == [
        "Overdue",
        "Not started",
        "Not started",
        "Completed",
    ]
    assert items[4].assignment is None
    assert first_in_site_order.pk == items[4].course.pk
    html = get_my_learning(client, pupil).content.decode()
    assert (
        html.index("Overdue course") < html.index("Due in three days") < html.index("Not assigned")
    )


def test_a_course_assigned_to_staff_only_is_not_shown_to_a_pupil(
    client, school, pupil, teacher, course, staff_course
):
    assign(school, staff_course, timezone.localdate(), role=Role.STAFF)
    response = get_my_learning(client, pupil)
    assert [i.course.pk for i in response.context["courses"]] == [course.pk]
    response = get_my_learning(client, teacher)
    [item] = response.context["courses"]
    assert item.assignment is not None and item.assignment.due_on == timezone.localdate()


def test_my_learning_query_count_does_not_grow_with_courses_or_assignments(
    client, school, pupil, pupil_catalogue
):
    today = timezone.localdate()
    assign(school, add_course(pupil_catalogue, "One", modules=2), today)
    client.force_login(pupil)
    url = reverse("courses:my_learning")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        course = add_course(pupil_catalogue, f"More {n}", modules=3)
        assign(school, course, today + timedelta(days=n))
        services.module_read_confirm(learner=pupil, module=course.modules().first())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["courses"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pupils_get_a_link_to_their_pshe_record_and_staff_do_not(client, pupil, teacher):
    pshe = reverse("records:my_pshe")
    assert f'href="{pshe}"' in get_my_learning(client, pupil).content.decode()
    assert f'href="{pshe}"' not in get_my_learning(client, teacher).content.decode()


def test_my_learning_counts_only_completions_since_a_renewal(client, pupil, course, modules):
    from records.services import course_renewal_require

    services.module_read_confirm(learner=pupil, module=modules[0])
    [before] = get_my_learning(client, pupil).context["courses"]
    assert before.progress.completed_count == 1
    course_renewal_require(course_page_id=course.pk, reason="Updated")
    [after] = get_my_learning(client, pupil).context["courses"]
    assert after.progress.completed_count == 0 and after.progress.percent == 0


def _rows_read(client, url) -> int:
    """How many rows the page's queries read: each SELECT it ran, run again and counted."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    rows = 0
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute(query["sql"])
                rows += len(cursor.fetchall())
    return rows


def test_my_learning_reads_the_learners_own_assignments_not_the_whole_schools(
    client, school, klass, pupil, course, pupil_catalogue
):
    from schools.models import Membership
    from tests.factories import UserFactory

    today = timezone.localdate()
    assign(school, course, today)  # to every pupil (by role)
    class_course = add_course(pupil_catalogue, "For 8R")
    assignment_create(school=school, course_page_id=class_course.pk, group=klass, due_on=today)
    client.force_login(pupil)
    url = reverse("courses:my_learning")
    client.get(url)
    few = _rows_read(client, url)
    classmates = [UserFactory(school=school, roles=[Role.PUPIL]) for _ in range(40)]
    Membership.objects.bulk_create([Membership(group=klass, user=p) for p in classmates])
    assert _rows_read(client, url) == few
