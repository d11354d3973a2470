"""Registers the Scenario snippet and its admin extras (graph picture, Twee import/export)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from courses.admin_delete import modules_using_any, with_modules_using
from courses.admin_unpublish import RequiredActivityUnpublishView

from .forms import ScenarioAdminForm
from .models import Scenario
from .panels import GraphPanel


def _plays_going(attempts: int, unfinished: int, classes: int) -> str:
    """What deleting scenarios deletes, in words: "2 play-throughs by learners (1 not
    finished: ...) and 1 class play"."""
    goes = []
    if attempts:
        goes.append(
            ngettext(
                "%(count)s play-through by a learner",
                "%(count)s play-throughs by learners",
                attempts,
            )
            % {"count": attempts}
            + (
                ngettext(
                    " (%(count)s not finished: that learner cannot carry on)",
                    " (%(count)s not finished: those learners cannot carry on)",
                    unfinished,
                )
                % {"count": unfinished}
                if unfinished
                else ""
            )
        )
    if classes:
        goes.append(
            ngettext("%(count)s class play", "%(count)s class plays", classes) % {"count": classes}
        )
    return goes[0] if len(goes) == 1 else _("%s and %s") % tuple(goes)


class ScenarioDeleteView(DeleteView):
    @property
    def confirmation_message(self):
        """Before deleting a scenario, name the live modules using it, and if learners have
        played it, say what goes with it and what stays, and that unpublishing keeps it
        all."""
        attempts, unfinished, classes = self.object.plays_count()
        message = super().confirmation_message
        if attempts or classes:
            message = _(
                "Learners have played this scenario. Deleting it also deletes %(what)s, and its "
                "choices leave the scenario analytics; what learners completed stays in their "
                "records. To stop new plays and keep all of this, unpublish it instead. Are you "
                "sure you want to delete this scenario?"
            ) % {"what": _plays_going(attempts, unfinished, classes)}
        return with_modules_using(self.object, message)


class ScenarioDeleteBulkAction(DeleteBulkAction):
    """Wagtail's "Delete" for several scenarios at once, warning as ScenarioDeleteView does."""

    models = [Scenario]
    template_name = "scenarios/admin/confirm_bulk_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["used_by"] = modules_using_any(item["item"] for item in context["items"])
        counts = [item["item"].plays_count() for item in context["items"]]
        totals = [sum(column) for column in zip(*counts, strict=True)] or [0, 0, 0]
        if totals[0] or totals[2]:
            context["plays_warning"] = _(
                "Learners have played %(played)s of these scenarios. Deleting them also "
                "deletes %(what)s, and their choices leave the scenario analytics; what "
                "learners completed stays in their records. To stop new plays and keep all of "
                "this, unpublish them instead."
            ) % {
                "played": sum(1 for attempts, _open, classes in counts if attempts or classes),
                "what": _plays_going(*totals),
            }
        return context


class ScenarioViewSet(SnippetViewSet):
    model = Scenario
    delete_view_class = ScenarioDeleteView
    unpublish_view_class = RequiredActivityUnpublishView
    icon = "pick"
    menu_label = _("Scenarios")
    add_to_admin_menu = True
    menu_order = 250
    # Draft or live at a glance (an imported story starts as a draft).
    list_display = ["title", "audience", UpdatedAtColumn(), LiveStatusTagColumn()]
    list_filter = ["live", "audience"]
    search_fields = ["title"]
    edit_handler = TabbedInterface(
        [
            ObjectList(Scenario.panels, heading=_("Scenario")),
            ObjectList(
                [
                    MultiFieldPanel([GraphPanel()], heading=_("Map")),
                ],
                heading=_("Map"),
            ),
        ],
        base_form_class=ScenarioAdminForm,
    )

    def get_queryset(self, request):
        # The status column asks each scenario whether it is scheduled: read it with the rows.
        return Scenario.objects.annotate_approved_schedule()


register_snippet(ScenarioViewSet)
# After Wagtail's own "Delete" for every snippet (order 0), so this one is the scenarios'.
hooks.register("register_bulk_action", ScenarioDeleteBulkAction, order=1)


class TweeImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("scenarios.add_scenario")


@hooks.register("register_admin_menu_item")
def register_twee_import_menu_item():
    return TweeImportMenuItem(
        _("Import from Twine"),
        reverse("scenarios_twee:import"),
        icon_name="upload",
        order=251,
    )


@hooks.register("register_admin_urls")
def register_scenario_admin_urls():
    from . import admin_urls

    return [path("scenarios-twee/", include((admin_urls, "scenarios_twee")))]
