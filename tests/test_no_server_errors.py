"""Bad input never gets a server error: as each demo person, every page reachable from
their start pages loads, and every form on those pages, sent with each field in turn
replaced by nonsense (letters for a number, an empty value, a negative, a number too big for
the database, a NUL byte, a non-ASCII digit, a fraction, the nil UUID), gets an answer below
500. The pages and forms are found by following links, so new ones are covered as they
appear."""

from html.parser import HTMLParser
from io import StringIO

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
# Not followed: leaving, files, and forms whose job is to change who can sign in.
SKIP = ("logout", "password", "erase", ".pdf", ".csv", ".json")
MAX_PAGES = 120


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
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
            if href.startswith("/") and not href.startswith("/admin"):
                self.links.append(href)


def _skipped(url: str) -> bool:
    return any(part in url for part in SKIP)


@pytest.mark.parametrize("username", ["pupil", "teacher", "dsl"])
def test_no_page_or_form_answers_a_server_error(client, settings, home_page, username):
    from schools.models import User

    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_content", stdout=StringIO())
    client.force_login(User.objects.get(username=username))
    client.raise_request_exception = False  # collect every failure, not just the first
    failures, seen, queue, forms_sent = [], set(), list(START_PAGES), 0
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or _skipped(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(("GET", url, response.status_code))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        queue += [link for link in page.links if link not in seen]
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
    assert len(seen) > 5 and forms_sent > 0
    assert failures == [], "\n".join(map(repr, failures))
