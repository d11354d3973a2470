"""Registers the courses app's admin pieces. Nothing else lives here."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_home import DraftsPanel, shown_to
from .models import Topic

register_snippet(Topic)


@hooks.register("construct_homepage_panels")
def add_drafts_panel(request, panels):
    if shown_to(request.user):
        panels.append(DraftsPanel(request.user))
