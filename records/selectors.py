"""Reads of learning records. Dashboards and the learner's own pages call these.

Every function here runs a fixed number of queries whatever the number of statements,
completions or learners (tests/records/test_query_counts.py): it reads the one-row-per-learner-
and-activity summaries, not statements, and joins in Python over a handful of result sets.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone

from schools.models import Group, Membership, RoleGrant, User
from schools.roles import AUTH_GROUP_NAMES, ROLE_BY_GROUP_NAME, Role, roles_of
from schools.selectors import (
    group_pupils,
    group_reading_order,
    people_visible_to,
    pupil_ids_by_group,
)

from .catalogue import AUDIENCES_FOR_ROLE, CourseInfo, courses_catalogue
from .models import (
    Assignment,
    Certificate,
    Completion,
    CourseRenewal,
    LearnerActivity,
    ReminderSent,
)
from .states import Standing, State, add_months, effective_due_on, joiner_due_on, standing


def completed_activity_iris(*, learner, activity_iris: Iterable[str], since=None) -> set[str]:
    """Which of these activities the learner has completed (at or after `since`, if given)."""
    iris = list(activity_iris)
    if not iris:
        return set()
    qs = Completion.objects.filter(learner=learner, activity_iri__in=iris)
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    return set(qs.values_list("activity_iri", flat=True).distinct())


def latest_completion_at(*, learner, activity_iris: Iterable[str], since=None):
    """When the learner last completed one of these activities (at or after `since`, if
    given), or None."""
    qs = Completion.objects.filter(learner=learner, activity_iri__in=list(activity_iris))
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    return qs.aggregate(latest=Max("completed_at"))["latest"]


def completed_activity_iris_of(
    *, learner_ids: Iterable[int], activity_iris: Iterable[str], since=None
) -> dict[int, set[str]]:
    """`completed_activity_iris` for many learners in one query: learner id -> the IRIs
    they completed (learners who completed none are left out)."""
    ids, iris = list(learner_ids), list(activity_iris)
    done: dict[int, set[str]] = defaultdict(set)
    if not ids or not iris:
        return done
    qs = Completion.objects.filter(learner__in=ids, activity_iri__in=iris)
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    for learner_id, iri in qs.values_list("learner_id", "activity_iri").distinct():
        done[learner_id].add(iri)
    return done


def course_valid_since(*, course_page_id: int):
    """When the course was last marked "requires renewal" (completions before it no longer
    count), or None. Pass it as `since` to `completed_activity_iris`."""
    renewal = CourseRenewal.objects.filter(course_id=course_page_id).order_by("-required_from")
    return renewal.values_list("required_from", flat=True).first()


def courses_valid_since(*, course_page_ids: Iterable[int]) -> dict:
    """`course_valid_since` for many courses in one query: {course page id: latest renewal
    time}, leaving out courses never marked "requires renewal"."""
    rows = (
        CourseRenewal.objects.filter(course_id__in=list(course_page_ids))
        .values("course_id")
        .annotate(latest=Max("required_from"))
    )
    return {row["course_id"]: row["latest"] for row in rows}


def latest_completions(*, learner, activity_iris: Iterable[str]) -> dict:
    """{activity IRI: when the learner last completed it} in one query, so a caller can
    apply a different `since` to each course's activities."""
    iris = list(activity_iris)
    if not iris:
        return {}
    rows = (
        Completion.objects.filter(learner=learner, activity_iri__in=iris)
        .values("activity_iri")
        .annotate(latest=Max("completed_at"))
    )
    return {row["activity_iri"]: row["latest"] for row in rows}


# --- Assignments and where each learner stands --------------------------------------------


@dataclass(frozen=True)
class LearnerAssignment:
    """One learner's assignment to one course and where they stand on it."""

    learner_id: int
    course: CourseInfo
    assignment_id: int
    standing: Standing
    renewal_months: int | None = None  # the shortest of the assignments covering them

    @property
    def state(self) -> State:
        return self.standing.state

    @property
    def due_on(self) -> date:
        return self.standing.due_on


def _role_member_ids(
    school_id: int, roles: set[str], learner_ids: set[int] | None = None
) -> dict[str, dict[int, date]]:
    """Role -> the active people with it (of `learner_ids`, when given) -> the day they
    joined the school (their account's, unless they moved here from another school) or were
    given the role, whichever is later."""
    if not roles:
        return {}
    # Group name -> the roles holding it gives: a safeguarding lead is staff, whether or not
    # they were given the Staff role too.
    names: dict[str, set[str]] = defaultdict(set)
    for r in roles:
        names[AUTH_GROUP_NAMES[r]].add(r)
    if Role.STAFF in roles:
        names[AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD]].add(Role.STAFF)
    result: dict[str, dict[int, date]] = defaultdict(dict)
    rows = User.groups.through.objects.filter(
        user__school_id=school_id, user__is_active=True, group__name__in=list(names)
    )
    if learner_ids is not None:
        rows = rows.filter(user_id__in=learner_ids)
    joined_school = Coalesce("user__school_joined_at", "user__date_joined")
    granted = RoleGrant.objects.filter(user_id=OuterRef("user_id"), group_id=OuterRef("group_id"))
    granted = Subquery(granted.values("granted_at")[:1])
    joined = Greatest(joined_school, Coalesce(granted, joined_school))
    rows = rows.values_list("user_id", "group__name", joined)
    for pk, name, joined in rows:
        for role in names[name]:
            # Staff through both roles: since the first of them.
            day = timezone.localdate(joined)
            result[role][pk] = min(day, result[role].get(pk, day))
    return result


