"""Reads for scenarios: pinned graphs, a learner's attempt, and group choice analytics."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schools.models import Group, Membership
from schools.roles import AUTH_GROUP_NAMES, Role

from . import rows
from .engine import SKIP, Graph, State
from .models import (
    ClassroomSession,
    ClassroomVote,
    Scenario,
    ScenarioAttempt,
    ScenarioChoiceRecord,
)

# Fewer learners than this and a group's choices are not shown (DESIGN.md, data protection).
MIN_LEARNERS = 5


@lru_cache(maxsize=512)
def graph_for_revision(revision_id: int) -> Graph:
    """The engine graph of one saved revision. Revisions never change, so this caches."""
    from wagtail.models import Revision

    revision = Revision.objects.get(pk=revision_id)
    return revision.as_object().graph()


def scenario_open_to(*, user, scenario: Scenario) -> bool:
    """May this person play the scenario on its own page? Pupils' scenarios are open to
    everyone signed in (staff try them before teaching them); staff scenarios only to staff,
    editors and superusers, as staff courses are. Roles are read only for a staff scenario."""
    if scenario.audience != Scenario.Audience.STAFF:
        return True
    from courses.selectors import audience_open_to

    return audience_open_to(user=user, audience=scenario.audience)


def scenario_by_uuid(scenario_uuid) -> Scenario | None:
    return Scenario.objects.filter(uuid=scenario_uuid).first()


# The scenario columns the player shows or decides on (the graph comes from the revision).
PLAYER_COLUMNS = ("id", "uuid", "title", "introduction", "audience", "live", "live_revision_id")


@cache
def _player_sql() -> str:
    meta = Scenario._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in PLAYER_COLUMNS)
    uuid = quote(meta.get_field("uuid").column)
    # Only the model's own table and column names are interpolated.
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {uuid} = %s"  # noqa: S608


def scenario_for_player(scenario_uuid) -> Scenario | None:
    """The scenario with the columns the player needs (the others load if asked for), or
    None. Read for every start, so without the ORM's query building (see `rows`)."""
    uuid = Scenario._meta.get_field("uuid").get_db_prep_value(scenario_uuid, connection)
    row = rows.fetch_one(_player_sql(), [uuid])
    return None if row is None else rows.instance(Scenario, PLAYER_COLUMNS, row)


def attempt_current(*, learner, scenario: Scenario, module=None) -> ScenarioAttempt | None:
    attempts = ScenarioAttempt.objects.filter(learner=learner, scenario=scenario)
    if module is not None:
        attempts = attempts.filter(module=module)
    return attempts.order_by("-started_at", "-pk").first()


@dataclass
class ChoiceShare:
    choice_id: str
    label: str
    learners: int
    percent: int


@dataclass
class NodeShares:
    node_id: str
    title: str
    learners: int
    choices: list[ChoiceShare]
    # Enough got here, but a group within this one shows its choices here too, and the
    # learners left over are fewer than the minimum (see `_left_over_few`).
    withheld: bool = False

    @property
    def enough(self) -> bool:
        # A part fewer learners reached than the minimum shows no choices (the group may
        # be big enough while one pupil went down a branch alone).
        return self.learners >= MIN_LEARNERS and not self.withheld


# How an ending's outcome is named to teachers (the player says "Ending: a good outcome").
OUTCOME_LABELS = {"good": _("Good"), "mixed": _("Mixed"), "poor": _("Poor")}


