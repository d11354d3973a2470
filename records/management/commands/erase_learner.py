"""Erase a learner: their statements, their records and (by default) their account."""

from django.core.management.base import BaseCommand, CommandError

from records.services import learner_erase
from schools.selectors import people_with_username


class Command(BaseCommand):
    help = "Erase everything Upstander holds about one person (by username)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--keep-account",
            action="store_true",
            help="Erase learning records and statements but keep the sign-in account.",
        )

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
        learner_erase(learner=learner, delete_account=not options["keep_account"])
        self.stdout.write(self.style.SUCCESS(f"Erased {learner.username}."))
