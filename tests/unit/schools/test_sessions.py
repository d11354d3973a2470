"""When a signed-in session is saved again (pure: the session's own data and the time)."""

import pytest

from schools.sessions import ALLOWANCE, RENEWED, session_renew_due

NOW = 1_800_000_000


@pytest.mark.parametrize(
    ("session", "due"),
    [
        ({}, False),  # nobody signed in
        ({"_session_expiry": 1800, RENEWED: NOW - 3000}, False),  # not given at our sign-in
        ({"_session_expiry": 0, ALLOWANCE: 1800, RENEWED: NOW - 3000}, False),  # Wagtail's
        ({"_session_expiry": 1209600, ALLOWANCE: 1800, RENEWED: NOW - 3000}, False),
        ({"_session_expiry": 1800, ALLOWANCE: 1800, RENEWED: NOW}, False),
        ({"_session_expiry": 1800, ALLOWANCE: 1800, RENEWED: NOW - 299}, False),
        ({"_session_expiry": 1800, ALLOWANCE: 1800, RENEWED: NOW - 300}, True),  # a sixth
        ({"_session_expiry": 14400, ALLOWANCE: 14400, RENEWED: NOW - 300}, False),
        ({"_session_expiry": 14400, ALLOWANCE: 14400, RENEWED: NOW - 2400}, True),
        ({"_session_expiry": 1800, ALLOWANCE: 1800}, True),  # never renewed
    ],
)
def test_a_session_is_renewed_once_a_sixth_of_its_allowance_has_passed(session, due):
    assert session_renew_due(session, NOW) is due
