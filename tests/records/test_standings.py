"""Assignments turn records into states for each assigned learner, scoped by school."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from records.models import Assignment
from records.projection import completions_project
from records.selectors import (
    Counts,
    PsheGroupSummary,
    assignments_for_learner,
    dashboard_matrix,
    dashboard_overview,
    school_standings,
)
from records.services import assignment_create, course_renewal_require
from records.states import State
from schools.roles import Role
from tests.factories import SchoolFactory, UserFactory
from tests.records.conftest import assign_to_team, assignment_made_at, module_iris
from tests.records.statements import COMPLETED, EXPERIENCED, keys, statement

pytestmark = pytest.mark.django_db


def _complete(user, course, when=None):
    completions_project(
        statements=[statement(user, COMPLETED, course.activity_iri, when=when)],
        learners_by_key=keys(user),
    )


def test_group_assignment_covers_its_members_only(
    school, staff_team, staff_course, teacher, safeguarding_lead, pupil
):
    assign_to_team(staff_team, staff_course, due_on=date.today() + timedelta(days=30))
    _courses, items = school_standings(school=school)
    assert {i.learner_id for i in items} == {teacher.pk, safeguarding_lead.pk}
    assert {i.state for i in items} == {State.NOT_STARTED}


def test_role_assignment_covers_everyone_with_the_role(
    school, staff_course, teacher, safeguarding_lead, pupil
):
    assignment_create(
        school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=date.today()
    )
    _courses, items = school_standings(school=school)
    assert {i.learner_id for i in items} == {teacher.pk, safeguarding_lead.pk}


def test_a_course_assigned_to_all_staff_covers_a_lead_without_the_staff_role(
    school, staff_course, teacher
):
    """A safeguarding lead is staff, whether or not they were given the Staff role too."""
    lead_only = UserFactory(school=school, username="deputy", roles=[Role.SAFEGUARDING_LEAD])
    assignment_create(
        school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=date.today()
    )
    _courses, items = school_standings(school=school)
    assert {i.learner_id for i in items} == {teacher.pk, lead_only.pk}
    assert [i.course.page_id for i in assignments_for_learner(lead_only)] == [staff_course.pk]


def test_progress_completion_and_overdue_come_from_statements(
    school, staff_team, staff_course, teacher, safeguarding_lead
):
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=1))
    first_module = module_iris(staff_course)[0]
    completions_project(
        statements=[
            statement(
                teacher,
                EXPERIENCED,
                first_module,
                grouping=staff_course.activity_iri,
                when=timezone.now(),
            )
        ],
        learners_by_key=keys(teacher),
    )
    [item] = assignments_for_learner(teacher)
    assert item.state == State.OVERDUE
    _complete(teacher, staff_course, when=timezone.now())
    [item] = assignments_for_learner(teacher)
    assert item.state == State.COMPLETED
    [other] = assignments_for_learner(safeguarding_lead)
    assert other.state == State.OVERDUE


def test_in_progress_when_a_module_of_the_course_was_touched(
    school, staff_team, staff_course, teacher
):
    assign_to_team(staff_team, staff_course, due_on=date.today() + timedelta(days=60))
    completions_project(
        statements=[
            statement(
                teacher, COMPLETED, module_iris(staff_course)[0], grouping=staff_course.activity_iri
            )
        ],
        learners_by_key=keys(teacher),
    )
    [item] = assignments_for_learner(teacher)
    assert item.state == State.IN_PROGRESS


def test_renewal_period_makes_old_completions_expire(school, staff_team, staff_course, teacher):
    assign_to_team(staff_team, staff_course, due_on=date(2024, 1, 1), renewal_months=12)
    _complete(teacher, staff_course, when=timezone.now() - timedelta(days=400))
    [item] = assignments_for_learner(teacher)
    assert item.state == State.EXPIRED


def test_requires_renewal_re_enrols_those_who_had_completed(
    school, staff_team, staff_course, teacher, mailoutbox
):
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=10))
    _complete(teacher, staff_course, when=timezone.now() - timedelta(days=20))
    assert assignments_for_learner(teacher)[0].state == State.COMPLETED
    course_renewal_require(
        course_page_id=staff_course.pk, reason="New platform settings", complete_within_days=14
    )
    [item] = assignments_for_learner(teacher)
    assert item.state == State.NOT_STARTED
    assert item.due_on == date.today() + timedelta(days=14)


def test_renewal_email_goes_to_those_re_enrolled(
    school, staff_team, staff_course, teacher, django_capture_on_commit_callbacks, mailoutbox
):
    assign_to_team(staff_team, staff_course, due_on=date.today())
    _complete(teacher, staff_course, when=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        course_renewal_require(course_page_id=staff_course.pk, reason="New settings")
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    assert "New settings" in mailoutbox[0].body
    assert staff_course.url in mailoutbox[0].body


def test_completion_is_100_percent_only_when_everyone_has_completed():
    # 199 of 200 staff done and one overdue is not "100% of assigned courses completed",
    # on the dashboard or in the training record for governors.
    counts = Counts()
    for _ in range(199):
        counts.add(State.COMPLETED)
    counts.add(State.OVERDUE)
    assert counts.percent == 99
    counts = Counts()
    counts.add(State.COMPLETED)
    assert counts.percent == 100
    summary = PsheGroupSummary(
        group=None, pupils=100, modules_done=399, modules=400, lessons_led=0, last_led_on=None
    )
    assert summary.percent == 99


def test_overview_counts_per_course_and_group(
    school, staff_team, staff_course, teacher, safeguarding_lead
):
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=1))
    _complete(teacher, staff_course, when=datetime.now(UTC))
    overview = dashboard_overview(viewer=safeguarding_lead, school=school)
    [row] = overview.courses
    assert (row.counts.assigned, row.counts.completed, row.counts.overdue) == (2, 1, 1)
    assert row.counts.percent == 50
    [group_row] = overview.groups
    assert group_row.group == staff_team


def test_matrix_filters_by_status_and_pages(
    school, staff_team, staff_course, teacher, safeguarding_lead
):
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=1))
    _complete(teacher, staff_course, when=datetime.now(UTC))
    overdue = dashboard_matrix(viewer=safeguarding_lead, school=school, state="overdue")
    assert [r.learner for r in overdue.rows] == [safeguarding_lead]
    first_page = dashboard_matrix(viewer=safeguarding_lead, school=school, limit=1)
    assert first_page.total == 2 and len(first_page.rows) == 1


def test_matrix_sorts_surnames_alphabetically_whatever_their_capitals(
    school, staff_course, safeguarding_lead
):
    """ "de Souza" comes between "Brown" and "Zane", not after them (as a database comparing
    capitals before small letters would put it)."""
    for last_name in ("Zane", "de Souza", "Brown"):
        UserFactory(school=school, last_name=last_name, roles=[Role.STAFF])
    safeguarding_lead.last_name = "Lead"
    safeguarding_lead.save()
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=Role.STAFF,
        due_on=date.today() + timedelta(days=5),
    )
    matrix = dashboard_matrix(viewer=safeguarding_lead, school=school)
    assert [r.learner.last_name for r in matrix.rows] == ["Brown", "de Souza", "Lead", "Zane"]


def test_another_schools_assignments_and_people_never_appear(
    school, staff_course, safeguarding_lead
):
    other = SchoolFactory()
    UserFactory(school=other, roles=[Role.STAFF])
    Assignment.objects.create(
        school=other, course_id=staff_course.pk, role=Role.STAFF, due_on=date.today()
    )
    assert dashboard_matrix(viewer=safeguarding_lead, school=school).total == 0
    _courses, items = school_standings(school=school)
    assert items == []


def test_after_renewal_only_new_activity_counts_as_in_progress(
    school, staff_team, staff_course, teacher
):
    assign_to_team(staff_team, staff_course, due_on=date.today() + timedelta(days=30))
    _complete(teacher, staff_course, when=timezone.now() - timedelta(days=5))
    course_renewal_require(course_page_id=staff_course.pk, reason="Changed")
    assert assignments_for_learner(teacher)[0].state == State.NOT_STARTED
    completions_project(
        statements=[
            statement(
                teacher,
                EXPERIENCED,
                module_iris(staff_course)[0],
                grouping=staff_course.activity_iri,
                when=timezone.now() + timedelta(seconds=1),
            )
        ],
        learners_by_key=keys(teacher),
    )
    assert assignments_for_learner(teacher)[0].state == State.IN_PROGRESS


def test_people_who_join_after_a_course_was_assigned_have_time_to_do_it(
    school, staff_team, staff_course, pupil_course, klass, teacher, pupil
):
    """A course assigned in September and due in October: a member of staff who joins in
    March, or a pupil who moves into the class, is not overdue on their first day."""
    from schools.models import Membership

    today = date.today()
    long_ago = timezone.now() - timedelta(days=200)
    for_team = assignment_made_at(
        long_ago,
        school=school,
        course_page_id=staff_course.pk,
        group=staff_team,
        due_on=today - timedelta(days=60),
    )
    for_staff = assignment_made_at(
        long_ago, school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=today
    )
    for_class = assignment_made_at(
        long_ago,
        school=school,
        course_page_id=pupil_course.pk,
        group=klass,
        due_on=today - timedelta(days=60),
        new_starter_days=14,
    )
    Membership.objects.update(joined_at=long_ago - timedelta(days=100))
    newcomer = UserFactory(school=school, roles=[Role.STAFF])  # joined the school today
    Membership.objects.create(
        group=staff_team, user=newcomer, joined_at=timezone.now() - timedelta(days=10)
    )
    moved = UserFactory(school=school, roles=[Role.PUPIL])
    moved.date_joined = long_ago - timedelta(days=300)
    moved.save()
    Membership.objects.create(group=klass, user=moved, joined_at=timezone.now())

    _courses, items = school_standings(school=school)
    by_learner = {(i.learner_id, i.course.page_id): i for i in items}
    # Those who were there all along are overdue on the team's date.
    assert by_learner[(teacher.pk, staff_course.pk)].state == State.OVERDUE
    assert by_learner[(teacher.pk, staff_course.pk)].due_on == for_team.due_on
    assert by_learner[(pupil.pk, pupil_course.pk)].state == State.OVERDUE
    # The newcomer: 30 days from joining the team (20 left); the role's 30 days from their
    # account's first day are later, and the earlier of the two counts.
    newcomer_item = by_learner[(newcomer.pk, staff_course.pk)]
    assert newcomer_item.state == State.NOT_STARTED
    assert newcomer_item.due_on == today + timedelta(days=20)
    assert for_staff.new_starter_days == 30
    # The pupil who moved into the class today has the class's 14 days.
    moved_item = by_learner[(moved.pk, pupil_course.pk)]
    assert moved_item.state == State.NOT_STARTED
    assert moved_item.due_on == today + timedelta(days=14)
    # The same dates reach the learner's own page.
    (mine,) = assignments_for_learner(newcomer)
    assert mine.due_on == today + timedelta(days=20)
    assert for_class.new_starter_days == 14


def test_a_member_of_staff_who_moves_school_has_the_new_starters_days_there(school, staff_course):
    """An assignment to all staff, made long ago and past its due date: someone who has had
    an account for years at another school of the trust and moves here today is new here,
    not overdue on their first day."""
    long_ago = timezone.now() - timedelta(days=200)
    today = timezone.localdate()
    assignment_made_at(
        long_ago,
        school=school,
        course_page_id=staff_course.pk,
        role=Role.STAFF,
        due_on=today - timedelta(days=60),
    )
    mover = UserFactory(school=SchoolFactory(), roles=[Role.STAFF])
    mover.date_joined = long_ago - timedelta(days=300)
    mover.save()

    mover.school = school
    mover.save()

    (item,) = assignments_for_learner(mover)
    assert item.state == State.NOT_STARTED
    assert item.due_on == today + timedelta(days=30)


def test_a_pupil_back_through_the_import_has_the_new_starters_days(school, pupil_course):
    """A pupil who left and is back in the school's file today: the courses assigned to all
    pupils, and to their class, while they were away are new to them, not overdue at once
    (the import brings them back without User.save)."""
    from schools.models import Group, Membership
    from schools.roster import Kind, roster_parse
    from schools.services import roster_import

    long_ago = timezone.now() - timedelta(days=400)
    today = timezone.localdate()
    pupil = UserFactory(
        school=school, roles=[Role.PUPIL], mis_id="A1", first_name="Priya", last_name="Patel"
    )
    klass = Group.objects.create(school=school, kind=Group.Kind.CLASS, name="8R")
    Membership.objects.create(user=pupil, group=klass, joined_at=long_ago)
    User = type(pupil)
    User.objects.filter(pk=pupil.pk).update(
        date_joined=long_ago, is_active=False, left_on=today - timedelta(days=100)
    )
    for target in ({"role": Role.PUPIL}, {"group": klass}):
        assignment_made_at(
            timezone.now() - timedelta(days=50),
            school=school,
            course_page_id=pupil_course.pk,
            due_on=today - timedelta(days=20),
            **target,
        )

    data = b"mis_id,first_name,last_name,class\r\nA1,Priya,Patel,8R\r\n"
    result = roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(data, kind=Kind.PUPILS)
    )

    assert result.returned == [pupil]
    (item,) = assignments_for_learner(User.objects.get(pk=pupil.pk))
    assert item.state == State.NOT_STARTED
    assert item.due_on == today + timedelta(days=30)


def test_someone_given_a_role_later_has_the_new_starters_days_from_then(school, staff_course):
    """A teacher who has been at the school for years is made safeguarding lead today: the
    course assigned long ago to every safeguarding lead is new to them, not overdue at once,
    however the role reaches them (here the Wagtail "Assign role" bulk action's path)."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES

    long_ago = timezone.now() - timedelta(days=400)
    today = timezone.localdate()
    teacher = UserFactory(school=school, roles=[Role.STAFF])
    type(teacher).objects.filter(pk=teacher.pk).update(date_joined=long_ago)
    assignment_made_at(
        timezone.now() - timedelta(days=200),
        school=school,
        course_page_id=staff_course.pk,
        role=Role.SAFEGUARDING_LEAD,
        due_on=today - timedelta(days=60),
    )

    lead_group, _created = AuthGroup.objects.get_or_create(
        name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD]
    )
    lead_group.user_set.add(teacher)

    (item,) = assignments_for_learner(type(teacher).objects.get(pk=teacher.pk))
    assert item.state == State.NOT_STARTED
    assert item.due_on == today + timedelta(days=30)


