import pytest


@pytest.fixture(autouse=True)
def _fresh_graph_cache():
    """Revision ids are reused after each test's rollback, so forget cached graphs."""
    from scenarios.selectors import graph_for_revision

    graph_for_revision.cache_clear()
    yield
    graph_for_revision.cache_clear()
