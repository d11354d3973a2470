"""Branching scenarios, the attempts learners make at them, and classroom sessions.

A `Scenario` is a Wagtail snippet with drafts, revisions, preview and locking. Its graph is
edited as a list of nodes, each with its choices, and converted into the pure engine's
`Graph` by `graph()`. An attempt pins the revision it started on (`ScenarioAttempt.revision`),
so later edits never break a learner half-way.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
)

from .blocks import NodeBlock, VariableBlock
from .engine import Choice, Graph, Issue, Node, Outcome, Variable, validate
from .engine.expressions import ExpressionError, parse_conditions, parse_effects
from .engine.graph import default_choice_id, parse_value


def _image_id(image) -> int | None:
    """The id of a node's picture: the block gives the image, or None if it was deleted."""
    return getattr(image, "pk", image) if image else None


def _score(value) -> int:
    """A choice's score change. The publish check also reads what was typed in a form whose
    fields failed (text, not yet a number): what does not read as a whole number counts as
    0, its own field saying what is wrong, and the rest of the graph is still checked."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _plays_delete(scenarios) -> None:
    """Delete the play-throughs and class plays of `scenarios` (a queryset). Each pins one of
    its scenario's revisions, and that pin refuses to let the revision go (so Wagtail's
    `purge_revisions` keeps what someone is playing): they must go before the scenario, whose
    revisions go with it. What learners completed stays: it is in their statements."""
    ScenarioAttempt.objects.filter(scenario__in=scenarios).delete()
    ClassroomSession.objects.filter(scenario__in=scenarios).delete()


def _endings_without_debrief(graph: Graph) -> list[Issue]:
    """Endings carry a debrief with where to get help (DESIGN.md), so one is needed to
    publish. The engine does not ask for it, so a graph for a test may do without."""
    return [
        Issue(
            node.id,
            "no_debrief",
            _(
                "“%(node)s” is an ending but has no debrief. Say what the learner should "
                "take away and where they can get help."
            )
            % {"node": node.id},
            index,
            beside="debrief",
        )
        for index, node in enumerate(graph.nodes)
        if node.outcome and not node.debrief.strip()
    ]


class ScenarioQuerySet(models.QuerySet):
    def annotate_approved_schedule(self):
        """Whether each scenario has a revision approved to go live later, read with the rows
        (`Scenario.approved_schedule`): a list showing each one's status then needs no query
        per scenario."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models.functions import Cast
        from wagtail.models import Revision

        # As `RevisionMixin.revisions` finds a scenario's revisions (its id kept as text).
        scheduled = Revision.objects.filter(
            base_content_type=ContentType.objects.get_for_model(self.model),
            object_id=Cast(models.OuterRef("pk"), output_field=models.CharField()),
            approved_go_live_at__isnull=False,
        )
        return self.annotate(_approved_schedule=models.Exists(scheduled))

    def delete(self):
        with transaction.atomic(using=self.db):
            _plays_delete(self.values("pk"))
            return super().delete()


