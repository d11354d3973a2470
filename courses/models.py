"""Wagtail pages for the course catalogue, and the learner state a module keeps.

The page tree is HomePage > CourseIndexPage (a catalogue for one audience) > CoursePage >
ModulePage. Completion is never stored here: it is read from records (records/selectors.py),
which are derived from xAPI statements. What is stored here is what a learner is part-way
through: their enrolment (the registration that ties their statements together), the
checklist items they have ticked, and their private reflections.
"""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, ModuleBodyBlock, is_teaching_only
from .forms import CopyWithoutAliasForm, ModulePageForm


def _teaches_a_group(user) -> bool:
    """Does this member of staff teach a group, and so may run a scenario with it?"""
    from schools.selectors import groups_taught_by

    return groups_taught_by(user).exists()


def _teaches_a_class(user) -> bool:
    """Does this member of staff teach a class or year group, and so may record a lesson led
    with it? (Leading only a staff team, there are no pupils to record it for.)"""
    from schools.selectors import classes_taught_by

    return classes_taught_by(user).exists()


class Audience(models.TextChoices):
    """Who a course is for. Decides who sees it in My learning."""

    PUPILS = "pupils", _("Pupils")
    STAFF = "staff", _("Staff")
    SAFEGUARDING_LEADS = "safeguarding_leads", _("Safeguarding leads and senior leaders")


class KeyStage(models.TextChoices):
    KS3 = "ks3", _("Key stage 3 (ages 11 to 14)")
    KS4 = "ks4", _("Key stage 4 (ages 14 to 16)")
    KS3_KS4 = "ks3_ks4", _("Key stages 3 and 4")