def _group_member_ids(
    group_ids: set[int], learner_ids: set[int] | None = None
) -> dict[int, dict[int, date]]:
    """Group -> its active members (of `learner_ids`, when given) -> the day they joined it."""
    if not group_ids:
        return {}
    result: dict[int, dict[int, date]] = defaultdict(dict)
    # Only people at the group's school: a place left behind by someone who moved to another
    # school (only the admin and the roster import take them out of their old groups) makes
    # them no member of it.
    rows = Membership.objects.filter(
        group_id__in=group_ids,
        role=Membership.Role.MEMBER,
        user__is_active=True,
        user__school_id=F("group__school_id"),
    )
    if learner_ids is not None:
        rows = rows.filter(user_id__in=learner_ids)
    # Back at the school (or moved here) since joining the group: joined it again then.
    joined = Greatest("joined_at", Coalesce("user__school_joined_at", "joined_at"))
    rows = rows.values_list("group_id", "user_id", joined)
    for group_id, user_id, joined in rows:
        result[group_id][user_id] = timezone.localdate(joined)
    return result


def school_standings(
    *, school, today: date | None = None, learner_ids: Iterable[int] | None = None
) -> tuple[list[CourseInfo], list[LearnerAssignment]]:
    """Every assigned learner of the school on every course assigned to them.

    Returns the assigned courses (in catalogue order) and one LearnerAssignment per learner
    and course. Where two assignments cover the same learner and course (their group and
    their role), the earlier due date and the shorter renewal period win. Someone who joined
    the group (or the school with the role) after the course was assigned gets the
    assignment's days for new starters. Someone who cannot open a course (it is for another
    audience, or private to groups they are not in) is not assigned it. Eight queries.
    """
    today = today or timezone.localdate()
    assignments = list(Assignment.objects.filter(school=school).order_by("due_on", "pk"))
    if not assignments:
        return [], []
    courses = courses_catalogue(page_ids={a.course_id for a in assignments})
    by_page = {c.page_id: c for c in courses}
    # One learner's page (or one class's) reads only their own memberships, not the school's.
    wanted = set(learner_ids) if learner_ids is not None else None
    groups = _group_member_ids({a.group_id for a in assignments if a.group_id}, wanted)
    roles = _role_member_ids(school.pk, {a.role for a in assignments if a.role}, wanted)

    # (learner, course page) -> (due_on, renewal_months, assignment id, assigned to them on)
    plan: dict[tuple[int, int], tuple[date, int | None, int, date]] = {}
    for a in assignments:
        if a.course_id not in by_page:
            continue
        members = groups.get(a.group_id, {}) if a.group_id else roles.get(a.role, {})
        assigned_on = timezone.localdate(a.created_at)
        for learner_id, joined_on in members.items():
            if wanted is not None and learner_id not in wanted:
                continue
            due_on = joiner_due_on(
                due_on=a.due_on,
                assigned_on=assigned_on,
                joined_on=joined_on,
                days=a.new_starter_days,
            )
            key = (learner_id, a.course_id)
            current = plan.get(key)
            theirs_on = max(assigned_on, joined_on)
            if current is None:
                plan[key] = (due_on, a.renewal_months, a.pk, theirs_on)
            else:
                months = [m for m in (current[1], a.renewal_months) if m]
                plan[key] = (
                    min(current[0], due_on),
                    min(months) if months else None,
                    current[2],
                    min(current[3], theirs_on),
                )
    # Someone who cannot open a course could never complete it: it is not theirs, so they are
    # never overdue on it nor reminded of it.
    for key in _out_of_reach(plan, by_page):
        del plan[key]
    if not plan:
        return courses, []

    renewals = _latest_renewals(by_page)
    summaries = _summaries(
        learner_ids={learner for learner, _course in plan}, iris=[c.iri for c in courses]
    )
    result = []
    for (learner_id, page_id), (due_on, months, assignment_id, theirs_on) in plan.items():
        course = by_page[page_id]
        result.append(
            LearnerAssignment(
                learner_id=learner_id,
                course=course,
                assignment_id=assignment_id,
                renewal_months=months,
                standing=_standing_for(
                    summary=summaries.get((learner_id, course.iri)),
                    renewal=renewals.get(page_id),
                    due_on=due_on,
                    renewal_months=months,
                    today=today,
                    assigned_on=theirs_on,
                ),
            )
        )
    return courses, result


