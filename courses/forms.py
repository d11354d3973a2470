"""The module page's edit form: a draft may name activities that are not published yet;
publishing may not, when the module requires them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .activity import ActivityBlock


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


class ModulePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
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
