"""Problems found against the people already in Upstander name the column as the file heads
it, as problems within the file do: an MIS export has "Adno" and "Email Address", not the
`mis_id` and `email` of the documentation, so "Line 3, mis_id" sent schools looking for a
column they do not have."""

import pytest

from schools.roles import Role
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import
from tests.factories import UserFactory


def _refused_at(school, kind, text):
    """The (line, column) of each problem the import of this file is refused with."""
    with pytest.raises(RosterImportError) as refused:
        roster_import(school=school, kind=kind, parsed=roster_parse(text.encode(), kind=kind))
    return [(e.line, e.column) for e in refused.value.errors]


def test_a_clash_with_someone_already_here_names_the_files_own_id_column(school):
    UserFactory(school=school, mis_id="1002", roles=[Role.STAFF])
    text = "Adno,Forename,Surname\r\n1001,Priya,Patel\r\n1002,Sam,Jones\r\n"
    assert _refused_at(school, Kind.PUPILS, text) == [(3, "Adno")]


def test_an_email_another_account_uses_names_the_files_own_email_column(school):
    UserFactory(school=school, username="s.jones@school.example", roles=[Role.PUPIL])
    text = "Staff Code,Forename,Surname,Email Address\r\nSJ,Sam,Jones,s.jones@school.example\r\n"
    assert _refused_at(school, Kind.STAFF, text) == [(2, "Email Address")]
