"""Classroom mode (totals only, majority with teacher tie-break) and group choice analytics
(minimum five learners, only for the group's teachers and the safeguarding lead)."""

import dataclasses
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from scenarios.models import ClassroomSession, ClassroomVote
from scenarios.selectors import scenario_group_analytics, scenarios_played_by
from scenarios.services import (
    classroom_session_start,
    scenario_attempt_start,
    scenario_choice_make,
)
from schools.models import Group, Membership
from schools.roles import Role
from tests.factories import GroupFactory, SchoolFactory, UserFactory
from tests.scenarios.helpers import published_scenario
from tests.unit.scenarios.test_engine import small_graph, warned_node

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return published_scenario()


def _start_session(client, teacher, klass, scenario):
    client.force_login(teacher)
    response = client.post(
        reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": scenario.pk}
    )
    assert response.status_code == 302
    return ClassroomSession.objects.filter(group=klass).latest("pk")


def _vote(client, session, *, node, step, turn=None, tie_break="", **counts):
    """Counts sent from the part at `node`, `step` and `turn` (the step, until an undo)."""
    data = {"node": node, "step": step, "turn": step if turn is None else turn}
    data["tie_break"] = tie_break
    data.update({f"count-{k}": v for k, v in counts.items()})
    return client.post(reverse("scenarios:classroom", args=[session.uuid]), data)


def test_the_class_follows_the_majority_and_only_totals_are_stored(
    client, teacher, klass, scenario
):
    session = _start_session(client, teacher, klass, scenario)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "How many pupils chose each option?" in page
    response = _vote(client, session, node="start", step=0, report=18, share=11)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state["node_id"] == "reported"
    votes = {
        v.choice_id: (v.count, v.chosen) for v in ClassroomVote.objects.filter(session=session)
    }
    assert votes == {"report": (18, True), "share": (11, False)}
    fields = {f.name for f in ClassroomVote._meta.get_fields()}
    assert not fields & {"user", "learner", "pupil"}


def test_a_tie_needs_the_teacher_to_choose(client, teacher, klass, scenario):
    session = _start_session(client, teacher, klass, scenario)
    response = _vote(client, session, node="start", step=0, report=10, share=10)
    assert response.status_code == 400
    html = response.content.decode()
    assert "It&#x27;s a tie" in html
    # The error summary is focused (data-error-summary), links to the tie-break and says
    # "Error:" in the title, as every form's does.
    assert '<a href="#tie-1">It&#x27;s a tie' in html and "data-error-summary" in html
    assert "<title>Error:" in html
    assert not ClassroomVote.objects.exists()
    response = _vote(client, session, node="start", step=0, tie_break="share", report=10, share=10)
    session.refresh_from_db()
    assert session.state["node_id"] == "shared"


def test_bad_counts_are_refused_with_a_reason_and_nothing_changes(client, teacher, klass, scenario):
    session = _start_session(client, teacher, klass, scenario)
    response = _vote(client, session, node="start", step=0, report="lots", share=2)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#count-1">“lots” is not a number of pupils.</a>' in html
    assert html.count('aria-invalid="true"') == 2  # both counts, where they are put right
    response = _vote(client, session, node="start", step=0, report=0, share=0)
    assert "at least one option" in response.content.decode()
    session.refresh_from_db()
    assert session.step == 0


def test_a_tie_break_chosen_is_kept_when_the_counts_are_sent_back(client, teacher, klass, scenario):
    """WCAG 3.3.7 (Redundant Entry): a mistyped count sends the form back with the counts
    as typed; the option the teacher chose to follow in a tie stays chosen too, rather than
    having to be chosen again (or, missed, the class stopped at a tie)."""
    session = _start_session(client, teacher, klass, scenario)
    response = _vote(
        client, session, node="start", step=0, tie_break="share", report="1O", share=10
    )
    assert response.status_code == 400
    radios = re.findall(r'<input type="radio" name="tie_break"[^>]*>', response.content.decode())
    assert len(radios) == 2
    chosen = [radio for radio in radios if re.search(r"\bchecked\b", radio)]
    assert len(chosen) == 1 and 'value="share"' in chosen[0]


def test_a_count_with_a_stray_underscore_is_refused_not_read_as_another_number(
    client, teacher, klass, scenario
):
    """ "1_5" is a slip of the keyboard (1 or 5, or 15?), not fifteen pupils: Python reads
    digits grouped with underscores as one number, and the class was sent the way of it."""
    session = _start_session(client, teacher, klass, scenario)
    response = _vote(client, session, node="start", step=0, report=3, share="1_5")
    assert response.status_code == 400
    assert "“1_5” is not a number of pupils." in response.content.decode()
    assert not ClassroomVote.objects.exists()
    session.refresh_from_db()
    assert session.step == 0


def test_a_count_no_class_could_have_is_refused_not_a_server_error(
    client, teacher, klass, scenario
):
    session = _start_session(client, teacher, klass, scenario)
    for count in (99999999999, 10000):
        response = _vote(client, session, node="start", step=0, report=count, share=2)
        assert response.status_code == 400
        assert "between 0 and 9999" in response.content.decode()
    assert not ClassroomVote.objects.exists()
    session.refresh_from_db()
    assert session.step == 0


def test_votes_sent_twice_are_applied_once(client, teacher, klass, scenario):
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=5, share=1)
    response = _vote(client, session, node="start", step=0, report=5, share=1)
    assert response.status_code == 400
    assert "already left" in response.content.decode()
    assert ClassroomVote.objects.count() == 2


def test_a_class_runs_to_an_ending_with_its_debrief(client, teacher, klass, scenario):
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    _vote(client, session, node="reported", step=1, tell=15, ignore=5)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "Ending: a good outcome" in page and "You helped." in page
    # Where to get help, for the scenario's audience (pupils).
    assert '<a href="tel:08001111">0800 1111</a>' in page and "CEOP" in page


def test_a_staff_team_in_wales_is_told_of_its_designated_safeguarding_person(
    client, teacher, school
):
    school.nation = "wales"
    school.save()
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    staff_scenario = published_scenario(title="A post about you", audience="staff")
    session = _start_session(client, teacher, team, staff_scenario)
    _vote(client, session, node="start", step=0, report=5, share=1)
    _vote(client, session, node="reported", step=1, tell=4, ignore=2)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "Ending: a good outcome" in page
    assert "Tell your Designated Safeguarding Person and your line manager." in page
    assert "Designated Safeguarding Lead" not in page


def _back(client, session, *, node, step, turn=None):
    return client.post(
        reverse("scenarios:classroom", args=[session.uuid]),
        {"node": node, "step": step, "turn": step if turn is None else turn, "back": "1"},
    )


def test_a_mistyped_vote_is_taken_back_and_the_class_votes_again(client, teacher, klass, scenario):
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    _vote(client, session, node="reported", step=1, tell=2, ignore=15)  # meant tell=15
    session.refresh_from_db()
    assert session.finished_at is not None and session.state["node_id"] == "mixed"
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "Undo the last step" in page
    response = _back(client, session, node="mixed", step=2)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "The last step was taken back and its votes deleted: vote again." in page
    session.refresh_from_db()
    assert (session.step, session.state["node_id"], session.finished_at) == (1, "reported", None)
    assert session.state["variables"] == {"reported": True} and session.state["score"] == 2
    # The wrong totals are gone; the first vote stays.
    assert set(ClassroomVote.objects.filter(session=session).values_list("step", flat=True)) == {0}
    assert "How many pupils chose each option?" in page and "Tell a teacher" in page
    _vote(client, session, node="reported", step=1, turn=3, tell=15, ignore=2)
    session.refresh_from_db()
    assert session.state["node_id"] == "good"
    assert ClassroomVote.objects.get(session=session, step=1, chosen=True).choice_id == "tell"


def test_undo_sent_twice_takes_back_one_step(client, teacher, klass, scenario):
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    _vote(client, session, node="reported", step=1, tell=15, ignore=2)
    assert _back(client, session, node="good", step=2).status_code == 302
    response = _back(client, session, node="good", step=2)
    assert response.status_code == 400
    assert "the class has already left" in response.content.decode()
    session.refresh_from_db()
    assert (session.step, session.state["node_id"]) == (1, "reported")


def test_at_the_start_there_is_nothing_to_undo(client, teacher, klass, scenario):
    session = _start_session(client, teacher, klass, scenario)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "Undo the last step" not in page
    response = _back(client, session, node="start", step=0)
    assert response.status_code == 400
    assert "there is no step to take back" in response.content.decode()


def test_a_skip_can_be_undone_and_the_part_shown_instead(client, teacher, klass):
    scenario = published_scenario(small_graph(nodes={"shared": warned_node(skip_to="reported")}))
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=3, share=20)
    client.post(
        reverse("scenarios:classroom", args=[session.uuid]),
        {"node": "shared", "step": 1, "turn": 1, "skip": "1"},
    )
    session.refresh_from_db()
    assert session.state["node_id"] == "reported"
    assert _back(client, session, node="reported", step=2).status_code == 302
    session.refresh_from_db()
    assert (session.step, session.state["node_id"]) == (1, "shared")


def test_a_teacher_of_another_class_cannot_undo_my_session(
    client, teacher, klass, school, scenario
):
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    other = UserFactory(school=school, username="other", roles=[Role.STAFF])
    their_class = GroupFactory(school=school, name="9Q", kind=Group.Kind.CLASS)
    Membership.objects.create(group=their_class, user=other, role=Membership.Role.TEACHER)
    client.force_login(other)
    assert _back(client, session, node="reported", step=1).status_code == 404
    session.refresh_from_db()
    assert session.step == 1
    # A teacher of the class can: the run is the class's.
    Membership.objects.create(group=klass, user=other, role=Membership.Role.TEACHER)
    assert _back(client, session, node="reported", step=1).status_code == 302
    session.refresh_from_db()
    assert session.step == 0


def test_a_teacher_cannot_run_a_class_they_do_not_teach(client, teacher, school, scenario):
    other = GroupFactory(school=school, name="9X", kind=Group.Kind.CLASS)
    client.force_login(teacher)
    client.post(reverse("scenarios:classroom_start"), {"group": other.pk, "scenario": scenario.pk})
    assert not ClassroomSession.objects.exists()


def test_pupils_cannot_open_classroom_mode(client, pupil):
    client.force_login(pupil)
    assert client.get(reverse("scenarios:classroom_start")).status_code == 403


def test_a_teacher_who_does_not_teach_the_class_cannot_drive_its_session(
    client, teacher, klass, school, scenario
):
    session = _start_session(client, teacher, klass, scenario)
    other = UserFactory(school=school, username="teacher2", roles=[Role.STAFF])
    their_class = GroupFactory(school=school, name="9Q", kind=Group.Kind.CLASS)
    Membership.objects.create(group=their_class, user=other, role=Membership.Role.TEACHER)
    client.force_login(other)
    assert client.get(reverse("scenarios:classroom", args=[session.uuid])).status_code == 404
    assert _vote(client, session, node="start", step=0, report=20, share=3).status_code == 404
    assert not ClassroomVote.objects.filter(session=session).exists()


