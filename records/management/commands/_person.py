"""The one person a command's username argument names (not a command: Django skips modules
whose names start with an underscore)."""

from django.core.management.base import CommandError

from schools.selectors import people_with_username


def person_named(username: str):
    """The person with `username` as sign-in finds them (in any capitals); a clear error when
    there is none, or when it names case twins and neither exactly."""
    people = people_with_username(username)
    if not people:
        raise CommandError(f"No person with username {username!r}, in any capitals.")
    if len(people) > 1:
        found = ", ".join(repr(person.username) for person in people)
        raise CommandError(
            f"{username!r} is the username of several people in other capitals ({found}): "
            "give the one meant exactly."
        )
    [person] = people
    return person
