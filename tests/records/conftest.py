"""Fixtures for records tests: a staff course and a pupil course, each with two modules."""

import pytest

from schools.models import Group, Membership


def _course(home_page, *, audience: str, title: str, cpd_minutes=None, modules=2):
    from courses.models import CourseIndexPage, CoursePage, ModulePage

    index = CourseIndexPage.objects.filter(audience=audience).first()
    if index is None:
        index = home_page.add_child(
            instance=CourseIndexPage(
                title=f"{audience} courses", slug=f"{audience}-courses", audience=audience
            )
        )
    course = index.add_child(
        instance=CoursePage(
            title=title,
            audience=audience,
            summary="A course.",
            estimated_minutes=30,
            cpd_minutes=cpd_minutes,
            learning_outcomes="Do the thing",
        )
    )
    for n in range(1, modules + 1):
        course.add_child(
            instance=ModulePage(
                title=f"{title} module {n}", summary="A module.", estimated_minutes=10, body=[]
            )
        )
    return course


@pytest.fixture
def staff_course(home_page):
    return _course(home_page, audience="staff", title="Protecting your reputation", cpd_minutes=90)


@pytest.fixture
def pupil_course(home_page):
    return _course(home_page, audience="pupils", title="Respect online")


@pytest.fixture
def staff_team(school, teacher, safeguarding_lead):
    team = Group.objects.create(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher)
    Membership.objects.create(group=team, user=safeguarding_lead)
    return team


def assignment_made_at(when, **fields):
    """An assignment as `assignment_create(**fields)` makes it, but made at `when`: long
    enough ago that people who were there all along are past its due date."""
    from records.models import Assignment
    from records.services import assignment_create

    assignment = assignment_create(**fields)
    Assignment.objects.filter(pk=assignment.pk).update(created_at=when)
    assignment.created_at = when
    return assignment


def assign_to_team(staff_team, course, *, due_on, **more):
    """`course` assigned to the staff team, due on `due_on` (`more`: renewal_months etc.)."""
    from records.services import assignment_create

    return assignment_create(
        school=staff_team.school,
        course_page_id=course.pk,
        group=staff_team,
        due_on=due_on,
        **more,
    )


def module_iris(course) -> list[str]:
    return [m.activity_iri for m in course.modules()]
