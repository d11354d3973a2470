"""An independent xAPI client (the `tincan` package from PyPI, Rustici's TinCanPython)
writes to and queries the built-in LRS over real HTTP."""

import base64
import uuid

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    LanguageMap,
    RemoteLRS,
    Statement,
    Verb,
)

from tests.factories import SchoolFactory
from xapi.models import LrsClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remote_lrs(live_server):
    credentials = LrsClient(name="TinCan", school=SchoolFactory())
    secret = credentials.issue_secret()
    credentials.save()
    return RemoteLRS(
        version="1.0.3",
        endpoint=f"{live_server.url}/xapi/",
        auth="Basic " + base64.b64encode(f"{credentials.key}:{secret}".encode()).decode(),
    )


def tincan_statement(activity_id):
    return Statement(
        actor=Agent(name="Tool user", mbox="mailto:tool-user@example.org"),
        verb=Verb(
            id="http://adlnet.gov/expapi/verbs/experienced",
            display=LanguageMap({"en-US": "experienced"}),
        ),
        object=Activity(
            id=activity_id,
            definition=ActivityDefinition(name=LanguageMap({"en-US": "Privacy settings"})),
        ),
    )


def test_tincan_client_saves_retrieves_and_queries(remote_lrs):
    # (remote_lrs.about() is not used: TinCanPython 1.0.0 refuses an About answer that also
    # lists 2.0.0, which the spec requires us to list.)
    activity_id = f"http://example.org/activities/{uuid.uuid4()}"
    saved = remote_lrs.save_statement(tincan_statement(activity_id))
    assert saved.success, saved.data
    statement_id = saved.content.id

    got = remote_lrs.retrieve_statement(statement_id)
    assert got.success
    assert str(got.content.id) == str(statement_id)
    assert got.content.object.id == activity_id

    batch = remote_lrs.save_statements([tincan_statement(activity_id) for _ in range(3)])
    assert batch.success, batch.data

    page = remote_lrs.query_statements({"activity": Activity(id=activity_id), "limit": 2})
    assert page.success, page.data
    seen = [s.id for s in page.content.statements]
    more = page.content.more
    while more:
        next_page = remote_lrs.more_statements(more)
        assert next_page.success, next_page.data
        seen += [s.id for s in next_page.content.statements]
        more = next_page.content.more
    assert len(seen) == 4
    assert len(set(seen)) == 4


def test_tincan_client_uses_state_documents(remote_lrs):
    from tincan import StateDocument

    activity = Activity(id="http://example.org/activities/state-test")
    agent = Agent(mbox="mailto:tool-user@example.org")
    doc = StateDocument(
        activity=activity, agent=agent, id="bookmark", content="slide-4", content_type="text/plain"
    )
    assert remote_lrs.save_state(doc).success
    got = remote_lrs.retrieve_state(activity=activity, agent=agent, state_id="bookmark")
    assert got.success
    assert bytes(got.content.content) == b"slide-4"
    ids = remote_lrs.retrieve_state_ids(activity=activity, agent=agent)
    assert ids.content == ["bookmark"]
