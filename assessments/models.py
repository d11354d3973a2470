"""Quizzes (a Wagtail snippet editors build) and learners' attempts at them."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from .blocks import QuestionStreamBlock, questions_from_stream
from .questions import Question


class Quiz(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """A quiz editors place in module pages to check understanding.

    It has questions (five kinds, with per-option feedback and an explanation for review), a
    pass mark, an attempt limit and optional shuffling. Editors save drafts and preview them;
    learners only ever see the published version. `uuid` is the quiz's stable identity in
    xAPI statements; it never changes.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Optional. Shown before the learner starts, e.g. what the quiz covers."),
    )
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("questions"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The percentage a learner needs to pass."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=3,
        help_text=_(
            "How many times a learner may take the quiz in one go at the course. 0 means no limit."
        ),
    )
    shuffle_questions = models.BooleanField(
        _("shuffle the questions"),
        default=False,
        help_text=_("Each attempt shows the questions in a different order."),
    )
    shuffle_options = models.BooleanField(
        _("shuffle the options"),
        default=False,
        help_text=_("Each attempt shows the options of each question in a different order."),
    )
    time_estimate_minutes = models.PositiveSmallIntegerField(
        _("time estimate (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave blank to estimate one minute per question."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="quiz")

    panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldPanel("time_estimate_minutes"),
            ],
            heading=_("Marking and attempts"),
        ),
    ]

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    preview_modes = [("", _("As learners see it")), ("answers", _("With answers and feedback"))]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def attempts_count(self) -> tuple[int, int]:
        """How many attempts learners have made at this quiz and how many of those are not
        finished: what deleting it deletes."""
        counts = Attempt.objects.filter(quiz=self).aggregate(
            all=models.Count("pk"),
            open=models.Count("pk", filter=Q(state=Attempt.State.IN_PROGRESS)),
        )
        return counts["all"], counts["open"]

    def question_list(self) -> list[Question]:
        """The questions as pure data, in authored order."""
        return questions_from_stream(self.questions)

    @property
    def question_count(self) -> int:
        return len(self.questions)

    @property
    def minutes(self) -> int:
        return self.time_estimate_minutes or max(1, self.question_count)

    @property
    def unlimited_attempts(self) -> bool:
        return self.max_attempts == 0

    def get_preview_template(self, request, mode_name):
        return "assessments/quiz_preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        from .forms import AnswerSheet
        from .questions import Layout, laid_out

        questions = self.question_list()
        context["quiz"] = self
        context["questions"] = questions
        shown = laid_out(questions, Layout(seed=str(self.uuid)))
        context["fields"] = AnswerSheet(shown, None).fields
        context["show_answers"] = mode_name == "answers"
        return context


class Attempt(models.Model):
    """One learner's attempt at a quiz, from starting it to its result.

    `questions` is a snapshot of the quiz's questions in the order this attempt shows them
    (see assessments/questions.py), so editing the quiz never disturbs an attempt and a
    shuffle stays put. Attempts are counted against the quiz's limit per course
    registration, so a member of staff renewing a CPD course starts afresh.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    module = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("module"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The module page the quiz was taken in, if any."),
    )
    # The school the learner was at when they started: its retention period applies to the
    # attempt (as to its statements), wherever they move afterwards.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    questions = models.JSONField(_("questions"), default=list)
    answers = models.JSONField(_("answers"), default=dict)
    credits = models.JSONField(_("credit per question"), default=dict)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    score_raw = models.FloatField(_("score"), null=True, blank=True)
    score_max = models.PositiveSmallIntegerField(_("out of"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at"]
        constraints = [
            # One attempt under way per learner and quiz: a double-clicked "Start" cannot
            # open (and use up) two attempts.
            models.UniqueConstraint(
                fields=["quiz", "learner"],
                condition=Q(state="in_progress"),
                name="assessments_one_attempt_in_progress",
            ),
        ]
        indexes = [models.Index(fields=["learner", "quiz", "registration"])]

    def __str__(self) -> str:
        return f"{self.learner}: {self.quiz} #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def percent(self) -> int | None:
        if self.score_scaled is None:
            return None
        return int(round(self.score_scaled * 100, 6))

    @property
    def raw_shown(self):
        """The raw score as the results say it: "2.5 out of 5", not "2.50"."""
        from .scoring import raw_score_shown

        return None if self.score_raw is None else raw_score_shown(self.score_raw)

    def question_list(self) -> list[Question]:
        return [Question.from_dict(data) for data in self.questions]