def staff_not_leads(*, group) -> int:
    """How many of the staff team's members (still at its school) are not safeguarding leads,
    and so cannot open the course for leads (editors may open every course)."""
    can_open = [AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD], AUTH_GROUP_NAMES[Role.EDITOR]]
    return (
        Membership.objects.filter(
            group=group,
            role=Membership.Role.MEMBER,
            user__is_active=True,
            user__school_id=group.school_id,
            user__is_superuser=False,
        )
        .exclude(user__groups__name__in=can_open)
        .count()
    )


def _out_of_reach(pairs: Iterable[tuple[int, int]], by_page: dict) -> set[tuple[int, int]]:
    """The (learner, course page) pairs of `pairs` where the learner cannot open the course,
    as `courses.selectors.course_open_to` decides: it is for an audience they do not learn in
    (a course for safeguarding leads, assigned to a team with teachers in it), or its privacy
    in the admin (or a page's above it) lets in only groups they are in none of. Two
    queries."""
    from wagtail.models import PageViewRestriction

    pairs = list(pairs)
    if not pairs:
        return set()
    superusers: set[int] = set()
    roles: dict[int, set[str]] = defaultdict(set)
    group_ids: dict[int, set[int]] = defaultdict(set)
    for pk, is_superuser, group_id, name in User.objects.filter(
        pk__in={learner for learner, _page in pairs}
    ).values_list("pk", "is_superuser", "groups__pk", "groups__name"):
        if is_superuser:
            superusers.add(pk)
        if group_id is not None:
            group_ids[pk].add(group_id)
        if name in ROLE_BY_GROUP_NAME:
            roles[pk].add(ROLE_BY_GROUP_NAME[name])
    # Each privacy setting limited to groups: its page's path and the groups it lets in
    # (none, if its groups were all deleted: then it lets nobody in).
    private: dict[int, tuple[str, set[int]]] = {}
    for pk, path, group_id in PageViewRestriction.objects.filter(
        restriction_type=PageViewRestriction.GROUPS
    ).values_list("pk", "page__path", "groups"):
        private.setdefault(pk, (path, set()))[1].update([group_id] if group_id else [])
    out = set()
    for learner, page_id in pairs:
        if learner in superusers:
            continue  # they may open every page
        course = by_page[page_id]
        if any(
            course.path.startswith(path) and not group_ids[learner] & allowed
            for path, allowed in private.values()
        ):
            out.add((learner, page_id))
            continue
        theirs = roles[learner]
        if Role.EDITOR in theirs:
            continue  # they may open a course for any audience
        audiences = set().union(*(AUDIENCES_FOR_ROLE.get(r, set()) for r in theirs))
        if course.audience not in audiences:
            out.add((learner, page_id))
    return out


def _latest_renewals(by_page: dict) -> dict[int, CourseRenewal]:
    renewals: dict[int, CourseRenewal] = {}
    for renewal in CourseRenewal.objects.filter(course_id__in=list(by_page)).order_by(
        "required_from"
    ):
        renewals[renewal.course_id] = renewal
    return renewals


