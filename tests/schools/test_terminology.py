"""The safeguarding role is named by the school's nation wherever the UI names it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from schools.context_processors import people
from schools.models import School
from schools.roles import Role
from tests.factories import SchoolFactory, UserFactory


@pytest.mark.parametrize(
    ("nation", "title", "abbreviation"),
    [
        (School.Nation.WALES, "Designated Safeguarding Person", "DSP"),
        (School.Nation.ENGLAND, "Designated Safeguarding Lead", "DSL"),
        (School.Nation.SCOTLAND, "Designated Safeguarding Lead", "DSL"),
        (School.Nation.NORTHERN_IRELAND, "Designated Safeguarding Lead", "DSL"),
    ],
)
def test_the_school_names_the_role_by_its_nation(db, nation, title, abbreviation):
    school = SchoolFactory(nation=nation)
    assert school.safeguarding_lead_title == title
    assert school.safeguarding_lead_abbreviation == abbreviation


@pytest.mark.parametrize(
    ("nation", "shown", "not_shown"),
    [
        (School.Nation.WALES, "Designated Safeguarding Person", "Designated Safeguarding Lead"),
        (School.Nation.ENGLAND, "Designated Safeguarding Lead", "Designated Safeguarding Person"),
    ],
)
def test_the_roster_page_names_the_role_the_schools_way(client, db, nation, shown, not_shown):
    lead = UserFactory(
        school=SchoolFactory(nation=nation), roles=[Role.STAFF, Role.SAFEGUARDING_LEAD]
    )
    client.force_login(lead)
    response = client.get(reverse("schools:roster_import"))
    assert f"As the {shown}," in response.text
    assert not_shown not in response.text


def test_the_context_processor_uses_the_signed_in_persons_school(db):
    request = RequestFactory().get("/")
    request.user = UserFactory(school=SchoolFactory(nation=School.Nation.WALES), roles=[Role.STAFF])
    assert people(request)["safeguarding_lead_title"] == "Designated Safeguarding Person"


def test_without_a_school_the_context_processor_says_lead(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    context = people(request)
    assert context["safeguarding_lead_title"] == "Designated Safeguarding Lead"
    assert context["user_roles"] == frozenset()


def test_the_sign_in_page_names_both_titles_for_people_not_yet_signed_in(client, db):
    text = client.get(reverse("login")).text
    assert "Designated Safeguarding Lead" in text
    assert "Designated Safeguarding Person" in text
