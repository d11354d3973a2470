"""The quiz block for module pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.activity import ActivityBlock


class QuizBlock(ActivityBlock):
    quiz = SnippetChooserBlock("assessments.Quiz", label=_("Quiz"))
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Required to complete the module"),
    )

    activity_kind = "quiz"
    content_field = "quiz"

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "assessments/blocks/quiz.html"
        description = _("A quiz the learner must pass to complete the module.")
