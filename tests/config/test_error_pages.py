"""The error pages: the 500 page renders with no database (it is what people see when the
database is down); it and the 400 page look like the rest of the site and still tell a worried
pupil or member of staff where to get help."""

import pytest
from django.templatetags.static import static
from django.test import RequestFactory
from django.views.defaults import server_error


def test_the_500_page_renders_without_the_database_in_the_sites_look():
    # No django_db mark: any query made while rendering would raise.
    response = server_error(RequestFactory().get("/learning/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<link rel="stylesheet" href="{static("css/site.css")}">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "Sorry, something went wrong" in html
    assert 'href="/home/"' in html


def _server_error_page():
    return server_error(RequestFactory().get("/"))


def _bad_request_page():
    from django.core.exceptions import SuspiciousOperation
    from django.views.defaults import bad_request

    return bad_request(RequestFactory().get("/learning/"), SuspiciousOperation())


@pytest.mark.parametrize(
    "error_page",
    [_bad_request_page, _server_error_page],
    ids=["400", "500"],
)
def test_the_error_pages_still_signpost_help(error_page):
    """Every page of the site ends with where a worried pupil or member of staff can get
    help; the 400 page (a form the site could not read) left it out."""
    html = error_page().content.decode()
    assert 'href="tel:08001111"' in html  # Childline
    assert "ceop.police.uk" in html
    assert 'href="tel:03443814772"' in html  # Professionals Online Safety Helpline


def test_the_400_page_is_titled_in_english_in_the_sites_look():
    """A request Django refuses as malformed (a form with too many fields, say) got Django's
    bare "Bad Request (400)": no title and no language, for a screen reader (WCAG 2.4.2,
    3.1.1), and nothing saying what to do next."""
    response = _bad_request_page()
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="en-GB">' in html
    assert "<title>" in html
    assert f'<link rel="stylesheet" href="{static("css/site.css")}">' in html
    assert 'href="/home/"' in html