def _shortened(text: str, limit: int = 60) -> str:
    """A part's text as a label in the path so far (and where teachers read of it): its
    first `limit` characters or so, cut after a whole word and marked as cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    # A space just after the limit means the limit falls at the end of a word.
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def _part_label(node) -> str:
    """A part as teachers read of it (a class's votes, their sessions, a group's choices):
    its title, or, as the pupil's path so far names an untitled one, its opening words. Not
    those of a warned part: a class's votes so far are on the board, where a part the class
    skipped or has not been shown yet must not appear; its warning names it instead."""
    if node.title:
        return node.title
    if node.content_warning:
        return gettext("Content warning: %(warning)s") % {"warning": node.content_warning}
    return _shortened(node.text) or node.id


def _node_title(graph: Graph, node_id: str) -> str:
    node = graph.node(node_id)
    return _part_label(node) if node else node_id


def _in_graph_order(graph: Graph, node_id: str, chosen: list[ChoiceShare]) -> list[ChoiceShare]:
    """The node's choices in the order learners see them, with the ones nobody took at 0;
    then any the group took that the scenario no longer has (an older revision's, or a
    skipped warning)."""
    node = graph.node(node_id)
    if node is None:
        return chosen
    by_id = {c.choice_id: c for c in chosen}
    shares = [
        by_id.pop(choice.id, None) or ChoiceShare(choice.id, choice.label, 0, 0)
        for choice in node.choices
    ]
    return shares + list(by_id.values())


@dataclass
class EndingShare:
    node_id: str
    title: str
    outcome: str
    outcome_label: str
    learners: int
    percent: int


@dataclass
class GroupAnalytics:
    learners: int
    enough: bool
    nodes: list[NodeShares]
    endings: list[EndingShare]
    # Learners who reached an ending (the endings' shares are of them).
    finished: int = 0
    # Enough finished, but too few of them are outside a group within this one that shows
    # its endings (see `_left_over_few`).
    endings_withheld: bool = False

    @property
    def endings_enough(self) -> bool:
        return self.finished >= MIN_LEARNERS and not self.endings_withheld


def _moves_standing(**filters):
    """The moves matching `filters` whose statement has not been voided (xAPI 1.0.3 §2.2.6:
    a voided statement counts as if it had never been made)."""
    from xapi.models import Statement

    voided = Statement.objects.filter(voided=True, statement_id=OuterRef("statement_id"))
    return ScenarioChoiceRecord.objects.filter(**filters).exclude(Exists(voided))


def scenario_group_analytics(*, scenario: Scenario, group) -> GroupAnalytics:
    """Share of the group's learners choosing each option at each node, and their endings.

    Counted in the database (aggregate queries); a learner who replays counts once per
    option they ever chose, and once among the endings, at the one they reached last. The
    group's learners are its members still at the school; its teachers (a staff team's
    leader, say) are not among them. A learner counts once they
    have made a choice. Nothing is returned below MIN_LEARNERS, and no part's choices, nor
    the endings, where fewer reached them (`NodeShares.enough`, `endings_enough`): a pupil
    alone on a branch, or alone at an ending, is not shown. Nor where taking away what a
    group within this one shows there (a class of a year group, or a class with a pupil
    from another year where that pupil did not get to) would leave fewer than that, nor
    where adding up and taking away those groups' shares would (a pupil in two classes).
    """
    member_ids = _members_at_school(group)
    moves = _moves_standing(scenario=scenario, attempt__learner__in=member_ids)
    attempts = ScenarioAttempt.objects.filter(scenario=scenario, learner__in=member_ids)
    learners = moves.values("attempt__learner").distinct().count()
    if learners < MIN_LEARNERS:
        return GroupAnalytics(learners=learners, enough=False, nodes=[], endings=[])
    rows = (
        moves.values("node_id", "choice_id")
        .annotate(learners=Count("attempt__learner", distinct=True))
        .order_by("node_id", "choice_id")
    )
    # Who got to each part (in ids: a part's learners are compared with other groups').
    learners_at: dict[str, set[int]] = {}
    for node_id, learner_id in (
        moves.order_by().values_list("node_id", "attempt__learner").distinct()
    ):
        learners_at.setdefault(node_id, set()).add(learner_id)
    node_totals = {node_id: len(ids) for node_id, ids in learners_at.items()}
    overlaps = _groups_overlapping(
        group=group, scenario=scenario, played=set().union(*learners_at.values())
    )
    if scenario.live_revision_id:
        graph = graph_for_revision(scenario.live_revision_id)
    else:
        graph = scenario.graph()
    # Choice ids are unique within a node, so labels are looked up per (node, choice).
    labels = {
        (node_id, choice_id): label
        for node_id, choice_id, label in moves.values_list(
            "node_id", "choice_id", "choice_label"
        ).distinct()
    }
    by_node: dict[str, list[ChoiceShare]] = {}
    for row in rows:
        total = node_totals.get(row["node_id"], 0) or 1
        by_node.setdefault(row["node_id"], []).append(
            ChoiceShare(
                choice_id=row["choice_id"],
                label=labels.get((row["node_id"], row["choice_id"]), row["choice_id"]),
                learners=row["learners"],
                percent=round(100 * row["learners"] / total),
            )
        )
    order = {node.id: index for index, node in enumerate(graph.nodes)}
    nodes = [
        NodeShares(
            node_id=node_id,
            title=_node_title(graph, node_id),
            learners=node_totals.get(node_id, 0),
            choices=choices,
            withheld=_left_over_few(
                learners_at[node_id], overlaps.groups, overlaps.reached.get(node_id, set())
            ),
        )
        for node_id, choices in sorted(by_node.items(), key=lambda kv: order.get(kv[0], 10**6))
    ]
    for node in nodes:
        node.choices = _in_graph_order(graph, node.node_id, node.choices) if node.enough else []
    finished = _finished(attempts, moves)
    # A learner who played again counts once, at the ending they reached last, so the
    # endings' shares (of those who reached one) add up to 100.
    latest = finished.filter(
        pk=Subquery(
            finished.filter(learner=OuterRef("learner"))
            .order_by("-finished_at", "-pk")
            .values("pk")[:1]
        )
    )
    ending_rows = (
        latest.values("ending_node", "outcome")
        .annotate(learners=Count("learner", distinct=True))
        .order_by("-learners", "ending_node")
    )
    finisher_ids = set(finished.order_by().values_list("learner", flat=True).distinct())
    finisher_count = len(finisher_ids)
    finishers = finisher_count or 1
    endings = [
        EndingShare(
            node_id=r["ending_node"],
            title=_node_title(graph, r["ending_node"]),
            outcome=r["outcome"],
            outcome_label=str(OUTCOME_LABELS.get(r["outcome"], r["outcome"])),
            learners=r["learners"],
            percent=round(100 * r["learners"] / finishers),
        )
        for r in ending_rows
    ]
    # The endings nobody reached, so a teacher sees the whole range.
    reached = {e.node_id for e in endings}
    endings += [
        EndingShare(
            node_id=node.id,
            title=_part_label(node),
            outcome=node.outcome.value,
            outcome_label=str(OUTCOME_LABELS.get(node.outcome.value, node.outcome.value)),
            learners=0,
            percent=0,
        )
        for node in graph.nodes
        if node.is_ending and node.id not in reached
    ]
    result = GroupAnalytics(
        learners=learners,
        enough=True,
        nodes=nodes,
        endings=endings,
        finished=finisher_count,
        endings_withheld=_left_over_few(finisher_ids, overlaps.groups, overlaps.finished),
    )
    if not result.endings_enough:
        result.endings = []
    return result


def _finished(attempts, moves):
    """The attempts that reached an ending, of `moves`' learners. An ending counts while the
    choice that reached it, and the statement that it was reached, stand (neither was
    voided)."""
    from xapi.models import Statement

    ending_voided = Statement.objects.filter(
        voided=True, statement_id=OuterRef("ending_statement_id")
    )
    return attempts.exclude(outcome="").filter(
        Exists(
            moves.filter(attempt=OuterRef("pk"), step=OuterRef("step")).exclude(
                Exists(ending_voided)
            )
        )
    )


@dataclass
class _Overlaps:
    """The other groups at the school that share learners who played with this one."""

    # Each group's learners who played, whether or not they are among this group's.
    groups: list[set[int]]
    # Of those learners who are not this group's: who got to each part, and who finished.
    reached: dict[str, set[int]]
    finished: set[int]


def _groups_overlapping(*, group, scenario: Scenario, played: set[int]) -> _Overlaps:
    """The learners who played, of each other group at the school with some of `played`
    (this group's), and where those of them outside this group got to. At a part none of a
    group's outsiders reached, what that group's page shows is a part of what this one's
    does, even if it is not all within this group. Their learners are counted as
    `_members_at_school` counts them."""
    played_at_school = _moves_standing(
        scenario=scenario, attempt__learner__school_id=group.school_id
    ).values("attempt__learner")
    places = (
        Membership.objects.filter(
            group__school_id=group.school_id,
            role=Membership.Role.MEMBER,
            user__is_active=True,
            user__school_id=group.school_id,
            user__in=played_at_school,
        )
        .exclude(group=group)
        .filter(
            Q(group__kind=Group.Kind.STAFF_TEAM)
            | Q(user__groups__name=AUTH_GROUP_NAMES[Role.PUPIL])
        )
        .values_list("group_id", "user_id")
    )
    by_group: dict[int, set[int]] = {}
    for group_id, user_id in places:
        by_group.setdefault(group_id, set()).add(user_id)
    groups = [ids for ids in by_group.values() if ids & played]
    outsiders = set().union(*groups) - played
    reached: dict[str, set[int]] = {}
    finished: set[int] = set()
    if outsiders:
        moves = _moves_standing(scenario=scenario, attempt__learner__in=outsiders)
        for node_id, learner_id in (
            moves.order_by().values_list("node_id", "attempt__learner").distinct()
        ):
            reached.setdefault(node_id, set()).add(learner_id)
        attempts = ScenarioAttempt.objects.filter(scenario=scenario, learner__in=outsiders)
        finished = set(
            _finished(attempts, moves).order_by().values_list("learner", flat=True).distinct()
        )
    return _Overlaps(groups=groups, reached=reached, finished=finished)


def _left_over_few(learners: set[int], groups: list[set[int]], outsiders_here: set[int]) -> bool:
    """Would taking away what other groups show at this part (the learners of each group
    among `learners` that has none of `outsiders_here`, the learners outside this group who
    got here, and where they are enough to be shown) leave a few, fewer than MIN_LEARNERS?
    Checked against each group on its own and against all of them at once (a year group
    less all its classes: the pupils in none)."""
    shown = [ids & learners for ids in groups if not ids & outsiders_here]
    shown = [ids for ids in shown if len(ids) >= MIN_LEARNERS]
    if not shown:
        return False
    left_overs = [learners - ids for ids in shown] + [learners - set().union(*shown)]
    if any(0 < len(left) < MIN_LEARNERS for left in left_overs):
        return True
    return _few_worked_out(learners, shown)


# A prime past any fraction's denominator the sums below make (2**61 - 1).
_PRIME = 2**61 - 1


def _few_worked_out(learners: set[int], shown: list[set[int]]) -> bool:
    """Could a few learners' shares be worked out by adding and taking away this group's and
    the `shown` groups' (each among `learners`)? Learners in the same groups are alike to
    whoever does the sums; some of them, fewer than MIN_LEARNERS, can be told apart exactly
    when that set, or a few such sets together, is a sum of the groups' (a pupil in two
    classes of a year: the classes added up, less the year)."""
    patterns: dict[tuple[bool, ...], int] = {}
    for learner in learners:
        pattern = tuple(learner in ids for ids in shown)
        patterns[pattern] = patterns.get(pattern, 0) + 1
    alike = list(patterns)
    # Each group as how many of each set of alike learners it holds (all or none).
    vectors = [[Fraction(1)] * len(alike)] + [
        [Fraction(int(pattern[index])) for pattern in alike] for index in range(len(shown))
    ]
    basis: list[tuple[int, list[Fraction]]] = []

    def reduced(vector: list[Fraction]) -> list[Fraction]:
        for pivot, row in basis:
            if vector[pivot]:
                factor = vector[pivot] / row[pivot]
                vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
        return vector

    for vector in vectors:
        vector = reduced(vector)
        pivot = next((i for i, v in enumerate(vector) if v), None)
        if pivot is not None:
            basis.append((pivot, vector))
    # A few learners of different sets told apart together are singled out too (two classes
    # added up, less a set holding all but one pupil of each: those two). What is left of a
    # set after taking away the groups' sums adds up like the sets do, so some sets with
    # fewer than MIN_LEARNERS between them are worked out exactly when what is left of them
    # adds up to nothing. At most four sets (a learner or more each): one or two sets are
    # matched with one or two others, by a weighted sum of what is left (quick to compare
    # however many sets there are), and a match is then checked in full.
    left_of = {
        index: reduced([Fraction(int(i == index)) for i in range(len(alike))])
        for index, pattern in enumerate(alike)
        if patterns[pattern] < MIN_LEARNERS
    }

    def weighed(left: list[Fraction]) -> int:
        # Weights that no few sets' share alike, so matches checked in full are rare; modulo a
        # prime, as whole numbers add up quicker than fractions.
        weight = sum(
            (v * (i * i * 7919 + i * 104729 + 1) for i, v in enumerate(left) if v), Fraction(0)
        )
        if weight.denominator % _PRIME == 0:
            return 0  # (never seen: a group would need more pupils than there are people)
        return weight.numerator * pow(weight.denominator, -1, _PRIME) % _PRIME

    few = [
        (frozenset([index]), patterns[alike[index]], weighed(left))
        for index, left in left_of.items()
    ]
    few += [
        (first | second, count + other, (weight + more) % _PRIME)
        for position, (first, count, weight) in enumerate(few)
        for second, other, more in few[position + 1 :]
        if count + other < MIN_LEARNERS
    ]

    def nothing_left(indexes) -> bool:
        return not any(sum(column) for column in zip(*(left_of[i] for i in indexes), strict=True))

    by_weight: dict[int, list[tuple[frozenset[int], int]]] = {}
    for together, count, weight in few:
        by_weight.setdefault(weight, []).append((together, count))
    for together, count, weight in few:
        if not weight and nothing_left(together):
            return True
        for others, other in by_weight.get(-weight % _PRIME, ()):
            if (
                count + other < MIN_LEARNERS
                and not together & others
                and nothing_left(together | others)
            ):
                return True
    return False


def _members_at_school(group):
    """The ids of the group's learners (members, not teachers) who have not left."""
    # Nor moved to another school: a place left behind there (only the admin and the roster
    # import take it away) makes them no learner of the group, as in its records.
    members = Membership.objects.filter(
        group=group,
        role=Membership.Role.MEMBER,
        user__is_active=True,
        user__school_id=group.school_id,
    )
    if group.kind != Group.Kind.STAFF_TEAM:
        # A class's or year group's learners are its pupils: a member of staff given a
        # member's place in one is a mistake (Membership.clean refuses it), not a learner.
        members = members.filter(user__groups__name=AUTH_GROUP_NAMES[Role.PUPIL])
    return members.values("user_id")


