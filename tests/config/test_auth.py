"""Sending a form after one's sign-in has ended (signed out in another tab, marked as having
left): signing in again leads back to the page the form was on, never to the form's POST-only
address; a page's script gets the reason; an out-of-date form gets a page saying what
happened."""

import uuid
from urllib.parse import quote

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from config.auth import form_page
from scenarios.models import ScenarioAttempt
from scenarios.services import scenario_attempt_start
from tests.scenarios.helpers import published_scenario

REASON = "You were signed out, so that was not saved. Sign in to carry on."
PAGE = "/pupils/respect-online/if-you-see-it/"

SCENARIO = uuid.uuid4()
# Every form sent to a view that only takes a POST, and the part of the page it is in (the ids
# need not exist: nobody signed out reaches the view; a choice for an attempt that does not
# exist has no place to return to).
FORMS = [
    ("scenarios:start", [SCENARIO], f"#scenario-{SCENARIO}"),
    ("scenarios:choose", [uuid.uuid4()], ""),
    ("scenarios:skip", [uuid.uuid4()], ""),
    ("courses:course_start", [1], ""),
    ("courses:module_read", [1], ""),
    ("courses:checklist_save", [1, "ab12"], "#block-ab12"),
    ("courses:reflection_save", [1, "cd34"], "#block-cd34"),
    ("assessments:quiz_start", [1, uuid.uuid4()], ""),
    ("h5p:statements", [uuid.uuid4()], ""),
    # And the safeguarding lead's.
    ("records:person_left", [1], ""),
    ("records:assignment_delete", [1], ""),
]


def _login_url(next_page: str) -> str:
    return f"{reverse('login')}?next={quote(next_page, safe='/')}"


@pytest.mark.parametrize(
    ("fields", "headers", "expected"),
    [
        ({"return_to": PAGE}, {}, PAGE),
        ({"return_to": f"{PAGE}?tab=2"}, {}, f"{PAGE}?tab=2"),
        # A return address on another site is never followed: the Referer, then home.
        (
            {"return_to": "https://evil.example/"},
            {"HTTP_REFERER": f"http://testserver{PAGE}"},
            PAGE,
        ),
        ({"return_to": "//evil.example/"}, {}, "/home/"),
        ({}, {"HTTP_REFERER": f"http://testserver{PAGE}?q=1"}, f"{PAGE}?q=1"),
        ({}, {"HTTP_REFERER": "http://evil.example/page/"}, "/home/"),
        ({}, {"HTTP_REFERER": "not a url"}, "/home/"),
        ({}, {}, "/home/"),
    ],
)
def test_the_page_a_form_came_from(fields, headers, expected):
    request = RequestFactory().post("/learning/modules/1/read/", fields, **headers)
    assert form_page(request) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "anchor"), FORMS, ids=[form[0] for form in FORMS])
def test_a_form_sent_when_signed_out_leads_back_to_its_page(client, name, args, anchor):
    url = reverse(name, args=args)
    response = client.post(url, {"return_to": PAGE}, HTTP_REFERER=f"http://testserver{PAGE}")
    assert response.status_code == 302
    assert response["Location"] == _login_url(PAGE + anchor)
    # The sign-in page says what happened.
    assert REASON in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "_anchor"), FORMS, ids=[form[0] for form in FORMS])
@pytest.mark.parametrize(
    "headers",
    [{"HTTP_X_REQUESTED_WITH": "fetch"}, {"HTTP_ACCEPT": "application/json"}],
    ids=["fetch", "json"],
)
def test_a_script_sending_a_form_when_signed_out_is_told_why(client, name, args, _anchor, headers):
    response = client.post(reverse(name, args=args), {}, **headers)
    assert response.status_code == 403
    assert response.json() == {"error": REASON, "signed_out": True}


@pytest.mark.django_db
def test_signing_in_again_returns_the_learner_to_where_they_were_in_a_scenario(client, pupil):
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    page = reverse("scenarios:play", args=[scenario.uuid])
    # Signed out in another tab, the learner picks a choice in this one.
    response = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "start", "step": 0, "choice": "report", "return_to": page},
    )
    # Back to the player, not the top of its page.
    player = f"{page}#scenario-{scenario.uuid}"
    assert response["Location"] == _login_url(player)
    signed_in = client.post(
        response["Location"], {"username": pupil.username, "password": "secret-pass-123"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == player
    html = client.get(page).content.decode()
    # Nothing was applied: they choose again from the same place.
    attempt = ScenarioAttempt.objects.get(pk=attempt.pk)
    assert attempt.step == 0
    assert f"/scenarios/attempts/{attempt.uuid}/choose/" in html


@pytest.mark.django_db
def test_an_out_of_date_form_gets_a_page_saying_what_happened(pupil):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pupil)
    response = client.post(reverse("courses:module_read", args=[1]), {"csrfmiddlewaretoken": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>This page was out of date</h1>" in html
    assert "nothing has been changed" in html
    assert "CSRF" not in html


@pytest.mark.django_db
def test_the_out_of_date_form_page_is_translated_like_the_other_error_pages(pupil, monkeypatch):
    # Every sentence of it goes through the translations, as on the 403, 404 and 500 pages.
    from django.utils import translation

    translation.gettext("")  # loads the real function, to wrap it
    real = translation._trans.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda message: f"[{real(message)}]")
    client = Client(enforce_csrf_checks=True)
    client.force_login(pupil)
    response = client.post(reverse("courses:module_read", args=[1]), {"csrfmiddlewaretoken": "x"})
    html = response.content.decode()
    assert "<h1>[This page was out of date]</h1>" in html
    assert "<p>[Go back, reload the page, and try again.]</p>" in html
    assert ">[Go to your home page]</a>" in html
