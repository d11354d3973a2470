"""A GET of a document (or of a list of document ids) with If-None-Match or If-Match
(RFC 9110 13.1.1, 13.1.2, which xAPI's ETags follow, Part Three 1.1): a tool that already
holds the current version is told so with 304 and no body; one whose If-Match names a
version that is gone gets 412, not a document it did not ask for."""

import json
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"mbox": "mailto:learner@example.org"})
ACTIVITY = "http://example.org/activities/one"
STATE = "/xapi/activities/state?" + urlencode(
    {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}
)
STATE_IDS = "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT})
PROFILE = "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "p"})


@pytest.mark.parametrize("url", [STATE, PROFILE], ids=["state", "activity profile"])
def test_a_get_naming_the_current_etag_in_if_none_match_is_304_without_the_document(lrs, url):
    """RFC 9110 13.1.2: when If-None-Match matches, "the origin server MUST NOT perform the
    requested method ... instead, the origin server MUST respond with ... the 304 (Not
    Modified) status code if the request method is GET or HEAD"."""
    assert lrs.put(url, {"page": 3}, HTTP_IF_NONE_MATCH="*").status_code == 204
    etag = lrs.get(url).headers["ETag"]

    unchanged = lrs.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["ETag"] == etag
    # Compared weakly (13.1.2), as a compressing proxy passes the tag on.
    assert lrs.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304

    changed = lrs.get(url, HTTP_IF_NONE_MATCH='"0000000000000000000000000000000000000000"')
    assert changed.status_code == 200
    assert changed.json() == {"page": 3}


def test_a_list_of_state_ids_naming_its_etag_in_if_none_match_is_304(lrs):
    lrs.put(STATE, {"page": 3})
    etag = lrs.get(STATE_IDS).headers["ETag"]

    assert lrs.get(STATE_IDS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    lrs.put(STATE.replace("bookmark", "preferences"), {"captions": True})
    assert lrs.get(STATE_IDS, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_get_whose_if_match_names_a_version_that_is_gone_is_412(lrs):
    """RFC 9110 13.1.1: If-Match that matches no current representation: "the origin server
    MUST NOT perform the requested method" and answers 412."""
    lrs.put(STATE, {"page": 3})
    etag = lrs.get(STATE).headers["ETag"]
    lrs.put(STATE, {"page": 4}, HTTP_IF_MATCH=etag)

    assert lrs.get(STATE, HTTP_IF_MATCH=etag).status_code == 412
    current = lrs.get(STATE).headers["ETag"]
    assert lrs.get(STATE, HTTP_IF_MATCH=current).json() == {"page": 4}