@dataclass
class PlayedLine:
    scenario: Scenario
    learners: int
    enough: bool
    # Times a teacher ran it with the whole group in classroom mode.
    class_runs: int = 0


def scenarios_played_by(*, group) -> list[PlayedLine]:
    """The live scenarios a group's learners can play, each with how many of them have
    played it and how often it was run with the group in class (an aggregate query each),
    so a teacher arriving from the group sees where there are choices to look at. A class or
    year group is offered pupils' scenarios only; a staff team every scenario (staff try out
    pupils' scenarios too)."""
    scenarios = Scenario.objects.filter(live=True)
    if group.kind != Group.Kind.STAFF_TEAM:
        scenarios = scenarios.exclude(audience=Scenario.Audience.STAFF)
    member_ids = _members_at_school(group)
    counts = dict(
        _moves_standing(scenario__in=scenarios, attempt__learner__in=member_ids)
        .values("scenario")
        .annotate(learners=Count("attempt__learner", distinct=True))
        .values_list("scenario", "learners")
    )
    runs = dict(
        ClassroomSession.objects.filter(group=group, scenario__in=scenarios, step__gt=0)
        .values("scenario")
        .annotate(runs=Count("pk"))
        .values_list("scenario", "runs")
    )
    ordered = sorted(
        scenarios, key=lambda s: (s.audience != Scenario.Audience.PUPILS, s.title.lower(), s.pk)
    )
    return [
        PlayedLine(
            scenario=s,
            learners=counts.get(s.pk, 0),
            enough=counts.get(s.pk, 0) >= MIN_LEARNERS,
            class_runs=runs.get(s.pk, 0),
        )
        for s in ordered
    ]


