"""Registers the courses app's admin pieces. Nothing else lives here."""

from wagtail.snippets.models import register_snippet

from .models import Topic

register_snippet(Topic)