def _summaries(*, learner_ids, iris) -> dict[tuple[int, str], tuple]:
    rows = LearnerActivity.objects.filter(
        learner_id__in=list(learner_ids), activity_iri__in=list(iris)
    ).values_list(
        "learner_id",
        "activity_iri",
        "first_seen_at",
        "last_seen_at",
        "first_completed_at",
        "last_completed_at",
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def _standing_for(*, summary, renewal, due_on, renewal_months, today, assigned_on=None) -> Standing:
    first_seen, last_seen, first_completed, last_completed = summary or (None,) * 4
    counted = last_completed
    started = first_seen is not None
    if renewal is not None:
        valid_from = renewal.required_from
        completed_before = first_completed is not None and first_completed < valid_from
        due_on = effective_due_on(
            due_on=due_on,
            renewal_required_on=timezone.localdate(valid_from),
            complete_within_days=renewal.complete_within_days,
            completed_before_renewal=completed_before,
        )
        if counted is not None and counted < valid_from:
            counted = None
        # Re-enrolled: only what they did since the change makes them "in progress".
        started = last_seen is not None and last_seen >= valid_from
    return standing(
        today=today,
        due_on=due_on,
        last_completed_on=timezone.localdate(counted) if counted else None,
        started=started,
        renewal_months=renewal_months,
        assigned_on=assigned_on,
    )


def assignments_for_learner(learner, *, today: date | None = None) -> list[LearnerAssignment]:
    """The learner's assigned courses with due date and state, soonest due first.

    For My learning: each item has `.course` (CourseInfo: page_id, title, url), `.due_on`,
    `.state` (records.states.State, with `.label`) and `.standing.expires_on`.
    """
    if not getattr(learner, "school_id", None):
        return []
    _courses, items = school_standings(school=learner.school, today=today, learner_ids=[learner.pk])
    return sorted(items, key=lambda i: (i.due_on, i.course.title))


def certificate_expires_on(*, certificate: Certificate) -> date | None:
    """The first day the completion a certificate shows no longer counts, or None if it
    never expires: its day (in the site's time zone) plus the shortest renewal period the
    school it was completed at gives the course now, as the dashboard counts it (of the
    assignments that cover its holder there, if any still does); or, if
    sooner, the day after the time to take it again ran out once the course was marked
    "requires renewal" after it was completed: by its latest mark, which gives the days to
    take it again on the dashboard and in the email (a later mark supersedes an earlier).
    Once the course is deleted, the date it had then (`services.certificates_keep_expiry`)."""
    if certificate.course_id is None:
        # The course was deleted, and with it what gave the date: the date it had then.
        return certificate.expires_on_kept
    renewal = (
        CourseRenewal.objects.filter(
            course_id=certificate.course_id, required_from__gt=certificate.completed_at
        )
        .order_by("-required_from", "-pk")
        .first()
    )
    renewed_by = (
        timezone.localdate(renewal.required_from) + timedelta(days=renewal.complete_within_days + 1)
        if renewal is not None
        else None
    )
    Statement = apps.get_model("xapi", "Statement")
    school_id = (
        Statement.objects.filter(statement_id=certificate.statement_id)
        .values_list("school_id", flat=True)
        .first()
    ) or certificate.learner.school_id
    learner = certificate.learner
    theirs = []
    if learner.school_id and learner.school_id == school_id:
        _courses, items = school_standings(school=learner.school, learner_ids=[learner.pk])
        theirs = [i for i in items if i.course.page_id == certificate.course_id]
    if theirs:
        # A teacher in a team renewing every 24 months is not held to the leads' 12.
        months = theirs[0].renewal_months
        held = theirs[0].standing
        if months and held.completed_on == timezone.localdate(certificate.completed_at):
            # The completion the dashboard counts: its expiry there, which for one that ran
            # out before the course was theirs (a new starter) is the day after the due date.
            return min(held.expires_on, renewed_by) if renewed_by else held.expires_on
    else:
        # No longer assigned it there (moved, left, or the assignment went): the shortest
        # period of the assignments there that are for their groups or roles, so leaving
        # does not hold a teacher to the leads' 12 months; else the school's.
        renewing = Assignment.objects.filter(
            school_id=school_id, course_id=certificate.course_id, renewal_months__isnull=False
        )
        roles = set(roles_of(learner))
        if Role.SAFEGUARDING_LEAD in roles:
            roles.add(Role.STAFF)  # a lead is staff, as the dashboard counts them
        theirs_there = renewing.filter(
            Q(group__memberships__user=learner, group__memberships__role=Membership.Role.MEMBER)
            | Q(role__in=roles)
        )
        months = (
            theirs_there.aggregate(months=Min("renewal_months"))["months"]
            or renewing.aggregate(months=Min("renewal_months"))["months"]
        )
    if not months:
        return renewed_by
    expires_on = add_months(timezone.localdate(certificate.completed_at), months)
    return min(expires_on, renewed_by) if renewed_by else expires_on


def certificate_completed_again(*, certificate: Certificate) -> bool:
    """Has its holder completed the course again since the completion the certificate
    shows? A certificate that has expired may have been renewed by a later one."""
    iri = (
        Completion.objects.filter(statement_id=certificate.statement_id)
        .values_list("activity_iri", flat=True)
        .first()
    )
    return (
        iri is not None
        and Completion.objects.filter(
            learner_id=certificate.learner_id,
            activity_iri=iri,
            completed_at__gt=certificate.completed_at,
        ).exists()
    )


def reminders_last_sent(learner) -> dict[int, ReminderSent]:
    """The last reminder emailed to `learner` about each of their courses, by course page id
    (one query; a person has a few reminders a year). By course, not assignment: a course
    assigned to them twice (their team and their role) is reminded under whichever is due
    first, which a changed due date can swap. Only those their school sent: after a move, the
    new school's lead sees their own school's reminders, not the old school's."""
    sent = ReminderSent.objects.filter(learner=learner, school_id=learner.school_id)
    return {reminder.course_id: reminder for reminder in sent.order_by("sent_at", "pk")}


@dataclass
class Chase:
    """Someone to chase about one course: `reason` says why they will not be emailed, or is
    empty when they will."""

    learner: User
    item: LearnerAssignment
    reason: str = ""

    @property
    def key(self) -> str:
        """Who and which course, as the chase page's form sends back the rows it showed."""
        return f"{self.learner.pk}:{self.item.course.page_id}"

    @property
    def since(self) -> date:
        """The first day they were overdue (the day after the due date) or expired (the
        expiry date, itself the first day the completion no longer counts)."""
        if self.item.state == State.EXPIRED and self.item.standing.expires_on is not None:
            return self.item.standing.expires_on
        return self.item.due_on + timedelta(days=1)


@dataclass
class ChaseList:
    to_email: list[Chase]
    not_emailed: list[Chase]
    pupils: int  # pupils behind on a course: never emailed, their teachers see them


def chase_list(*, viewer, school, today: date | None = None) -> ChaseList:
    """Everyone the viewer may see whose training is overdue or expired, split into who the
    lead's "email everyone" would reach (staff with an address, not yet emailed about that
    course today) and who not, and why (about ten queries)."""
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    _courses, items = school_standings(school=school, today=today)
    visible = set(people_visible_to(viewer).filter(school=school).values_list("pk", flat=True))
    items = [
        i for i in items if i.learner_id in visible and i.state in (State.OVERDUE, State.EXPIRED)
    ]
    ids = {i.learner_id for i in items}
    people = {
        u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True).select_related("school")
    }
    pupil_ids = set(
        User.objects.filter(pk__in=ids, groups__name=AUTH_GROUP_NAMES[Role.PUPIL]).values_list(
            "pk", flat=True
        )
    )
    # Emailed by this school's lead: a chase from a school someone moved from today does
    # not count (as services._reminded_about_course).
    sent_today = set(
        ReminderSent.objects.filter(
            learner_id__in=ids, school=school, kind=ReminderSent.Kind.FROM_LEAD, about_date=today
        ).values_list("learner_id", "course_id")
    )
    result = ChaseList(to_email=[], not_emailed=[], pupils=0)
    # Pupils behind on a course, each once however many courses they are behind on.
    pupils_behind = set()
    for item in items:
        person = people.get(item.learner_id)
        if person is None:
            continue
        if item.learner_id in pupil_ids:
            pupils_behind.add(item.learner_id)
            continue
        chase = Chase(learner=person, item=item)
        if person.pk == viewer.pk:
            chase.reason = _("This is you")
        elif not person.email:
            chase.reason = _("No email address in Upstander")
        elif (person.pk, item.course.page_id) in sent_today:
            chase.reason = _("Already emailed about it today")
        (result.not_emailed if chase.reason else result.to_email).append(chase)
    result.pupils = len(pupils_behind)
    # By surname whatever its capitals, as Learners by course lists them; one person's
    # courses together, even beside someone of the same name.
    for chases in (result.to_email, result.not_emailed):
        chases.sort(
            key=lambda c: (
                c.learner.last_name.lower(),
                c.learner.first_name.lower(),
                c.learner.pk,
                c.item.course.title,
            )
        )
    return result


