"""Wagtail's `publish_scheduled`, refusing at go-live what publishing by hand would refuse.

What an editor schedules was checked when they scheduled it, but goes live later without its
edit form: by then a scenario it requires may have been unpublished, or republished as for
staff, or (a scenario scheduled as for staff) a pupils' lesson may have been published with
it. So each version due is checked again as its Publish button would check it; one with a
problem is not published and no longer scheduled, and its history (and this command's error
output, which cron mails) says why.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Page, Revision

REFUSED_ACTION = "upstander.publish.scheduled.refused"


def go_live_problems(obj) -> list[str]:
    """What stops this version (a revision's object) being published now."""
    if isinstance(obj, Page):
        from courses.forms import publishing_problems

        return publishing_problems(obj)
    from scenarios.models import Scenario

    if isinstance(obj, Scenario):
        from scenarios.forms import publishing_problems

        return publishing_problems(obj)
    return []


class Command(WagtailCommand):
    help = (
        "Publish what is scheduled to go live and unpublish what has expired; a version that "
        "its Publish button would now refuse is not published, and its history says why."
    )

    def handle(self, *args, **options):
        if not options["dryrun"]:
            self._refuse_what_publishing_would_refuse()
            super().handle(*args, **options)
            return
        # A dry run lists what the real run would do: it refuses for real, lists, and undoes
        # it all, so what would be refused is not listed as going live.
        with transaction.atomic():
            self._refuse_what_publishing_would_refuse(dryrun=True)
            super().handle(*args, **options)
            transaction.set_rollback(True)

    def _refuse_what_publishing_would_refuse(self, *, dryrun: bool = False) -> None:
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by(
            "approved_go_live_at"
        )
        for revision in due:
            obj = revision.as_object()
            problems = go_live_problems(obj)
            if not problems:
                continue
            go_live_at = revision.approved_go_live_at
            revision.approved_go_live_at = None
            revision.save(update_fields=["approved_go_live_at"])
            log(
                instance=obj,
                action=REFUSED_ACTION,
                revision=revision,
                data={"go_live_at": go_live_at.isoformat(), "problems": problems},
            )
            self.stderr.write(
                " ".join(
                    [
                        (
                            _("“%(title)s” would not be published at its scheduled time.")
                            if dryrun
                            else _("“%(title)s” was not published at its scheduled time.")
                        )
                        % {"title": obj.title if isinstance(obj, Page) else str(obj)},
                        *problems,
                    ]
                )
            )