class Scenario(DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, models.Model):
    """A branching scenario: situations, choices and endings, played in module pages.

    `uuid` is the activity's stable identity in xAPI statements; it never changes.
    """

    class Audience(models.TextChoices):
        PUPILS = "pupils", _("Pupils")
        STAFF = "staff", _("Staff")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.PUPILS,
        help_text=_(
            "Decides the help shown with every debrief: Childline and CEOP for pupils, or "
            "the Professionals Online Safety Helpline for staff."
        ),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    start_node = models.CharField(
        _("start node"),
        max_length=60,
        blank=True,
        help_text=_("The id of the first node. Left blank, the first node in the list."),
    )
    variables = StreamField(
        [("variable", VariableBlock())], blank=True, verbose_name=_("variables")
    )
    nodes = StreamField([("node", NodeBlock())], blank=True, verbose_name=_("nodes"))
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="scenario")

    objects = ScenarioQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("audience"),
        FieldPanel("introduction"),
        HelpPanel(
            content=_(
                "Build the scenario as a list of nodes. Each node is a situation with the "
                "choices a learner can make; a choice names the node it leads to. Give a "
                "node an outcome to make it an ending. You can save a draft at any time; "
                "publishing is refused until every problem is fixed."
            )
        ),
        FieldPanel("start_node"),
        FieldPanel("variables"),
        FieldPanel("nodes"),
    ]

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.title

    @property
    def approved_schedule(self) -> bool:
        # Read with the row where the queryset asked for it (the admin's list of scenarios).
        if hasattr(self, "_approved_schedule"):
            return self._approved_schedule
        return super().approved_schedule

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            _plays_delete(Scenario.objects.filter(pk=self.pk))
            return super().delete(*args, **kwargs)

    def plays_count(self) -> tuple[int, int, int]:
        """How many play-throughs of this scenario there are, how many of those are not
        finished, and how many class plays: what deleting it deletes."""
        attempts = ScenarioAttempt.objects.filter(scenario=self).aggregate(
            all=models.Count("pk"), open=models.Count("pk", filter=models.Q(finished_at=None))
        )
        classes = ClassroomSession.objects.filter(scenario=self).count()
        return attempts["all"], attempts["open"], classes

    @property
    def revisions(self):
        # Deleting the snippet deletes its revisions (Wagtail's documented pattern).
        return self._revisions

    @property
    def needs_staff_team(self) -> bool:
        """Classroom mode runs a staff scenario (CPD: threats, sexual comments aimed at staff)
        only with a staff team, never projected to pupils. Pupils' scenarios run with any
        group, a staff team included, to try them out."""
        return self.audience == self.Audience.STAFF

    # --- the graph ---

    def graph_and_parse_issues(self) -> tuple[Graph, list[Issue]]:
        """The engine graph, plus problems in condition/effect/variable text."""
        issues: list[Issue] = []
        variables = []
        for child in self.variables:
            value = child.value
            variables.append(Variable(value["name"], parse_value(value.get("initial") or "false")))
        nodes = []
        for place, child in enumerate(self.nodes):
            value = child.value
            node_id = (value.get("node_id") or "").strip()
            choices = []
            for index, choice in enumerate(value.get("choices") or [], start=1):
                # Each read on its own: a typo in one must not lose the other (a draft with
                # one is exported, and edited, with what was right kept).
                conditions, effects = (), ()
                try:
                    conditions = parse_conditions(choice.get("conditions") or "")
                except ExpressionError as error:
                    issues.append(
                        Issue(node_id, "expression", str(error), place, index - 1, "conditions")
                    )
                try:
                    effects = parse_effects(choice.get("effects") or "")
                except ExpressionError as error:
                    issues.append(
                        Issue(node_id, "expression", str(error), place, index - 1, "effects")
                    )
                choices.append(
                    Choice(
                        id=(choice.get("choice_id") or "").strip()
                        or default_choice_id(node_id, index),
                        label=choice.get("label") or "",
                        target=(choice.get("target") or "").strip(),
                        feedback=choice.get("feedback") or "",
                        score=_score(choice.get("score")),
                        effects=effects,
                        conditions=conditions,
                    )
                )
            outcome = value.get("outcome") or ""
            nodes.append(
                Node(
                    id=node_id,
                    title=value.get("title") or "",
                    text=value.get("text") or "",
                    media=value.get("media") or "",
                    image_id=_image_id(value.get("image")),
                    image_alt=value.get("image_alt") or "",
                    content_warning=value.get("content_warning") or "",
                    skip_to=(value.get("skip_to") or "").strip(),
                    outcome=Outcome(outcome) if outcome else None,
                    debrief=value.get("debrief") or "",
                    choices=tuple(choices),
                )
            )
        start = self.start_node.strip() or (nodes[0].id if nodes else "")
        return Graph(start=start, nodes=tuple(nodes), variables=tuple(variables)), issues

    def graph(self) -> Graph:
        return self.graph_and_parse_issues()[0]

    def problems(self) -> list[Issue]:
        """Everything that stops this version being published, in plain words."""
        graph, issues = self.graph_and_parse_issues()
        return issues + validate(graph) + _endings_without_debrief(graph)

    def publish(self, revision, *args, **kwargs):
        # The admin form refuses first with errors beside each node; this guard also covers
        # publishing an old revision or any other route.
        problems = revision.as_object().problems()
        if problems:
            raise ValidationError(
                _("This scenario cannot be published yet: %(problem)s")
                % {"problem": problems[0].message}
            )
        return super().publish(revision, *args, **kwargs)

    # --- preview ---

    def get_preview_template(self, request, mode_name):
        return "scenarios/preview.html"

    def get_preview_context(self, request, mode_name):
        from .engine.validation import is_web_link
        from .forms import publishing_issues
        from .graph_svg import graph_svg
        from .player import node_image

        context = super().get_preview_context(request, mode_name)
        graph = self.graph()
        graph_dict = graph.to_dict()
        # Node ids may have spaces (Twine passage names), which an HTML id must not: each
        # node's section gets an anchor by its place, and each choice links to its target's.
        anchors = {node["id"]: f"node-{n}" for n, node in enumerate(graph_dict["nodes"], 1)}
        for node, engine_node in zip(graph_dict["nodes"], graph.nodes, strict=True):
            node["anchor"] = anchors[node["id"]]
            # The picture and media link as the player shows them (scenarios.player).
            node["image"] = node_image(engine_node)
            node["media"] = engine_node.media if is_web_link(engine_node.media) else ""
            for choice in node.get("choices") or []:
                choice["target_anchor"] = anchors.get(choice["target"], "")
        context["graph_dict"] = graph_dict
        context["problems"] = publishing_issues(self)
        context["graph_svg"] = graph_svg(graph)
        return context


