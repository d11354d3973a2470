"""Template helpers for course and module pages."""

import logging

from django import template
from django.contrib import messages as message_levels
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from courses.activity import ActivityBlock
from courses.blocks import ImageBlock, ReflectionBlock, is_teaching_only

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def module_block(context, child):
    """Render one block of a module body.

    Activity blocks are rendered by their own app's template when their content is there,
    and as "not available" when it is not (deleted since); if that template is missing the
    learner sees a plain placeholder rather than an error page. Each block gets `block_id`;
    checklists their `checklist_ticked` item ids, reflections the learner's
    `reflection_answer`; activities `activity_iri`,
    `activity_complete` and `activity_required`. In the teaching view (`teaching`: staff
    opening a pupils' lesson) activities are described, not played. A block meant for
    teachers only (`teaching_only`, the notes for the teacher) renders as "" except in the
    teaching view and in an editor's preview: a pupil's page never carries it; nor does the
    teaching view when the teacher has hidden the notes to project the lesson.
    """
    if is_teaching_only(child) and (
        context.get("notes_hidden")
        or not (context.get("teaching") or getattr(context.get("request"), "is_preview", False))
    ):
        return ""
    flat = context.flatten()
    flat["block_id"] = child.id
    flat["checklist_ticked"] = (flat.get("checklist_ticks") or {}).get(child.id, [])
    flat["reflection_answer"] = (flat.get("reflections") or {}).get(child.id, "")
    if isinstance(child.block, ReflectionBlock):
        # An answer refused (too long, a character that cannot be kept) is said in a notice
        # beside the box (module_page.html, id "block-<id>-error"): the box is marked invalid
        # and points to it, so a screen reader on the box hears why.
        here = f"block-{child.id}"
        flat["reflection_refused"] = any(
            message.level >= message_levels.ERROR and message.extra_tags == here
            for message in flat.get("messages") or ()
        )
    if isinstance(child.block, ImageBlock) and not child.value.get("image"):
        # Deleted from the image library since (or, in a preview, not chosen yet): said, not
        # an empty frame. The block picker's preview, which has no image, is not told.
        flat["image_gone"] = True
    if isinstance(child.block, ActivityBlock):
        iri = child.block.activity_iri(child.value)
        if iri is None:
            # Its scenario, quiz or H5P activity was deleted (or, in a preview, is not chosen
            # yet): the learner is told, as the editor deleting it was promised, and it no
            # longer counts towards the module.
            flat["activity_gone"] = True
            return render_to_string("courses/blocks/activity_placeholder.html", flat)
        flat["activity_iri"] = iri
        flat["activity_complete"] = iri in (flat.get("completed_activity_iris") or ())
        flat["activity_required"] = child.block.is_required(child.value)
        if flat.get("teaching"):
            flat["activity"] = child.block.content_object(child.value)
            flat["activity_kind"] = child.block.activity_kind
            flat.update(child.block.teaching_context(child.value))
            return render_to_string("courses/blocks/activity_teaching.html", flat)
        try:
            return child.block.render(child.value, context=flat)
        except TemplateDoesNotExist:
            logger.warning("No template for %s block yet", child.block_type)
            flat["activity"] = child.block.content_object(child.value)
            return render_to_string("courses/blocks/activity_placeholder.html", flat)
    return child.block.render(child.value, context=flat)


@register.simple_tag
def teacher_notes_of(module) -> list:
    """The values of a module's notes for the teacher, in order: for the lesson's plan on the
    course page in the teaching view."""
    return [child.value for child in module.body if is_teaching_only(child)]
