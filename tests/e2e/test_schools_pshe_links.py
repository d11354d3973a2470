"""A teacher goes from My groups to their class's PSHE record; both pages pass axe-core."""

import pytest

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_opens_their_class_pshe_record_from_my_groups(page, live_server, teacher, klass):
    sign_in(page, live_server, teacher.username)
    page.get_by_role("link", name="My groups").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"PSHE record for {klass.name}").click()
    assert page.url.endswith(f"/records/pshe/classes/{klass.pk}/")
    assert_accessible(page)
