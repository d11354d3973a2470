"""The admin home page's word on forwarding: which targets have statements they refused,
or statements that have waited longer than a blip (the target is down, or refuses our
credentials), so nobody has to think of looking at the forwarding status page."""

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import ForwardingTarget

# Longer than a blip the back-off rides out (its longest wait is an hour).
WAITING_TOO_LONG = timedelta(hours=1)


def targets_in_trouble():
    """Active targets with refused statements or with statements waiting longer than
    WAITING_TOO_LONG, with those counts, the oldest waiting and the latest error. A refused
    statement voided since, which a replay keeps aside for good (the target has its
    voiding), needs nobody's attention and is not counted: it would be shown for ever."""
    from .forwarding import VOIDED_AT_TARGET, outbox_summary

    since = timezone.now() - WAITING_TOO_LONG
    waiting = Q(outbox__status__in=["pending", "sending"])
    refused = Q(outbox__status="failed") & ~Q(outbox__last_error=VOIDED_AT_TARGET)
    troubled = (
        ForwardingTarget.objects.filter(is_active=True)
        .annotate(
            refused=Count("outbox", filter=refused),
            oldest_waiting=Min("outbox__created_at", filter=waiting),
        )
        .filter(Q(refused__gt=0) | Q(oldest_waiting__lt=since))
    )
    by_pk = {target.pk: target for target in troubled}
    if not by_pk:
        return []
    rows = []
    for row in outbox_summary():
        target = by_pk.get(row["target"].pk)
        if target is not None:
            rows.append(
                {
                    "target": target,
                    "refused": target.refused,
                    "waiting": row["target"].pending,
                    "oldest_waiting": target.oldest_waiting,
                    "last_error": row["last_error"],
                }
            )
    return rows


class ForwardingPanel(Component):
    name = "upstander_forwarding"
    template_name = "xapi/admin/forwarding_panel.html"
    order = 80  # before the drafts: records not reaching the trust's LRS come first

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["rows"] = self.rows
        return context


def shown_to(user) -> bool:
    """Whoever may manage forwarding targets (and replay what they refused)."""
    return user.has_perm("xapi.change_forwardingtarget")
