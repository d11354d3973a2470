"""The module page's edit form (a draft may name activities that are not published yet;
publishing may not, when the module requires them), and the form a teacher records a lesson
they led with a class on."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from config.forms import DatePickerField
from records.states import add_months

from .activity import ActivityBlock
from .blocks import ImageBlock, is_teaching_only


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
        if content is not None and not _published_now(content):
            problems[index] = str(
                _(
                    "“%(title)s” is not published yet, so learners could not complete this "
                    "module. Publish it first, or untick “Required”."
                )
                % {"title": getattr(content, "title", content)}
            )
    return problems


def never_completed_required_activities(body) -> dict[int, str]:
    """Position in `body` -> a sentence for each required activity whose content can never
    be completed (H5P content that never says a learner finished it): the module would wait
    for it for ever."""
    problems: dict[int, str] = {}
    for index, child in enumerate(body or []):
        block = child.block
        if isinstance(block, ActivityBlock) and block.is_required(child.value):
            reason = block.never_completed_because(child.value)
            if reason:
                problems[index] = reason
    return problems


def _published_now(content) -> bool:
    """Live, and not past its expiry time: Wagtail's `publish_scheduled` unpublishes what
    has expired in the same run as (and before) it publishes what is due to go live."""
    expire_at = getattr(content, "expire_at", None)
    if expire_at is not None and expire_at <= timezone.now():
        return False
    return getattr(content, "live", True) is not False


def publishing_problems(page) -> list[str]:
    """What stops this version of a page being published, as its edit form would say when
    publishing: a draft may be saved with required fields and blocks left empty, with a
    module's required activity not published, and with a block that has since stopped
    being for the module's learners (its scenario republished as for staff)."""
    from .models import ModulePage

    problems = []
    is_module = isinstance(page, ModulePage)
    missing = False
    try:
        page.full_clean()
    except ValidationError as error:
        # What the page's own rules say (a course's audience its modules are not for) is
        # said as it is; a field or block left empty is found in the editor.
        by_field = getattr(error, "error_dict", None) or {None: error.error_list}
        for name, errors in by_field.items():
            for found in errors:
                if name == "body" or found.code in ("required", "blank", "null"):
                    missing = True
                else:
                    problems += found.messages
    if is_module:
        try:
            page.body.stream_block.clean(page.body)
        except ValidationError:
            missing = True
    if missing:
        problems.append(
            str(_("Something is missing. Open it and publish it there to see what to fix."))
        )
    if is_module:
        audience = module_audience_problems(page.body, page.get_parent())
        problems += dict.fromkeys(message for _field, message in audience.values())
        problems += unpublished_required_activities(page.body).values()
        problems += never_completed_required_activities(page.body).values()
    return problems


def teacher_notes_positions(body) -> list[int]:
    """Positions in `body` of blocks meant only for a teacher leading a pupils' lesson."""
    return [index for index, child in enumerate(body or []) if is_teaching_only(child)]


def module_audience_problems(body, course) -> dict[int, tuple[str | None, str]]:
    """Position in `body` -> (the block's field or None, a sentence) for each block not meant
    for the people who take `course` (a module's parent, or None): the edit form shows them
    beside the blocks, and every other way of publishing or moving a module refuses them."""
    from .models import CoursePage

    course = getattr(course, "specific_deferred", course)
    if not isinstance(course, CoursePage):
        return {}
    problems = _teacher_notes_outside_pupils_lessons(body, course)
    problems.update(_staff_scenarios_in_pupils_lessons(body, course))
    problems.update(_signposting_for_another_audience(body, course))
    return problems


def _teacher_notes_outside_pupils_lessons(body, course) -> dict[int, tuple[str | None, str]]:
    """Notes for the teacher are shown only when staff open a pupils' lesson; in a staff
    course nobody would ever see them, so an editor is told rather than left guessing."""
    from .models import Audience

    positions = teacher_notes_positions(body)
    if not positions or course.audience == Audience.PUPILS:
        return {}
    message = _(
        "Notes for the teacher are shown only to staff leading a pupils' lesson. This "
        "module is in a course for %(audience)s, so nobody would see them: remove them, "
        "or use a text or callout block."
    ) % {"audience": course.get_audience_display().lower()}
    return {index: (None, str(message)) for index in positions}


def _signposting_for_another_audience(body, course) -> dict[int, tuple[str | None, str]]:
    """A callout's contacts are for one audience: the Professionals Online Safety
    Helpline takes calls from staff only, Childline from children and young people."""
    from .blocks import CalloutBlock
    from .models import Audience

    wanted = "pupils" if course.audience == Audience.PUPILS else "staff"
    message = _(
        "These contacts are not for the people who take this course (%(audience)s). "
        "Choose the contacts for them."
    ) % {"audience": course.get_audience_display().lower()}
    return {
        index: ("signposting", str(message))
        for index, child in enumerate(body or [])
        if isinstance(child.block, CalloutBlock)
        and child.value.get("signposting")
        and child.value.get("signposting") != wanted
    }


