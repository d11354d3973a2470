"""The Wagtail admin for quizzes: a snippet viewset with drafts, revisions and preview."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Quiz


class QuizViewSet(SnippetViewSet):
    """Editors list, search, edit, preview and publish quizzes from the Quizzes menu."""

    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "pass_mark", "max_attempts", LiveStatusTagColumn()]
    search_fields = ["title"]
    list_filter = ["live"]