def test_a_teacher_of_another_school_can_neither_run_nor_drive_a_class_here(
    client, teacher, klass, scenario
):
    """Two schools: a teacher at the other school, even one given a teacher's place in this
    school's class (a membership across schools, as a moved member of staff leaves behind),
    cannot start a session with it, open the session its own teacher runs, vote in it, take
    a step back or remove it; and pupils cannot open classroom mode at all."""
    session = _start_session(client, teacher, klass, scenario)
    elsewhere = SchoolFactory(name="Elsewhere Academy")
    their_class = GroupFactory(school=elsewhere, name="9Z", kind=Group.Kind.CLASS)
    outsider = UserFactory(school=elsewhere, username="outsider", roles=[Role.STAFF])
    Membership.objects.create(group=their_class, user=outsider, role=Membership.Role.TEACHER)
    Membership.objects.create(group=klass, user=outsider, role=Membership.Role.TEACHER)
    client.force_login(outsider)
    response = client.post(
        reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": scenario.pk}
    )
    assert response.status_code == 200
    assert klass not in response.context["groups"]
    assert not ClassroomSession.objects.filter(teacher=outsider).exists()
    url = reverse("scenarios:classroom", args=[session.uuid])
    assert client.get(url).status_code == 404
    assert _vote(client, session, node="start", step=0, report=20, share=3).status_code == 404
    assert _back(client, session, node="start", step=0).status_code == 404
    remove = reverse("scenarios:classroom_remove", args=[session.uuid])
    assert client.post(remove).status_code == 404
    session.refresh_from_db()
    assert session.step == 0
    assert not ClassroomVote.objects.filter(session=session).exists()
    pupil_elsewhere = UserFactory(school=elsewhere, username="pupilelsewhere", roles=[Role.PUPIL])
    Membership.objects.create(group=klass, user=pupil_elsewhere)
    client.force_login(pupil_elsewhere)
    assert client.get(reverse("scenarios:classroom_start")).status_code == 403
    assert client.get(url).status_code == 404


def _in_order(page: str, *parts: str) -> None:
    """Each of `parts` is on the page, each after the one before."""
    places = [page.index(part) for part in parts]
    assert places == sorted(places), parts


def _warned_scenario(*, ending_warning=""):
    from scenarios.engine import Node, Outcome

    warned = warned_node(text="Someone posts a cruel comment about a classmate.", title="It spread")
    poor = Node(
        "poor",
        "The teacher's family sees the video.",
        outcome=Outcome.POOR,
        debrief="Sharing spreads harm.",
        content_warning=ending_warning,
    )
    return published_scenario(small_graph(nodes={"shared": warned, "poor": poor}))


def test_a_warned_part_stays_off_the_screen_until_the_teacher_shows_it(client, teacher, klass):
    session = _start_session(client, teacher, klass, _warned_scenario())
    _vote(client, session, node="start", step=0, report=2, share=20)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    _in_order(
        page,
        "Mentions bullying.",
        "Skip this part (no penalty)",
        "<summary>Show this part to the class</summary>",
        "a cruel comment",
        "There is one way on from here",
        "</details>",
    )


def test_the_teacher_skips_a_warned_part_for_the_class_without_penalty(client, teacher, klass):
    session = _start_session(client, teacher, klass, _warned_scenario())
    _vote(client, session, node="start", step=0, report=2, share=20)
    url = reverse("scenarios:classroom", args=[session.uuid])
    response = client.post(url, {"node": "shared", "step": 1, "turn": 1, "skip": "1"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state["node_id"] == "mixed" and session.finished_at is not None
    assert session.state["score"] == -1  # only the vote before counts
    # No votes are stored for a skipped part; the class's record says it was skipped.
    assert ClassroomVote.objects.filter(session=session).count() == 2
    page = client.get(url).content.decode()
    assert "The class skipped that part." in page
    assert "It spread — skipped" in page
    # Sent again, the skip is not applied twice.
    again = client.post(url, {"node": "shared", "step": 1, "turn": 1, "skip": "1"})
    assert again.status_code == 400 and "already left" in again.content.decode()


def test_a_part_without_a_warning_cannot_be_skipped(client, teacher, klass):
    session = _start_session(client, teacher, klass, _warned_scenario())
    url = reverse("scenarios:classroom", args=[session.uuid])
    assert "Skip this part" not in client.get(url).content.decode()
    response = client.post(url, {"node": "start", "step": 0, "turn": 0, "skip": "1"})
    assert response.status_code == 400
    assert "This part cannot be skipped." in response.content.decode()
    session.refresh_from_db()
    assert session.step == 0 and session.state["node_id"] == "start"


def test_the_class_can_still_vote_on_a_warned_part(client, teacher, klass):
    session = _start_session(client, teacher, klass, _warned_scenario(ending_warning="Upsetting."))
    _vote(client, session, node="start", step=0, report=2, share=20)
    response = _vote(client, session, node="shared", step=1, oops=22)
    assert response.status_code == 302
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    # A warned ending keeps its own text behind "Show this part"; the debrief stays in view.
    _in_order(
        page,
        "Upsetting.",
        "<summary>Show this part to the class</summary>",
        "family sees the video",
        "</details>",
        "Sharing spreads harm.",
    )


# --- analytics ---


def _pupils_play(klass, school, scenario, choices, *, prefix="p"):
    """Each entry is the list of choices one pupil makes from the start."""
    for index, path in enumerate(choices):
        pupil = UserFactory(school=school, username=f"{prefix}{index}", roles=[Role.PUPIL])
        Membership.objects.create(group=klass, user=pupil)
        attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
        node = "start"
        for step, choice in enumerate(path):
            result = scenario_choice_make(
                learner=pupil, attempt_uuid=attempt.uuid, node_id=node, step=step, choice_id=choice
            )
            node = result.step.node.id


def test_classroom_start_offers_pupils_scenarios_first_and_keeps_choices_after_an_error(
    client, teacher, klass, school, scenario
):
    staff_scenario = published_scenario(title="A staff scenario", audience="staff")
    other = GroupFactory(school=school, name="7B", kind=Group.Kind.CLASS)
    Membership.objects.create(group=other, user=teacher, role=Membership.Role.TEACHER)
    # Staff scenarios are offered to a teacher who leads a staff team (below: who does not).
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    client.force_login(teacher)
    html = client.get(reverse("scenarios:classroom_start")).content.decode()
    pupils_at, staff_at = (
        html.index('<optgroup label="For pupils">'),
        html.index('<optgroup label="For staff">'),
    )
    assert pupils_at < html.index(scenario.title) < staff_at < html.index(staff_scenario.title)
    # A scenario that cannot be run is refused; the class chosen stays chosen.
    response = client.post(reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": 0})
    html = response.content.decode()
    assert "Choose a scenario." in html
    assert f'<option value="{klass.pk}" selected>8R</option>' in html
    assert not ClassroomSession.objects.exists()


def test_a_staff_scenario_is_never_run_with_pupils(client, teacher, klass, school, scenario):
    staff_scenario = published_scenario(title="A staff scenario", audience="staff")
    client.force_login(teacher)  # teaches 8R, a class of pupils, and no staff team
    url = reverse("scenarios:classroom_start")
    assert "A staff scenario" not in client.get(url).content.decode()
    response = client.post(url, {"group": klass.pk, "scenario": staff_scenario.pk})
    assert "Choose a scenario." in response.content.decode()
    # Leading a staff team, the teacher may run it with the team, but still not with 8R.
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    assert "A staff scenario" in client.get(url).content.decode()
    response = client.post(url, {"group": klass.pk, "scenario": staff_scenario.pk})
    html = response.content.decode()
    assert "is a scenario for staff. Choose a scenario for pupils to run with 8R." in html
    assert f'<option value="{klass.pk}" selected>8R</option>' in html
    assert not ClassroomSession.objects.exists()
    response = client.post(url, {"group": team.pk, "scenario": staff_scenario.pk})
    assert response.status_code == 302
    assert ClassroomSession.objects.get().group == team
    # A pupils' scenario can be tried out with a staff team.
    assert client.post(url, {"group": team.pk, "scenario": scenario.pk}).status_code == 302


def test_a_start_refused_keeps_the_scenario_chosen_not_the_one_in_the_address(
    client, teacher, klass, school
):
    """WCAG 3.3.7: "Run it again" opens the form at the scenario just run. The teacher picks
    another and a class it cannot run with: the form comes back with the one they picked,
    and only that one, selected (with two, the browser would show the last)."""
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    picked = published_scenario(title="A staff scenario", audience="staff")
    run_before = published_scenario(title="Z staff scenario", audience="staff")
    client.force_login(teacher)
    url = f"{reverse('scenarios:classroom_start')}?group={team.pk}&scenario={run_before.uuid}"

    response = client.post(url, {"group": klass.pk, "scenario": picked.pk})

    assert response.status_code == 200
    select = response.text.split('<select name="scenario"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\d+)" selected>', select) == [str(picked.pk)]
    assert not ClassroomSession.objects.exists()


def test_the_analytics_page_also_lists_pupils_scenarios_first(client, teacher, scenario):
    staff_scenario = published_scenario(title="A staff scenario", audience="staff")
    client.force_login(teacher)
    html = client.get(reverse("scenarios:analytics")).content.decode()
    assert html.index('<optgroup label="For pupils">') < html.index(scenario.title)
    assert html.index(scenario.title) < html.index('<optgroup label="For staff">')
    assert html.index('<optgroup label="For staff">') < html.index(staff_scenario.title)


def test_fewer_than_five_learners_shows_nothing(klass, school, scenario):
    _pupils_play(klass, school, scenario, [["report"]] * 4)
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert not result.enough and result.nodes == [] and result.learners == 4


def test_shares_per_choice_and_endings_are_counted_in_the_database(
    klass, school, scenario, django_assert_max_num_queries
):
    _pupils_play(
        klass,
        school,
        scenario,
        [["report", "tell"]] * 3 + [["share", "oops"]] * 2 + [["report", "ignore"]],
    )
    with django_assert_max_num_queries(8):
        result = scenario_group_analytics(scenario=scenario, group=klass)
    assert result.enough and result.learners == 6
    start = next(n for n in result.nodes if n.node_id == "start")
    assert {(c.choice_id, c.learners, c.percent) for c in start.choices} == {
        ("report", 4, 67),
        ("share", 2, 33),
    }
    assert {(e.node_id, e.outcome, e.learners) for e in result.endings} == {
        ("good", "good", 3),
        ("poor", "poor", 2),
        ("mixed", "mixed", 1),
    }


def test_the_groups_teachers_are_not_counted_among_its_learners(klass, school, teacher):
    # A staff team's leader is its "teacher" and does the staff scenarios too; what they
    # choose is not their team's.
    scenario = published_scenario(audience="staff")
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 4)
    attempt = scenario_attempt_start(learner=teacher, scenario=scenario)
    scenario_choice_make(
        learner=teacher, attempt_uuid=attempt.uuid, node_id="start", step=0, choice_id="share"
    )
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert result.learners == 4 and not result.enough
    _pupils_play(klass, school, scenario, [["report", "ignore"]], prefix="late")
    result = scenario_group_analytics(scenario=scenario, group=klass)
    start = next(n for n in result.nodes if n.node_id == "start")
    assert result.learners == 5 and start.learners == 5
    assert [(c.choice_id, c.learners) for c in start.choices] == [("report", 5), ("share", 0)]


def test_a_member_of_staff_given_a_members_place_in_a_class_is_not_one_of_its_learners(
    klass, school
):
    """A class's learners are its pupils: a member of staff put in it as a member (a place
    Membership.clean refuses and memberships_breaking_the_rules lists) is not counted."""
    scenario = published_scenario(audience="staff")
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 4)
    staff = UserFactory(school=school, username="misplaced", roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=staff)
    attempt = scenario_attempt_start(learner=staff, scenario=scenario)
    scenario_choice_make(
        learner=staff, attempt_uuid=attempt.uuid, node_id="start", step=0, choice_id="share"
    )
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert (result.learners, result.enough) == (4, False)


def test_labels_are_the_ones_the_groups_learners_saw(klass, school, scenario):
    # Pupils elsewhere played an earlier revision, where the choice had another label; the
    # class's table names the choice as its own pupils saw it.
    from dataclasses import replace

    from scenarios.services import scenario_save_graph
    from tests.unit.scenarios.test_engine import small_graph

    # Another class's pupils start on the first revision (attempts keep the revision they
    # started on) and choose after the class has played.
    elsewhere = GroupFactory(school=school, name="9X", kind=Group.Kind.CLASS)
    early = []
    for index in range(2):
        pupil = UserFactory(school=school, username=f"x{index}", roles=[Role.PUPIL])
        Membership.objects.create(group=elsewhere, user=pupil)
        early.append((pupil, scenario_attempt_start(learner=pupil, scenario=scenario)))
    graph = small_graph()
    start = next(n for n in graph.nodes if n.id == "start")
    renamed = replace(
        start,
        choices=tuple(
            replace(c, label="Report the account") if c.id == "report" else c for c in start.choices
        ),
    )
    scenario_save_graph(
        scenario=scenario, graph=small_graph(nodes={"start": renamed}), publish=True
    )
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    for pupil, attempt in early:
        scenario_choice_make(
            learner=pupil, attempt_uuid=attempt.uuid, node_id="start", step=0, choice_id="report"
        )
    result = scenario_group_analytics(scenario=scenario, group=klass)
    start_shares = next(n for n in result.nodes if n.node_id == "start")
    assert [c.label for c in start_shares.choices if c.learners] == ["Report the account"]


def test_choices_and_endings_nobody_took_are_shown_at_zero_in_the_order_learners_see_them(
    klass, school, scenario
):
    _pupils_play(klass, school, scenario, [["share", "oops"]] * 5)
    result = scenario_group_analytics(scenario=scenario, group=klass)
    start = next(n for n in result.nodes if n.node_id == "start")
    assert [(c.choice_id, c.label, c.learners, c.percent) for c in start.choices] == [
        ("report", "Report it", 0, 0),
        ("share", "Share it", 5, 100),
    ]
    # Nodes nobody reached are left out; every ending is listed, reached ones first.
    assert [n.node_id for n in result.nodes] == ["start", "shared"]
    assert [(e.node_id, e.outcome, e.learners) for e in result.endings] == [
        ("poor", "poor", 5),
        ("good", "good", 0),
        ("mixed", "mixed", 0),
    ]


def test_the_analytics_page_shows_a_class_to_its_teacher(client, teacher, klass, school, scenario):
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    _pupils_play(klass, school, scenario, [["report"]], prefix="q")  # part-way through
    client.force_login(teacher)
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    html = client.get(url).content.decode()
    assert "6 learners contributed" in html and "Report it" in html and "100%" in html
    # The endings' shares are of the five who reached one, and the page says so.
    assert (
        "5 learners have reached an ending; the shares are of them, each at the ending they "
        "reached last." in html
    )
    assert "The others have not reached one yet." in html


def test_arriving_from_a_group_lists_the_scenarios_it_can_play_with_who_has_played(
    client, teacher, klass, school, scenario, django_assert_max_num_queries
):
    unplayed = published_scenario(title="An unplayed scenario")
    published_scenario(title="A staff scenario", audience="staff")
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    _pupils_play(klass, school, unplayed, [["report"]] * 2, prefix="q")
    client.force_login(teacher)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("scenarios:analytics") + f"?group={klass.pk}")
    html = response.content.decode()
    assert "Scenarios for 8R" in html
    played = {line.scenario.title: line.learners for line in response.context["played"]}
    # A class of pupils is offered pupils' scenarios only.
    assert played == {"An unplayed scenario": 2, scenario.title: 5}
    link = f'href="?group={klass.pk}&amp;scenario={scenario.uuid}"'
    assert link in html
    assert f"scenario={unplayed.uuid}" not in html.split("<tbody>")[1]
    assert "Not enough learners to show yet" in html
    # Following the link shows the choices, with a way back to the list.
    html = client.get(
        reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    ).content.decode()
    assert "5 learners contributed" in html and f'href="?group={klass.pk}"' in html