# --- The safeguarding dashboard -------------------------------------------------------------


@dataclass
class Counts:
    """How many assigned learners are in each state, for one row of the overview."""

    assigned: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    expiring_soon: int = 0
    expired: int = 0

    def add(self, state: State) -> None:
        self.assigned += 1
        if state in (State.COMPLETED, State.EXPIRING_SOON):
            self.completed += 1
        if state == State.EXPIRING_SOON:
            self.expiring_soon += 1
        elif state == State.IN_PROGRESS:
            self.in_progress += 1
        elif state == State.NOT_STARTED:
            self.not_started += 1
        elif state == State.OVERDUE:
            self.overdue += 1
        elif state == State.EXPIRED:
            self.expired += 1

    @property
    def percent(self) -> int:
        # Rounded down: "100%" only once everyone has completed, never 199 of 200.
        return 100 * self.completed // self.assigned if self.assigned else 0

    def segments(self) -> list[dict]:
        """The stacked bar for the chart: one segment per state with its share, in
        percent, and where it starts; states with nobody in them are left out."""
        parts = [
            (State.COMPLETED, self.completed - self.expiring_soon),
            (State.EXPIRING_SOON, self.expiring_soon),
            (State.IN_PROGRESS, self.in_progress),
            (State.NOT_STARTED, self.not_started),
            (State.OVERDUE, self.overdue),
            (State.EXPIRED, self.expired),
        ]
        result, start = [], 0.0
        for state, count in parts:
            if not count or not self.assigned:
                continue
            width = 100 * count / self.assigned
            result.append(
                {
                    "state": state.value,
                    "label": state.label,
                    "count": count,
                    "x": round(start, 3),
                    "width": round(width, 3),
                }
            )
            start += width
        return result


@dataclass
class OverviewRow:
    course: CourseInfo
    group: Group | None
    counts: Counts
    # Who is counted (ids): a document for outside the school compares rows' learners, so
    # that no sums of its rows single out a few pupils (`certificates.training_record_pdf`).
    learner_ids: set[int] = field(default_factory=set)


@dataclass
class Overview:
    courses: list[OverviewRow]
    groups: list[OverviewRow]
    totals: Counts


def dashboard_overview(*, viewer, school, today: date | None = None) -> Overview:
    """Completion per course, and per course and group, for the school's assigned learners,
    scoped to the people the viewer may see."""
    courses, items = school_standings(school=school, today=today)
    visible = set(people_visible_to(viewer).filter(school=school).values_list("pk", flat=True))
    items = [i for i in items if i.learner_id in visible]
    groups = sorted(Group.objects.filter(school=school), key=group_reading_order)
    members_of: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in Membership.objects.filter(
        group__school=school, role=Membership.Role.MEMBER
    ).values_list("group_id", "user_id"):
        members_of[user_id].add(group_id)
    per_course: dict[int, Counts] = {c.page_id: Counts() for c in courses}
    per_group: dict[tuple[int, int], Counts] = defaultdict(Counts)
    counted: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    totals = Counts()
    for item in items:
        per_course[item.course.page_id].add(item.state)
        counted[(item.course.page_id, None)].add(item.learner_id)
        totals.add(item.state)
        for group_id in members_of.get(item.learner_id, ()):
            per_group[(item.course.page_id, group_id)].add(item.state)
            counted[(item.course.page_id, group_id)].add(item.learner_id)
    course_rows = [
        OverviewRow(c, None, per_course[c.page_id], counted[(c.page_id, None)]) for c in courses
    ]
    group_rows = [
        OverviewRow(c, g, per_group[(c.page_id, g.pk)], counted[(c.page_id, g.pk)])
        for c in courses
        for g in groups
        if (c.page_id, g.pk) in per_group
    ]
    return Overview(courses=course_rows, groups=group_rows, totals=totals)