def _staff_scenarios_in_pupils_lessons(body, course) -> dict[int, tuple[str | None, str]]:
    """A scenario written for staff is never played by pupils (scenarios.selectors.
    scenario_open_to): in a pupils' course they would be refused it, and a module that
    requires it could never be completed."""
    from scenarios.blocks import ScenarioBlock
    from scenarios.models import Scenario

    from .models import Audience

    if course.audience != Audience.PUPILS:
        return {}
    problems = {}
    for index, child in enumerate(body or []):
        scenario = child.value.get("scenario") if isinstance(child.block, ScenarioBlock) else None
        if getattr(scenario, "audience", None) == Scenario.Audience.STAFF:
            problems[index] = (
                "scenario",
                str(
                    _(
                        "“%(title)s” is written for staff, so pupils cannot play it. "
                        "Choose a scenario for pupils, or put this one in a staff course."
                    )
                    % {"title": scenario.title}
                ),
            )
    return problems


DELETED_ACTIVITY_MESSAGES = {
    "scenario": _(
        "The scenario chosen here has been deleted. Choose another, or delete this block."
    ),
    "quiz": _("The quiz chosen here has been deleted. Choose another, or delete this block."),
    "h5p": _(
        "The H5P activity chosen here has been deleted. Choose another, or delete this block."
    ),
    "": _("What was chosen here has been deleted. Choose another, or delete this block."),
}
DELETED_IMAGE_MESSAGE = _(
    "The image chosen here has been deleted from the image library. Choose another, or "
    "delete this block."
)


class ModulePageForm(WagtailAdminPageForm):
    """Every problem of the body is shown at once, each beside its block: an editor who fixes
    one is not then told of the next."""

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body")
        if body is None:  # the body's own blocks did not validate: that is said already
            self._say_which_activities_were_deleted()
            return cleaned
        problems = {
            index: (
                StructBlockValidationError(block_errors={field: ValidationError(message)})
                if field
                else ValidationError(message)
            )
            for index, (field, message) in module_audience_problems(
                body, getattr(self, "parent_page", None)
            ).items()
        }
        unpublished = never_completed = {}
        if self._publishing():
            unpublished = unpublished_required_activities(body)
            never_completed = never_completed_required_activities(body)
        for index, message in {**never_completed, **unpublished}.items():
            problems[index] = StructBlockValidationError(
                block_errors={body[index].block.content_field: ValidationError(message)}
            )
        if problems:
            self.add_error("body", StreamBlockValidationError(block_errors=problems))
        if unpublished:
            self.add_error(
                None,
                _(
                    "This module cannot be published while it requires an activity that is "
                    "not published. You can still save it as a draft."
                ),
            )
        if never_completed:
            self.add_error(
                None,
                _(
                    "This module cannot be published while it requires an activity that "
                    "learners could never complete. You can still save it as a draft."
                ),
            )
        return cleaned

    def _say_which_activities_were_deleted(self) -> None:
        """A scenario, quiz, H5P activity or image deleted since it was chosen comes back as
        an empty chooser, which Wagtail calls only "required": the editor is told it was deleted,
        beside the block, so they know to choose another rather than wonder what went wrong."""
        errors = self._errors.get("body")
        error = errors.as_data()[0] if errors else None
        if not isinstance(error, StreamBlockValidationError) or not self.instance.pk:
            return
        # The page as it was loaded into the form, and as it is live: saving a draft (which
        # the editor's autosave does) keeps the empty chooser, and the live page still names
        # what was deleted.
        live = type(self.instance).objects.filter(pk=self.instance.pk).first()
        stored: dict[str, list] = {}
        for version in (live, self.instance):
            for item in version.body.raw_data if version is not None else []:
                if item and isinstance(item.get("value"), dict):
                    stored.setdefault(item.get("id"), []).append(item["value"])
        posted = self.fields["body"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("body")
        )
        for index, block_error in error.block_errors.items():
            if index >= len(posted) or not isinstance(block_error, StructBlockValidationError):
                continue
            child = posted[index]
            block = child.block
            if isinstance(block, ActivityBlock):
                field = block.content_field
                message = DELETED_ACTIVITY_MESSAGES.get(
                    block.activity_kind, DELETED_ACTIVITY_MESSAGES[""]
                )
            elif isinstance(block, ImageBlock):
                field, message = "image", DELETED_IMAGE_MESSAGE
            else:
                continue
            if child.value.get(field):
                continue
            was = {value.get(field) for value in stored.get(child.id, [])} - {None}
            if not was or field not in block_error.block_errors:
                continue
            chooser = block.child_blocks[field]
            if chooser.target_model.objects.filter(pk__in=was).exists():
                continue
            block_error.block_errors[field] = ValidationError(message)

    def _publishing(self) -> bool:
        """Publishing it, or what leads to it being published without this form: submitting
        it to a moderator (Wagtail's "Moderators approval" workflow is on every page) and
        approving it."""
        data = self.data
        return bool(
            data.get("action-publish")
            or data.get("action-submit")
            or data.get("action-restart-workflow")
            or (
                data.get("action-workflow-action") and data.get("workflow-action-name") == "approve"
            )
        )