def test_the_form_reaches_a_groups_list_of_scenarios_too(client, safeguarding_lead, klass):
    client.force_login(safeguarding_lead)
    html = client.get(reverse("scenarios:analytics")).content.decode()
    assert '<option value="" selected>Every scenario (how many have played)</option>' in html
    response = client.get(reverse("scenarios:analytics"), {"group": klass.pk, "scenario": ""})
    assert response.context["played"] is not None and response.context["result"] is None
    assert "Scenarios for 8R" in response.content.decode()


def test_a_staff_team_is_offered_staff_scenarios_too(client, school, teacher, scenario):
    staff_scenario = published_scenario(title="A staff scenario", audience="staff")
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    client.force_login(teacher)
    response = client.get(reverse("scenarios:analytics") + f"?group={team.pk}")
    titles = [line.scenario.title for line in response.context["played"]]
    assert titles == [scenario.title, staff_scenario.title]
    assert "Scenarios for Teaching staff" in response.content.decode()


def test_endings_are_named_by_their_title_and_outcome_not_their_ids(client, teacher, klass, school):
    from scenarios.engine import Node, Outcome
    from tests.unit.scenarios.test_engine import small_graph

    titled = small_graph(
        nodes={
            "good": Node(
                id="good",
                title="Help arrived",
                text="Well done.",
                outcome=Outcome.GOOD,
                debrief="You helped.",
            ),
        }
    )
    scenario = published_scenario(titled)
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    client.force_login(teacher)
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    html = client.get(url).content.decode()
    assert "<td>Help arrived</td><td>Good</td><td>5</td>" in html
    assert "<td>good</td>" not in html


def test_the_safeguarding_lead_sees_any_group_in_their_school(
    client, safeguarding_lead, klass, school, scenario
):
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    client.force_login(safeguarding_lead)
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    assert "5 learners contributed" in client.get(url).content.decode()


def test_a_teacher_of_another_class_sees_nothing_of_this_one(client, school, klass, scenario):
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    other_class = GroupFactory(school=school, name="9X", kind=Group.Kind.CLASS)
    other = UserFactory(school=school, username="teacher9x", roles=[Role.STAFF])
    Membership.objects.create(group=other_class, user=other, role=Membership.Role.TEACHER)
    client.force_login(other)
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    html = client.get(url).content.decode()
    assert "contributed" not in html and "Report it" not in html


def test_pupils_cannot_see_analytics(client, pupil):
    client.force_login(pupil)
    assert client.get(reverse("scenarios:analytics")).status_code == 403


def test_a_malformed_scenario_id_is_not_a_500(client, teacher, klass):
    client.force_login(teacher)
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario=not-a-uuid"
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("group", ["abc", "-1", "1.5", "9" * 30, ""])
def test_a_malformed_group_id_is_not_a_500(client, teacher, klass, scenario, group):
    client.force_login(teacher)
    url = reverse("scenarios:analytics") + f"?group={group}&scenario={scenario.uuid}"
    response = client.get(url)
    assert response.status_code == 200 and response.context["result"] is None
    response = client.post(
        reverse("scenarios:classroom_start"), {"group": group, "scenario": scenario.pk}
    )
    assert response.status_code == 200
    assert "Choose one of your classes." in response.content.decode()
    response = client.post(
        reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": group or "x"}
    )
    assert "Choose a scenario." in response.content.decode()
    assert not ClassroomSession.objects.exists()


def test_the_teacher_finds_their_sessions_to_carry_on_or_look_back_at(
    client, teacher, klass, school, scenario
):
    finished = _start_session(client, teacher, klass, scenario)
    _vote(client, finished, node="start", step=0, report=20, share=3)
    _vote(client, finished, node="reported", step=1, tell=15, ignore=5)
    other_class = GroupFactory(school=school, name="9X", kind=Group.Kind.CLASS)
    Membership.objects.create(group=other_class, user=teacher, role=Membership.Role.TEACHER)
    going = _start_session(client, teacher, other_class, scenario)
    _vote(client, going, node="start", step=0, report=20, share=3)
    # Another teacher's session nobody has voted in is theirs alone.
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    client.force_login(colleague)
    client.post(reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": scenario.pk})

    client.force_login(teacher)
    response = client.get(reverse("scenarios:classroom_start"))
    lines = response.context["sessions"]
    assert [line.session for line in lines] == [going, finished]
    assert (lines[0].finished, lines[0].place) == (False, "You reported it.")
    assert (lines[1].finished, lines[1].place, lines[1].outcome_label) == (
        True,
        "Well done.",
        "Good",
    )
    html = response.content.decode()
    assert "Your recent sessions" in html
    assert "At “You reported it.” after 1 step" in html
    assert "Finished: Well done. (Good)" in html
    for session in (going, finished):
        assert reverse("scenarios:classroom", args=[session.uuid]) in html
    # The colleague sees only their own.
    client.force_login(colleague)
    lines = client.get(reverse("scenarios:classroom_start")).context["sessions"]
    assert [line.session.teacher for line in lines] == [colleague]


def test_a_class_run_shows_with_the_groups_choices_to_the_safeguarding_lead(
    client, teacher, safeguarding_lead, klass, school, scenario, django_assert_max_num_queries
):
    # Played only in class: no pupil played alone, yet the class's votes are its choices.
    teacher.first_name, teacher.last_name = "Sam", "Rees"
    teacher.save()
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=18, share=11)
    _vote(client, session, node="reported", step=1, tell=3, ignore=1)
    other_class = GroupFactory(school=school, name="9X", kind=Group.Kind.CLASS)
    Membership.objects.create(group=other_class, user=teacher, role=Membership.Role.TEACHER)
    elsewhere = _start_session(client, teacher, other_class, scenario)
    _vote(client, elsewhere, node="start", step=0, share=25, report=2)

    client.force_login(safeguarding_lead)
    overview = client.get(reverse("scenarios:analytics"), {"group": klass.pk})
    line = next(x for x in overview.context["played"] if x.scenario == scenario)
    assert (line.learners, line.enough, line.class_runs) == (0, False, 1)
    link = f'href="?group={klass.pk}&amp;scenario={scenario.uuid}"'
    assert link in overview.content.decode()

    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    with django_assert_max_num_queries(14):
        response = client.get(url)
    html = response.content.decode()
    assert "Not enough learners to show." in html  # nobody played on their own
    assert "Run with 8R in classroom mode" in html and "Sam Rees" in html
    assert "Report it 18 (followed); Share it 11" in html
    # Four pupils voted at the second part: too few to show who chose what, and so where
    # the class went from there (the ending the majority of four chose) is not shown either.
    assert "You reported it. — fewer than 5 voted" in html and "Tell a teacher 3" not in html
    assert "where the class went from there is not shown" in html
    assert "Finished: Well done. (Good)" not in html
    # Another class's session is not this class's.
    assert "Share it 25" not in html
    assert [run.session for run in response.context["runs"]] == [session]