class Topic(models.Model):
    """A subject a course covers (privacy settings, phone use, reporting), for filtering."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


# Page privacy ("Privacy" in the admin) offered on the site's pages: sign-in or groups, which
# the course actions follow too (`courses.selectors.course_open_to`). Not a shared password:
# it is remembered only in one browser's session, which the actions on a module cannot see.
PRIVATE_PAGE_OPTIONS = ["login", "groups"]


class HomePage(Page):
    """The site's front page: a short welcome and the way in to sign-in or My learning."""

    private_page_options = PRIVATE_PAGE_OPTIONS

    intro = RichTextField(
        _("introduction"),
        blank=True,
        help_text=_("A short welcome shown to everyone, signed in or not."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class CourseIndexPage(Page):
    """A catalogue of courses for one audience, e.g. "Courses for staff"."""

    private_page_options = PRIVATE_PAGE_OPTIONS

    audience = models.CharField(
        _("audience"),
        max_length=30,
        choices=Audience.choices,
        help_text=_("Who the courses in this catalogue are for."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Shown above the list of courses."),
    )

    content_panels = [*Page.content_panels, FieldPanel("audience"), FieldPanel("intro")]

    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]
    copy_form_class = CopyWithoutAliasForm

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def get_children_for_listing(self):
        return CoursePage.objects.child_of(self).live().public().order_by("path")

    def serve(self, request, *args, **kwargs):
        # Learners reach courses through My learning, which knows which they may take.
        return redirect("courses:my_learning")


class ActivityPageMixin(models.Model):
    """A page that is an xAPI activity: a stable UUID gives it an IRI that survives renames."""

    activity_uuid = models.UUIDField(
        _("activity id"), default=uuid.uuid4, unique=True, editable=False
    )
    activity_kind = ""

    class Meta:
        abstract = True

    @property
    def activity_iri(self) -> str:
        from xapi.identity import activity_iri

        return activity_iri(self.activity_kind, self.activity_uuid)


class CoursePage(ActivityPageMixin, Page):  # noqa: DJ008 (Page.__str__ is the title)
    """A course: an ordered set of modules for one audience, with its outcomes and timing."""

    activity_kind = "course"
    private_page_options = PRIVATE_PAGE_OPTIONS

    audience = models.CharField(
        _("audience"),
        max_length=30,
        choices=Audience.choices,
        help_text=_("Who takes this course. Pupils see pupil courses; staff see staff courses."),
    )
    summary = models.TextField(
        _("summary"),
        help_text=_("One or two sentences shown in course lists."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Shown at the top of the course overview."),
    )
    topics = ParentalManyToManyField(
        Topic,
        blank=True,
        related_name="courses",
        verbose_name=_("topics"),
        help_text=_("What the course covers, e.g. privacy settings, phone use, reporting."),
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"),
        help_text=_("How long the whole course takes most learners."),
    )
    cpd_minutes = models.PositiveIntegerField(
        _("CPD time (minutes)"),
        null=True,
        blank=True,
        help_text=_("Staff courses only: the CPD time recorded on completion."),
    )
    key_stage = models.CharField(
        _("key stage"),
        max_length=10,
        choices=KeyStage.choices,
        blank=True,
        help_text=_("Pupil courses only: the key stage the course is written for."),
    )
    learning_outcomes = models.TextField(
        _("learning outcomes"),
        help_text=_("One per line, finishing the sentence 'By the end you will be able to…'."),
    )
    content_warning = models.TextField(
        _("content warning"),
        blank=True,
        help_text=_(
            "Optional. Shown before the course starts, e.g. 'This course describes online "
            "abuse, including homophobic posts.'"
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("audience"),
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("estimated_minutes"),
                FieldPanel("cpd_minutes"),
                FieldPanel("key_stage"),
            ],
            heading=_("About the course"),
        ),
        FieldPanel("content_warning"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    exclude_fields_in_copy = ["activity_uuid"]
    copy_form_class = CopyWithoutAliasForm

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        errors = {}
        if self.audience == Audience.PUPILS and self.cpd_minutes:
            errors["cpd_minutes"] = _("CPD time is for staff courses only.")
        if self.audience != Audience.PUPILS and self.key_stage:
            errors["key_stage"] = _("A key stage is for pupil courses only.")
        if self.audience == Audience.PUPILS and self.pk is not None:
            titles = self._staff_scenario_titles()
            if titles:
                errors["audience"] = _(
                    "Its modules use scenarios written for staff (%(titles)s), which pupils "
                    "cannot play. Take them out of the modules first."
                ) % {"titles": get_text_list([f"“{title}”" for title in titles], _("and"))}
        if "audience" not in errors and self.pk is not None and self.audience:
            titles = self._modules_written_for_another_audience()
            if titles:
                errors["audience"] = _(
                    "Modules of this course have help contacts or notes for the teacher that "
                    "are not for %(audience)s (%(titles)s). Change those blocks first."
                ) % {
                    "audience": self.get_audience_display().lower(),
                    "titles": get_text_list([f"“{title}”" for title in titles], _("and")),
                }
        if "audience" not in errors and self.pk is not None and self.audience:
            assigned = self._assigned_to_people_outside(self.audience)
            if assigned:
                errors["audience"] = _(
                    "Schools have assigned this course to people who could not take a course "
                    "for %(audience)s (%(assigned)s), and would be chased for it for ever. Ask "
                    "those schools to remove the assignments first, or keep the audience."
                ) % {
                    "audience": self.get_audience_display().lower(),
                    "assigned": get_text_list(assigned, _("and")),
                }
        if errors:
            raise ValidationError(errors)

    def _assigned_to_people_outside(self, audience: str) -> list[str]:
        """ "School: group or role" for each assignment of this course whose people could
        not take it were it for `audience`; none while the audience stays as it is."""
        from records.catalogue import assignment_fits
        from records.models import Assignment

        stored = CoursePage.objects.filter(pk=self.pk).values_list("audience", flat=True).first()
        if stored is None or stored == audience:
            return []
        found = []
        for assignment in Assignment.objects.filter(course_id=self.pk).select_related(
            "school", "group"
        ):
            group = assignment.group
            staff_team = None if group is None else group.kind == group.Kind.STAFF_TEAM
            if not assignment_fits(audience=audience, staff_team=staff_team, role=assignment.role):
                who = group.name if group is not None else assignment.get_role_display()
                found.append(f"{assignment.school.name}: {who}")
        return found

    def _staff_scenario_titles(self) -> list[str]:
        """Titles of the staff scenarios this course's modules use (pupils never play one)."""
        from scenarios.blocks import ScenarioBlock
        from scenarios.models import Scenario

        titles: list[str] = []
        for module in ModulePage.objects.child_of(self).only("body"):
            for child in module.body:
                scenario = (
                    child.value.get("scenario") if isinstance(child.block, ScenarioBlock) else None
                )
                if (
                    scenario is not None
                    and scenario.audience == Scenario.Audience.STAFF
                    and scenario.title not in titles
                ):
                    titles.append(scenario.title)
        return titles

    def _modules_written_for_another_audience(self) -> list[str]:
        """Titles of this course's modules with blocks its audience should not have, as the
        module form refuses them: a callout's contacts for another audience (Childline for
        staff, the professionals' helpline for pupils), or notes for the teacher outside a
        pupils' course (nobody would see them)."""
        from .blocks import CalloutBlock

        wanted = "pupils" if self.audience == Audience.PUPILS else "staff"
        titles: list[str] = []
        for module in ModulePage.objects.child_of(self).only("title", "body"):
            for child in module.body:
                signposting = (
                    child.value.get("signposting") if isinstance(child.block, CalloutBlock) else ""
                )
                notes_unseen = is_teaching_only(child) and self.audience != Audience.PUPILS
                if (signposting and signposting != wanted) or notes_unseen:
                    titles.append(module.title)
                    break
        return titles

    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def modules(self):
        """The course's live modules in the order editors arranged them."""
        return ModulePage.objects.child_of(self).live().order_by("path")

    def xapi_activity(self):
        from xapi.statements.builders import Activity

        return Activity(
            iri=self.activity_iri,
            type="http://adlnet.gov/expapi/activities/course",
            name=self.title,
            description=self.summary,
        )

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_progress, renewal_due

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = progress = course_progress(learner=request.user, course=self)
        context["teaching"] = teaching = getattr(request, "upstander_teaching", False)
        if progress.complete and not teaching:
            context["renewal"] = renewal_due(learner=request.user, course=self)
        if teaching:
            context["teaches_a_class"] = _teaches_a_class(request.user)
        context["nav_current"] = "learning"
        return context

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        request.upstander_teaching = _open_or_404(request.user, self)
        return super().serve(request, *args, **kwargs)


class ModulePage(ActivityPageMixin, Page):  # noqa: DJ008 (Page.__str__ is the title)
    """One module of a course: content, things to do, and the activities that complete it."""

    activity_kind = "module"
    private_page_options = PRIVATE_PAGE_OPTIONS

    summary = models.TextField(
        _("summary"),
        help_text=_("One sentence shown in the course's list of modules."),
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"),
        help_text=_("How long this module takes most learners."),
    )
    content_warning = models.TextField(
        _("content warning"),
        blank=True,
        help_text=_("Optional. Shown at the top of the module, before its content."),
    )
    body = StreamField(
        ModuleBodyBlock(),
        verbose_name=_("body"),
        help_text=_(
            "The module's content. Scenario, quiz and H5P blocks marked as required must be "
            "completed before the module counts as complete; without them, the learner "
            "completes the module by saying they have read it."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("content_warning"),
        FieldPanel("body"),
    ]

    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["activity_uuid"]
    copy_form_class = CopyWithoutAliasForm
    base_form_class = ModulePageForm

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    @property
    def course(self) -> "CoursePage":
        return CoursePage.objects.get(pk=self.get_parent().pk)

    def required_activity_iris(self) -> list[str]:
        from .activity import required_activity_iris

        return required_activity_iris(self.body)

    def xapi_activity(self):
        from xapi.statements.builders import Activity

        return Activity(
            iri=self.activity_iri,
            type="http://adlnet.gov/expapi/activities/module",
            name=self.title,
            description=self.summary,
        )

    def get_context(self, request, *args, **kwargs):
        from .selectors import module_context

        context = super().get_context(request, *args, **kwargs)
        context.update(module_context(learner=request.user, module=self))
        context["teaching"] = teaching = getattr(request, "upstander_teaching", False)
        if teaching:
            # Projecting the lesson to a class: the notes for the teacher stay off the screen
            # (`?notes=hidden`, carried on to the next and previous modules).
            context["has_teacher_notes"] = any(is_teaching_only(child) for child in self.body)
            context["notes_hidden"] = request.GET.get("notes") == "hidden"
            context["teaches_a_group"] = _teaches_a_group(request.user)
            context["teaches_a_class"] = _teaches_a_class(request.user)
        context["nav_current"] = "learning"
        return context

    def serve(self, request, *args, **kwargs):
        from .services import module_experience

        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        request.upstander_teaching = teaching = _open_or_404(request.user, self.course)
        if (
            request.method == "GET"
            and not teaching
            and not getattr(request, "is_preview", False)
            and getattr(request.user, "school", None) is not None
        ):
            module_experience(learner=request.user, module=self)
        return super().serve(request, *args, **kwargs)


def _open_or_404(user, course) -> bool:
    """Raise 404 unless the person may open the course; True when they see it in the
    teaching view (staff opening a pupils' lesson), False when it is theirs to take."""
    from .selectors import course_in_teaching_view, course_open_to

    if course_open_to(user=user, course=course):
        return False
    if course_in_teaching_view(user=user, course=course):
        return True
    raise Http404


class Enrolment(models.Model):
    """A learner's attempt at a course. Its registration UUID ties their statements together.

    xAPI 1.0.3 §4.1.6.1 (context.registration): every statement a learner makes while
    taking this course carries the registration, so an attempt can be read back as a whole.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    registration = models.UUIDField(_("registration"), default=uuid.uuid4, unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # A renewal: the learner's completion had expired, or was expiring, under an assignment,
    # so what they completed before this does not count for this attempt.
    counts_from = models.DateTimeField(_("counts completions from"), null=True, blank=True)
    # The school the learner was at when they started it: its retention period applies (as
    # to the statements that carry its registration), wherever they move afterwards.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course", "attempt"], name="enrolment_unique_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.course} (attempt {self.attempt})"


class ChecklistProgress(models.Model):
    """The items of one checklist block a learner has ticked, so they are there next time."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklist_progress"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(_("checklist block"), max_length=64)
    ticked = models.JSONField(_("ticked items"), default=list)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The school the learner was at when they last changed it: its retention period applies
    # (as to their statements), wherever they move afterwards.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("checklist progress")
        verbose_name_plural = _("checklist progress")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "module", "block_id"], name="checklist_progress_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner}: {len(self.ticked)} ticked"


class Reflection(models.Model):
    """A learner's private answer to a reflection prompt.

    Only the learner sees it; it stays in the school's records and is never put in an xAPI
    statement or forwarded anywhere (DESIGN.md, children's data). Erasing the learner erases
    it.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(_("reflection block"), max_length=64)
    text = models.TextField(_("answer"), blank=True, max_length=5000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The school the learner was at when they last changed it: its retention period applies
    # (as to their statements), wherever they move afterwards.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "module", "block_id"], name="reflection_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.learner}"


class ClassLesson(models.Model):
    """A pupils' lesson a teacher led with a class, and the modules it covered. Each pupil
    there has the modules recorded as completed, in statements like any other that carry
    this lesson's `uuid` (not the teacher); this row keeps the lesson for the class's PSHE
    record: when, who led it and how many pupils were there, never which."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(
        "schools.Group", on_delete=models.CASCADE, related_name="lessons_taught"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    modules = models.ManyToManyField(ModulePage, related_name="+")
    taught_on = models.DateField(_("date of the lesson"))
    pupil_count = models.PositiveIntegerField(_("pupils there"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The statements recording it, so a lesson recorded by mistake can be taken back.
    statement_ids = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["-taught_on", "-recorded_at"]
        verbose_name = _("lesson taught to a class")
        verbose_name_plural = _("lessons taught to classes")

    def __str__(self) -> str:
        return f"{self.course} with {self.group} on {self.taught_on}"