# --- classroom sessions ---


@dataclass
class ClassroomStep:
    """One part a class went through: the totals entered there, or that it was skipped."""

    title: str
    skipped: bool
    # Each option's total, in the order entered: {"label", "count", "chosen"}.
    votes: list[dict]
    # The label of the one way on from a part with a single option (nothing voted there).
    only_option: str = ""

    @property
    def total(self) -> int:
        return sum(vote["count"] for vote in self.votes)

    @property
    def enough(self) -> bool:
        # Shown to others than the teacher who ran it only from MIN_LEARNERS pupils up. A
        # part with one way on shows no pupil's choice: there was none to make.
        return bool(self.only_option) or self.total >= MIN_LEARNERS


def classroom_history(graph: Graph, state: State, votes) -> list[ClassroomStep]:
    """A session's path as the class went through it, with the totals voted at each part.
    `votes` are the session's ClassroomVote rows, in any order."""
    by_step: dict[int, list[dict]] = {}
    for vote in sorted(votes, key=lambda v: (v.step, v.pk)):
        voted_at = graph.node(vote.node_id)
        choice = voted_at.choice(vote.choice_id) if voted_at else None
        by_step.setdefault(vote.step, []).append(
            {
                "label": choice.label if choice else vote.choice_id,
                "count": vote.count,
                "chosen": vote.chosen,
            }
        )
    steps = []
    for index, (node_id, choice_id) in enumerate(state.path):
        votes = by_step.get(index, [])
        only_option = ""
        if not votes and choice_id != SKIP:
            # Followed without a vote: the part offered one option only.
            node = graph.node(node_id)
            choice = node.choice(choice_id) if node else None
            only_option = choice.label if choice else choice_id
        steps.append(
            ClassroomStep(
                title=_node_title(graph, node_id),
                skipped=choice_id == SKIP,
                votes=votes,
                only_option=only_option,
            )
        )
    return steps


