"""The H5P activity block for module pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.activity import ActivityBlock


class H5PActivityBlock(ActivityBlock):
    activity = SnippetChooserBlock("h5p.H5PActivity", label=_("H5P activity"))
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Required to complete the module"),
    )

    activity_kind = "h5p"
    content_field = "activity"

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "h5p/blocks/h5p_activity.html"
        description = _("Interactive H5P content; its result completes the block.")
