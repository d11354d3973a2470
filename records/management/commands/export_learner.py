"""Export everything held about one person as JSON, for a subject access request."""

import json

from django.core.management.base import BaseCommand, CommandError

from records.services import learner_export
from schools.models import User


class Command(BaseCommand):
    help = "Print one person's learning record as JSON (subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        learner = User.objects.filter(username=username).first()
        if learner is None:
            raise CommandError(f"No person with username {username!r}.")
        self.stdout.write(json.dumps(learner_export(learner=learner), indent=2, default=str))
