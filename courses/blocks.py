"""The blocks editors build module bodies from: one shared StreamBlock, `ModuleBodyBlock`.

Content blocks (text, image, video, case study, callout) are read; the checklist and the
reflection prompt are things the learner does whose answers are saved (see services.py);
activity blocks (scenario, quiz, H5P) are required activities that complete the module
(see activity.py). Each block has an icon, a template, a preview value and a description so
editors can tell them apart in the block picker.
"""

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from assessments.blocks import QuizBlock
from h5p.blocks import H5PActivityBlock
from scenarios.blocks import ScenarioBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]
PREVIEW_TEMPLATE = "courses/blocks/preview.html"
ACTIVITY_PREVIEW_TEMPLATE = "courses/blocks/activity_preview.html"


class TextBlock(blocks.RichTextBlock):
    """Paragraphs, headings and lists: the body of most modules."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "doc-full"
        label = _("Text")
        template = "courses/blocks/text.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = (
            "<h2>Why it matters</h2><p>Posts about a teacher can hurt a real person. "
            "Think before you share.</p>"
        )
        description = _("Paragraphs, headings, lists and links.")


class ImageBlock(blocks.StructBlock):
    """A picture with the alternative text a screen reader will read out."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe what the picture shows for someone who cannot see it. Required."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "alt_text": "A phone screen showing privacy settings",
            "caption": "Check your settings every term.",
        }
        description = _("A picture with required alternative text and an optional caption.")


# Where a video block's address may point: the site's pages frame only these hosts' players
# (config/content_security_policy.VIDEO_PLAYERS), so a video from anywhere else would show
# an empty frame.
VIDEO_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "www.youtube-nocookie.com",
    "vimeo.com",
    "www.vimeo.com",
    "player.vimeo.com",
}


class VideoBlock(blocks.StructBlock):
    """An embedded video with a full transcript, so no learner depends on sound or vision."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    video = EmbedBlock(
        label=_("Video address"),
        help_text=_("A YouTube or Vimeo address. The video is embedded from there."),
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript"),
        features=["bold", "italic", "ol", "ul"],
        help_text=_("Everything said and shown in the video, for learners who cannot hear it."),
    )

    class Meta:
        icon = "media"
        label = _("Video with transcript")
        template = "courses/blocks/video.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "title": "What to do if you see a post",
            "transcript": "<p>Narrator: If you see a post about a teacher, do not share it.</p>",
        }
        description = _("An embedded video and its transcript.")

    def clean(self, value):
        value = super().clean(value)
        video = value.get("video")
        if video and not self.can_frame(video):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "video": ValidationError(
                        _(
                            "Only YouTube or Vimeo videos can be shown in a module. Upload "
                            "this video to one of them, or link to it from the text."
                        )
                    )
                }
            )
        return value

    @staticmethod
    def can_frame(video) -> bool:
        """Whether the site's pages may frame this video's player."""
        return (urlsplit(video.url).hostname or "").lower() in VIDEO_HOSTS

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # A module published before other hosts were refused would show an empty frame:
        # the learner is given a link to watch the video where it is instead.
        video = value.get("video")
        context["video_framed"] = framed = bool(video) and self.can_frame(video)
        if framed:
            context["player"] = mark_safe(  # noqa: S308 (the embed's own HTML, one src changed)
                PLAYER_SRC.sub(_player_without_tracking, str(video.html))
            )
        return context


# The src of the player's frame in the embed HTML YouTube and Vimeo give (oEmbed).
PLAYER_SRC = re.compile(r'src="(https://(?:www\.youtube\.com|player\.vimeo\.com)/[^"]*)"')


def _player_without_tracking(match: re.Match) -> str:
    """The player that does not mark the learner's device before they choose to watch:
    YouTube's privacy-enhanced mode (youtube-nocookie.com) and Vimeo's "do not track"
    (`dnt=1`). Pupils open modules on school devices; the video site has no need to know."""
    src = match.group(1)
    if src.startswith("https://www.youtube.com/"):
        src = "https://www.youtube-nocookie.com/" + src.removeprefix("https://www.youtube.com/")
    else:
        src += ("&amp;" if "?" in src else "?") + "dnt=1"
    return f'src="{src}"'


class SourceBlock(blocks.StructBlock):
    """Where a case study's facts come from."""

    organisation = blocks.CharBlock(label=_("Organisation"), max_length=200)
    title = blocks.CharBlock(label=_("Title of the document"), max_length=300)
    date = blocks.CharBlock(
        label=_("Date"),
        max_length=100,
        help_text=_(
            "When it was published, as precisely as the source says: '15 November 2021', "
            "'Autumn 2021', or 'Not dated'."
        ),
    )
    url = blocks.URLBlock(label=_("Link"), required=False)

    class Meta:
        icon = "link"
        label = _("Source")


