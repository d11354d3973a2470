"""Throw away the records derived from statements and build them again from the LRS."""

from django.core.management.base import BaseCommand

from records.services import records_rebuild


class Command(BaseCommand):
    help = "Rebuild completions and activity summaries from the stored xAPI statements."

    def handle(self, *args, **options):
        read = records_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt records from {read} statements."))
