"""A method a resource does not take is a 405 that says which methods it does take (RFC 9110
15.5.6: "The origin server MUST generate an Allow header field in a 405 response containing
a list of the target resource's currently supported methods"; xAPI 1.0.3 Part Three 1.0 and
2.0.0 Part Three 4.0 follow HTTP)."""

import json
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"mbox": "mailto:learner@example.org"})
ACTIVITY = "http://example.org/activities/one"


@pytest.mark.parametrize(
    ("path", "method", "allowed"),
    [
        ("/xapi/statements", "delete", {"GET", "HEAD", "PUT", "POST", "OPTIONS"}),
        ("/xapi/statements", "patch", {"GET", "HEAD", "PUT", "POST", "OPTIONS"}),
        (
            "/xapi/activities/state?"
            + urlencode({"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}),
            "patch",
            {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"},
        ),
        (
            "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "p"}),
            "patch",
            {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"},
        ),
        (
            "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "p"}),
            "patch",
            {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"},
        ),
        (
            "/xapi/activities?" + urlencode({"activityId": ACTIVITY}),
            "post",
            {"GET", "HEAD", "OPTIONS"},
        ),
        ("/xapi/agents?" + urlencode({"agent": AGENT}), "delete", {"GET", "HEAD", "OPTIONS"}),
        ("/xapi/about", "post", {"GET", "HEAD", "OPTIONS"}),
    ],
    ids=[
        "statements DELETE",
        "statements PATCH",
        "state PATCH",
        "activity profile PATCH",
        "agent profile PATCH",
        "activities POST",
        "agents DELETE",
        "about POST",
    ],
)
def test_a_method_the_resource_does_not_take_is_a_405_naming_those_it_does(
    lrs, path, method, allowed
):
    response = getattr(lrs.client, method)(path, **lrs.headers())

    assert response.status_code == 405, response.content
    assert "Allow" in response.headers, "a 405 must say which methods the resource takes"
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    # The tool in a browser can read it too.
    assert "Allow" in response.headers["Access-Control-Expose-Headers"]
