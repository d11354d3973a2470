"""The module page's edit form: a draft may name activities that are not published yet;
publishing may not, when the module requires them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .activity import ActivityBlock
from .blocks import is_teaching_only


def unpublished_required_activities(body) -> dict[int, str]:
    """Position in `body` -> a sentence for each required activity whose content is not
    published (a scenario or quiz still in draft, or unpublished since): learners would see
    "not available yet" and could never complete the module."""
    problems: dict[int, str] = {}
    for index, child in enumerate(body or []):
        block = child.block
        if not isinstance(block, ActivityBlock) or not block.is_required(child.value):
            continue
        content = block.content_object(child.value)
        if content is not None and getattr(content, "live", True) is False:
            problems[index] = str(
                _(
                    "“%(title)s” is not published yet, so learners could not complete this "
                    "module. Publish it first, or untick “Required”."
                )
                % {"title": getattr(content, "title", content)}
            )
    return problems


def teacher_notes_positions(body) -> list[int]:
    """Positions in `body` of blocks meant only for a teacher leading a pupils' lesson."""
    return [index for index, child in enumerate(body or []) if is_teaching_only(child)]


class ModulePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        self._refuse_teacher_notes_outside_pupils_lessons(cleaned)
        if not self.data.get("action-publish") or self.errors:
            return cleaned
        problems = unpublished_required_activities(cleaned.get("body"))
        if not problems:
            return cleaned
        self.add_error(
            "body",
            StreamBlockValidationError(
                block_errors={
                    index: StructBlockValidationError(
                        block_errors={
                            cleaned["body"][index].block.content_field: ValidationError(message)
                        }
                    )
                    for index, message in problems.items()
                }
            ),
        )
        self.add_error(
            None,
            _(
                "This module cannot be published while it requires an activity that is not "
                "published. You can still save it as a draft."
            ),
        )
        return cleaned

    def _refuse_teacher_notes_outside_pupils_lessons(self, cleaned) -> None:
        """Notes for the teacher are shown only when staff open a pupils' lesson; in a staff
        course nobody would ever see them, so an editor is told rather than left guessing."""
        from .models import Audience, CoursePage

        positions = teacher_notes_positions(cleaned.get("body"))
        parent = getattr(self, "parent_page", None)
        if not positions or parent is None:
            return
        course = CoursePage.objects.filter(pk=parent.pk).only("audience").first()
        if course is None or course.audience == Audience.PUPILS:
            return
        message = _(
            "Notes for the teacher are shown only to staff leading a pupils' lesson. This "
            "module is in a course for %(audience)s, so nobody would see them: remove them, "
            "or use a text or callout block."
        ) % {"audience": course.get_audience_display().lower()}
        self.add_error(
            "body",
            StreamBlockValidationError(
                block_errors={index: ValidationError(message) for index in positions}
            ),
        )