class CopyWithoutAliasForm(CopyForm):
    """Wagtail's Copy, without "Alias" (keep the new pages updated): an alias keeps every
    field of its page, the activity id that names a course or module in learners' records
    too, and a second page with it cannot be saved. A copy is a course or module of its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("alias", None)

    def clean(self):
        """A module copied into another course skips its edit form, as a move does (see the
        before_move_page hook): blocks not for that course's learners are refused here, in
        the version copied live and in its latest draft, which the copy keeps too."""
        from .models import ModulePage

        cleaned = super().clean()
        page = self.page.specific
        parent = cleaned.get("new_parent_page")
        if cleaned.get("publish_copies"):
            self._refuse_live_copies_requiring_unpublished_activities(cleaned)
        if not isinstance(page, ModulePage) or parent is None:
            return cleaned
        problems = {}
        for version in (page, page.get_latest_revision_as_object()):
            for _field, message in module_audience_problems(version.body, parent).values():
                problems[message] = None
        for message in problems:
            self.add_error("new_parent_page", message)
        return cleaned

    def _refuse_live_copies_requiring_unpublished_activities(self, cleaned) -> None:
        """With "Publish copies", each live module's copy goes live without its edit form,
        whose Publish button refuses a module requiring an activity that is not published
        (learners would be let complete it by saying they had read it)."""
        from .models import ModulePage

        modules = [self.page]
        if cleaned.get("copy_subpages"):
            modules += self.page.get_descendants()
        for module in modules:
            module = module.specific
            if not isinstance(module, ModulePage) or not module.live:
                continue
            problems = {
                **never_completed_required_activities(module.body),
                **unpublished_required_activities(module.body),
            }
            for message in problems.values():
                self.add_error("publish_copies", f"“{module.title}”: {message}")


def pupil_labels(pupils) -> list[tuple]:
    """Each pupil with what names them in a list to tick: their name, and their username
    too where another pupil of the list has the same name (two Olivia Smiths in a year
    group), so the teacher unticks the one who was absent."""
    names = [p.get_full_name() or p.username for p in pupils]
    shared = {name for name in names if names.count(name) > 1}
    return [
        (p, f"{name} ({p.username})" if name in shared else name)
        for p, name in zip(pupils, names, strict=True)
    ]


# How far back a teacher may record a lesson they led, in months: a calendar year (366 days
# after a 29 February), as the form's message says.
LESSON_RECORD_MONTHS = 12


class ClassLessonForm(forms.Form):
    """Which modules of a pupils' lesson a teacher led with a class, when, and who was there
    (every pupil of the class ticked to start with: the teacher unticks who was absent)."""

    modules = forms.TypedMultipleChoiceField(
        label=_("Modules you taught"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose the modules you taught."),
            # Taken off the course while the form was open: not Django's words and an id.
            "invalid_choice": _(
                "A module you ticked is no longer part of the course. Check the modules "
                "ticked below and send the form again."
            ),
        },
    )
    taught_on = DatePickerField(label=_("Date of the lesson"))
    # Made with the form, so the same form sent twice records one lesson.
    lesson = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": _("This form could not be read. Open it again and resend.")},
    )
    pupils = forms.TypedMultipleChoiceField(
        label=_("Pupils who were there"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick the pupils who were there."),
            # Moved class (a roster import) while the form was open, or never in it.
            "invalid_choice": _(
                "A pupil you ticked is no longer in the class. Check who is ticked below "
                "and send the form again."
            ),
        },
    )

    def __init__(self, *args, modules, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = [(m.pk, m.title) for m in modules]
        self.fields["pupils"].choices = [(p.pk, label) for p, label in pupil_labels(pupils)]
        self.fields["pupils"].initial = [p.pk for p in pupils]
        self.fields["taught_on"].initial = timezone.localdate()
        self.fields["lesson"].initial = uuid.uuid4()

    def clean_taught_on(self):
        taught_on = self.cleaned_data["taught_on"]
        today = timezone.localdate()
        if taught_on > today:
            raise ValidationError(_("The date of the lesson cannot be in the future."))
        if taught_on < add_months(today, -LESSON_RECORD_MONTHS):
            raise ValidationError(_("Lessons can be recorded up to a year after they were taught."))
        return taught_on
