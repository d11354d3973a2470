"""Registers the H5P activity admin with Wagtail."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import H5PActivityDeleteBulkAction, H5PActivityViewSet

register_snippet(H5PActivityViewSet)
# After Wagtail's own "Delete" for snippets (order 0), so this one is used.
hooks.register("register_bulk_action", H5PActivityDeleteBulkAction, order=1)
