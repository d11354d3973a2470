"""Registers the H5P activity admin with Wagtail."""

from wagtail.snippets.models import register_snippet

from .viewsets import H5PActivityViewSet

register_snippet(H5PActivityViewSet)