@dataclass
class SessionLine:
    session: ClassroomSession
    # Reached an ending.
    finished: bool
    # Where the class is (the node's title), or the ending it reached.
    place: str
    outcome_label: str
    # The parts it went through, with their totals (filled where they are shown).
    steps: list[ClassroomStep] | None = None
    # Shown to others, the run stops at the first part where fewer than MIN_LEARNERS voted:
    # where the class went from there would show what those few chose.
    cut: bool = False
    # Ended by the teacher before an ending (the lesson was over), at `place`.
    ended_early: bool = False
    # Offered to the teacher who started it to remove: unfinished and nobody has voted in it
    # (parts skipped or with one way on hold no class's choice).
    removable: bool = False


def _session_line(session: ClassroomSession, *, with_steps: bool = False) -> SessionLine:
    graph = graph_for_revision(session.revision_id)
    node = graph.node(session.state.get("node_id", ""))
    outcome = node.outcome.value if node is not None and node.outcome else ""
    steps = None
    if with_steps:
        steps = classroom_history(graph, State.from_dict(session.state), session.votes.all())
    reached_ending = session.finished_at is not None and bool(session.state.get("finished"))
    return SessionLine(
        session=session,
        finished=reached_ending,
        ended_early=session.finished_at is not None and not reached_ending,
        place=_part_label(node) if node is not None else "",
        outcome_label=str(OUTCOME_LABELS.get(outcome, "")),
        steps=steps,
    )


