"""The Wagtail admin for quizzes: a snippet viewset with drafts, revisions and preview."""

import uuid

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views.snippets import CopyView, DeleteView, SnippetViewSet

from courses.admin_delete import modules_using_any, with_modules_using
from courses.admin_unpublish import RequiredActivityUnpublishView

from .models import Quiz


def _attempts_going(attempts: int, unfinished: int) -> str:
    """What deleting quizzes deletes, in words: "2 attempts by learners (1 not finished:
    ...)"."""
    what = ngettext(
        "%(count)s attempt by a learner", "%(count)s attempts by learners", attempts
    ) % {"count": attempts}
    if unfinished:
        what += ngettext(
            " (%(count)s not finished: that learner cannot carry on)",
            " (%(count)s not finished: those learners cannot carry on)",
            unfinished,
        ) % {"count": unfinished}
    return what


def _with_new_ids(data):
    """Block data (a stream's, as stored) with a new id for every block and list item."""
    if isinstance(data, list):
        return [_with_new_ids(item) for item in data]
    if isinstance(data, dict):
        return {
            key: str(uuid.uuid4()) if key == "id" else _with_new_ids(value)
            for key, value in data.items()
        }
    return data


class QuizCopyView(CopyView):
    def get_initial_form_instance(self):
        """The quiz to copy, with new ids for its questions and their options: a question's
        xAPI activity id, and its options' ids in statements, are made from them (see
        assessments/blocks.py), so a copy with the original's ids would answer under the
        original's activity ids."""
        quiz = super().get_initial_form_instance()
        quiz.questions = _with_new_ids(quiz.questions.get_prep_value())
        return quiz


class QuizDeleteView(DeleteView):
    @property
    def confirmation_message(self):
        """Before deleting a quiz, name the live modules using it, and if learners have
        taken it, say what goes with it (their answers and the review of them) and what
        stays, and that unpublishing keeps it all."""
        attempts, unfinished = self.object.attempts_count()
        message = super().confirmation_message
        if attempts:
            message = _(
                "Learners have taken this quiz. Deleting it also deletes %(what)s, with their "
                "answers and the review of them; what learners completed stays in their records. "
                "To stop new attempts and keep all of this, unpublish it instead. Are you sure "
                "you want to delete this quiz?"
            ) % {"what": _attempts_going(attempts, unfinished)}
        return with_modules_using(self.object, message)


class QuizDeleteBulkAction(DeleteBulkAction):
    """Wagtail's "Delete" for several quizzes at once, warning as QuizDeleteView does."""

    models = [Quiz]
    template_name = "assessments/admin/confirm_bulk_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["used_by"] = modules_using_any(item["item"] for item in context["items"])
        counts = [item["item"].attempts_count() for item in context["items"]]
        attempts = sum(all_ for all_, _open in counts)
        if attempts:
            context["attempts_warning"] = _(
                "Learners have taken %(taken)s of these quizzes. Deleting them also deletes "
                "%(what)s, with their answers and the review of them; what learners completed "
                "stays in their records. To stop new attempts and keep all of this, unpublish "
                "them instead."
            ) % {
                "taken": sum(1 for all_, _open in counts if all_),
                "what": _attempts_going(attempts, sum(open_ for _all, open_ in counts)),
            }
        return context


class QuizViewSet(SnippetViewSet):
    """Editors list, search, edit, preview and publish quizzes from the Quizzes menu."""

    model = Quiz
    copy_view_class = QuizCopyView
    delete_view_class = QuizDeleteView
    unpublish_view_class = RequiredActivityUnpublishView
    icon = "tasks"
    menu_label = _("Quizzes")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "pass_mark", "max_attempts", LiveStatusTagColumn()]
    search_fields = ["title"]
    list_filter = ["live"]
