"""Send due reminder emails now, or make sure the self-scheduling reminders task runs."""

from django.core.management.base import BaseCommand

from records.services import reminders_send, task_results_purge
from records.tasks import reminders_schedule_ensure
from schools.services import EMAILS_RESENT, emails_abandoned_resend


class Command(BaseCommand):
    help = (
        "Email staff whose assignments are due soon, overdue, expiring or expired (each "
        "reminder at most once). Run daily from cron, or pass --schedule once at deploy to "
        "start the background task that reschedules itself every day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Start the self-rescheduling background task (needs `manage.py db_worker`).",
        )

    def handle(self, *args, **options):
        # Daily from cron either way: a password reset email whose task worker was stopped
        # mid-send is otherwise never sent.
        if resent := emails_abandoned_resend():
            self.stdout.write(EMAILS_RESENT % resent)
        if options["schedule"]:
            started = reminders_schedule_ensure()
            # Daily from cron with --verbosity 0, which emails what it prints: only a start.
            if started or options["verbosity"] >= 1:
                self.stdout.write(
                    "Reminders task scheduled." if started else "Reminders task already scheduled."
                )
            return
        task_results_purge()
        sent = reminders_send()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminders."))
