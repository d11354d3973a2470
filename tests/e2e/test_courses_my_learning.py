"""My learning in a real browser: assigned courses show due date and state, the most urgent
first; the page passes axe-core at phone and desktop sizes, with and without assignments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import DESKTOP, MOBILE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_courses(home_page):
    from courses.demo import demo_content_load

    return demo_content_load()


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile", "desktop"])
def test_pupil_sees_an_overdue_course_first_with_its_due_date_and_can_open_their_pshe_record(
    browser, live_server, school, pupil, teacher, demo_courses, viewport
):
    from courses.models import Audience, CoursePage
    from records.services import assignment_create
    from schools.roles import Role

    pupil_courses = list(CoursePage.objects.live().filter(audience=Audience.PUPILS))
    last = pupil_courses[-1]
    due = timezone.localdate() - timedelta(days=3)
    assignment_create(school=school, course_page_id=last.pk, role=Role.PUPIL, due_on=due)
    staff = demo_courses["staff-privacy"]
    assignment_create(
        school=school,
        course_page_id=staff.pk,
        role=Role.STAFF,
        due_on=timezone.localdate() + timedelta(days=60),
    )

    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    try:
        sign_in(page, live_server, pupil.username)
        page.goto(f"{live_server.url}/learning/")
        first = page.locator(".course-card").first
        assert first.get_by_role("heading", level=2).inner_text() == last.title
        assert first.locator(".course-card__due").inner_text() == (
            f"Overdue Due {due.day} {due:%B %Y}"
        )
        assert page.locator(".course-card__due").count() == 1
        assert_accessible(page)
        page.get_by_role("link", name="My PSHE record").click()
        assert page.url.endswith("/records/pshe/")
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, live_server, teacher.username)
        page.goto(f"{live_server.url}/learning/")
        card = page.locator(".course-card", has_text=staff.title)
        assert "Not started" in card.locator(".course-card__due").inner_text()
        assert page.get_by_role("link", name="My PSHE record").count() == 0
        assert_accessible(page)
    finally:
        ctx.close()
