"""Registers the courses app's admin pieces. Nothing else lives here."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from .admin_home import DraftsPanel, shown_to
from .models import CoursePage, ModulePage, Topic

register_snippet(Topic)


@hooks.register("before_serve_document")
def documents_for_signed_in_people(document, request):
    # Documents are uploaded for modules, which only signed-in people open (ModulePage.serve);
    # Wagtail serves them to anyone with the link, so a staff CPD handout was public.
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _not_found_unless_in_the_groups(document.collection.get_view_restrictions(), request)
    return None


@hooks.register("before_serve_page")
def pages_private_to_other_groups_not_found(page, request, serve_args, serve_kwargs):
    _not_found_unless_in_the_groups(page.get_view_restrictions(), request)
    return None


def _not_found_unless_in_the_groups(restrictions, request) -> None:
    """Raise 404 for someone signed in whom a page's or collection's Privacy leaves out (it is
    for other groups), as for a course not for them. Wagtail would send them to sign in, where
    someone signed in goes straight back to the page, and round again."""
    from wagtail.models import BaseViewRestriction

    if not request.user.is_authenticated:
        return
    for restriction in restrictions:
        if restriction.restriction_type == BaseViewRestriction.GROUPS and not (
            restriction.accept_request(request)
        ):
            raise Http404


@hooks.register("construct_homepage_panels")
def add_drafts_panel(request, panels):
    if shown_to(request.user):
        panels.append(DraftsPanel(request.user))


@hooks.register("register_log_actions")
def register_scheduled_publishing_refused(actions):
    from .management.commands.publish_scheduled import REFUSED_ACTION

    @actions.register_action(REFUSED_ACTION)
    class ScheduledPublishingRefused(LogFormatter):
        label = _("Scheduled publishing refused")

        def format_message(self, log_entry):
            return " ".join(
                [
                    _("Not published at its scheduled time, and no longer scheduled:"),
                    *log_entry.data.get("problems", []),
                ]
            )


_DELETED_WITH_IT = {
    "learners": lambda n: ngettext(
        "the progress of %(n)s person who started it",
        "the progress of %(n)s people who started it",
        n,
    ),
    "assignments": lambda n: ngettext(
        "%(n)s assignment (and its reminders)", "%(n)s assignments (and their reminders)", n
    ),
    "lessons": lambda n: ngettext(
        "%(n)s lesson recorded with a class", "%(n)s lessons recorded with classes", n
    ),
    "reflections": lambda n: ngettext(
        "%(n)s reflection a learner wrote", "%(n)s reflections learners wrote", n
    ),
    "checklists": lambda n: ngettext(
        "%(n)s learner's checklist ticks", "%(n)s learners' checklist ticks", n
    ),
}


@hooks.register("before_delete_page")
def warn_before_deleting_what_learners_used(request, page):
    """On the confirmation to delete a course or module learners have used, or a page with
    such courses under it (a course list): what goes with it, and that unpublishing keeps it
    all."""
    if request.method == "GET" and (warning := _learners_used_warning(page)):
        messages.warning(request, warning)
    return None


def _learners_used_warning(page) -> str | None:
    """What deleting a page deletes with it of the courses and modules learners have used
    in it and under it, or None."""
    from .selectors import learner_data_in

    found = learner_data_in(page)
    if not found:
        return None
    parts = [_DELETED_WITH_IT[kind](count) % {"n": count} for kind, count in found.items()]
    return _(
        "Learners have used this. Deleting it also deletes %(parts)s. What they "
        "completed stays in the Learning Record Store, but no longer shows in their "
        "CPD and PSHE records. To withdraw it and keep all of this, unpublish it "
        "instead."
    ) % {"parts": "; ".join(parts)}


class PageDeleteBulkAction(DeleteBulkAction):
    """The page explorer's "Delete" for several pages at once, warning about each page with
    courses or modules learners have used as its delete confirmation does for one."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            for item in context["items"]:
                if warning := _learners_used_warning(item["item"]):
                    messages.warning(
                        self.request, f"“{item['item'].get_admin_display_title()}”: {warning}"
                    )
        return context


