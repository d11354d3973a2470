"""New pupils whose names give the same username start ("annl") are numbered in one pass:
each number is tried once, however many of them a file has."""

from schools import services
from schools.models import User
from schools.roster import Kind, roster_parse
from schools.services import roster_import
from tests.factories import SchoolFactory
from tests.schools.helpers import pupil_named


class CountingSet(set):
    """A set of taken usernames that counts how often it is asked about one."""

    checks = 0

    def __contains__(self, item):
        self.checks += 1
        return super().__contains__(item)


def test_numbering_many_pupils_with_one_username_start_asks_about_each_number_once(db, monkeypatch):
    school = SchoolFactory()
    pupil_named(school, "annl3", "Ann", "Long", mis_id="")  # an earlier "annl3", made by hand
    find_taken = services._taken_usernames
    sets: list[CountingSet] = []

    def counted(bases):
        sets.append(CountingSet(find_taken(bases)))
        return sets[-1]

    monkeypatch.setattr(services, "_taken_usernames", counted)
    rows = [f"A{n},Ann,Lee" for n in range(1, 61)]
    parsed = roster_parse(
        "\r\n".join(["mis_id,first_name,last_name", *rows]).encode(), kind=Kind.PUPILS
    )

    result = roster_import(school=school, kind=Kind.PUPILS, parsed=parsed)

    usernames = {login.username for login in result.logins}
    assert usernames == {"annl", "annl2", *(f"annl{n}" for n in range(4, 62))}
    assert User.objects.filter(username__startswith="annl").count() == 61
    # One question per pupil, and one more for each number already taken: not, for the
    # sixtieth pupil, sixty questions about the numbers the first fifty-nine took.
    assert sets[0].checks <= 2 * len(rows)
