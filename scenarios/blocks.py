"""The scenario block for module pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.activity import ActivityBlock


class ScenarioBlock(ActivityBlock):
    scenario = SnippetChooserBlock("scenarios.Scenario", label=_("Scenario"))
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Required to complete the module"),
    )

    activity_kind = "scenario"
    content_field = "scenario"

    class Meta:
        icon = "pick"
        label = _("Scenario")
        template = "scenarios/blocks/scenario.html"
        description = _("A branching scenario the learner plays through to an ending.")