class ScenarioAttempt(models.Model):
    """One learner's play-through of a scenario, pinned to the revision it started on.

    `step` counts the moves made; every form carries it, so a repeated or stale submission
    (double click, back button, a second tab) is recognised and applied at most once.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="attempts")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    # Indexed by (learner, scenario, finished_at) in Meta, which begins with it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scenario_attempts",
        db_index=False,
    )
    module = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The school the learner was at when they started: its retention period applies to the
    # play-through (as to its statements), wherever they move afterwards.
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    registration = models.UUIDField(null=True, blank=True)
    state = models.JSONField(default=dict)
    step = models.PositiveIntegerField(default=0)
    node_entered_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, blank=True)
    ending_node = models.CharField(max_length=60, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["learner", "scenario", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.scenario} ({self.uuid})"


class ScenarioChoiceRecord(models.Model):
    """One move in an attempt: which choice was taken at which node (for group analytics)."""

    # Both indexed by the unique (attempt, step) and the (scenario, node, choice) indexes in
    # Meta, which begin with them.
    attempt = models.ForeignKey(
        ScenarioAttempt, on_delete=models.CASCADE, related_name="moves", db_index=False
    )
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    node_id = models.CharField(max_length=60)
    choice_id = models.CharField(max_length=60)
    choice_label = models.CharField(max_length=255)
    step = models.PositiveIntegerField()
    # The `chose` statement recorded with the move: once it is voided (xAPI 1.0.3 §2.2.6),
    # the move no longer counts in the group's analytics.
    statement_id = models.UUIDField(null=True, blank=True)
    # The `completed` statement of the ending this move reached, if it reached one: once
    # that is voided, the ending no longer counts among the group's endings.
    ending_statement_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "step"], name="scenario_move_once_per_step")
        ]
        indexes = [models.Index(fields=["scenario", "node_id", "choice_id"])]

    def __str__(self) -> str:
        return f"{self.node_id} → {self.choice_id}"


class ClassroomSession(models.Model):
    """A teacher playing a scenario with a whole class on a projector.

    Only vote totals are stored (`ClassroomVote`), against the class, never who voted.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "schools.Group", on_delete=models.CASCADE, related_name="classroom_sessions"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.JSONField(default=dict)
    step = models.PositiveIntegerField(default=0)
    # Counts every move on and every undo. A step number comes round again after an undo, so
    # a form names the turn it was shown at: one from a page the class has left is refused.
    turn = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.scenario} with {self.group}"


class ClassroomVote(models.Model):
    """How many pupils in the room chose one option at one node: a total, nobody's name."""

    session = models.ForeignKey(ClassroomSession, on_delete=models.CASCADE, related_name="votes")
    step = models.PositiveIntegerField()
    node_id = models.CharField(max_length=60)
    choice_id = models.CharField(max_length=60)
    count = models.PositiveIntegerField()
    chosen = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "step", "choice_id"], name="classroom_vote_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.choice_id}: {self.count}"
