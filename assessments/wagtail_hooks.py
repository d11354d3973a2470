"""Registers the quiz admin with Wagtail."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import QuizDeleteBulkAction, QuizViewSet

register_snippet(QuizViewSet)
# After Wagtail's own "Delete" for every snippet (order 0), so this one is the quizzes'.
hooks.register("register_bulk_action", QuizDeleteBulkAction, order=1)
