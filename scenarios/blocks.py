"""Blocks for scenarios: the scenario block for module pages, and the node, choice and
variable blocks authors use to build a scenario's graph in the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.activity import ActivityBlock


class ScenarioBlock(ActivityBlock):
    """A scenario the learner plays in a module; reaching any ending completes it."""

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


OUTCOME_CHOICES = [
    ("", _("Not an ending")),
    ("good", _("Ending: good")),
    ("mixed", _("Ending: mixed")),
    ("poor", _("Ending: poor")),
]


class ChoiceBlock(blocks.StructBlock):
    """One option offered to the learner at a node."""

    choice_id = blocks.CharBlock(
        label=_("Choice id"),
        required=False,
        max_length=60,
        help_text=_("Optional short id; left blank, one is made from the node id."),
    )
    label = blocks.CharBlock(label=_("What the learner picks"), max_length=255)
    target = blocks.CharBlock(
        label=_("Goes to node"), max_length=60, help_text=_("The id of the next node.")
    )
    feedback = blocks.TextBlock(label=_("Feedback shown after choosing"), required=False)
    score = blocks.IntegerBlock(label=_("Score change"), default=0, required=False)
    effects = blocks.CharBlock(
        label=_("Sets variables"),
        required=False,
        help_text=_("For example: reported = true; warnings = 2"),
    )
    conditions = blocks.CharBlock(
        label=_("Only offered when"),
        required=False,
        help_text=_("For example: reported == true and warnings >= 2"),
    )

    class Meta:
        icon = "arrow-right"
        label = _("Choice")
        # Collapsed, a choice reads as what the learner picks and where it leads.
        label_format = "{label} → {target}"


class NodeBlock(blocks.StructBlock):
    """A situation, or (with an outcome) an ending with its debrief."""

    node_id = blocks.CharBlock(
        label=_("Node id"),
        max_length=60,
        help_text=_("A short unique id that choices use to lead here, e.g. “see-post”."),
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=255)
    text = blocks.TextBlock(label=_("Situation"), help_text=_("What happens. Plain words."))
    image = ImageChooserBlock(
        label=_("Picture"),
        required=False,
        help_text=_("Optional picture from the image library, shown with the situation."),
    )
    image_alt = blocks.CharBlock(
        label=_("What the picture shows"),
        required=False,
        max_length=255,
        help_text=_("Needed with a picture: a sentence for learners who cannot see it."),
    )
    media = blocks.CharBlock(
        label=_("Media address"),
        required=False,
        help_text=_("Optional link to a video or other media that goes with this situation."),
    )
    content_warning = blocks.CharBlock(
        label=_("Content warning"),
        required=False,
        help_text=_("If set, learners see this first and may skip the node without penalty."),
    )
    skip_to = blocks.CharBlock(label=_("If skipped, go to node"), required=False, max_length=60)
    outcome = blocks.ChoiceBlock(choices=OUTCOME_CHOICES, required=False, label=_("Ending outcome"))
    debrief = blocks.TextBlock(
        label=_("Debrief (endings)"),
        required=False,
        help_text=_("What the learner should take away, and where to get help."),
    )
    choices = blocks.ListBlock(ChoiceBlock(), label=_("Choices"), default=[])

    class Meta:
        icon = "list-ul"
        label = _("Node")
        form_classname = "scenario-node"


class VariableBlock(blocks.StructBlock):
    """A variable that choices set and conditions check."""

    name = blocks.RegexBlock(
        regex=r"^[A-Za-z_][A-Za-z0-9_]*$",
        error_messages={"invalid": _("Use letters, digits and underscores, e.g. told_adult.")},
        label=_("Name"),
        max_length=60,
    )
    initial = blocks.CharBlock(
        label=_("Starts as"),
        default="false",
        help_text=_("true, false, a whole number or text."),
        max_length=60,
    )

    class Meta:
        icon = "cog"
        label = _("Variable")