def classroom_sessions_of(*, teacher, limit: int = 10) -> list[SessionLine]:
    """The teacher's classroom sessions with the classes they still teach, newest first,
    each with where the class got to: every unfinished one, so a lesson interrupted can be
    carried on however many came after it, and the latest `limit` finished ones to look back
    at (a class they were taken off is its current teachers'). With them, the runs another
    teacher started with those classes and left unfinished once the class had voted, for a
    teacher of the class to carry on."""
    from schools.selectors import groups_taught_by

    voted = Exists(ClassroomVote.objects.filter(session=OuterRef("pk")))
    theirs = (
        ClassroomSession.objects.filter(teacher=teacher, group__in=groups_taught_by(teacher))
        .select_related("scenario", "group", "teacher")
        .annotate(voted=voted)
        .order_by("-started_at", "-pk")
    )
    left_by_others = (
        ClassroomSession.objects.filter(
            group__in=groups_taught_by(teacher), finished_at__isnull=True, step__gt=0
        )
        .exclude(teacher=teacher)
        .select_related("scenario", "group", "teacher")
        .annotate(voted=voted)
    )
    sessions = [
        *theirs.filter(finished_at__isnull=True),
        *left_by_others,
        *theirs.filter(finished_at__isnull=False)[:limit],
    ]
    sessions.sort(key=lambda session: (session.started_at, session.pk), reverse=True)
    lines = [_session_line(session) for session in sessions]
    for line in lines:
        line.removable = (
            line.session.teacher_id == teacher.pk
            and line.session.finished_at is None
            and not line.session.voted
        )
    return lines


def classroom_runs(*, scenario: Scenario, group, limit: int | None = None) -> list[SessionLine]:
    """The times any teacher ran the scenario with the group in classroom mode, newest first
    (the latest `limit`, or all), with the class's totals at each part: what the group's
    teachers and the safeguarding lead see beside the choices pupils made on their own (two
    queries, whatever the count). A session started but never voted in (started twice by
    mistake, say) has nothing to show and is left out."""
    sessions = (
        ClassroomSession.objects.filter(scenario=scenario, group=group, step__gt=0)
        .select_related("teacher")
        .prefetch_related("votes")
        .order_by("-started_at", "-pk")
    )
    if limit is not None:
        sessions = sessions[:limit]
    return [_cut_where_too_few_voted(_session_line(s, with_steps=True)) for s in sessions]


def _cut_where_too_few_voted(line: SessionLine) -> SessionLine:
    """The run as others see it: up to the first part where fewer than MIN_LEARNERS voted
    (its totals hidden), without the parts after it or where it ended."""
    for index, step in enumerate(line.steps or []):
        if not step.skipped and not step.enough:
            line.steps = line.steps[: index + 1]
            line.cut = True
            break
    return line
