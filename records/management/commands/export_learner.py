"""Export everything held about one person as JSON, for a subject access request."""

import json

from django.core.management.base import BaseCommand, CommandError

from records.services import learner_export
from schools.selectors import people_with_username


class Command(BaseCommand):
    help = "Print one person's learning record as JSON (subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        people = people_with_username(username)
        if not people:
            raise CommandError(f"No person with username {username!r}, in any capitals.")
        if len(people) > 1:
            found = ", ".join(repr(person.username) for person in people)
            raise CommandError(
                f"{username!r} is the username of several people in other capitals ({found}): "
                "give the one meant exactly."
            )
        [learner] = people
        self.stdout.write(json.dumps(learner_export(learner=learner), indent=2, default=str))
