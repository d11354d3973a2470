"""Erase a learner: their statements, their records and (by default) their account."""

from django.core.management.base import BaseCommand

from records.management.commands._person import person_named
from records.services import learner_erase


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
        learner = person_named(username)
        learner_erase(learner=learner, delete_account=not options["keep_account"])
        self.stdout.write(self.style.SUCCESS(f"Erased {learner.username}."))
