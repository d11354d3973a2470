"""The H5P activity block for module pages."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.activity import ActivityBlock


class H5PActivityBlock(ActivityBlock):
    """An uploaded H5P activity played in the module, in a sandboxed iframe on the content
    origin. Its root statement's completion completes the block (see docs/h5p.md)."""

    activity = SnippetChooserBlock("h5p.H5PActivity", label=_("H5P activity"))
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Required to complete the module"),
    )

    activity_kind = "h5p"
    content_field = "activity"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        activity = value.get("activity")
        if activity is not None:
            context.update(_player_context(activity))
            request = (parent_context or {}).get("request")
            # An editor's preview is not a learner's page: the player is there to try, and
            # nothing is posted to be recorded (the module may not even be saved yet).
            if not getattr(request, "is_preview", False):
                context["h5p_statements_url"] = reverse("h5p:statements", args=[activity.uuid])
        return context

    def never_completed_because(self, value) -> str | None:
        from .selectors import reports_finishing

        activity = value.get("activity")
        if activity is None or not activity.is_uploaded or reports_finishing(activity):
            return None
        return str(
            _(
                "“%(title)s” is H5P content (%(library)s) that never says when a learner has "
                "finished it, so learners could not complete this module. Untick "
                "“Required”, or choose an activity with questions to answer."
            )
            % {"title": activity.title, "library": activity.main_library}
        )

    def teaching_context(self, value) -> dict:
        """The player without a statements URL: the teaching view previews the activity and
        records nothing (h5p-relay.js posts statements only where the block gives a URL)."""
        activity = value.get("activity")
        return _player_context(activity) if activity is not None else {}

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "h5p/blocks/h5p_activity.html"
        description = _("Interactive H5P content; its result completes the block.")


def _player_context(activity) -> dict:
    from .selectors import embed_url

    if not activity.is_uploaded:
        return {}
    return {
        "h5p_embed_url": embed_url(activity),
        "h5p_content_origin": settings.H5P_CONTENT_ORIGIN,
    }
