"""Export everything held about one person as JSON, for a subject access request."""

from django.core.management.base import BaseCommand

from records.management.commands._person import person_named
from records.services import learner_export, learner_export_json


class Command(BaseCommand):
    help = "Print one person's learning record as JSON (subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        learner = person_named(username)
        self.stdout.write(learner_export_json(learner_export(learner=learner)))