@dataclass
class MatrixRow:
    learner: User
    cells: list[LearnerAssignment | None]


@dataclass
class Matrix:
    courses: list[CourseInfo]
    rows: list[MatrixRow]
    total: int


def dashboard_matrix(
    *,
    viewer,
    school,
    group_id: int | None = None,
    role: str | None = None,
    roles: Iterable[str] | None = None,
    course_id: int | None = None,
    state: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
    today: date | None = None,
) -> Matrix:
    """Assigned learners by assigned courses with each cell's state, filtered and paged.

    Filtering by state keeps a learner when any shown course is in that state ("completed"
    includes "expiring soon", as the dashboard's counts do); `roles` keeps
    people with any of them (`role`, only that one; staff includes safeguarding leads).
    `limit=None` returns every row (for CSV export)."""
    courses, items = school_standings(school=school, today=today)
    if course_id:
        courses = [c for c in courses if c.page_id == course_id]
    shown = {c.page_id for c in courses}
    people = people_visible_to(viewer).filter(school=school)
    if group_id:
        people = people.filter(
            memberships__group_id=group_id, memberships__role=Membership.Role.MEMBER
        )
    if role:
        # A safeguarding lead is staff, whether or not they were given the Staff role too, as
        # courses assigned to all staff count them (`_role_member_ids`).
        names = [AUTH_GROUP_NAMES.get(role, "")]
        if role == Role.STAFF:
            names.append(AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD])
        people = people.filter(groups__name__in=names)
    if roles is not None:
        people = people.filter(groups__name__in=[AUTH_GROUP_NAMES[r] for r in roles])
    allowed = set(people.values_list("pk", flat=True))
    cells: dict[int, dict[int, LearnerAssignment]] = defaultdict(dict)
    for item in items:
        if item.learner_id in allowed and item.course.page_id in shown:
            cells[item.learner_id][item.course.page_id] = item
    if state:
        # "Completed" is counted on the dashboard with those expiring soon (their training
        # still counts), so it lists them too: the two agree.
        wanted = {state, State.EXPIRING_SOON} if state == State.COMPLETED else {state}
        cells = {
            learner_id: row
            for learner_id, row in cells.items()
            if any(i.state in wanted for i in row.values())
        }
    # By name whatever its capitals ("de Souza" among the Ds), as people read a list.
    learners = list(
        User.objects.filter(pk__in=list(cells)).order_by(
            Lower("last_name"), Lower("first_name"), "pk"
        )
    )
    total = len(learners)
    page = learners[offset : offset + limit] if limit is not None else learners
    rows = [MatrixRow(u, [cells[u.pk].get(c.page_id) for c in courses]) for u in page]
    return Matrix(courses=courses, rows=rows, total=total)


# --- One person ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionLine:
    completion: Completion
    course: CourseInfo | None
    module_title: str | None
    activity_title: str


def person_completions(*, learner) -> list[CompletionLine]:
    """Every course and module the learner has completed, newest first, with titles
    (withdrawn ones too)."""
    catalogue = courses_catalogue(withdrawn=True)
    course_by_iri = {c.iri: c for c in catalogue}
    module_by_iri = {m.iri: (c, m) for c in catalogue for m in c.modules}
    lines = []
    for completion in Completion.objects.filter(learner=learner).order_by("-completed_at"):
        if completion.activity_iri in course_by_iri:
            course = course_by_iri[completion.activity_iri]
            lines.append(CompletionLine(completion, course, None, course.title))
        elif completion.activity_iri in module_by_iri:
            course, module = module_by_iri[completion.activity_iri]
            lines.append(CompletionLine(completion, course, module.title, module.title))
    return lines


@dataclass(frozen=True)
class CpdLine:
    completion: Completion
    course: CourseInfo
    certificate: Certificate | None
    minutes_when_completed: int

    @property
    def cpd_minutes(self) -> int:
        """The CPD time this completion counts for: as its certificate gives it once issued,
        else the course's when it was completed (an editor changing the course's time later
        does not change training done)."""
        return self.certificate.cpd_minutes if self.certificate else self.minutes_when_completed

    @property
    def title(self) -> str:
        """The course as its certificate names it once issued (a course renamed later is
        still listed as the certificate and its check give it), else as it is called now."""
        return self.certificate.course_title if self.certificate else self.course.title