# After Wagtail's own "Delete" for pages (order 0), so this one is used.
hooks.register("register_bulk_action", PageDeleteBulkAction, order=1)


@hooks.register("after_copy_page")
def give_copied_checklists_ids_of_their_own(request, page, new_page):
    from .services import copied_checklists_renumber

    copied_checklists_renumber(page=new_page)


@hooks.register("before_bulk_action")
def refuse_to_publish_together_what_the_editor_would_refuse(request, action_type, objects, action):
    """The page explorer's "Publish" (of pages, and perhaps the drafts below them) publishes
    each one's latest draft without its edit form, which a draft may have got past (a
    required field left empty, a picture without its alternative text, a module requiring
    an activity learners cannot open), or that another editor has locked while they work
    on it. What the editor would refuse is refused here too, and then nothing is published."""
    from wagtail.models import Page

    from .forms import publishing_problems

    if action_type != "publish" or getattr(action, "model", None) is not Page:
        return None
    pages = list(objects)
    if action.cleaned_form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages += page.get_descendants().not_live()
    problems = []
    for page in pages:
        latest = page.specific.get_latest_revision_as_object()
        lock = page.get_lock()
        if lock is not None and lock.for_user(request.user):
            problems.append(_("“%(title)s” is locked by another editor.") % {"title": latest.title})
        problems += [f"“{latest.title}”: {problem}" for problem in publishing_problems(latest)]
    if not problems:
        return None
    messages.error(request, " ".join([_("Nothing was published."), *problems]))
    return redirect(action.next_url)


@hooks.register("before_move_page")
def refuse_to_move_a_module_where_its_blocks_are_not_for_the_learners(request, page, destination):
    """Moving a module to another course skips its edit form, which refuses blocks not for
    the course's learners: a staff scenario in a pupils' course (pupils are never let play
    it), notes for the teacher in a staff course (nobody would see them), contacts meant
    for the other audience. Its published version and its latest draft are both checked."""
    from .forms import module_audience_problems
    from .models import ModulePage

    if not isinstance(page, ModulePage):
        return None
    problems = {}
    for version in (page, page.get_latest_revision_as_object()):
        for _field, message in module_audience_problems(version.body, destination).values():
            problems[message] = None
    if not problems:
        return None
    messages.error(
        request,
        " ".join([_("“%(title)s” was not moved.") % {"title": page.title}, *problems]),
    )
    return redirect("wagtailadmin_pages:move", page.pk)


class ModuleWorkflowActionView(WorkflowActionView):
    """Approving a module or course from the dashboard (or any link to Wagtail's workflow
    action) publishes the revision submitted, without its edit form: what has changed since
    it was submitted (a required activity unpublished, its scenario republished for staff, a
    module with a staff scenario published in a course submitted as for pupils) is checked
    here as publishing it in the editor would, and then it is not approved."""

    def post(self, request, *args, **kwargs):
        from .forms import publishing_problems

        if self.action_name == "approve":
            submitted = self.task_state.revision.as_object()
            problems = publishing_problems(submitted)
            if problems:
                messages.error(
                    request,
                    " ".join(
                        [
                            _("“%(title)s” was not approved, so it is not published.")
                            % {"title": submitted.title},
                            *problems,
                        ]
                    ),
                )
                if request.headers.get("x-requested-with") == "XMLHttpRequest":
                    return self.render_modal_json(
                        request, {"step": "success", "redirect": self.redirect_url}
                    )
                return redirect(self.redirect_url)
        return super().post(request, *args, **kwargs)


class ModulePageViewSet(PageViewSet):
    model = ModulePage
    workflow_action_view_class = ModuleWorkflowActionView


class CoursePageViewSet(PageViewSet):
    model = CoursePage
    workflow_action_view_class = ModuleWorkflowActionView


@hooks.register("register_admin_viewset")
def register_module_page_viewset():
    return ModulePageViewSet("module_pages")


@hooks.register("register_admin_viewset")
def register_course_page_viewset():
    return CoursePageViewSet("course_pages")
