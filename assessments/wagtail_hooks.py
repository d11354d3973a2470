"""Registers the quiz admin with Wagtail."""

from wagtail.snippets.models import register_snippet

from .viewsets import QuizViewSet

register_snippet(QuizViewSet)