def cpd_minutes_when_completed(*, completions, courses: dict[str, CourseInfo]) -> dict:
    """statement id -> the CPD time each completion counts for: the course's as published
    when it was completed, so an editor changing it later does not change training done
    (the course's now where no publication before then is on record). One query."""
    from wagtail.models import PageLogEntry

    page_ids = {courses[c.activity_iri].page_id for c in completions}
    published: dict[int, list] = {}
    for entry in (
        PageLogEntry.objects.filter(
            page_id__in=page_ids, action="wagtail.publish", revision__isnull=False
        )
        .order_by("timestamp")
        # Only the CPD time out of each revision, not the whole page body.
        .values_list("page_id", "timestamp", "revision__content__cpd_minutes")
    ):
        published.setdefault(entry[0], []).append(entry[1:])
    minutes = {}
    for c in completions:
        course = courses[c.activity_iri]
        then = [
            value for when, value in published.get(course.page_id, ()) if when <= c.completed_at
        ]
        minutes[c.statement_id] = (then[-1] or 0) if then else course.cpd_minutes
    return minutes


def cpd_record(*, learner) -> list[CpdLine]:
    """Every completed staff course, newest first, with its certificate if issued (courses
    since withdrawn too: the training was done)."""
    courses = {
        c.iri: c
        for c in courses_catalogue(audiences=("staff", "safeguarding_leads"), withdrawn=True)
    }
    completions = list(
        Completion.objects.filter(learner=learner, activity_iri__in=list(courses)).order_by(
            "-completed_at"
        )
    )
    certificates = {c.statement_id: c for c in Certificate.objects.filter(learner=learner)}
    minutes = cpd_minutes_when_completed(completions=completions, courses=courses)
    return [
        CpdLine(
            c, courses[c.activity_iri], certificates.get(c.statement_id), minutes[c.statement_id]
        )
        for c in completions
    ]


# --- PSHE records ----------------------------------------------------------------------------


@dataclass
class PsheRecord:
    courses: list[CourseInfo]
    pupils: list[User]
    # pupil id -> set of completed lesson (module) IRIs
    done: dict[int, set[str]]
    # pupil id -> IRIs of the modules private to groups the pupil is not in: not part of
    # the course for them (courses.selectors.modules_open_to)
    kept: dict[int, set[str]] = field(default_factory=dict)

    def lessons(self):
        return [(c, m) for c in self.courses for m in c.modules]

    def cell(self, pupil, module) -> str:
        """Where the pupil is with the module: "completed", "kept" (not open to them) or
        "none"."""
        if module.iri in self.done.get(pupil.pk, ()):
            return "completed"
        if module.iri in self.kept.get(pupil.pk, ()):
            return "kept"
        return "none"


def pshe_class_record(*, group) -> PsheRecord:
    """Which pupil lessons (modules of pupil courses) each pupil of the class has completed
    (pupils who have left the school are not listed).

    The caller checks the viewer may see the group (schools.selectors.group_visible_to)."""
    courses = courses_catalogue(audiences=("pupils",))
    pupils = list(group_pupils(group))
    return PsheRecord(
        courses, pupils, _done_for(pupils, courses), _kept_from([p.pk for p in pupils], courses)
    )


@dataclass(frozen=True)
class PsheGroupSummary:
    """How far one class or year group has got through the pupils' lessons."""

    group: Group
    pupils: int
    modules_done: int  # pupil-module completions, of pupils x modules
    modules: int  # pupils x modules
    lessons_led: int  # lessons a teacher recorded leading with the group
    last_led_on: date | None

    @property
    def percent(self) -> int:
        return 100 * self.modules_done // self.modules if self.modules else 0


def pshe_groups_summary(*, groups) -> list[PsheGroupSummary]:
    """For each group, in the order given: its pupils (still at the school), how many of the
    pupils' lessons (modules) they have completed between them, and the lessons recorded as
    led with it. Seven queries at most, however many groups and pupils."""
    from courses.models import ClassLesson

    groups = list(groups)
    courses = courses_catalogue(audiences=("pupils",))
    module_iris = {m.iri for c in courses for m in c.modules}
    members = pupil_ids_by_group(groups)
    everyone = set().union(*members.values()) if members else set()
    done: dict[int, int] = defaultdict(int)
    # A module private to groups a pupil is not in is not theirs to do, unless they had
    # done it already: done is done, as the class's record shows it (PsheRecord.cell).
    kept = _kept_from(everyone, courses) if module_iris else {}
    kept_but_done: dict[int, int] = defaultdict(int)
    if everyone and module_iris:
        valid_since = _valid_since_by_iri(courses)
        for learner_id, iri, completed_at in LearnerActivity.objects.filter(
            learner__in=everyone, activity_iri__in=module_iris, last_completed_at__isnull=False
        ).values_list("learner_id", "activity_iri", "last_completed_at"):
            if _still_counts(completed_at, valid_since.get(iri)):
                done[learner_id] += 1
                if iri in kept.get(learner_id, ()):
                    kept_but_done[learner_id] += 1
    led = {
        row["group_id"]: row
        for row in ClassLesson.objects.filter(group__in=groups)
        .values("group_id")
        .annotate(count=Count("id"), last=Max("taught_on"))
    }
    return [
        PsheGroupSummary(
            group=group,
            pupils=len(members[group.pk]),
            modules_done=sum(done[pupil] for pupil in members[group.pk]),
            modules=sum(
                len(module_iris) - len(kept.get(pupil, ())) + kept_but_done[pupil]
                for pupil in members[group.pk]
            ),
            lessons_led=led.get(group.pk, {}).get("count", 0),
            last_led_on=led.get(group.pk, {}).get("last"),
        )
        for group in groups
    ]


