"""Wagtail admin screens for the LRS: client credentials, forwarding targets and the
forwarding outbox.

Access follows Django model permissions (`xapi.add_lrsclient`, `xapi.change_forwardingtarget`
and so on), which no role grants: superusers, or administrators given them explicitly.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.functions import Least
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

import config.converters  # noqa: F401 (registers <id:...>)
from schools.admin_viewsets import ListingViewSet

from .forwarding import (
    NO_LONGER_FOR_TARGET,
    REFUSED_SHOWN,
    VOIDED_AT_TARGET,
    outbox_half_sent_restart,
    outbox_kept_aside,
    outbox_refused,
    outbox_replay,
    outbox_schedule,
    outbox_summary,
)
from .models import ForwardingTarget, LrsClient, OutboxEntry


def _secret_page(request, client: LrsClient, secret: str):
    return TemplateResponse(
        request,
        "xapi/admin/client_secret.html",
        {
            "client": client,
            "secret": secret,
            "endpoint": request.build_absolute_uri("/xapi/"),
            "page_title": _("Credentials for %(name)s") % {"name": client.name},
        },
    )


class LrsClientCreateView(generic.CreateView):
    """Issues a key and secret with the new client, and shows the secret this once."""

    def save_instance(self):
        self.secret = self.form.instance.issue_secret()
        return super().save_instance()

    def save_action(self):
        return _secret_page(self.request, self.object, self.secret)


class LrsClientViewSet(ListingViewSet):
    """Basic-auth credentials for xAPI tools, each scoped to one school."""

    model = LrsClient
    name = "xapi_lrsclient"
    icon = "key"
    menu_label = _("LRS clients")
    url_prefix = "xapi/clients"
    add_view_class = LrsClientCreateView
    list_display = ["name", "school", "key", "can_read", "can_write", "is_active"]
    list_select_related = ("school",)
    list_filter = ["school", "is_active"]
    form_fields = ["name", "school", "can_read", "can_write", "is_active"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/new-secret/", self.new_secret_view, name="new_secret"),
        ]

    def new_secret_view(self, request, pk):
        if not request.user.has_perm("xapi.change_lrsclient"):
            raise PermissionDenied
        client = get_object_or_404(LrsClient, pk=pk)
        if request.method != "POST":
            return TemplateResponse(
                request,
                "xapi/admin/client_new_secret.html",
                {"client": client, "page_title": _("New secret")},
            )
        secret = client.issue_secret()
        client.save(update_fields=["secret_hash"])
        return _secret_page(request, client, secret)


class ForwardingTargetEditView(generic.EditView):
    """Sends what waits for the target once it is saved active: switched on again, or with
    its endpoint or password corrected, it gets its queue now, not whenever the next
    statement happens to be recorded (nothing else sends an inactive target's queue), nor
    when the address as it was asked to be left alone (a Retry-After), as a replay does."""

    def save_instance(self):
        if not self.form.cleaned_data.get("password"):
            # The password is never shown in the form (see the viewset): left blank, the
            # stored one is kept.
            self.form.instance.password = (
                ForwardingTarget.objects.filter(pk=self.object.pk)
                .values_list("password", flat=True)
                .first()
                or ""
            )
        endpoint_before = (
            ForwardingTarget.objects.filter(pk=self.object.pk)
            .values_list("endpoint", flat=True)
            .first()
        )
        target = super().save_instance()
        self._warn_if_moved(target, endpoint_before)
        waiting = OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.PENDING)
        # "Sending" too: a worker that died mid-send leaves its entries so, and any send
        # takes them once its lease is over (one still being sent is waited for).
        unsent = [OutboxEntry.Status.PENDING, OutboxEntry.Status.SENDING]
        left = OutboxEntry.objects.filter(target=target, status__in=unsent)
        if target.is_active and left.exists():
            ForwardingTarget.objects.filter(pk=target.pk).update(wait_until=None)
            target.wait_until = None
            # Due now, not when the back-off for the target as it was says: after a few
            # failures in a row a send holds back for it (`_claim`), and the queue would
            # wait out the old password's or address's back-off. The back-off starts again
            # too, as for a replay: a blip now waits its first step, not the old one's. So
            # does the count of 5xx answers in a row: those of the address as it was say
            # nothing about a statement, and a blip at the corrected one would otherwise set
            # a statement aside as one the target cannot take (`forwarding._stuck`).
            waiting.update(
                next_attempt_at=timezone.now(),
                attempts=Least(models.F("attempts"), 1),
                server_errors=0,
            )
            outbox_half_sent_restart(target=target)
            transaction.on_commit(lambda: outbox_schedule(target_id=target.pk))
        return target

    def _warn_if_moved(self, target: ForwardingTarget, endpoint_before: str | None) -> None:
        """Pointed at another LRS, a target sends it only what is still to go: what the old
        address had is not sent again, and a later voiding of one of those reaches an LRS
        that never had it. Say so, as the form cannot tell a corrected address from a move."""
        if endpoint_before is None or endpoint_before == target.endpoint:
            return
        sent = OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.SENT).count()
        if sent:
            messages.warning(
                self.request,
                ngettext(
                    "%(count)s statement was already sent to %(target)s at its old address: "
                    "it is not sent to the new one. If the new address is another LRS, it "
                    "will have only what is recorded from now on.",
                    "%(count)s statements were already sent to %(target)s at its old address: "
                    "they are not sent to the new one. If the new address is another LRS, it "
                    "will have only what is recorded from now on.",
                    sent,
                )
                % {"count": sent, "target": target.name},
            )


class ForwardingTargetDeleteView(generic.DeleteView):
    @property
    def confirmation_message(self):
        """The target's outbox goes with it: say how many statements still wait for it
        (or wait to be sent again after it refused them), which are then never sent."""
        waiting = self.object.outbox.exclude(status=OutboxEntry.Status.SENT).count()
        if not waiting:
            return super().confirmation_message
        return ngettext(
            "%(count)s statement is waiting to be sent to %(target)s. If you delete the target, "
            "it will not be sent. Are you sure you want to delete this forwarding target?",
            "%(count)s statements are waiting to be sent to %(target)s. If you delete the target, "
            "they will not be sent. Are you sure you want to delete this forwarding target?",
            waiting,
        ) % {"count": waiting, "target": self.object.name}


class ForwardingTargetViewSet(ListingViewSet):
    """Other LRSs that receive copies of the statements."""

    model = ForwardingTarget
    name = "xapi_forwardingtarget"
    icon = "redirect"
    menu_label = _("Forwarding targets")
    url_prefix = "xapi/forwarding"
    edit_view_class = ForwardingTargetEditView
    delete_view_class = ForwardingTargetDeleteView
    # The version's label given as written: Wagtail and Django capitalise a field's first
    # letter ("XAPI version").
    list_display = [
        "name",
        "school",
        "endpoint",
        "scope",
        Column("get_version_display", label=_("xAPI version"), sort_key="version"),
        "is_active",
    ]
    list_select_related = ("school",)
    list_filter = ["school", "is_active", "scope"]
    form_fields = [
        "name",
        "school",
        "endpoint",
        "username",
        "password",
        "version",
        "scope",
        "course_iri",
        "batch_size",
        "is_active",
    ]
    copy_view_enabled = False
    inspect_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            # An address typed without a scheme is an https one: the statements and the
            # target's credentials go there.
            kwargs.setdefault("assume_scheme", "https")
        if db_field.name == "version":
            kwargs.setdefault("label", db_field.verbose_name)
        if db_field.name == "is_active":
            # Statements are queued for the active targets only (`_outbox_rows`, and the
            # PostgreSQL insert): one switched off for a while misses what happened meanwhile,
            # but for what takes back (voids) a statement it was sent.
            kwargs.setdefault(
                "help_text",
                _(
                    "Statements recorded while it is inactive are never sent to it, even once "
                    "it is active again, except those taking back (voiding) a statement it "
                    "was sent; those and the ones already waiting are sent then. To hold "
                    "statements while the other LRS is down, leave it active: they wait and "
                    "are retried."
                ),
            )
        if db_field.name == "password":
            # The other LRS's secret is never written back into the page, where anyone seeing
            # the screen, or the browser's history, would have it; "new-password" keeps the
            # browser from filling in the admin's own.
            kwargs["widget"] = forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            )
            kwargs.setdefault(
                "help_text",
                _("Not shown once saved. When editing, leave it blank to keep the saved one."),
            )
        return super().formfield_for_dbfield(db_field, **kwargs)


@permission_required("xapi.change_forwardingtarget", raise_exception=True)
def forwarding_status(request):
    """Queue depth, failures with their last error, and replay, per target."""
    return TemplateResponse(
        request,
        "xapi/admin/forwarding_status.html",
        {
            "rows": outbox_summary(),
            "refused": list(outbox_refused()),
            "refused_shown": REFUSED_SHOWN,
            "page_title": _("Forwarding status"),
        },
    )


# What a replay says of the set-aside statements it does not send, by the reason given.
KEPT_ASIDE_SAID = {
    VOIDED_AT_TARGET: lambda count: ngettext(
        "%(count)s statement for %(target)s stays set aside: it was voided since, and "
        "%(target)s already has the statement that voids it (sent now, it would arrive "
        "after it).",
        "%(count)s statements for %(target)s stay set aside: they were voided since, and "
        "%(target)s already has the statements that void them (sent now, they would arrive "
        "after them).",
        count,
    ),
    NO_LONGER_FOR_TARGET: lambda count: ngettext(
        "%(count)s statement for %(target)s stays set aside: it is no longer for "
        "%(target)s (its school or which statements it takes changed while the statement "
        "waited).",
        "%(count)s statements for %(target)s stay set aside: they are no longer for "
        "%(target)s (its school or which statements it takes changed while they waited).",
        count,
    ),
}


@require_POST
@permission_required("xapi.change_forwardingtarget", raise_exception=True)
def forwarding_replay(request, pk):
    target = get_object_or_404(ForwardingTarget, pk=pk)
    count = outbox_replay(target=target)
    names = {"count": count, "target": target}
    kept_aside = 0
    for reason, said in KEPT_ASIDE_SAID.items():
        aside = outbox_kept_aside(target=target, reason=reason)
        if aside:
            messages.info(request, said(aside) % {"count": aside, "target": target})
        kept_aside += aside
    if not count:
        if not kept_aside:
            messages.info(
                request,
                _("Nothing for %(target)s was waiting or had failed: there is nothing to send.")
                % names,
            )
    elif not target.is_active:
        # Nothing is sent to a target that is switched off (`outbox_send`): they wait.
        messages.warning(
            request,
            ngettext(
                "%(count)s statement for %(target)s will be sent once it is made active "
                "again: it is inactive, so nothing is sent to it now.",
                "%(count)s statements for %(target)s will be sent once it is made active "
                "again: it is inactive, so nothing is sent to it now.",
                count,
            )
            % names,
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s statement for %(target)s will be sent again now.",
                "%(count)s statements for %(target)s will be sent again now.",
                count,
            )
            % names,
        )
    return redirect("xapi_forwarding_status")


class XapiViewSetGroup(ModelViewSetGroup):
    menu_label = _("xAPI and LRS")
    menu_icon = "resubmit"
    menu_order = 550
    items = (LrsClientViewSet, ForwardingTargetViewSet)
