"""Registers the courses app's admin pieces. Nothing else lives here."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_home import DraftsPanel, shown_to
from .models import Topic

register_snippet(Topic)


@hooks.register("construct_homepage_panels")
def add_drafts_panel(request, panels):
    if shown_to(request.user):
        panels.append(DraftsPanel(request.user))


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
    """On the confirmation to delete a course or module learners have used: what goes with
    it, and that unpublishing keeps it all."""
    from .models import CoursePage, ModulePage
    from .selectors import learner_data_in

    if request.method != "GET" or not isinstance(page.specific, CoursePage | ModulePage):
        return None
    found = learner_data_in(page)
    if found:
        parts = [_DELETED_WITH_IT[kind](count) % {"n": count} for kind, count in found.items()]
        messages.warning(
            request,
            _(
                "Learners have used this. Deleting it also deletes %(parts)s. What they "
                "completed stays in the Learning Record Store, but no longer shows in their "
                "CPD and PSHE records. To withdraw it and keep all of this, unpublish it "
                "instead."
            )
            % {"parts": "; ".join(parts)},
        )
    return None