def test_a_group_never_run_in_class_says_so(client, teacher, klass, scenario):
    client.force_login(teacher)
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    html = client.get(url).content.decode()
    assert "No teacher has run it with 8R in classroom mode yet." in html
    # A session started but never voted in (started twice by mistake) has nothing to show.
    _start_session(client, teacher, klass, scenario)
    assert "No teacher has run it with 8R" in client.get(url).content.decode()
    overview = client.get(reverse("scenarios:analytics"), {"group": klass.pk})
    assert [line.class_runs for line in overview.context["played"]] == [0]
    # A run the class has not finished (the bell went) says where it got to.
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=18, share=11)
    response = client.get(url)
    html = response.content.decode()
    assert "Not finished: at “You reported it.” after 1 step" in html
    assert "Report it 18 (followed); Share it 11" in html
    assert [run.session for run in response.context["runs"]] == [session]


def test_class_runs_are_read_in_a_fixed_number_of_queries(
    client, teacher, klass, scenario, django_assert_max_num_queries
):
    from scenarios.selectors import classroom_runs
    from scenarios.views import RUNS_SHOWN

    for _ in range(RUNS_SHOWN + 1):
        session = _start_session(client, teacher, klass, scenario)
        _vote(client, session, node="start", step=0, report=18, share=11)
    with django_assert_max_num_queries(2):
        runs = classroom_runs(scenario=scenario, group=klass)
        assert len(runs) == RUNS_SHOWN + 1
        assert all(run.steps[0].total == 29 for run in runs)
    # The page lists the latest ten and says so; the download has every one.
    query = f"?group={klass.pk}&scenario={scenario.uuid}"
    response = client.get(reverse("scenarios:analytics") + query)
    assert [run.session for run in response.context["runs"]] == [r.session for r in runs[:10]]
    assert "These are the latest 10 runs. The download has every one." in (
        response.content.decode()
    )
    rows = _csv_rows(client.get(reverse("scenarios:analytics_csv") + query))
    assert sum(row[2] == "Report it" for row in rows) == RUNS_SHOWN + 1


def _csv_rows(response):
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_choices_download_has_the_pages_rows(
    client, teacher, safeguarding_lead, klass, school, scenario
):
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 4 + [["share", "oops"]])
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=18, share=11)
    _vote(client, session, node="reported", step=1, tell=3, ignore=1)
    client.force_login(safeguarding_lead)
    page = client.get(
        reverse("scenarios:analytics"), {"group": klass.pk, "scenario": scenario.uuid}
    ).content.decode()
    url = reverse("scenarios:analytics_csv") + f"?group={klass.pk}&scenario={scenario.uuid}"
    assert url.replace("&", "&amp;") in page
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="scenario-choices-8r-spotting-a-fake-post.csv"' in response["Content-Disposition"]
    )
    rows = _csv_rows(response)
    assert rows[0] == ["Section", "Part", "Option", "Outcome", "Count", "Share (%)", "Followed"]
    own = [row for row in rows if row[0] == "Played on their own"]
    assert ["Played on their own", "Well done.", "", "Good", "4", "80", ""] in own
    assert [
        "Played on their own",
        "A friend shows you a post.",
        "Report it",
        "",
        "4",
        "80",
        "",
    ] in own
    assert [
        "Played on their own",
        "A friend shows you a post.",
        "Share it",
        "",
        "1",
        "20",
        "",
    ] in own
    # One pupil went on to "shared": that part's choices are not shown.
    assert ["Played on their own", "It spread.", "fewer than 5 learners", "", "", "", ""] in own
    assert not [row for row in own if row[1] == "It spread." and row[2] == "Oh no"]
    run = [row[1:] for row in rows if row[0].startswith("Run in classroom mode on ")]
    assert run == [
        ["A friend shows you a post.", "Report it", "", "18", "", "yes"],
        ["A friend shows you a post.", "Share it", "", "11", "", ""],
        # Four voted at the second part: the same minimum as the page, and nothing after.
        ["You reported it.", "fewer than 5 voted", "", "", "", ""],
    ]


def test_the_download_says_where_a_run_not_finished_got_to(client, teacher, klass, scenario):
    """The page says "Not finished: at “You reported it.” after 1 step" for a run the bell cut
    short; the download said nothing, so its last part read as the class's last word. It
    has a row for where the class is, with "Not finished" in place of an outcome."""
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=18, share=11)
    url = reverse("scenarios:analytics_csv") + f"?group={klass.pk}&scenario={scenario.uuid}"
    run = [row[1:] for row in _csv_rows(client.get(url)) if row[0].startswith("Run in")]
    assert run == [
        ["A friend shows you a post.", "Report it", "", "18", "", "yes"],
        ["A friend shows you a post.", "Share it", "", "11", "", ""],
        ["You reported it.", "", "Not finished", "", "", ""],
    ]
    # Finished, its ending takes that place.
    _vote(client, session, node="reported", step=1, tell=20, ignore=3)
    run = [row[1:] for row in _csv_rows(client.get(url)) if row[0].startswith("Run in")]
    assert run[-1] == ["Well done.", "", "Good", "", "", ""]
    assert not [row for row in run if row[2] == "Not finished"]


def test_the_download_keeps_to_the_minimum_and_to_the_groups_one_may_see(
    client, school, klass, scenario
):
    _pupils_play(klass, school, scenario, [["share", "oops"]] * 4)
    teacher = UserFactory(school=school, username="t8r", roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=teacher, role=Membership.Role.TEACHER)
    client.force_login(teacher)
    url = reverse("scenarios:analytics_csv") + f"?group={klass.pk}&scenario={scenario.uuid}"
    rows = _csv_rows(client.get(url))
    assert rows[1:] == [["Played on their own", "", "Not enough learners to show", "", "4", "", ""]]
    # A teacher of another class gets nothing of this one; nonsense gets a 404, not a 500.
    other_class = GroupFactory(school=school, name="9X", kind=Group.Kind.CLASS)
    other = UserFactory(school=school, username="teacher9x", roles=[Role.STAFF])
    Membership.objects.create(group=other_class, user=other, role=Membership.Role.TEACHER)
    client.force_login(other)
    assert client.get(url).status_code == 404
    for query in ("", f"?group={klass.pk}", "?group=x&scenario=y", f"?scenario={scenario.uuid}"):
        assert client.get(reverse("scenarios:analytics_csv") + query).status_code == 404


def test_two_runs_started_in_the_same_minute_keep_their_rows_apart_in_the_download(
    client, teacher, klass, school, scenario
):
    first = _start_session(client, teacher, klass, scenario)
    _vote(client, first, node="start", step=0, report=18, share=11)
    second = _start_session(client, teacher, klass, scenario)
    _vote(client, second, node="start", step=0, report=6, share=20)
    from django.utils import timezone

    same_minute = timezone.now().replace(second=5)
    type(first).objects.filter(pk__in=[first.pk, second.pk]).update(started_at=same_minute)
    client.force_login(teacher)
    url = reverse("scenarios:analytics_csv") + f"?group={klass.pk}&scenario={scenario.uuid}"
    rows = [row for row in _csv_rows(client.get(url)) if row[0].startswith("Run in")]
    sections = {}
    for row in rows:
        if row[4]:  # the counts, not the row saying where the run got to
            sections.setdefault(row[0], []).append(row[4])
    assert len(sections) == 2
    assert sorted(sorted(counts) for counts in sections.values()) == [
        ["11", "18"],
        ["20", "6"],
    ]


def test_a_teacher_taken_off_the_class_cannot_carry_on_its_session(
    client, teacher, klass, scenario
):
    session = _start_session(client, teacher, klass, scenario)
    Membership.objects.filter(group=klass, user=teacher).delete()
    response = _vote(client, session, node="start", step=0, report=12, share=3)
    assert response.status_code == 403
    assert f"You no longer teach {klass.name}" in response.text
    assert not ClassroomVote.objects.filter(session=session).exists()
    assert client.get(reverse("scenarios:classroom", args=[session.uuid])).status_code == 403


def _idle_and_played(klass, school, scenario, *, idle: int, paths):
    """`idle` pupils who only opened the scenario, and pupils who played `paths`."""
    for index in range(idle):
        pupil = UserFactory(school=school, username=f"idle{index}", roles=[Role.PUPIL])
        Membership.objects.create(group=klass, user=pupil)
        scenario_attempt_start(learner=pupil, scenario=scenario)
    _pupils_play(klass, school, scenario, paths)


def test_pupils_who_only_opened_it_or_have_left_do_not_count_towards_the_minimum(
    school, klass, scenario
):
    _idle_and_played(klass, school, scenario, idle=4, paths=[["share", "oops"]])
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert (result.learners, result.enough, result.nodes, result.endings) == (1, False, [], [])
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 4, prefix="q")
    assert scenario_group_analytics(scenario=scenario, group=klass).enough
    left = Membership.objects.get(group=klass, user__username="q0").user
    left.is_active = False
    left.save()
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert (result.learners, result.enough) == (4, False)


