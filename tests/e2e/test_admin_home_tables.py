"""The admin home page's own panels, read with a screen reader."""

import pytest
from playwright.sync_api import expect

from assessments.models import Quiz
from tests.e2e.conftest import assert_accessible, sign_in, statement_refused
from xapi.models import ForwardingTarget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_forwarding_and_drafts_tables_on_the_admin_home_page_have_names(
    page, live_server, administrator, home_page
):
    """WCAG 1.3.1 (info and relationships), technique H39: a screen reader lists a page's
    tables by name and reads the name on entering one. Wagtail names the tables of its own
    home panels with a caption; the forwarding and drafts panels' tables had none, so
    they were announced only as "table" among the others."""
    target = ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="https://lrs.trust.example.org/data/xAPI/"
    )
    statement_refused(target, "HTTP 400: the statement was refused")
    quiz = Quiz(title="Check what you know", questions=[], live=False)
    quiz.save()
    quiz.save_revision()

    sign_in(page, live_server, administrator.username)
    page.goto(f"{live_server.url}/admin/")
    forwarding = page.get_by_role(
        "table", name="Forwarding targets with statements refused or waiting too long"
    )
    expect(forwarding.get_by_role("cell", name="Trust LRS")).to_be_visible()
    drafts = page.get_by_role("table", name="Drafts waiting to be published, newest first")
    expect(drafts.get_by_role("link", name="Check what you know")).to_be_visible()
    assert_accessible(page, include="#upstander-forwarding-section")
    assert_accessible(page, include="#upstander-drafts-section")