@contextmanager
def _empty_list_said_as(name, value, message):
    """A StructBlock's list `name` left empty is said as `message`, not as Wagtail's "The
    minimum number of items is 1", which does not say what to add."""
    try:
        yield
    except blocks.StructBlockValidationError as error:
        list_error = error.block_errors.get(name)
        if isinstance(list_error, ListBlockValidationError) and not value.get(name):
            list_error.non_block_errors = ErrorList([ValidationError(message)])
        raise


class CaseStudyBlock(blocks.StructBlock):
    """A real case, told in our own words, with the sources it draws on."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    summary = blocks.TextBlock(
        label=_("Summary"), help_text=_("One or two sentences: what happened.")
    )
    body = blocks.RichTextBlock(label=_("The case"), features=RICH_TEXT_FEATURES)
    sources = blocks.ListBlock(
        SourceBlock(),
        min_num=1,
        label=_("Sources"),
        help_text=_("Every case study cites at least one source document."),
    )

    class Meta:
        icon = "openquote"
        label = _("Case study")
        template = "courses/blocks/case_study.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "title": "Staff abused on TikTok",
            "summary": "School leaders had more than 50 complaints from staff in a few weeks.",
            "body": "<p>Some posts made false claims about staff.</p>",
            "sources": [
                {
                    "organisation": (
                        "Association of School and College Leaders (ASCL), as reported in the press"
                    ),
                    "title": (
                        "Untitled press report of ASCL's complaints from staff abused on TikTok"
                    ),
                    "date": "Not dated",
                    "url": "",
                }
            ],
        }
        description = _("A real case with a summary, the story and its sources.")

    def clean(self, value):
        """The sources' count is checked by the list (`min_num`), which Wagtail leaves to
        publishing: a draft may be unfinished. Its error is said in plain words here."""
        with _empty_list_said_as("sources", value, _("Add at least one source.")):
            return super().clean(value)


SIGNPOSTING_CHOICES = [
    ("", _("No signposting")),
    ("pupils", _("Pupils: a trusted adult, Childline and CEOP")),
    ("staff", _("Staff: the Professionals Online Safety Helpline")),
]


class CalloutBlock(blocks.StructBlock):
    """A highlighted box: a key point, a warning, or who to contact for help.

    Signposting adds the right contacts for the audience, written once in the template so
    every course gives the same, correct numbers.
    """

    heading = blocks.CharBlock(label=_("Heading"), max_length=200)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, required=False)
    signposting = blocks.ChoiceBlock(
        choices=SIGNPOSTING_CHOICES,
        required=False,
        label=_("Who to contact"),
        help_text=_(
            "Pupils: a trusted adult, Childline (0800 1111) and CEOP. Staff: the Professionals "
            "Online Safety Helpline (0344 381 4772, helpline@saferinternet.org.uk)."
        ),
    )

    class Meta:
        icon = "help"
        label = _("Callout or signposting")
        template = "courses/blocks/callout.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "Need help?",
            "text": "<p>You are not on your own.</p>",
            "signposting": "pupils",
        }
        description = _("A highlighted box, optionally with who to contact for help.")


class ChecklistPlatformBlock(blocks.StructBlock):
    """The settings to check on one platform."""

    platform = blocks.CharBlock(label=_("Platform"), max_length=100)
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Setting to check"), max_length=300),
        min_num=1,
        label=_("Settings to check"),
    )

    class Meta:
        icon = "list-ul"
        label = _("Platform")

    def clean(self, value):
        with _empty_list_said_as("items", value, _("Add at least one setting to check.")):
            return super().clean(value)


class ChecklistBlock(blocks.StructBlock):
    """Privacy settings the learner checks on their own accounts, platform by platform.

    Ticks are saved per learner (courses.models.ChecklistProgress) and reported as a
    `progressed` statement; they never make the module complete on their own.
    """

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    intro = blocks.RichTextBlock(
        label=_("Introduction"), features=RICH_TEXT_FEATURES, required=False
    )
    platforms = blocks.ListBlock(ChecklistPlatformBlock(), min_num=1, label=_("Platforms"))

    class Meta:
        icon = "tick-inverse"
        label = _("Privacy-settings checklist")
        template = "courses/blocks/checklist.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "title": "Check your privacy settings",
            "intro": "<p>Tick each setting once you have checked it.</p>",
            "platforms": [
                {"platform": "Instagram", "items": ["Make your account private"]},
            ],
        }
        description = _("Settings per platform that the learner ticks; ticks are saved.")

    def clean(self, value):
        with _empty_list_said_as("platforms", value, _("Add at least one platform.")):
            return super().clean(value)

    @staticmethod
    def item_ids(value) -> list[str]:
        """Stable ids of every item, in order (list item ids survive reordering)."""
        ids = []
        for platform in value["platforms"].bound_blocks:
            for item in platform.value["items"].bound_blocks:
                ids.append(item.id)
        return [i for i in ids if i]


class ReflectionBlock(blocks.StructBlock):
    """A question the learner may answer in their own words.

    The answer is optional and private to the learner: it is kept in the school's records
    (courses.models.Reflection) and never sent in an xAPI statement (DESIGN.md).
    """

    prompt = blocks.CharBlock(label=_("Question"), max_length=300)
    hint = blocks.CharBlock(
        label=_("Hint"),
        required=False,
        max_length=300,
        help_text=_("Optional. Helps the learner get started."),
    )

    class Meta:
        icon = "comment"
        label = _("Reflection prompt")
        template = "courses/blocks/reflection.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "prompt": "How would you feel if a post like this was about you?",
            "hint": "There is no right answer.",
        }
        description = _("A question the learner may answer privately. Answers stay in school.")


class TeacherNotesBlock(blocks.StructBlock):
    """Guidance for the teacher leading a pupils' lesson with a class: ground rules, timing,
    questions to ask, how to use an activity.

    `teaching_only`: shown to staff in the teaching view and to editors in preview, never to
    pupils (it is left out of their page altogether). The disclosure reminder is written once
    here, with the school's own title for the safeguarding lead and who holds the role.
    """

    teaching_only = True

    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=200,
        default=_("Notes for the teacher"),
        help_text=_("E.g. 'Before you start', 'Ground rules', 'Discussion'."),
    )
    minutes = blocks.IntegerBlock(
        label=_("Suggested time (minutes)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Optional. About how long to spend on this part with a class."),
    )
    text = blocks.RichTextBlock(label=_("Notes"), features=RICH_TEXT_FEATURES)
    disclosure = blocks.BooleanBlock(
        label=_("Remind the teacher what to do if a pupil tells them something worrying"),
        required=False,
        help_text=_(
            "Adds the standard reminder, naming the school's safeguarding lead. Tick it where "
            "the lesson may lead a pupil to talk about something that happened to them."
        ),
    )

    class Meta:
        icon = "user"
        label = _("Notes for the teacher")
        template = "courses/blocks/teacher_notes.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "Ground rules",
            "minutes": 5,
            "text": "<p>Agree with the class: no real names, and anyone may pass.</p>",
            "disclosure": True,
        }
        description = _(
            "Pupils' lessons only: guidance for staff leading the lesson. Pupils never see it."
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        school = getattr(getattr(request, "user", None), "school", None)
        context["school"] = school
        if value.get("disclosure") and school is not None:
            from schools.selectors import safeguarding_leads

            names = [str(lead) for lead in safeguarding_leads(school)]
            context["safeguarding_lead_count"] = len(names)
            context["safeguarding_lead_names"] = get_text_list(names, _("and"))
        return context


def is_teaching_only(child) -> bool:
    """Is this block of a module body for teachers only (the notes for the teacher), never
    on a pupil's page?"""
    return getattr(child.block, "teaching_only", False)


class ModuleBodyBlock(blocks.StreamBlock):
    """Every block a module body may hold. The one StreamBlock for all module pages."""

    text = TextBlock()
    image = ImageBlock()
    video = VideoBlock()
    case_study = CaseStudyBlock()
    callout = CalloutBlock()
    checklist = ChecklistBlock()
    reflection = ReflectionBlock()
    teacher_notes = TeacherNotesBlock()
    # Activity slots: the blocks are built by the scenarios, assessments and h5p apps.
    scenario = ScenarioBlock(
        preview_value={"required": True}, preview_template=ACTIVITY_PREVIEW_TEMPLATE
    )
    quiz = QuizBlock(preview_value={"required": True}, preview_template=ACTIVITY_PREVIEW_TEMPLATE)
    h5p = H5PActivityBlock(
        preview_value={"required": True}, preview_template=ACTIVITY_PREVIEW_TEMPLATE
    )