def pshe_pupil_record(*, pupil) -> PsheRecord:
    courses = courses_catalogue(audiences=("pupils",))
    return PsheRecord(
        courses, [pupil], _done_for([pupil], courses), _kept_from([pupil.pk], courses)
    )


def _kept_from(pupil_ids, courses) -> dict[int, set[str]]:
    """{pupil id: IRIs of the modules private to groups they are not in}. Two queries."""
    from courses.selectors import modules_kept_from

    return modules_kept_from(
        learner_ids=pupil_ids,
        module_paths={m.iri: m.path for c in courses for m in c.modules},
    )


def _done_for(pupils, courses) -> dict[int, set[str]]:
    iris = [c.iri for c in courses] + [m.iri for c in courses for m in c.modules]
    done: dict[int, set[str]] = defaultdict(set)
    if not pupils or not iris:
        return done
    valid_since = _valid_since_by_iri(courses)
    rows = LearnerActivity.objects.filter(
        learner__in=[p.pk for p in pupils],
        activity_iri__in=iris,
        last_completed_at__isnull=False,
    ).values_list("learner_id", "activity_iri", "last_completed_at")
    for learner_id, iri, completed_at in rows:
        if _still_counts(completed_at, valid_since.get(iri)):
            done[learner_id].add(iri)
    return done


def _valid_since_by_iri(courses) -> dict[str, object]:
    """{course or module IRI: when its course was last marked "requires renewal"}, for the
    courses ever marked; completions from before then no longer count. One query."""
    since = courses_valid_since(course_page_ids=[c.page_id for c in courses])
    return {
        iri: since[c.page_id]
        for c in courses
        if c.page_id in since
        for iri in (c.iri, *(m.iri for m in c.modules))
    }


def _still_counts(completed_at, valid_since) -> bool:
    return valid_since is None or completed_at >= valid_since


@dataclass
class ClassAssignment:
    """A course set for a class's pupils: when it is due, how far the class has got, and
    who is overdue (or whose completion has expired), for the class's teachers."""

    course: CourseInfo
    due_from: date
    due_to: date
    counts: Counts
    overdue: list[User]


def pshe_class_assignments(
    *, group, pupils: list[User], today: date | None = None
) -> list[ClassAssignment]:
    """Every course assigned to any of these pupils of `group`, by their class or their role,
    in catalogue order, with where they stand. A fixed number of queries.

    The caller checks the viewer may see the group; `pupils` are its pupils, in the order to
    name them (pshe_class_record's)."""
    if not pupils:
        return []
    courses, items = school_standings(
        school=group.school, today=today, learner_ids=[p.pk for p in pupils]
    )
    by_pk = {p.pk: p for p in pupils}
    position = {p.pk: i for i, p in enumerate(pupils)}
    rows: dict[int, ClassAssignment] = {}
    for item in sorted(items, key=lambda i: position[i.learner_id]):
        row = rows.get(item.course.page_id)
        if row is None:
            row = rows[item.course.page_id] = ClassAssignment(
                item.course, item.due_on, item.due_on, Counts(), []
            )
        row.due_from = min(row.due_from, item.due_on)
        row.due_to = max(row.due_to, item.due_on)
        row.counts.add(item.state)
        if item.state.needs_action:
            row.overdue.append(by_pk[item.learner_id])
    return [rows[c.page_id] for c in courses if c.page_id in rows]


def assignments_of_school(*, school) -> QuerySet[Assignment]:
    return Assignment.objects.filter(school=school).select_related("group", "course")


def assignments_out_of_reach(*, school) -> dict[int, int]:
    """Assignment id -> how many of the people it covers cannot open its course, and so are
    not held to it (`school_standings`); assignments everyone can do are left out."""
    assignments = list(Assignment.objects.filter(school=school))
    by_page = {c.page_id: c for c in courses_catalogue(page_ids={a.course_id for a in assignments})}
    assignments = [a for a in assignments if a.course_id in by_page]
    if not assignments:
        return {}
    groups = _group_member_ids({a.group_id for a in assignments if a.group_id})
    roles = _role_member_ids(school.pk, {a.role for a in assignments if a.role})
    covered = {
        a.pk: groups.get(a.group_id, {}) if a.group_id else roles.get(a.role, {})
        for a in assignments
    }
    out = _out_of_reach(
        {(learner, a.course_id) for a in assignments for learner in covered[a.pk]}, by_page
    )
    counts = {
        a.pk: sum((learner, a.course_id) in out for learner in covered[a.pk]) for a in assignments
    }
    return {pk: count for pk, count in counts.items() if count}


def course_renewal_latest_id(*, course_page_id: int) -> int:
    """The id of the course's latest "requires renewal" mark, 0 if it has none."""
    return (
        CourseRenewal.objects.filter(course_id=course_page_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
