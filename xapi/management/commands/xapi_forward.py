"""Send every forwarding outbox entry that is due now (the task worker does this on its
own; this is for cron-less operation, or to push a queue by hand)."""

from django.core.management.base import BaseCommand

from xapi.forwarding import outbox_flush


class Command(BaseCommand):
    help = "Send the xAPI statements waiting in the forwarding outbox that are due now."

    def handle(self, *args, **options):
        sent = outbox_flush()
        # Cron (docs/deploying.md) runs this every ten minutes with --verbosity 0 and emails
        # whatever it prints: then only a batch sent is news.
        if sent or options["verbosity"] >= 1:
            self.stdout.write(f"Sent {sent} statements.")