def test_importing_the_roster_again_keeps_when_people_were_given_their_role(school):
    """Each import writes the role's table directly: who already had the role keeps the day
    they were given it (else every import would make the whole school new starters)."""
    from schools.models import RoleGrant
    from schools.roster import Kind, roster_parse
    from schools.services import roster_import

    data = b"mis_id,first_name,last_name,class\r\nA1,Priya,Patel,8R\r\n"
    roster_import(school=school, kind=Kind.PUPILS, parsed=roster_parse(data, kind=Kind.PUPILS))
    (grant,) = RoleGrant.objects.filter(user__mis_id="A1")
    long_ago = timezone.now() - timedelta(days=300)
    RoleGrant.objects.update(granted_at=long_ago)

    roster_import(school=school, kind=Kind.PUPILS, parsed=roster_parse(data, kind=Kind.PUPILS))

    assert RoleGrant.objects.get(pk=grant.pk).granted_at == long_ago


def test_a_completion_that_ran_out_before_the_due_date_leaves_time_until_then(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """A yearly course assigned today, due next month: a member of staff who did it two
    years ago (at another school, or before it was assigned) has until the due date to take
    it again, as someone who never did it has; they are not "Expired" on the first day, on
    the lead's chase list, or sent the "expired" email."""
    from records.selectors import chase_list
    from records.services import reminders_send

    today = timezone.localdate()
    due = today + timedelta(days=40)
    assign_to_team(staff_team, staff_course, due_on=due, renewal_months=12)
    _complete(teacher, staff_course, when=timezone.now() - timedelta(days=730))
    [item] = assignments_for_learner(teacher)
    assert item.state not in (State.EXPIRED, State.OVERDUE)
    assert item.standing.expires_on == due + timedelta(days=1)  # the first day it does not count
    chases = chase_list(viewer=safeguarding_lead, school=school)
    assert teacher.pk not in {c.learner.pk for c in chases.to_email + chases.not_emailed}
    reminders_send(today=today)
    assert not [m for m in mailoutbox if teacher.email in m.to and "xpired" in m.subject]
    # Once the due date has passed, it has expired.
    [item] = assignments_for_learner(teacher, today=due + timedelta(days=1))
    assert item.state == State.EXPIRED
    # On a completion that runs out after the due date nothing changes.
    _complete(teacher, staff_course, when=timezone.now() - timedelta(days=300))
    [item] = assignments_for_learner(teacher)
    assert item.state == State.COMPLETED
    assert item.standing.expires_on > due


def test_a_team_member_who_is_not_a_lead_is_not_held_to_the_leads_course(
    school, staff_team, home_page, teacher, safeguarding_lead
):
    """A course for safeguarding leads is not open to teachers: a teacher in a team it is
    assigned to (or who joins it later) could never complete it, so it is not theirs, and
    they are never overdue on it nor reminded of it."""
    from tests.records.conftest import _course

    leads_course = _course(home_page, audience="safeguarding_leads", title="Leading safeguarding")
    assign_to_team(staff_team, leads_course, due_on=date.today() - timedelta(days=1))
    _courses, items = school_standings(school=school)
    assert {i.learner_id for i in items} == {safeguarding_lead.pk}
    assert assignments_for_learner(teacher) == []
    assert [i.state for i in assignments_for_learner(safeguarding_lead)] == [State.OVERDUE]


def test_people_a_course_is_private_from_are_not_held_to_it(
    school, staff_course, teacher, safeguarding_lead
):
    """A course whose privacy (in the admin) lets in only some groups cannot be opened by
    anyone else: assigned to everyone, the others are not held to it."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    pilot = Group.objects.create(name="Pilot")
    safeguarding_lead.groups.add(pilot)
    restriction = PageViewRestriction.objects.create(
        page=staff_course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([pilot])
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=Role.STAFF,
        due_on=date.today() - timedelta(days=1),
    )
    _courses, items = school_standings(school=school)
    assert {i.learner_id for i in items} == {safeguarding_lead.pk}
    assert assignments_for_learner(teacher) == []


def test_someone_whose_only_statement_was_voided_is_not_started_again(
    school, staff_team, staff_course, teacher
):
    """The lead's pages show what the statements that stand say: a tool that voids the one
    statement someone had about a course (sent for the wrong person, say) leaves them not
    started, not "In progress"."""
    from records.projection import VERB_VOIDED
    from xapi.services import record

    assign_to_team(staff_team, staff_course, due_on=date.today() + timedelta(days=60))
    touched = statement(
        teacher,
        EXPERIENCED,
        module_iris(staff_course)[0],
        grouping=staff_course.activity_iri,
        when=timezone.now(),
    )
    record(statements=[touched], school=school)
    [item] = assignments_for_learner(teacher)
    assert item.state == State.IN_PROGRESS
    voiding = {
        "actor": touched["actor"],
        "verb": {"id": VERB_VOIDED},
        "object": {"objectType": "StatementRef", "id": touched["id"]},
    }
    record(statements=[voiding], school=school)
    [item] = assignments_for_learner(teacher)
    assert item.state == State.NOT_STARTED
