"""Context activities as arrays (Part Two 4.1.6.2), without a database."""

from xapi.statements.arrays import context_activities_listed

PARENT = {"objectType": "Activity", "id": "http://example.org/parent"}


def test_a_single_context_activity_becomes_an_array_of_one():
    statement = {"context": {"contextActivities": {"parent": PARENT, "other": [PARENT]}}}
    listed = context_activities_listed(statement)
    assert listed["context"]["contextActivities"] == {"parent": [PARENT], "other": [PARENT]}
    assert statement["context"]["contextActivities"]["parent"] is PARENT  # not modified


def test_inside_a_substatement_too():
    sub = {"objectType": "SubStatement", "context": {"contextActivities": {"grouping": PARENT}}}
    listed = context_activities_listed({"object": sub})
    assert listed["object"]["context"]["contextActivities"]["grouping"] == [PARENT]
    assert sub["context"]["contextActivities"]["grouping"] is PARENT


def test_a_statement_already_in_arrays_is_returned_as_it_is():
    statement = {"context": {"contextActivities": {"parent": [PARENT]}}, "object": PARENT}
    assert context_activities_listed(statement) is statement
    assert context_activities_listed({"object": PARENT}) == {"object": PARENT}