def test_a_pupil_now_at_another_school_is_not_counted_in_their_old_class(school, klass, scenario):
    """Their place in the old class left behind (a move made outside the admin and the roster
    import, which take them out of it): as in the class's records, they are no longer one of
    its learners, and what they chose does not keep the class over the minimum."""
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    assert scenario_group_analytics(scenario=scenario, group=klass).learners == 5
    moved = Membership.objects.get(group=klass, user__username="p0").user
    moved.school = SchoolFactory(name="Another Academy")
    moved.save()
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert (result.learners, result.enough, result.nodes) == (4, False, [])
    played = next(line for line in scenarios_played_by(group=klass) if line.scenario == scenario)
    assert (played.learners, played.enough) == (4, False)


def test_endings_and_parts_fewer_than_five_reached_are_not_shown(
    client, teacher, school, klass, scenario
):
    """Five played; one went down the "share" branch; only four have finished."""
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 3 + [["report"], ["share"]])
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert result.enough and result.finished == 3
    assert not result.endings_enough and result.endings == []
    shares = {node.node_id: node for node in result.nodes}
    assert shares["start"].enough and [c.learners for c in shares["start"].choices] == [4, 1]
    assert not shares["reported"].enough and shares["reported"].choices == []
    client.force_login(teacher)
    html = client.get(
        reverse("scenarios:analytics"), {"group": klass.pk, "scenario": scenario.uuid}
    ).text
    assert "Fewer than 5 learners have reached an ending: not enough to show." in html
    assert "fewer than 5 learners got here, not enough to show." in html
    assert "Tell a teacher" not in html


def test_counts_sent_twice_are_not_put_into_the_next_part(client, teacher, klass):
    """A double click on "Follow the class's choice": the second submission finds the class
    already at the next part, whose options have the same ids. The counts typed for the
    part before are not filled in there, ready to be followed by mistake."""
    from scenarios.engine import Choice, Graph, Node, Outcome

    scenario = published_scenario(
        Graph(
            start="message",
            nodes=(
                Node(
                    id="message",
                    text="A stranger messages you.",
                    choices=(Choice("yes", "Reply", "next"), Choice("no", "Ignore it", "next")),
                ),
                Node(
                    id="next",
                    text="They message again.",
                    choices=(Choice("yes", "Block them", "good"), Choice("no", "Reply", "poor")),
                ),
                Node(id="good", text="Well done.", outcome=Outcome.GOOD, debrief="Good."),
                Node(id="poor", text="Oh dear.", outcome=Outcome.POOR, debrief="Tell someone."),
            ),
        )
    )
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="message", step=0, yes=23, no=4)
    response = _vote(client, session, node="message", step=0, yes=23, no=4)
    assert response.status_code == 400
    page = response.content.decode()
    assert "They message again." in page and "already left" in page
    # The boxes for the next part are empty.
    assert re.findall(r'name="count-(?:yes|no)"[^>]*value="(\d*)"', page) == ["", ""]


def test_a_pupil_who_replays_counts_at_their_latest_ending_so_the_shares_add_up(
    client, klass, school, teacher, scenario
):
    """The endings' shares are of the pupils who reached one: a pupil who played again and
    reached another ending counts once, at the ending they reached last."""
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    again = klass.memberships.filter(role=Membership.Role.MEMBER).first().user
    attempt = scenario_attempt_start(learner=again, scenario=scenario, restart=True)
    node = "start"
    for step, choice in enumerate(["share", "oops"]):
        result = scenario_choice_make(
            learner=again, attempt_uuid=attempt.uuid, node_id=node, step=step, choice_id=choice
        )
        node = result.step.node.id
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert result.finished == 5
    shares = {e.node_id: (e.learners, e.percent) for e in result.endings}
    assert shares["good"] == (4, 80) and shares["poor"] == (1, 20)
    assert sum(e.learners for e in result.endings) == result.finished
    client.force_login(teacher)
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    page = client.get(url).content.decode()
    assert "each at the ending they reached last" in page


def test_a_tie_marks_the_tie_break_options_and_says_why_beside_them(
    client, teacher, klass, scenario
):
    """WCAG 3.3.1 (Error Identification): a teacher using a screen reader who moves to the
    tie-break options hears that they are in error, and why, not only in the summary."""
    session = _start_session(client, teacher, klass, scenario)
    response = _vote(client, session, node="start", step=0, report=10, share=10)
    html = response.content.decode()
    radios = re.findall(r'<input type="radio" name="tie_break"[^>]*>', html)
    assert len(radios) == 2
    assert all('aria-invalid="true"' in radio for radio in radios)
    fieldset = re.search(r'<fieldset[^>]*aria-describedby="([^"]+)"[^>]*>\s*<legend>If it', html)
    assert fieldset, "the tie-break options are not described by the error"
    described = re.search(rf'id="{fieldset.group(1)}"[^>]*>(.*?)</div>', html, re.S)
    assert described and "It&#x27;s a tie" in described.group(1)
    # The counts, which are not in error, are not marked.
    assert not re.search(r'<input type="text" inputmode="numeric"[^>]*aria-invalid', html)


def test_a_site_administrator_tells_two_schools_classes_of_the_same_name_apart(client, klass):
    """A superuser sees every school's groups on the choices page: two schools' "8R" were
    listed side by side with nothing to tell which school each was."""
    from tests.factories import SchoolFactory

    other = GroupFactory(school=SchoolFactory(name="Elsewhere Academy"), name=klass.name)
    admin = UserFactory(school=None, username="root", roles=[], is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("scenarios:analytics")).content.decode()
    assert f'<option value="{klass.pk}">8R ({klass.school.name})</option>' in html
    assert f'<option value="{other.pk}">8R (Elsewhere Academy)</option>' in html


def test_a_pupil_whose_choices_were_voided_no_longer_counts_towards_the_minimum(
    klass, school, scenario
):
    """xAPI 1.0.3 §2.2.6: a voided statement is to be treated as if it never was, so a
    pupil whose choice statements were voided through the LRS is not one of the five."""
    import uuid as uuid_module

    from xapi.models import Statement
    from xapi.services import record

    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    assert scenario_group_analytics(scenario=scenario, group=klass).learners == 5
    pupil = Membership.objects.get(group=klass, user__username="p0").user
    voids = [
        {
            "id": str(uuid_module.uuid4()),
            "actor": stored.data["actor"],
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": str(stored.statement_id)},
        }
        for stored in Statement.objects.filter(learner=pupil)
    ]
    assert voids
    record(statements=voids, school=school)
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert (result.learners, result.enough, result.nodes) == (4, False, [])


def test_a_pupil_whose_ending_alone_was_voided_is_not_counted_among_the_endings(
    klass, school, scenario
):
    """xAPI 1.0.3 §2.2.6: a voided statement is as if it had never been made. A tool that
    voids only the `completed` statement of a pupil's ending (not the choice that led
    there) takes that ending out of the endings' shares; their choices still count."""
    import uuid as uuid_module

    from xapi.identity import activity_iri
    from xapi.models import Statement
    from xapi.services import record

    _pupils_play(klass, school, scenario, [["report", "tell"]] * 6)
    pupil = Membership.objects.get(group=klass, user__username="p0").user
    ending = Statement.objects.get(
        learner=pupil,
        verb_iri="http://adlnet.gov/expapi/verbs/completed",
        object_iri=activity_iri("scenario", scenario.uuid),
    )
    void = {
        "id": str(uuid_module.uuid4()),
        "actor": ending.data["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": str(ending.statement_id)},
    }
    record(statements=[void], school=school)
    result = scenario_group_analytics(scenario=scenario, group=klass)
    assert result.learners == 6 and result.finished == 5
    assert {(e.node_id, e.learners) for e in result.endings if e.learners} == {("good", 5)}


def test_a_teacher_taken_off_the_class_no_longer_has_its_sessions_listed(
    client, school, teacher, klass, scenario
):
    """Your recent sessions offered "Carry on" (or "See how it went") with a class the
    teacher no longer teaches, a link that only refused them: it lists the classes they
    teach now."""
    other = GroupFactory(school=school, name="9T", kind=Group.Kind.CLASS)
    Membership.objects.create(group=other, user=teacher, role=Membership.Role.TEACHER)
    left_behind = _start_session(client, teacher, klass, scenario)
    still_theirs = _start_session(client, teacher, other, scenario)
    Membership.objects.filter(group=klass, user=teacher).delete()

    page = client.get(reverse("scenarios:classroom_start"))

    assert page.status_code == 200
    listed = [line.session for line in page.context["sessions"]]
    assert listed == [still_theirs]
    assert str(left_behind.uuid) not in page.text


def test_a_warned_part_whose_choices_are_all_hidden_tells_the_teacher_to_skip_it(
    client, teacher, klass
):
    """Its choices' conditions hide them all on the class's path, so only the skip leads on:
    the teacher is told so, not given empty boxes to count votes in."""
    from scenarios.engine import Choice, Condition, Node, Op

    reported = Node(
        "reported",
        "You reported it.",
        choices=(
            Choice("tell", "Tell a teacher", "good"),
            Choice("look", "Look at it again", "shared"),
        ),
    )
    shared = warned_node(
        choices=(Choice("oops", "Oh no", "poor", conditions=(Condition("reported", Op.EQ, True),)),)
    )
    scenario = published_scenario(small_graph(nodes={"reported": reported, "shared": shared}))
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=2, share=20)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "Skip this part (no penalty)" in page
    assert "How many pupils chose each option?" not in page
    assert "Follow the class" not in page
    assert "There is nothing to choose here. Skip this part to go on." in page


def _reveal_tag(page: str) -> str:
    """The opening tag of the part of a warned part kept off the screen until shown."""
    return re.search(r'<details class="scenario-reveal"[^>]*>', page).group(0)


@pytest.mark.parametrize("sent_twice", ["votes", "undo"])
def test_a_form_sent_twice_does_not_show_a_warned_part_the_class_has_reached(
    client, teacher, klass, sent_twice
):
    """A double click (or a second tab) sends the form again after the class has moved on to a
    part with a content warning: the page that answers keeps that part behind "Show this part
    to the class", as when the class first reached it, for the teacher to show or skip."""
    session = _start_session(client, teacher, klass, _warned_scenario())
    if sent_twice == "votes":
        assert _vote(client, session, node="start", step=0, share=20).status_code == 302
        response = _vote(client, session, node="start", step=0, share=20)
    else:
        _vote(client, session, node="start", step=0, share=20)
        _vote(client, session, node="shared", step=1, oops=20)
        assert _back(client, session, node="poor", step=2).status_code == 302
        response = _back(client, session, node="poor", step=2)
    assert response.status_code == 400
    page = response.content.decode()
    assert "already left" in page and "Mentions bullying." in page
    assert _reveal_tag(page) == '<details class="scenario-reveal">'


