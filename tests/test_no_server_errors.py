"""Bad input never gets a server error: as each demo person, every page reachable from
their start pages loads, and every form on those pages, sent with each field in turn
replaced by nonsense (letters for a number, an empty value, a negative, a number too big for
the database, a NUL byte, a non-ASCII digit, a fraction, the nil UUID), gets an answer below
500. The pages and forms are found by following links, so new ones are covered as they
appear. The same crawl checks that no page announces a region twice."""

from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

NONSENSE = ["abc", "", "-1", "9" * 30, "\x00", "²", "1.5", "00000000-0000-0000-0000-000000000000"]
START_PAGES = [
    "/learning/",
    "/schools/groups/",
    "/records/dashboard/",
    "/records/pshe/",
    "/records/pshe/classes/",
    "/records/cpd/",
    "/scenarios/analytics/",
    "/scenarios/classroom/",
]
# Not followed: leaving, files, forms whose job is to change who can sign in, and Wagtail's
# admin (whose forms, such as the page editor's, staff reach from the site's pages too).
SKIP = ("logout", "password", "erase", "/left/", ".pdf", ".csv", ".json")
ADMIN = "/admin/"
MAX_PAGES = 120


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        # The open elements, each with the label of the region it is (or None), and every
        # label of a region opened inside an open region labelled the same.
        self.open: list[tuple[str, str | None]] = []
        self.doubled_regions: list[str] = []

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        label = attrs.get("aria-labelledby") or attrs.get("aria-label")
        is_region = label and (attrs.get("role") == "region" or tag == "section")
        if is_region and any(open_label == label for _tag, open_label in self.open):
            self.doubled_regions.append(label)
        if tag not in VOID:
            self.open.append((tag, label if is_region else None))
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": (attrs.get("method") or "get").lower(),
                    "fields": {},
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value") or "1")
        elif tag == "a":
            href = (attrs.get("href") or "").split("#")[0]
            if href.startswith("/"):
                self.links.append(href)


def _skipped(url: str) -> bool:
    """Not followed: another site, the admin, or a SKIP part. `url` is as the page wrote it
    (the admin's userbar writes `//testserver/admin/...`)."""
    parts = urlsplit(url)
    off_site = parts.netloc not in ("", "testserver")
    return off_site or parts.path.startswith(ADMIN) or any(part in url for part in SKIP)


def _crawl(client, username: str):
    """Sign in as a demo person and yield (url, response, parsed page) for every page reachable
    from the start pages (a parsed page only for HTML answered 200)."""
    from schools.models import User

    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_content", stdout=StringIO())
    client.force_login(User.objects.get(username=username))
    client.raise_request_exception = False  # collect every failure, not just the first
    seen, queue = set(), list(START_PAGES)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or _skipped(url):
            continue
        seen.add(url)
        response = client.get(url)
        page = None
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            page = _Page()
            page.feed(response.content.decode())
            queue += [link for link in page.links if link not in seen]
        yield url, response, page


@pytest.mark.parametrize("username", ["pupil", "teacher", "dsl", "admin"])
def test_no_page_or_form_answers_a_server_error(client, settings, home_page, username):
    settings.DEBUG = True  # the demo refuses to load otherwise
    failures, pages, forms_sent = [], 0, 0
    for url, response, page in _crawl(client, username):
        pages += 1
        if response.status_code >= 500:
            failures.append(("GET", url, response.status_code))
        if page is None:
            continue
        for form in page.forms:
            action = form["action"] or url
            if _skipped(action):
                continue
            send = client.post if form["method"] == "post" else client.get
            for name in form["fields"]:
                if name == "csrfmiddlewaretoken":
                    continue
                for value in NONSENSE:
                    answer = send(action, {**form["fields"], name: value})
                    forms_sent += 1
                    if answer.status_code >= 500:
                        failures.append((form["method"], action, name, value, answer.status_code))
    assert pages > 5 and forms_sent > 0
    assert failures == [], "\n".join(map(repr, failures))


@pytest.mark.parametrize("username", ["pupil", "teacher", "dsl"])
def test_no_page_nests_a_region_inside_one_with_the_same_name(
    client, settings, home_page, username
):
    """A labelled section holding a scrolling table region labelled by the same heading is
    announced twice by screen readers ("By course, region; By course, region")."""
    settings.DEBUG = True
    doubled, pages = [], 0
    for url, _response, page in _crawl(client, username):
        if page is not None:
            pages += 1
            doubled += [(url, label) for label in page.doubled_regions]
    assert pages > 5
    assert doubled == []
