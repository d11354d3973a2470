"""The error pages: the 500 page renders with no database (it is what people see when the
database is down), looks like the rest of the site, and still tells a worried pupil or member
of staff where to get help."""

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


def test_the_500_page_still_signposts_help():
    html = server_error(RequestFactory().get("/")).content.decode()
    assert 'href="tel:08001111"' in html  # Childline
    assert "ceop.police.uk" in html
    assert 'href="tel:03443814772"' in html  # Professionals Online Safety Helpline


def test_the_400_page_is_titled_in_english_in_the_sites_look():
    """A request Django refuses as malformed (a form with too many fields, say) got Django's
    bare "Bad Request (400)": no title and no language, for a screen reader (WCAG 2.4.2,
    3.1.1), and nothing saying what to do next."""
    from django.core.exceptions import SuspiciousOperation
    from django.views.defaults import bad_request

    response = bad_request(RequestFactory().get("/learning/"), SuspiciousOperation())
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="en-GB">' in html
    assert "<title>" in html
    assert f'<link rel="stylesheet" href="{static("css/site.css")}">' in html
    assert 'href="/home/"' in html