def test_counts_the_warned_part_could_not_use_keep_it_shown(client, teacher, klass):
    session = _start_session(client, teacher, klass, _warned_scenario())
    _vote(client, session, node="start", step=0, share=20)
    response = _vote(client, session, node="shared", step=1, oops=-1)
    assert response.status_code == 400
    assert _reveal_tag(response.content.decode()) == '<details class="scenario-reveal" open>'


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        ("votes sent twice", "That was for a part of the scenario the class has already left."),
        ("undo at the start", "The class is at the start: there is no step to take back."),
    ],
)
def test_a_refusal_about_no_box_does_not_mark_the_boxes_as_wrong(
    client, teacher, klass, scenario, refused, message
):
    """Votes sent again after the class moved on, or an undo with nothing to take back, are
    refused with a reason, but nothing typed on the page is wrong: the boxes for the part the
    class is at are not marked as in error, and the error summary does not send the teacher
    to them."""
    session = _start_session(client, teacher, klass, scenario)
    if refused == "votes sent twice":
        _vote(client, session, node="start", step=0, report=20, share=3)
        response = _vote(client, session, node="start", step=0, report=20, share=3)
    else:
        response = _back(client, session, node="start", step=0)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<ul class="error-summary__list"><li>{message}</li></ul>' in page
    boxes = re.findall(r'<input type="text" inputmode="numeric"[^>]*>', page)
    assert len(boxes) == 2
    assert [box for box in boxes if "aria-invalid" in box] == []
    assert "<fieldset>\n      <legend>How many pupils chose each option?</legend>" in page


def test_counts_that_cannot_be_used_are_marked_where_they_are_typed(
    client, teacher, klass, scenario
):
    session = _start_session(client, teacher, klass, scenario)
    page = _vote(client, session, node="start", step=0, report=-2, share=3).content.decode()
    assert '<a href="#count-1">' in page
    boxes = re.findall(r'<input type="text" inputmode="numeric"[^>]*>', page)
    assert len(boxes) == 2 and all('aria-invalid="true"' in box for box in boxes)


@pytest.mark.parametrize(
    ("share", "message"),
    [
        ("lots", "“lots” is not a number of pupils."),
        (10000, "Enter a number of pupils between 0 and 9999 for each option."),
    ],
)
def test_the_error_summary_leads_to_the_count_that_cannot_be_used(
    client, teacher, klass, scenario, share, message
):
    """WCAG 3.3.1: the summary's link goes to the box the problem is in (the second option's
    here), not to the first box, which the teacher typed correctly."""
    session = _start_session(client, teacher, klass, scenario)
    page = _vote(client, session, node="start", step=0, report=3, share=share).content.decode()
    assert re.search(r'<input[^>]*id="count-2" name="count-share"', page)
    assert f'<a href="#count-2">{message}</a>' in page


def _start_form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the start form, as a browser would send them back."""
    return dict(re.findall(r'<input type="hidden" name="(?!csrf)(\w+)" value="([^"]*)"', page))


def test_start_with_this_class_sent_twice_starts_one_session(client, teacher, klass, scenario):
    """A double click on "Start with this class" started two sessions: the unused one sat in
    "Your recent sessions" as "after 0 steps". The form sent twice leads to one session."""
    client.force_login(teacher)
    page = client.get(reverse("scenarios:classroom_start")).content.decode()
    data = {**_start_form_fields(page), "group": klass.pk, "scenario": scenario.pk}

    first = client.post(reverse("scenarios:classroom_start"), data)
    second = client.post(reverse("scenarios:classroom_start"), data)

    assert ClassroomSession.objects.count() == 1
    session = ClassroomSession.objects.get()
    assert first.url == second.url == reverse("scenarios:classroom", args=[session.uuid])


def test_the_start_form_sent_again_after_voting_starts_a_new_run(client, teacher, klass, scenario):
    """Back to the start form after the class has voted, and sent again: a new run, not the
    old one (only a session nobody has voted in yet is the same start sent twice)."""
    client.force_login(teacher)
    page = client.get(reverse("scenarios:classroom_start")).content.decode()
    data = {**_start_form_fields(page), "group": klass.pk, "scenario": scenario.pk}
    client.post(reverse("scenarios:classroom_start"), data)
    first = ClassroomSession.objects.get()
    _vote(client, first, node="start", step=0, report=20, share=3)

    again = client.post(reverse("scenarios:classroom_start"), data)

    assert ClassroomSession.objects.count() == 2
    second = ClassroomSession.objects.exclude(pk=first.pk).get()
    assert again.url == reverse("scenarios:classroom", args=[second.uuid])
    assert second.step == 0


def test_a_session_started_by_mistake_can_be_removed(client, teacher, klass, school, scenario):
    """A session started by mistake stayed in "Your recent sessions" for ever: one nobody
    has voted in can be removed from there, by the teacher who started it only."""
    mistake = _start_session(client, teacher, klass, scenario)
    kept = _start_session(client, teacher, klass, scenario)
    _vote(client, kept, node="start", step=0, report=20, share=3)
    remove = reverse("scenarios:classroom_remove", args=[mistake.uuid])
    page = client.get(reverse("scenarios:classroom_start")).content.decode()
    assert f'action="{remove}"' in page
    # A run the class voted in holds its totals: it is not offered for removal.
    assert reverse("scenarios:classroom_remove", args=[kept.uuid]) not in page
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    client.force_login(colleague)
    assert client.post(remove).status_code == 404

    client.force_login(teacher)
    response = client.post(remove, follow=True)

    assert list(ClassroomSession.objects.all()) == [kept]
    assert [line.session for line in response.context["sessions"]] == [kept]
    assert "Session removed" in response.content.decode()


def test_a_session_the_class_has_voted_in_is_not_removed(client, teacher, klass, scenario):
    """Its totals are the class's choices, seen by its teachers and the safeguarding lead."""
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)

    response = client.post(reverse("scenarios:classroom_remove", args=[session.uuid]), follow=True)

    assert ClassroomSession.objects.filter(pk=session.pk).exists()
    assert ClassroomVote.objects.filter(session=session).count() == 2
    assert "take back its steps" in response.content.decode()


def test_an_unfinished_session_stays_listed_however_many_runs_came_after(
    client, teacher, klass, scenario
):
    """Only the latest ten sessions were listed, so a lesson interrupted before ten others
    could be carried on only by its address: every unfinished one is listed, with the
    latest finished ones."""
    interrupted = _start_session(client, teacher, klass, scenario)
    _vote(client, interrupted, node="start", step=0, report=20, share=3)
    later = [
        classroom_session_start(teacher=teacher, group=klass, scenario=scenario) for _ in range(12)
    ]
    ClassroomSession.objects.filter(pk__in=[s.pk for s in later]).update(finished_at=timezone.now())

    page = client.get(reverse("scenarios:classroom_start"))

    listed = [line.session for line in page.context["sessions"]]
    assert interrupted in listed
    assert reverse("scenarios:classroom", args=[interrupted.uuid]) in page.content.decode()
    # The finished ones: the latest ten, newest first, before the older unfinished one.
    assert listed == [*reversed(later[2:]), interrupted]


def test_a_refused_classroom_start_says_error_in_the_page_title(client, teacher, klass, scenario):
    # WCAG 3.3.1: a screen reader announces the title first, so a form that comes back with a
    # problem says "Error:" there, as every other form of the site does.
    client.force_login(teacher)
    response = client.post(reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": 0})
    html = response.content.decode()
    assert "Choose a scenario." in html
    assert "<title>Error: Run a scenario with a class · Upstander</title>" in html
    html = client.get(reverse("scenarios:classroom_start")).content.decode()
    assert "<title>Run a scenario with a class · Upstander</title>" in html


def test_the_analytics_page_title_names_the_group_and_scenario_shown(
    client, teacher, klass, scenario
):
    # WCAG 2.4.2: tabs, history and a screen reader's first words tell one group's (or one
    # scenario's) choices from another's, as the heading on the page does.
    from django.utils.html import escape

    client.force_login(teacher)
    url = reverse("scenarios:analytics")
    html = client.get(url).content.decode()
    assert "<title>Scenario choices by group · Upstander</title>" in html
    html = client.get(url + f"?group={klass.pk}").content.decode()
    assert f"<title>Scenarios for {escape(klass.name)} \u2013 Scenario choices by group" in html
    html = client.get(url + f"?group={klass.pk}&scenario={scenario.uuid}").content.decode()
    expected = f"{escape(scenario.title)}: {escape(klass.name)} \u2013 Scenario choices by group"
    assert f"<title>{expected} · Upstander</title>" in html


def test_a_superuser_who_belongs_to_a_school_is_offered_only_its_groups(client, klass):
    """An administrator who belongs to a school (the demo's) has that school's dashboard;
    the choices page offered every school's groups to them, and showed another's by id."""
    from tests.factories import SchoolFactory

    other = GroupFactory(school=SchoolFactory(name="Elsewhere Academy"), name="9Z")
    admin = UserFactory(school=klass.school, username="schooladmin", roles=[], is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("scenarios:analytics"), {"group": other.pk})
    assert [g.pk for g, _label in response.context["group_options"]] == [klass.pk]
    assert response.context["group"] is None


def _three_way_scenario():
    from scenarios.engine import Choice, Effect, Node

    start = Node(
        id="start",
        text="A friend shows you a post.",
        choices=(
            Choice("ignore", "Scroll past", "mixed"),
            Choice("report", "Report it", "reported", effects=(Effect("reported", True),)),
            Choice("share", "Share it", "shared"),
        ),
    )
    return published_scenario(small_graph(nodes={"start": start}))


def test_a_tie_between_later_options_links_to_the_first_tied_option(client, teacher, klass):
    """WCAG 2.4.3 (Focus Order): the error summary's link takes the teacher to an option
    they can choose to break the tie, not to one the class did not tie on."""
    session = _start_session(client, teacher, klass, _three_way_scenario())
    response = _vote(client, session, node="start", step=0, ignore=2, report=9, share=9)
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<ul class="error-summary__list">(.*?)</ul>', html, re.S).group(1)
    target = re.search(r'<a href="#([^"]+)">It&#x27;s a tie', summary).group(1)
    radio = re.search(rf'<input type="radio"[^>]*id="{target}"[^>]*>', html).group(0)
    assert 'value="report"' in radio


def test_a_part_with_one_way_on_asks_for_no_count_and_no_tie_break(
    client, teacher, klass, scenario
):
    """With a single option there is nothing to vote on: the teacher carries the class on,
    and no totals are made up for it."""
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=4, share=20)
    url = reverse("scenarios:classroom", args=[session.uuid])
    html = client.get(url).content.decode()
    assert "Oh no" in html
    assert not re.search(r'<input type="text" inputmode="numeric"', html)
    assert not re.search(r'<input type="radio" name="tie_break"', html)
    response = client.post(url, {"node": "shared", "step": 1, "turn": 1})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state["node_id"] == "poor" and session.finished_at is not None
    assert not ClassroomVote.objects.filter(session=session, step=1).exists()
    history = client.get(url).content.decode()
    assert "Oh no (the only option)" in history


