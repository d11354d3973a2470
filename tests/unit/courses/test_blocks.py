"""Module body blocks: what editors must fill in, and what every block offers editors.

Block definitions and validation need no database (as Wagtail's own block tests)."""

import pytest
from django.core.exceptions import ValidationError
from wagtail import blocks

from courses.activity import ActivityBlock
from courses.blocks import (
    CalloutBlock,
    CaseStudyBlock,
    ChecklistBlock,
    ImageBlock,
    ModuleBodyBlock,
    ReflectionBlock,
    TeacherNotesBlock,
)

SOURCE = {"organisation": "NAHT", "title": "A guide", "date": "Not dated", "url": ""}


def case(**overrides):
    value = {"title": "A case", "summary": "What happened.", "body": "<p>Body</p>"}
    value.update(overrides)
    return value


def test_the_module_body_offers_every_block_and_the_activity_slots():
    assert list(ModuleBodyBlock().child_blocks) == [
        "text",
        "image",
        "video",
        "case_study",
        "callout",
        "checklist",
        "reflection",
        "teacher_notes",
        "scenario",
        "quiz",
        "h5p",
    ]


@pytest.mark.parametrize("name", list(ModuleBodyBlock().child_blocks))
def test_every_block_has_an_icon_template_preview_and_description(name):
    block = ModuleBodyBlock().child_blocks[name]
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert block.meta.template
    assert block.meta.description
    assert block.meta.preview_value is not None


def test_activity_slots_are_activity_blocks():
    body = ModuleBodyBlock()
    for name in ["scenario", "quiz", "h5p"]:
        assert isinstance(body.child_blocks[name], ActivityBlock)
    assert not isinstance(body.child_blocks["checklist"], ActivityBlock)


def test_case_study_without_a_source_is_refused():
    block = CaseStudyBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python(case(sources=[])))


def test_case_study_with_a_source_is_accepted():
    block = CaseStudyBlock()
    cleaned = block.clean(block.to_python(case(sources=[SOURCE])))
    assert cleaned["sources"][0]["organisation"] == "NAHT"


def test_source_needs_organisation_title_and_date_but_not_a_link():
    block = CaseStudyBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python(case(sources=[{**SOURCE, "date": ""}])))


def test_image_without_alt_text_is_refused():
    block = ImageBlock()
    with pytest.raises(blocks.StructBlockValidationError) as info:
        block.clean(block.to_python({"image": None, "alt_text": "", "caption": ""}))
    assert "alt_text" in info.value.block_errors


def test_callout_renders_the_staff_helpline():
    html = CalloutBlock().render(
        CalloutBlock().to_python({"heading": "Help", "text": "", "signposting": "staff"})
    )
    assert "0344 381 4772" in html and "helpline@saferinternet.org.uk" in html


def test_callout_renders_childline_and_ceop_for_pupils():
    html = CalloutBlock().render(
        CalloutBlock().to_python({"heading": "Help", "text": "", "signposting": "pupils"})
    )
    assert "0800 1111" in html and "CEOP" in html and "trusted adult" in html


def test_checklist_needs_at_least_one_platform_with_one_item():
    block = ChecklistBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "Check", "intro": "", "platforms": []}))


def test_checklist_item_ids_are_stable_and_in_order():
    block = ChecklistBlock()
    raw = {
        "title": "Check",
        "intro": "",
        "platforms": [
            {
                "platform": "Instagram",
                "items": [
                    {"type": "item", "value": "Private", "id": "a"},
                    {"type": "item", "value": "Tags", "id": "b"},
                ],
            },
            {"platform": "TikTok", "items": [{"type": "item", "value": "Private", "id": "c"}]},
        ],
    }
    assert ChecklistBlock.item_ids(block.to_python(raw)) == ["a", "b", "c"]


def test_reflection_template_says_the_answer_is_optional_and_private():
    block = ReflectionBlock()
    html = block.render(block.to_python({"prompt": "How would you feel?", "hint": ""}))
    assert "How would you feel?" in html
    assert "optional" in html
    assert "Only you can see your answer" not in html  # the school's lead can, in an export
    assert "Your teachers can't see your answer." in html
    assert "safeguarding lead" in html


def test_only_the_safeguarding_lead_role_may_export_a_pupils_records():
    """The reflection hint says teachers cannot see an answer but the lead can: the dashboard
    (whose person page exports everything held, reflections too) is the lead's alone."""
    from records.views import DASHBOARD_PERMISSION
    from schools.roles import ROLE_PERMISSIONS, Role

    holders = {role for role, perms in ROLE_PERMISSIONS.items() if DASHBOARD_PERMISSION in perms}
    assert holders == {Role.SAFEGUARDING_LEAD}


def test_teacher_notes_need_notes_and_a_sensible_time():
    block = TeacherNotesBlock()
    value = {"heading": "Ground rules", "minutes": 5, "text": "<p>No names.</p>"}
    block.clean(block.to_python(value))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({**value, "text": ""}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({**value, "minutes": 0}))
    assert block.clean(block.to_python({**value, "minutes": None}))["minutes"] is None


def test_only_the_teacher_notes_are_for_teachers_only():
    teaching_only = [
        name
        for name, block in ModuleBodyBlock().child_blocks.items()
        if getattr(block, "teaching_only", False)
    ]
    assert teaching_only == ["teacher_notes"]


def test_teacher_notes_without_a_school_name_the_role_in_both_its_titles():
    block = TeacherNotesBlock()
    html = block.render(
        block.to_python(
            {"heading": "Discussion", "minutes": 1, "text": "<p>Ask why.</p>", "disclosure": True}
        )
    )
    assert "For the teacher: pupils do not see this" in html
    assert "About 1 minute<" in html
    assert "Do not promise to keep it a secret" in html
    assert "designated safeguarding lead (in Wales, the designated safeguarding person)" in html
    assert "Nobody at your school" not in html
    plain = block.render(block.to_python({"heading": "Discussion", "text": "<p>Ask why.</p>"}))
    assert "If a pupil tells you" not in plain and "teacher-notes__time" not in plain
