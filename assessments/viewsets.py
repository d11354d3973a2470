"""The Wagtail admin for quizzes: a snippet viewset with drafts, revisions and preview."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from .models import Quiz


class QuizDeleteView(DeleteView):
    @property
    def confirmation_message(self):
        """Before deleting a quiz learners have taken, say what goes with it (their answers
        and the review of them) and what stays, and that unpublishing keeps it all."""
        attempts, unfinished = self.object.attempts_count()
        if not attempts:
            return super().confirmation_message
        what = ngettext(
            "%(count)s attempt by a learner", "%(count)s attempts by learners", attempts
        ) % {"count": attempts}
        if unfinished:
            what += ngettext(
                " (%(count)s not finished: that learner cannot carry on)",
                " (%(count)s not finished: those learners cannot carry on)",
                unfinished,
            ) % {"count": unfinished}
        return _(
            "Learners have taken this quiz. Deleting it also deletes %(what)s, with their "
            "answers and the review of them; what learners completed stays in their records. "
            "To stop new attempts and keep all of this, unpublish it instead. Are you sure "
            "you want to delete this quiz?"
        ) % {"what": what}


class QuizViewSet(SnippetViewSet):
    """Editors list, search, edit, preview and publish quizzes from the Quizzes menu."""

    model = Quiz
    delete_view_class = QuizDeleteView
    icon = "tasks"
    menu_label = _("Quizzes")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "pass_mark", "max_attempts", LiveStatusTagColumn()]
    search_fields = ["title"]
    list_filter = ["live"]