def _shown_at(result, node_id):
    """How many learners the group's page counts at a part, or None if its choices are not
    shown there."""
    node = next((n for n in result.nodes if n.node_id == node_id), None)
    return node.learners if node is not None and node.choices else None


def test_a_year_group_less_one_of_its_classes_never_gives_away_fewer_than_five(
    client, safeguarding_lead, school, klass, scenario
):
    """8R's five pupils are in Year 8 too, with one pupil who is in no class of the year. A
    teacher who sees both pages (the safeguarding lead sees every group) would subtract 8R's
    shares from Year 8's and learn what that one pupil chose: the difference is a group of
    one, below the minimum."""
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    for membership in Membership.objects.filter(group=klass):
        Membership.objects.create(group=year, user=membership.user)
    _pupils_play(year, school, scenario, [["share", "oops"]], prefix="alone")
    in_class = scenario_group_analytics(scenario=scenario, group=klass)
    in_year = scenario_group_analytics(scenario=scenario, group=year)
    assert in_class.enough and in_year.enough
    assert _shown_at(in_class, "start") == 5
    assert _shown_at(in_year, "start") is None
    assert in_class.endings and not in_year.endings
    # The page and its download say why, rather than that too few played.
    client.force_login(safeguarding_lead)
    query = {"group": year.pk, "scenario": scenario.uuid}
    html = client.get(reverse("scenarios:analytics"), query).content.decode()
    assert html.count("taking away the choices shown for a group within this one") == 1
    assert "taking away the endings shown for a group within this one" in html
    rows = _csv_rows(client.get(reverse("scenarios:analytics_csv"), query))
    withheld = [row[1] for row in rows if row[2].startswith("not shown: a group within")]
    assert withheld == ["Endings", "A friend shows you a post."]


def test_a_year_group_less_all_its_classes_never_gives_away_fewer_than_five(
    school, klass, scenario
):
    """Year 8 is 8R, 8S and two pupils in neither: subtracting both classes' shares from the
    year's would give away what those two chose."""
    other = GroupFactory(school=school, name="8S", kind=Group.Kind.CLASS)
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    _pupils_play(other, school, scenario, [["report", "ignore"]] * 5, prefix="s")
    for membership in Membership.objects.filter(group__in=[klass, other]):
        Membership.objects.create(group=year, user=membership.user)
    _pupils_play(year, school, scenario, [["share", "oops"]] * 2, prefix="alone")
    in_year = scenario_group_analytics(scenario=scenario, group=year)
    assert _shown_at(in_year, "start") is None
    assert not in_year.endings
    # Five more pupils in no class: the rest of the year is no longer a handful.
    _pupils_play(year, school, scenario, [["share", "oops"]] * 3, prefix="more")
    in_year = scenario_group_analytics(scenario=scenario, group=year)
    assert _shown_at(in_year, "start") == 15
    assert {e.node_id: e.learners for e in in_year.endings}["poor"] == 5


def test_a_class_that_only_partly_overlaps_the_year_never_gives_away_fewer_than_five(
    school, klass, scenario
):
    """8R and Year 8 share five pupils; 8R also has a pupil from another year, and Year 8 one
    in no class. Neither group is within the other, but at the part after "Report it" the
    pupil from another year is not there: 8R's shares there are a part of Year 8's, and
    subtracting them would give away what the pupil in no class chose. So would the endings,
    once the pupil from another year has not reached one."""
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    for membership in Membership.objects.filter(group=klass):
        Membership.objects.create(group=year, user=membership.user)
    _pupils_play(year, school, scenario, [["report", "ignore"]], prefix="alone")
    _pupils_play(klass, school, scenario, [["share"]], prefix="visitor")
    in_class = scenario_group_analytics(scenario=scenario, group=klass)
    in_year = scenario_group_analytics(scenario=scenario, group=year)
    assert _shown_at(in_class, "reported") == 5
    assert _shown_at(in_year, "reported") is None
    assert in_class.endings and not in_year.endings
    # Both are shown at the start, where neither page's learners are all in the other's.
    assert _shown_at(in_class, "start") == 6 and _shown_at(in_year, "start") == 6


def test_a_pupil_in_two_classes_of_the_year_is_not_given_away_by_adding_them_up(
    school, klass, scenario
):
    """Year 8 is 8R and 8S, and one pupil is in both. Each class is enough to show, and so
    is the year, and nothing is left over from the year without its classes; but 8R's
    shares and 8S's added up, less the year's, are what the pupil in both chose."""
    other = GroupFactory(school=school, name="8S", kind=Group.Kind.CLASS)
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    _pupils_play(other, school, scenario, [["report", "ignore"]] * 5, prefix="s")
    _pupils_play(klass, school, scenario, [["share", "oops"]], prefix="both")
    Membership.objects.create(group=other, user=Membership.objects.get(user__username="both0").user)
    for membership in Membership.objects.filter(group__in=[klass, other]):
        Membership.objects.get_or_create(group=year, user=membership.user)
    in_year = scenario_group_analytics(scenario=scenario, group=year)
    assert _shown_at(in_year, "start") is None
    assert not in_year.endings


def test_two_classes_less_a_set_do_not_give_away_the_two_pupils_outside_it(school, klass, scenario):
    """Year 8 is 8R and 8S, five of each in a set and one of each not, and 8T. Each group is
    enough to show, and so is the year less any of them or all of them at once; but 8R's
    shares and 8S's added up, less the set's, are what the two pupils outside it chose."""
    other = GroupFactory(school=school, name="8S", kind=Group.Kind.CLASS)
    third = GroupFactory(school=school, name="8T", kind=Group.Kind.CLASS)
    maths_set = GroupFactory(school=school, name="8 Set 1", kind=Group.Kind.CLASS)
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    _pupils_play(other, school, scenario, [["report", "ignore"]] * 5, prefix="s")
    for membership in Membership.objects.filter(group__in=[klass, other]):
        Membership.objects.get_or_create(group=maths_set, user=membership.user)
    _pupils_play(klass, school, scenario, [["share", "oops"]], prefix="out-r")
    _pupils_play(other, school, scenario, [["share", "oops"]], prefix="out-s")
    _pupils_play(third, school, scenario, [["report", "tell"]] * 5, prefix="t")
    for membership in Membership.objects.filter(group__in=[klass, other, third]):
        Membership.objects.get_or_create(group=year, user=membership.user)
    in_year = scenario_group_analytics(scenario=scenario, group=year)
    assert in_year.enough
    assert _shown_at(in_year, "start") is None
    assert not in_year.endings


def test_a_year_group_made_of_whole_classes_shows_its_choices(school, klass, scenario):
    """Nothing is left over when the classes are taken away: the year's page gives away no
    one the classes' pages do not."""
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    for membership in Membership.objects.filter(group=klass):
        Membership.objects.create(group=year, user=membership.user)
    in_year = scenario_group_analytics(scenario=scenario, group=year)
    assert _shown_at(in_year, "start") == 5 and in_year.endings


def _undo_form(page: str) -> dict[str, str]:
    """The fields the page's "Undo the last step" form sends, as the browser would."""
    form = re.search(r'<form[^>]*class="classroom-back".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return fields | {"back": "1"}


def test_an_old_undo_sent_again_does_not_delete_the_votes_made_since(
    client, teacher, klass, scenario
):
    """An undo sent twice is refused on a page that answers the POST, so reloading that page
    (or going back to it) sends the undo again. Once the class has been taken back further
    and has voted its way to the same part afresh, that undo is still one from a page the
    class has left: it must not take back the fresh vote."""
    session = _start_session(client, teacher, klass, scenario)
    url = reverse("scenarios:classroom", args=[session.uuid])
    _vote(client, session, node="start", step=0, report=20, share=3)
    _vote(client, session, node="reported", step=1, tell=15, ignore=2)
    old_undo = _undo_form(client.get(url).content.decode())
    assert client.post(url, old_undo).status_code == 302
    assert client.post(url, old_undo).status_code == 400  # sent twice: refused
    assert client.post(url, _undo_form(client.get(url).content.decode())).status_code == 302
    session.refresh_from_db()
    assert session.step == 0
    # After two votes and two undos, the session is at its turn 4 when the class votes afresh.
    _vote(client, session, node="start", step=0, turn=4, report=21, share=2)
    _vote(client, session, node="reported", step=1, turn=5, tell=17, ignore=0)

    response = client.post(url, old_undo)  # the refusal page reloaded

    assert response.status_code == 400
    assert "the class has already left" in response.content.decode()
    session.refresh_from_db()
    assert (session.step, session.state["node_id"]) == (2, "good")
    assert ClassroomVote.objects.get(session=session, step=1, chosen=True).count == 17


def test_a_teacher_of_the_class_carries_on_a_run_a_colleague_started(
    client, teacher, klass, school, scenario
):
    """A run's votes are the class's, for its current teachers to record (as the page that
    refuses a teacher taken off the class says). The colleague who teaches the class next,
    or takes it over, finds the unfinished run among their sessions, with who started it,
    and carries it on; a teacher taken off the class no longer can."""
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    Membership.objects.filter(group=klass, user=teacher).delete()
    client.force_login(colleague)

    page = client.get(reverse("scenarios:classroom_start"))

    assert [line.session for line in page.context["sessions"]] == [session]
    url = reverse("scenarios:classroom", args=[session.uuid])
    assert url in page.text
    assert client.get(url).status_code == 200
    response = _vote(client, session, node="reported", step=1, tell=15, ignore=5)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.finished_at is not None and session.teacher == teacher
    assert ClassroomVote.objects.filter(session=session).count() == 4
    client.force_login(teacher)
    assert client.get(url).status_code == 403


def test_a_colleagues_run_is_listed_with_who_started_it(client, teacher, klass, school, scenario):
    teacher.first_name, teacher.last_name = "Ann", "Hale"
    teacher.save(update_fields=["first_name", "last_name"])
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    client.force_login(colleague)

    page = client.get(reverse("scenarios:classroom_start"))

    assert [line.session for line in page.context["sessions"]] == [session]
    assert "Started by Ann Hale" in page.text
    # Nobody has voted in a colleague's run yet: there is nothing to carry on, nor to remove.
    _start_session(client, teacher, klass, scenario)
    client.force_login(colleague)
    page = client.get(reverse("scenarios:classroom_start"))
    assert [line.session for line in page.context["sessions"]] == [session]


def test_a_teacher_who_moved_school_cannot_remove_a_session_left_at_the_old_one(
    client, teacher, klass, scenario
):
    """A session a teacher started, nobody has voted in, stays with the class they left: once
    at another school they could still remove it by its address, though it is no longer
    listed for them and they can no longer open it."""
    session = _start_session(client, teacher, klass, scenario)
    teacher.school = SchoolFactory(name="Elsewhere Academy")
    teacher.save()
    url = reverse("scenarios:classroom", args=[session.uuid])
    assert client.get(url).status_code == 403

    response = client.post(reverse("scenarios:classroom_remove", args=[session.uuid]))

    assert response.status_code == 404
    assert ClassroomSession.objects.filter(pk=session.pk).exists()


def test_the_class_is_offered_each_parts_picture_or_video_link_as_a_pupil_is(
    client, teacher, klass
):
    """Before, a part's media address (a picture or video elsewhere) was offered to a pupil
    playing alone, at a choice and at an ending, but never to the class on the board."""
    from scenarios.engine import Node, Outcome

    graph = small_graph()
    start = next(node for node in graph.nodes if node.id == "start")
    scenario = published_scenario(
        small_graph(
            nodes={
                "start": dataclasses.replace(start, media="https://media.example.org/the-post"),
                "good": Node(
                    "good",
                    "Well done.",
                    outcome=Outcome.GOOD,
                    debrief="You helped.",
                    media="https://media.example.org/what-happened-next",
                ),
            }
        )
    )
    session = _start_session(client, teacher, klass, scenario)
    url = reverse("scenarios:classroom", args=[session.uuid])

    first = client.get(url).content.decode()
    assert '<a href="https://media.example.org/the-post" rel="noopener">' in first
    _vote(client, session, node="start", step=0, report=20, share=3)
    _vote(client, session, node="reported", step=1, tell=15, ignore=5)
    ending = client.get(url).content.decode()
    link = '<a href="https://media.example.org/what-happened-next" rel="noopener">'
    assert "Ending: a good outcome" in ending
    assert ending.index(link) < ending.index("What to take away")


def test_untitled_parts_are_named_by_their_opening_words_not_their_ids(
    client, teacher, klass, school
):
    """Before, a part without a title was named by its id ("start") in a class's votes so
    far, the teacher's sessions and the group's choices, where the pupil's path so far names
    it by the first whole words of its text."""
    from scenarios.engine import Node

    graph = small_graph()
    start = next(node for node in graph.nodes if node.id == "start")
    opening = (
        "A friend shows you a post about a classmate, shared in the year group chat last "
        "night, and asks what you think."
    )
    scenario = published_scenario(
        small_graph(
            nodes={
                "start": dataclasses.replace(start, text=opening),
                "reported": Node(
                    "reported",
                    "You reported it.",
                    title="After the report",
                    choices=next(n for n in graph.nodes if n.id == "reported").choices,
                ),
            }
        )
    )
    named = "A friend shows you a post about a classmate, shared in the\u2026"
    _pupils_play(klass, school, scenario, [["report", "tell"]] * 5)
    titles = [node.title for node in scenario_group_analytics(scenario=scenario, group=klass).nodes]
    assert titles == [named, "After the report"]
    assert [e.title for e in scenario_group_analytics(scenario=scenario, group=klass).endings] == [
        "Well done.",
        "Hmm.",
        "Bad.",
    ]

    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid]))
    assert [step.title for step in page.context["history"]] == [named]
    lines = client.get(reverse("scenarios:classroom_start")).context["sessions"]
    assert [line.place for line in lines] == ["After the report"]
    _vote(client, session, node="reported", step=1, tell=15, ignore=5)
    lines = client.get(reverse("scenarios:classroom_start")).context["sessions"]
    assert [line.place for line in lines] == ["Well done."]
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    runs = client.get(url).context["runs"]
    assert [step.title for step in runs[0].steps] == [named, "After the report"]


