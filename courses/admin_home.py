"""The editors' panel on the Wagtail admin's home page: what is waiting to be published.

Pages, scenarios and quizzes the editor may change that have a draft newer than what
learners see (or were never published), newest first; for a scenario, whether its draft can
be published yet or how many problems stand in the way (`Scenario.problems()`, the check
publishing itself makes).
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

LIMIT = 20

# The snippet kinds an editor publishes, by (app label, model name).
SNIPPETS = (("scenarios", "Scenario"), ("assessments", "Quiz"))


@dataclass
class Draft:
    kind: str
    title: str
    edit_url: str
    live: bool
    edited_at: datetime | None
    problems: int | None = None  # scenarios: what stops publishing; None for the others

    @property
    def readiness(self) -> str:
        return "" if self.problems is None else problems_label(self.problems)


def _snippet_perms(user) -> list[tuple[type, str]]:
    found = []
    for app_label, model_name in SNIPPETS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        if user.has_perm(f"{app_label}.change_{model_name.lower()}"):
            found.append((model, str(model._meta.verbose_name).capitalize()))
    return found


def drafts_waiting(user) -> list[Draft]:
    """The newest `LIMIT` drafts the user may edit and publish."""
    finder = AdminURLFinder(user)
    drafts = []
    # Only the parts of the tree the user may change, before taking the newest: taking them
    # first, an editor of one catalogue saw none of its drafts behind newer ones elsewhere.
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])
    pages = (
        editable.filter(has_unpublished_changes=True, depth__gt=1)
        .order_by("-latest_revision_created_at", "-pk")
        .specific(defer=True)
    )
    for page in pages[: LIMIT * 2]:
        if page.permissions_for_user(user).can_edit():
            drafts.append(
                Draft(
                    kind=str(page.specific_class._meta.verbose_name).capitalize(),
                    title=page.get_admin_display_title(),
                    edit_url=finder.get_edit_url(page),
                    live=page.live,
                    edited_at=page.latest_revision_created_at,
                )
            )
    for model, kind in _snippet_perms(user):
        waiting = (
            model.objects.filter(has_unpublished_changes=True)
            .select_related("latest_revision")
            .order_by("-latest_revision__created_at", "-pk")
        )
        for item in waiting[:LIMIT]:
            revision = item.latest_revision
            problems = None
            if hasattr(item, "problems"):
                problems = len((revision.as_object() if revision else item).problems())
            drafts.append(
                Draft(
                    kind=kind,
                    title=str(item),
                    edit_url=finder.get_edit_url(item),
                    live=item.live,
                    edited_at=revision.created_at if revision else None,
                    problems=problems,
                )
            )
    drafts.sort(key=lambda d: d.edited_at.timestamp() if d.edited_at else 0, reverse=True)
    return drafts[:LIMIT]


def problems_label(count: int) -> str:
    if not count:
        return _("Ready to publish")
    return ngettext(
        "%(count)d problem to fix before publishing",
        "%(count)d problems to fix before publishing",
        count,
    ) % {"count": count}


class DraftsPanel(Component):
    name = "upstander_drafts"
    template_name = "courses/admin/drafts_panel.html"
    order = 90  # first: Wagtail's own panels are 100 and up

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["drafts"] = drafts_waiting(self.user)
        return context


def shown_to(user) -> bool:
    """Editors and administrators: whoever may change the scenarios or quizzes (editors may
    change pages too)."""
    return bool(_snippet_perms(user))