def test_an_untitled_warned_part_is_named_by_its_warning_in_the_class_votes(client, teacher, klass):
    """Named by its opening words, a part the class skipped would be on the board after all."""
    warned = warned_node(text="Someone posts a cruel comment about a classmate.")
    scenario = published_scenario(small_graph(nodes={"shared": warned}))
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=2, share=20)
    lines = client.get(reverse("scenarios:classroom_start")).context["sessions"]
    assert [line.place for line in lines] == ["Content warning: Mentions bullying."]
    url = reverse("scenarios:classroom", args=[session.uuid])
    client.post(url, {"node": "shared", "step": 1, "turn": 1, "skip": "1"})
    page = client.get(url)
    assert [step.title for step in page.context["history"]] == [
        "A friend shows you a post.",
        "Content warning: Mentions bullying.",
    ]
    assert "Someone posts a cruel comment" not in page.content.decode()


def _end(client, session, *, node, step, turn=None):
    data = {"node": node, "step": step, "turn": step if turn is None else turn, "end": "1"}
    return client.post(reverse("scenarios:classroom", args=[session.uuid]), data)


def test_a_run_the_lesson_left_unfinished_can_be_ended_part_way(client, teacher, klass, scenario):
    """The bell goes before the class reaches an ending. Every unfinished run stayed under
    "Carry on" on the teacher's start page, and on their colleagues', for ever: the teacher
    ends it where the class got to, and it is listed with the runs to look back at."""
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=20, share=3)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "End the run here" in page

    response = _end(client, session, node="reported", step=1)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.finished_at is not None and session.state["node_id"] == "reported"
    # The class's totals stay, for its teachers and the safeguarding lead.
    assert ClassroomVote.objects.filter(session=session).count() == 2
    page = client.get(response.url).content.decode()
    assert "The run was ended here, before the class reached an ending." in page
    assert "How many pupils chose each option?" not in page
    assert "Undo the last step" not in page and "End the run here" not in page
    start = client.get(reverse("scenarios:classroom_start"))
    (line,) = start.context["sessions"]
    assert line.ended_early and not line.finished
    assert "Ended at “You reported it.” after 1 step" in start.content.decode()
    # Votes from a page shown before it ended are refused: the run stays where it ended.
    assert _vote(client, session, node="reported", step=1, tell=9, ignore=2).status_code == 400
    assert _back(client, session, node="reported", step=1).status_code == 400
    session.refresh_from_db()
    assert session.step == 1 and session.finished_at is not None


def test_the_class_is_shown_the_scenarios_introduction_before_its_first_vote(
    client, teacher, klass
):
    """A pupil on their own reads the scenario's introduction before its first part; a class
    led through it on the board never saw it. It is shown with the first part, until the
    class has voted."""
    scenario = published_scenario(
        introduction="You are in Year 8. Your form group chat is busy tonight, and a friend "
        "messages you about a post."
    )
    session = _start_session(client, teacher, klass, scenario)

    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()

    assert "Your form group chat is busy tonight, and a friend messages you about a post." in page
    _vote(client, session, node="start", step=0, report=20, share=3)
    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "Your form group chat is busy tonight" not in page


def test_a_staff_team_is_asked_how_many_people_chose_not_how_many_pupils(client, teacher, school):
    """A safeguarding lead runs a staff scenario with the teaching staff for their CPD: the
    board asked how many *pupils* chose each option, and said so in every refusal."""
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    staff_scenario = published_scenario(title="A post about you", audience="staff")
    session = _start_session(client, teacher, team, staff_scenario)

    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()

    assert "How many people chose each option?" in page
    assert "How many pupils chose each option?" not in page
    for counts, said in (
        ({"report": "lots"}, "“lots” is not a number of people."),
        ({"report": "-2"}, "Enter a number of people between 0 and 9999 for each option."),
        ({"report": "0"}, "Enter how many people chose at least one option."),
    ):
        response = _vote(client, session, node="start", step=0, **counts)
        assert response.status_code == 400
        html = response.content.decode()
        assert said in html and "pupils" not in html.split('<div class="classroom">')[1]


def test_an_untitled_part_in_the_class_votes_is_not_followed_by_a_second_stop(
    client, teacher, klass, scenario
):
    """An untitled part is named by its opening words, which end a sentence ("A friend shows
    you a post."): a colon after them read "post.: Report it 18" in the class's votes so far
    and on the choices page. The part and what the class did there are set apart with a
    dash, as in a pupil's path so far."""
    session = _start_session(client, teacher, klass, scenario)
    _vote(client, session, node="start", step=0, report=18, share=11)
    _vote(client, session, node="reported", step=1, tell=3, ignore=1)

    page = client.get(reverse("scenarios:classroom", args=[session.uuid])).content.decode()
    assert "A friend shows you a post. — Report it 18 (followed); Share it 11" in page
    assert "You reported it. — Tell a teacher 3 (followed); Leave it 1" in page
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={scenario.uuid}"
    html = client.get(url).content.decode()
    assert "A friend shows you a post. — Report it 18 (followed); Share it 11" in html
    assert "You reported it. — fewer than 5 voted" in html


def test_a_run_the_class_only_skipped_in_can_be_removed(client, teacher, klass, school):
    """A run started with the wrong class, whose first part (behind a content warning) the
    teacher skipped before noticing, holds no vote: it was listed with no "Remove", and
    removing it was refused as "The class has voted in this session"."""
    graph = small_graph()
    opening = dataclasses.replace(
        graph.node("start"), content_warning="Mentions bullying.", skip_to="reported"
    )
    scenario = published_scenario(small_graph(nodes={"start": opening}))
    session = _start_session(client, teacher, klass, scenario)
    url = reverse("scenarios:classroom", args=[session.uuid])
    response = client.post(url, {"node": "start", "step": 0, "turn": 0, "skip": "1"})
    assert response.status_code == 302
    remove = reverse("scenarios:classroom_remove", args=[session.uuid])
    page = client.get(reverse("scenarios:classroom_start")).content.decode()
    assert f'action="{remove}"' in page
    # Not offered to a colleague who teaches the class: it is not theirs to remove.
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    client.force_login(colleague)
    assert remove not in client.get(reverse("scenarios:classroom_start")).content.decode()

    client.force_login(teacher)
    response = client.post(remove, follow=True)

    assert "Session removed" in response.content.decode()
    assert not ClassroomSession.objects.filter(pk=session.pk).exists()


def test_a_staff_scenario_opened_to_run_selects_a_staff_team_not_a_class(
    client, teacher, klass, school
):
    """ "Run this scenario with a class" on a staff scenario opens the start form at it, with
    no class named: the browser showed the first class in the list (8R, before "Teaching
    staff"), and starting was refused as a scenario for staff, asking for a pupils' one. The
    first staff team the teacher leads is selected, as the only groups it can run with."""
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    staff_scenario = published_scenario(title="A post about you", audience="staff")
    client.force_login(teacher)

    url = f"{reverse('scenarios:classroom_start')}?scenario={staff_scenario.uuid}"
    html = client.get(url).content.decode()

    assert f'<option value="{team.pk}" selected>Teaching staff</option>' in html
    assert f'<option value="{staff_scenario.pk}" selected>A post about you</option>' in html
    # A class named in the address stays chosen: the refusal then says what to change.
    html = client.get(f"{url}&group={klass.pk}").content.decode()
    assert f'<option value="{klass.pk}" selected>8R</option>' in html
