"""Records rebuild identically from the LRS; retention, erasure and subject access."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from records.models import Certificate, Completion, LearnerActivity, ReminderSent
from records.services import certificate_issue, learner_erase, learner_export, records_purge
from schools.models import User
from tests.records.statements import COMPLETED, EXPERIENCED, FAILED, PASSED, iri, statement
from xapi.models import Statement
from xapi.services import record

pytestmark = pytest.mark.django_db

COURSE = iri("course", "dp")
MODULE = iri("module", "dp1")
QUIZ = iri("quiz", "dp-q")


def _record(school, *statements):
    for s in statements:
        s.pop("stored", None)
    record(statements=list(statements), school=school)


def _snapshot():
    completions = sorted(
        Completion.objects.values_list(
            "learner_id",
            "activity_iri",
            "statement_id",
            "registration",
            "completed_at",
            "success",
            "score_scaled",
        )
    )
    summaries = sorted(
        LearnerActivity.objects.values_list(
            "learner_id",
            "activity_iri",
            "first_seen_at",
            "last_seen_at",
            "first_completed_at",
            "last_completed_at",
        )
    )
    return completions, summaries


def test_rebuild_records_gives_identical_records(school, teacher, pupil):
    t0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
    completed = statement(teacher, COMPLETED, COURSE, when=t0 + timedelta(hours=2))
    _record(
        school,
        statement(teacher, EXPERIENCED, MODULE, grouping=COURSE, when=t0),
        statement(teacher, COMPLETED, MODULE, grouping=COURSE, when=t0 + timedelta(hours=1)),
        completed,
        statement(
            pupil, PASSED, QUIZ, parent=MODULE, result={"success": True, "score": {"scaled": 0.8}}
        ),
        statement(pupil, FAILED, QUIZ, parent=MODULE, result={"success": False}),
        statement(pupil, EXPERIENCED, iri("h5p", "x"), result={"completion": True}),
    )
    # A voided completion must stay voided after a rebuild.
    _record(
        school,
        {
            "actor": completed["actor"],
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": completed["id"]},
        },
    )
    before = _snapshot()
    assert len(before[0]) == 3
    call_command("rebuild_records", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == before
    Completion.objects.all().delete()
    LearnerActivity.objects.all().delete()
    call_command("rebuild_records", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == before


def test_a_completion_voided_by_someone_else_stays_voided_when_a_learners_records_rebuild(
    school, pupil
):
    """xAPI 1.0.3 Part Two 2.3.2 "Voided": a voided statement is voided whoever voided it. A
    tool voids a pupil's completion as itself (a teacher's agent, not the pupil): rebuilding
    that pupil's records (as a retention purge does) must not bring the completion back."""
    from records.services import records_rebuild

    completed = statement(pupil, PASSED, QUIZ, parent=MODULE, result={"success": True})
    _record(school, completed)
    _record(
        school,
        {
            "actor": {"objectType": "Agent", "mbox": "mailto:teacher@tool.example"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": completed["id"]},
        },
    )
    before = _snapshot()
    assert before[0] == []
    records_rebuild(learner_ids=[pupil.pk])
    assert _snapshot() == before


def test_a_completion_voided_before_it_arrived_stays_voided_across_rebuild_chunks(school, pupil):
    """Part Two 2.3.2: a statement is voided "whichever came first", so a voiding statement
    stored before its target (a tool's queue sent them out of order) voids it in a rebuild
    too, even when the two are read in different chunks."""
    from records.services import records_rebuild

    completed = statement(pupil, PASSED, QUIZ, parent=MODULE, result={"success": True})
    _record(
        school,
        {
            "actor": completed["actor"],
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": completed["id"]},
        },
    )
    _record(school, completed)
    before = _snapshot()
    assert before[0] == []
    records_rebuild(chunk_size=1)
    assert _snapshot() == before


def _play_scenario_and_start_quiz(learner, *, scenario, quiz):
    """A scenario play-through with one choice made, and a quiz attempt under way."""
    from assessments.services import quiz_attempt_start
    from scenarios.services import scenario_attempt_start, scenario_choice_make

    attempt = scenario_attempt_start(learner=learner, scenario=scenario)
    scenario_choice_make(
        learner=learner, attempt_uuid=attempt.uuid, node_id="start", step=0, choice_id="report"
    )
    return attempt, quiz_attempt_start(learner=learner, quiz=quiz)


@pytest.fixture
def scenario(db):
    from tests.scenarios.helpers import published_scenario

    return published_scenario()


@pytest.fixture
def quiz(db):
    from tests.assessments.conftest import make_quiz

    return make_quiz()


def test_erased_learner_leaves_nothing_behind(school, teacher, pupil, scenario, quiz):
    from assessments.models import Attempt
    from scenarios.models import ScenarioAttempt, ScenarioChoiceRecord

    _play_scenario_and_start_quiz(teacher, scenario=scenario, quiz=quiz)
    _play_scenario_and_start_quiz(pupil, scenario=scenario, quiz=quiz)
    _record(
        school,
        statement(teacher, COMPLETED, COURSE, when=timezone.now()),
        statement(pupil, COMPLETED, COURSE, when=timezone.now()),
    )
    completion = Completion.objects.get(learner=teacher)
    Certificate.objects.create(
        learner=teacher,
        statement_id=completion.statement_id,
        course_title="X",
        completed_at=completion.completed_at,
    )
    learner_id, pk = teacher.learner_id, teacher.pk
    pupil_statements = Statement.objects.filter(learner=pupil).count()
    learner_erase(learner=teacher)
    assert not User.objects.filter(pk=pk).exists()
    assert not Statement.objects.filter(actor_key__contains=str(learner_id)).exists()
    assert not any(str(learner_id) in json.dumps(s.data) for s in Statement.objects.all())
    for model in (Completion, LearnerActivity, Certificate, ReminderSent, ScenarioAttempt, Attempt):
        assert not model.objects.filter(learner_id=pk).exists()
    assert not ScenarioChoiceRecord.objects.filter(attempt__learner_id=pk).exists()
    # Everyone else is untouched.
    assert Completion.objects.filter(learner=pupil).count() == 1
    assert ScenarioChoiceRecord.objects.filter(attempt__learner=pupil).count() == 1
    assert Attempt.objects.filter(learner=pupil).count() == 1
    assert Statement.objects.count() == pupil_statements > 1


def test_subject_access_export_holds_the_learners_statements_and_records(school, teacher):
    _record(school, statement(teacher, COMPLETED, COURSE, when=timezone.now()))
    export = learner_export(learner=teacher)
    assert export["person"]["username"] == teacher.username
    assert len(export["statements"]) == 1
    assert export["statements"][0]["object"]["id"] == COURSE
    json.dumps(export)  # serialisable as it is


def test_erasure_keeping_the_account_still_removes_scenario_and_quiz_attempts(
    school, teacher, scenario, quiz
):
    from assessments.models import Attempt
    from scenarios.models import ScenarioAttempt, ScenarioChoiceRecord

    _play_scenario_and_start_quiz(teacher, scenario=scenario, quiz=quiz)
    learner_erase(learner=teacher, delete_account=False)
    assert User.objects.filter(pk=teacher.pk).exists()
    assert not ScenarioAttempt.objects.filter(learner=teacher).exists()
    assert not ScenarioChoiceRecord.objects.filter(attempt__learner=teacher).exists()
    assert not Attempt.objects.filter(learner=teacher).exists()


def test_subject_access_export_holds_scenario_choices_and_quiz_attempts(
    school, teacher, pupil, scenario, quiz
):
    _play_scenario_and_start_quiz(teacher, scenario=scenario, quiz=quiz)
    _play_scenario_and_start_quiz(pupil, scenario=scenario, quiz=quiz)
    export = learner_export(learner=teacher)
    [played] = export["scenario_attempts"]
    assert played["scenario"] == scenario.title
    assert [(c["node"], c["choice"]) for c in played["choices"]] == [("start", "report")]
    [taken] = export["quiz_attempts"]
    assert taken["quiz"] == quiz.title and taken["number"] == 1
    json.dumps(export)


def test_subject_access_export_gives_quiz_answers_in_words_not_option_ids(school, pupil, quiz):
    """A pupil's download listed their quiz answers as the quiz's internal option ids
    ("t:first": "t:first-c2"), which tell them nothing. Each answer now comes with the
    question asked and what they chose, in the words the quiz showed them."""
    from assessments.questions import response_from_form
    from assessments.services import quiz_attempt_start, quiz_attempt_submit
    from tests.assessments.conftest import right_answers

    attempt = quiz_attempt_start(learner=pupil, quiz=quiz)
    form = right_answers(attempt)
    responses = {q.id: response_from_form(q, form) for q in attempt.question_list()}
    quiz_attempt_submit(attempt=attempt, responses=responses)

    [taken] = learner_export(learner=pupil)["quiz_attempts"]
    answers = {answer["question"]: answer["answer"] for answer in taken["answers"]}
    assert answers["You find a post about you. What should you do first?"] == "Tell an adult"
    assert answers["A joke post can't get you into trouble."] == "False"
    assert sorted(answers["Which are good things to do?"]) == ["Report it", "Tell an adult"]
    assert answers["Put these in order."] == ["Stop", "Screenshot", "Tell"]
    assert answers["Who can help?"] == {
        "Talk privately": "Childline",
        "Unsafe adult online": "CEOP",
    }
    assert all(answer["correct"] for answer in taken["answers"])
    json.dumps(taken)


def test_export_learner_command_prints_json(school, teacher, capsys):
    call_command("export_learner", teacher.username)
    assert json.loads(capsys.readouterr().out)["person"]["learner_id"] == str(teacher.learner_id)


def test_purge_removes_only_what_is_older_than_the_schools_retention(school, teacher):
    school.retention_months = 12
    school.save()
    old = timezone.now() - timedelta(days=400)
    recent = timezone.now() - timedelta(days=30)
    _record(
        school,
        statement(teacher, COMPLETED, COURSE, when=old),
        statement(teacher, COMPLETED, MODULE, when=recent),
    )
    assert records_purge(older_than_months=24)[school.name] == 0  # the longer period wins
    assert records_purge()[school.name] == 1
    assert list(Statement.objects.values_list("object_iri", flat=True)) == [MODULE]
    assert list(Completion.objects.values_list("activity_iri", flat=True)) == [MODULE]
    assert not LearnerActivity.objects.filter(activity_iri=COURSE).exists()


def test_purge_removes_a_statement_stored_before_the_retention_period_whatever_its_timestamp(
    school, pupil
):
    """A statement's timestamp is the sender's: a tablet whose clock had reset to some year
    far ahead sent ones dated then, and the purge, going by that date alone, kept them for
    years after the school's retention period. When it was stored counts too."""
    school.retention_months = 12
    school.save()
    _record(
        school, statement(pupil, EXPERIENCED, MODULE, when=timezone.now() + timedelta(days=3650))
    )

    assert records_purge(now=timezone.now() + timedelta(days=400))[school.name] == 1
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("now", "kept"),
    [
        # Midday on 1 June 2027 (BST): 1 June 2026 is kept, all of it, from its first hour.
        (datetime(2027, 6, 1, 11, tzinfo=UTC), [COURSE, MODULE]),
        # Half past midnight on 2 June 2027 (BST), 23:30 on 1 June in UTC: 1 June 2026 goes.
        (datetime(2027, 6, 1, 23, 30, tzinfo=UTC), [MODULE]),
    ],
)
def test_purge_cuts_off_at_midnight_in_the_uk_not_in_utc(school, teacher, now, kept):
    school.retention_months = 12
    school.save()
    _record(
        school,
        # 00:30 on 1 June 2026 in the UK (BST), still 31 May in UTC.
        statement(teacher, COMPLETED, COURSE, when=datetime(2026, 5, 31, 23, 30, tzinfo=UTC)),
        # 00:30 on 2 June 2026 in the UK.
        statement(teacher, COMPLETED, MODULE, when=datetime(2026, 6, 1, 23, 30, tzinfo=UTC)),
    )
    records_purge(now=now)
    assert sorted(Statement.objects.values_list("object_iri", flat=True)) == sorted(kept)
    assert sorted(Completion.objects.values_list("activity_iri", flat=True)) == sorted(kept)


def test_purge_removes_scenario_and_quiz_attempts_older_than_retention_but_keeps_vote_totals(
    school, klass, teacher, pupil, scenario, quiz
):
    from assessments.models import Attempt
    from scenarios.models import ClassroomVote, ScenarioAttempt, ScenarioChoiceRecord
    from scenarios.services import classroom_session_start

    school.retention_months = 12
    school.save()
    old = timezone.now() - timedelta(days=400)
    old_play, old_quiz = _play_scenario_and_start_quiz(teacher, scenario=scenario, quiz=quiz)
    ScenarioAttempt.objects.filter(pk=old_play.pk).update(
        started_at=old, node_entered_at=old, finished_at=old
    )
    ScenarioChoiceRecord.objects.filter(attempt=old_play).update(created_at=old)
    Attempt.objects.filter(pk=old_quiz.pk).update(started_at=old, submitted_at=old)
    new_play, new_quiz = _play_scenario_and_start_quiz(pupil, scenario=scenario, quiz=quiz)
    session = classroom_session_start(teacher=teacher, group=klass, scenario=scenario)
    ClassroomVote.objects.create(
        session=session, step=0, node_id="start", choice_id="report", count=9
    )
    type(session).objects.filter(pk=session.pk).update(started_at=old)

    records_purge(dry_run=True)
    assert ScenarioAttempt.objects.filter(pk=old_play.pk).exists()

    records_purge()

    assert list(ScenarioAttempt.objects.values_list("pk", flat=True)) == [new_play.pk]
    assert list(ScenarioChoiceRecord.objects.values_list("attempt_id", flat=True)) == [new_play.pk]
    assert list(Attempt.objects.values_list("pk", flat=True)) == [new_quiz.pk]
    assert ClassroomVote.objects.get().count == 9


def test_purge_removes_scenario_choices_and_quiz_attempts_by_the_school_they_were_made_at(
    school, pupil, scenario, quiz
):
    """A pupil played a scenario and took a quiz at a school that keeps records for a year,
    then moved to one that keeps them for seven. The purge deleted the first school's
    statements of them on time, but went by the school the pupil is at now for the
    play-through (every choice, in words) and the quiz attempt, so kept them six years
    longer than the school they were made at allows. They go with that school's records."""
    from assessments.models import Attempt
    from scenarios.models import ScenarioAttempt, ScenarioChoiceRecord
    from tests.factories import SchoolFactory

    school.retention_months = 12
    school.save()
    from assessments.services import quiz_attempt_start
    from scenarios.services import scenario_attempt_start, scenario_choice_make

    _old_play, old_quiz = _play_scenario_and_start_quiz(pupil, scenario=scenario, quiz=quiz)
    # Handed in before the move, so the new school's is a new attempt.
    Attempt.objects.filter(pk=old_quiz.pk).update(
        state=Attempt.State.SUBMITTED, submitted_at=timezone.now()
    )
    pupil.school = SchoolFactory(retention_months=84)
    pupil.save()
    new_play = scenario_attempt_start(learner=pupil, scenario=scenario, restart=True)
    scenario_choice_make(
        learner=pupil, attempt_uuid=new_play.uuid, node_id="start", step=0, choice_id="report"
    )
    new_quiz = quiz_attempt_start(learner=pupil, quiz=quiz)

    records_purge(now=timezone.now() + timedelta(days=400))

    assert not Statement.objects.filter(school=school).exists()
    assert list(ScenarioAttempt.objects.values_list("pk", flat=True)) == [new_play.pk]
    assert list(ScenarioChoiceRecord.objects.values_list("attempt_id", flat=True)) == [new_play.pk]
    assert list(Attempt.objects.values_list("pk", flat=True)) == [new_quiz.pk]


def test_purge_removes_lessons_led_with_classes_before_the_retention_period(
    school, klass, teacher, pupil, pupil_course
):
    from courses.models import ClassLesson
    from courses.services import class_lesson_record

    school.retention_months = 12
    school.save()
    taught = {}
    for days in (400, 300):
        taught[days], _recorded = class_lesson_record(
            teacher=teacher,
            group=klass,
            course=pupil_course,
            modules=pupil_course.modules()[:1],
            pupils=[pupil],
            taught_on=timezone.localdate() - timedelta(days=days),
        )
    records_purge(dry_run=True)
    assert ClassLesson.objects.count() == 2
    records_purge()
    assert list(ClassLesson.objects.all()) == [taught[300]]


def test_purge_command_dry_run_deletes_nothing(school, teacher, capsys):
    school.retention_months = 1
    school.save()
    _record(school, statement(teacher, COMPLETED, COURSE, when=timezone.now() - timedelta(days=90)))
    call_command("purge_records", "--dry-run")
    assert "would delete 1" in capsys.readouterr().out
    assert Statement.objects.count() == 1


def test_certificate_for_a_pupil_course_is_refused(school, pupil, home_page):
    _record(school, statement(pupil, COMPLETED, COURSE, when=timezone.now()))
    completion = Completion.objects.get()
    with pytest.raises(ValueError, match="staff courses"):
        certificate_issue(learner=pupil, statement_id=completion.statement_id)


def test_people_who_left_before_the_retention_period_are_erased_with_their_records(
    school, teacher, pupil, capsys
):
    from records.services import leavers_purge
    from tests.factories import PupilFactory

    school.retention_months = 12
    school.save()
    long_gone = PupilFactory(school=school, is_active=False)
    User.objects.filter(pk=long_gone.pk).update(left_on=timezone.localdate() - timedelta(days=400))
    _record(school, statement(long_gone, COMPLETED, MODULE, when=timezone.now()))
    just_left = PupilFactory(school=school, is_active=False)  # left today
    assert just_left.left_on == timezone.localdate()

    assert leavers_purge(dry_run=True)[school.name] == 1
    assert leavers_purge(older_than_months=24)[school.name] == 0  # the longer period wins
    assert User.objects.filter(pk=long_gone.pk).exists()

    call_command("purge_records")
    out = capsys.readouterr().out
    assert "deleted the records of 1 people who left" in out
    assert long_gone.username not in out  # counts only in a scheduled job's log
    assert not User.objects.filter(pk=long_gone.pk).exists()
    assert not Statement.objects.filter(object_iri=MODULE).exists()
    assert set(User.objects.values_list("pk", flat=True)) >= {just_left.pk, pupil.pk, teacher.pk}


def test_leaving_and_coming_back_sets_and_clears_the_day_they_left(school, pupil):
    pupil.is_active = False
    pupil.save(update_fields=["is_active"])  # an administrator's edit saves only that field
    pupil.refresh_from_db()
    assert pupil.left_on == timezone.localdate()
    pupil.is_active = True
    pupil.save()
    pupil.refresh_from_db()
    assert pupil.left_on is None


def test_the_erase_page_names_the_stores_that_hold_copies_and_how_they_know_the_person(
    client, school, pupil, safeguarding_lead
):
    from django.urls import reverse

    from xapi.models import ForwardingTarget, OutboxEntry

    sent = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    ForwardingTarget.objects.create(name="Not yet sent", endpoint="http://127.0.0.1:9/y/")
    _record(school, statement(pupil, COMPLETED, MODULE, when=timezone.now()))
    OutboxEntry.objects.filter(target=sent).update(status=OutboxEntry.Status.SENT)
    client.force_login(safeguarding_lead, backend="schools.backends.AnyCaseUsernameBackend")
    url = reverse("records:person_erase", args=[pupil.pk])
    html = client.get(url).text
    assert "<strong>Trust LRS</strong>" in html
    assert "Not yet sent" not in html
    assert f"<code>{pupil.learner_id}</code>" in html
    assert client.post(url, {"confirm": pupil.username}).status_code == 302
    assert not OutboxEntry.objects.exists()  # nothing left to send about them


def test_the_erase_page_says_nothing_of_copies_when_none_were_sent(
    client, school, pupil, safeguarding_lead
):
    from django.urls import reverse

    client.force_login(safeguarding_lead, backend="schools.backends.AnyCaseUsernameBackend")
    html = client.get(reverse("records:person_erase", args=[pupil.pk])).text
    assert "Copies in other learning record stores" not in html


def test_purge_holds_a_chunk_of_statements_in_memory_at_a_time_not_all_that_go(
    school, teacher, monkeypatch
):
    """A school that shortens its retention period may have years of statements to purge at
    once: deleting them loads each (JSON and all), so it must go a chunk at a time."""
    from django.db import connection
    from django.db.models.signals import post_init

    from records import services

    monkeypatch.setattr(services, "PURGE_CHUNK", 10, raising=False)
    school.retention_months = 12
    school.save()
    old = timezone.now() - timedelta(days=800)
    _record(
        school,
        *[statement(teacher, COMPLETED, iri("module", f"m{n}"), when=old) for n in range(35)],
    )
    loaded = [0]  # statements loaded since the last query was sent
    most = [0]

    def count(sender, **kwargs):
        loaded[0] += 1
        most[0] = max(most[0], loaded[0])

    def next_query(execute, sql, params, many, context):
        loaded[0] = 0
        return execute(sql, params, many, context)

    post_init.connect(count, sender=Statement)
    try:
        with connection.execute_wrapper(next_query):
            assert records_purge()[school.name] == 35
    finally:
        post_init.disconnect(count, sender=Statement)
    assert not Statement.objects.exists()
    assert 0 < most[0] <= 10


def _people_named_in_the_admin_history(name: str) -> int:
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.filter(label__contains=name).count()


@pytest.mark.parametrize("erased_by", ["admin users screen", "dashboard"])
def test_an_erased_person_is_not_named_in_the_admin_history(client, school, erased_by):
    """Wagtail notes each change to an account in the admin's history (Reports -> Site
    history) under the person's name, and kept that name after they were erased."""
    from tests.factories import UserFactory

    root = UserFactory(username="root", school=None, is_superuser=True, is_staff=True)
    client.force_login(root)
    person = UserFactory(
        school=school, username="zq1", first_name="Zebedee", last_name="Quartermaine"
    )
    client.post(
        f"/admin/schools/people/edit/{person.pk}/",
        {
            "username": "zq1",
            "first_name": "Zebedee",
            "last_name": "Quartermaine",
            "email": "",
            "school": school.pk,
            "mis_id": "",
            "is_active": "on",
        },
    )
    assert _people_named_in_the_admin_history("Zebedee Quartermaine") == 1
    if erased_by == "dashboard":
        learner_erase(learner=person, by=root)
    else:
        assert client.post(f"/admin/users/delete/{person.pk}/").status_code == 302
    assert not User.objects.filter(username="zq1").exists()
    assert _people_named_in_the_admin_history("Zebedee Quartermaine") == 0
    assert _people_named_in_the_admin_history("zq1") == 0


def _save_state(school, agent_key, *, activity, document_id, content):
    """What an activity (an H5P one, named `activity`) saves for the agent stored as
    `agent_key` while they are part-way through it (the LRS's State resource)."""
    from xapi.services import document_save

    return document_save(
        school=school,
        key={"kind": "state", "activity_iri": iri("h5p", activity), "agent_key": agent_key},
        document_id=document_id,
        content=content,
        content_type="application/json",
        merge=False,
    )


def _save_tool_progress(school, agent_key):
    """What a school's own tool saves for the agent stored as `agent_key` (State resource)."""
    return _save_state(
        school, agent_key, activity="dp-tool", document_id="progress", content=b'{"page": 4}'
    )


def _save_h5p_state(school, person, *, content=b'{"progress": 3}'):
    """What an H5P activity saves while the person is part-way through it (State resource)."""
    from django.conf import settings

    agent_key = f"account:{settings.SITE_URL}|{person.learner_id}"
    return _save_state(
        school, agent_key, activity="dp-h5p", document_id="h5p-state", content=content
    )


def test_subject_access_export_holds_the_h5p_state_saved_for_the_learner(school, teacher, pupil):
    _save_h5p_state(school, teacher)
    _save_h5p_state(school, pupil, content=b'{"progress": 9}')
    export = learner_export(learner=teacher)
    [saved] = export["documents"]
    assert saved["kind"] == "state"
    assert saved["activity"] == iri("h5p", "dp-h5p")
    assert saved["document_id"] == "h5p-state"
    assert saved["content"] == {"progress": 3}
    json.dumps(export)


def test_purge_removes_reflections_ticks_and_h5p_state_older_than_retention(
    school, teacher, pupil, pupil_course
):
    """What a pupil wrote, ticked or left part-way through long ago goes with their
    statements: kept no longer than the school's retention period."""
    from courses.models import ChecklistProgress, Reflection
    from xapi.models import Document

    school.retention_months = 12
    school.save()
    module = pupil_course.modules()[0]
    old = timezone.now() - timedelta(days=400)
    for person, when in ((pupil, old), (teacher, timezone.now())):
        Reflection.objects.create(learner=person, module=module, block_id="r", text="Sad.")
        ChecklistProgress.objects.create(learner=person, module=module, block_id="c", ticked=["a"])
        _save_h5p_state(school, person)
        Reflection.objects.filter(learner=person).update(updated_at=when)
        ChecklistProgress.objects.filter(learner=person).update(updated_at=when)
        Document.objects.filter(agent_key__contains=str(person.learner_id)).update(updated=when)

    records_purge(dry_run=True)
    assert Reflection.objects.count() == 2

    records_purge()

    assert list(Reflection.objects.values_list("learner", flat=True)) == [teacher.pk]
    assert list(ChecklistProgress.objects.values_list("learner", flat=True)) == [teacher.pk]
    [kept] = Document.objects.all()
    assert str(teacher.learner_id) in kept.agent_key


def test_purge_removes_reflections_and_ticks_by_the_school_they_were_written_at(
    school, pupil, pupil_course
):
    """A pupil wrote a reflection and ticked a checklist at a school that keeps records for
    a year, then moved to one that keeps them for seven. The purge went by the school they
    are at now, so kept what they wrote in their own words six years longer than the school
    they wrote it at allows. It goes by that school."""
    from courses.blocks import ChecklistBlock
    from courses.models import ChecklistProgress, Reflection
    from courses.services import checklist_tick, reflection_save
    from tests.courses.conftest import module_page
    from tests.factories import SchoolFactory

    school.retention_months = 12
    school.save()
    module = module_page(
        pupil_course,
        "think-it-over",
        body=[
            ("reflection", {"prompt": "How would you feel?", "hint": ""}),
            (
                "checklist",
                {
                    "title": "Before you post",
                    "intro": "",
                    "platforms": [{"platform": "TikTok", "items": ["Is it kind?"]}],
                },
            ),
        ],
    )
    reflection, checklist = module.body
    reflection_save(learner=pupil, module=module, block_id=reflection.id, text="Sad, I think.")
    checklist_tick(
        learner=pupil,
        module=module,
        block_id=checklist.id,
        ticked=ChecklistBlock.item_ids(checklist.value),
    )
    pupil.school = SchoolFactory(retention_months=84)
    pupil.save()

    records_purge(now=timezone.now() + timedelta(days=400))

    assert not Reflection.objects.exists()
    assert not ChecklistProgress.objects.exists()


def test_subject_access_export_holds_statements_naming_the_person_as_object_or_in_context(
    school, teacher, pupil
):
    """Erasure deletes the statements that name the person as their object or in their
    context (an external tool's "instructor"), so they are held about them: the export has
    them too."""
    from xapi.identity import actor_for

    taught = statement(pupil, COMPLETED, COURSE, when=timezone.now())
    taught["context"] = {"instructor": actor_for(teacher)}
    mentored = statement(pupil, EXPERIENCED, COURSE, when=timezone.now())
    mentored["object"] = {"objectType": "Agent", **actor_for(teacher)}
    unrelated = statement(pupil, EXPERIENCED, MODULE, when=timezone.now())
    _record(school, taught, mentored, unrelated)
    exported = {s["id"] for s in learner_export(learner=teacher)["statements"]}
    assert exported == {taught["id"], mentored["id"]}


def _tool_authority(school):
    from xapi.models import LrsClient

    tool = LrsClient(name="Class tool", school=school)
    tool.issue_secret()
    tool.save()
    return tool.authority()


PUPILS_ANSWER = "my cousin keeps sending me photos from the bus stop on Elm Lane"


def test_a_teachers_subject_access_export_holds_a_pupils_statement_without_what_they_typed(
    school, teacher, pupil
):
    """A school's tool may name a teacher as the instructor of a pupil's statement that
    holds what the pupil typed and a file of their work. That statement is held about the
    teacher, but the pupil's words and file are the pupil's, which never leave the school's
    records (DESIGN.md) any more than forwarding sends them: the teacher's download holds
    the statement without them, and the pupil's own download holds it whole."""
    from xapi.identity import actor_for

    answered = statement(pupil, COMPLETED, COURSE, when=timezone.now(), result={})
    answered["result"] = {"response": PUPILS_ANSWER, "completion": True}
    answered["context"] = {"instructor": actor_for(teacher)}
    content = b"a scan of the pupil's worksheet"
    answered, sha2 = _with_attachment(answered, content)
    answered.pop("stored")
    record(
        statements=[answered],
        school=school,
        authority=_tool_authority(school),
        attachments={sha2: ("image/png", content)},
    )

    export = learner_export(learner=teacher)
    [held] = export["statements"]
    assert held["id"] == answered["id"]
    assert held["result"] == {"completion": True}
    assert "attachments" not in held
    assert export["attachments"] == []
    assert PUPILS_ANSWER not in json.dumps(export)

    own = learner_export(learner=pupil)
    [whole] = own["statements"]
    assert whole["result"]["response"] == PUPILS_ANSWER
    assert [file["sha2"] for file in own["attachments"]] == [sha2]


def test_a_teachers_subject_access_export_names_a_pupil_only_by_their_opaque_id(
    school, teacher, pupil
):
    """A school's tool may name a pupil by an account of its own whose name is the MIS id
    the school gave them, with their name beside it. Forwarding sends such a pupil by their
    opaque account only (DESIGN.md); a teacher's download of a statement naming them as
    instructor names the pupil the same way."""
    from xapi.identity import actor_for

    pupil.mis_id = "ADM77310"
    pupil.save()
    taught = statement(pupil, COMPLETED, COURSE, when=timezone.now())
    taught.pop("stored")
    taught["actor"] = {
        "objectType": "Agent",
        "name": "Pupil Of Elm Lane School",
        "account": {"homePage": "https://mis.school.invalid", "name": "adm77310"},
    }
    taught["context"] = {"instructor": actor_for(teacher)}
    record(statements=[taught], school=school, authority=_tool_authority(school))

    [held] = learner_export(learner=teacher)["statements"]
    assert held["id"] == taught["id"]
    assert held["actor"] == actor_for(pupil)
    assert held["context"]["instructor"] == actor_for(teacher)
    assert "Pupil Of Elm Lane School" not in json.dumps(held)
    assert "adm77310" not in json.dumps(held).lower()


def test_erasing_someone_named_in_anothers_statements_leaves_the_others_records_as_a_rebuild(
    school, teacher, pupil
):
    """Erasure deletes the statements naming the person in their context (an external
    tool's "instructor"), though they are another learner's: that learner's completion and
    summary from them go too, as a rebuild from the statements that stand would have it,
    and what else is theirs stays."""
    from xapi.identity import actor_for

    taught = statement(pupil, COMPLETED, COURSE, when=timezone.now() - timedelta(hours=1))
    taught["context"] = {"instructor": actor_for(teacher)}
    own = statement(pupil, COMPLETED, MODULE, when=timezone.now())
    _record(school, taught, own)
    assert Completion.objects.filter(learner=pupil).count() == 2

    learner_erase(learner=teacher)

    after = _snapshot()
    theirs = Completion.objects.filter(learner=pupil).values_list("statement_id", flat=True)
    assert [str(statement_id) for statement_id in theirs] == [own["id"]]
    call_command("rebuild_records", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == after


def test_a_teachers_subject_access_export_lists_the_scenarios_they_ran_with_a_class(
    school, klass, teacher, scenario
):
    """Classroom mode keeps who led each run with a class (vote totals, no pupils): that is
    held about the teacher, as the lessons they recorded are."""
    from scenarios.services import classroom_session_start

    session = classroom_session_start(teacher=teacher, group=klass, scenario=scenario)
    [ran] = learner_export(learner=teacher)["classroom_sessions"]
    assert ran == {
        "scenario": scenario.title,
        "group": klass.name,
        "started_at": session.started_at.isoformat(),
        "finished_at": None,
    }


def test_purge_unlinks_the_teacher_from_classroom_runs_older_than_retention(
    school, klass, teacher, scenario
):
    """Vote totals name nobody and stay after the retention period; who led the run is
    about a person, and goes with the rest of their old records."""
    from scenarios.models import ClassroomSession, ClassroomVote
    from scenarios.services import classroom_session_start

    school.retention_months = 12
    school.save()
    old = classroom_session_start(teacher=teacher, group=klass, scenario=scenario)
    ClassroomVote.objects.create(session=old, step=0, node_id="start", choice_id="report", count=9)
    ClassroomSession.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - timedelta(days=400)
    )
    recent = classroom_session_start(teacher=teacher, group=klass, scenario=scenario)

    records_purge(dry_run=True)
    assert ClassroomSession.objects.get(pk=old.pk).teacher == teacher

    records_purge()

    assert ClassroomSession.objects.get(pk=old.pk).teacher is None
    assert ClassroomSession.objects.get(pk=recent.pk).teacher == teacher
    assert ClassroomVote.objects.get().count == 9
    assert [s["started_at"] for s in learner_export(learner=teacher)["classroom_sessions"]] == [
        recent.started_at.isoformat()
    ]


def test_subject_access_export_holds_the_whole_profile_kept_about_the_person(school, pupil):
    """The school's MIS id for them, whether and when they left, when the account was made
    and when they last signed in are all kept about the person."""
    pupil.mis_id = "ADM-0042"
    pupil.last_login = timezone.now() - timedelta(days=3)
    pupil.save()
    pupil.is_active = False  # left the school
    pupil.save()
    person = learner_export(learner=pupil)["person"]
    assert person["mis_id"] == "ADM-0042"
    assert person["active"] is False
    assert person["left_on"] == timezone.localdate().isoformat()
    assert person["account_created_at"] == pupil.date_joined.isoformat()
    assert person["last_sign_in_at"] == pupil.last_login.isoformat()
    json.dumps(person)


def test_subject_access_export_holds_the_account_fields_added_since(school, teacher):
    """When a password reset link was last emailed to them, when they joined the school
    they moved to, and whether someone made their account inactive by hand are kept about
    the person too, so the export holds them (docs/records.md: everything held)."""
    emailed = timezone.now() - timedelta(hours=5)
    joined = timezone.now() - timedelta(days=40)
    User.objects.filter(pk=teacher.pk).update(
        password_reset_emailed_at=emailed, school_joined_at=joined, inactive_by_hand=True
    )
    teacher.refresh_from_db()
    person = learner_export(learner=teacher)["person"]
    assert person["password_reset_emailed_at"] == emailed.isoformat()
    assert person["school_joined_at"] == joined.isoformat()
    assert person["made_inactive_by_hand"] is True
    json.dumps(person)


def test_purge_removes_the_sign_in_log_older_than_retention(school, pupil, teacher):
    """The sign-in protection (django-axes) logs each sign-in with the username, address and
    browser; like everything else about a person, not for longer than the school keeps
    records."""
    from axes.models import AccessLog

    school.retention_months = 12
    school.save()
    other_school_pupil = User.objects.create(username="elsewhere-pupil-77", school=None)
    old = timezone.now() - timedelta(days=400)
    for person in (pupil, teacher, other_school_pupil):
        AccessLog.objects.create(username=person.username.lower(), ip_address="10.0.0.9")
    AccessLog.objects.filter(username=pupil.username.lower()).update(attempt_time=old)
    AccessLog.objects.filter(username=other_school_pupil.username).update(attempt_time=old)

    records_purge(dry_run=True)
    assert AccessLog.objects.count() == 3

    records_purge()

    assert sorted(AccessLog.objects.values_list("username", flat=True)) == sorted(
        [teacher.username.lower(), other_school_pupil.username]
    )


def test_a_staff_members_subject_access_export_lists_what_they_assigned_marked_and_uploaded(
    school, klass, safeguarding_lead, teacher, staff_course
):
    """The assignments a lead set, the renewals they required of a course, the H5P packages
    they uploaded and the data protection requests they carried out each record them by
    name in Upstander: they are held about that person, so their own download has them."""
    from datetime import date

    from h5p.models import H5PActivity
    from records.models import DataProtectionEvent
    from records.services import assignment_create, course_renewal_require

    assigned = assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        due_on=date(2027, 1, 31),
        group=klass,
        created_by=safeguarding_lead,
    )
    assignment_create(  # someone else's
        school=school, course_page_id=staff_course.pk, due_on=date(2027, 2, 1), role="staff"
    )
    renewal = course_renewal_require(
        course_page_id=staff_course.pk,
        reason="New guidance on reporting",
        created_by=safeguarding_lead,
    )
    package = H5PActivity.objects.create(title="Privacy quiz", uploaded_by=safeguarding_lead)
    H5PActivity.objects.create(title="Someone else's", uploaded_by=teacher)
    learner_export(learner=teacher, by=safeguarding_lead)

    export = learner_export(learner=safeguarding_lead)

    assert export["assignments_set"] == [
        {
            "course": staff_course.title,
            "for": klass.name,
            "due_on": "2027-01-31",
            "created_at": assigned.created_at.isoformat(),
        }
    ]
    assert export["renewals_required"] == [
        {
            "course": staff_course.title,
            "reason": "New guidance on reporting",
            "required_from": renewal.required_from.isoformat(),
        }
    ]
    assert export["h5p_uploaded"] == [
        {"title": "Privacy quiz", "uploaded_at": package.uploaded_at.isoformat()}
    ]
    [carried_out] = export["data_protection_requests_carried_out"]
    assert carried_out["kind"] == DataProtectionEvent.Kind.EXPORTED
    json.dumps(export)


def test_a_leavers_purge_reads_the_stored_sessions_once_not_once_a_person(
    school, teacher, pupil, monkeypatch
):
    """Each erased person is signed out everywhere, which means reading every stored session
    to find theirs: for a purge of hundreds of leavers, once for all of them, not once each
    (hundreds of passes over every session in the site)."""
    from django.contrib.sessions.backends.base import SessionBase
    from django.contrib.sessions.models import Session
    from django.test import Client

    from records.services import leavers_purge
    from tests.factories import PupilFactory

    school.retention_months = 12
    school.save()
    leavers = [PupilFactory(school=school, is_active=False) for _ in range(4)]
    User.objects.filter(pk__in=[p.pk for p in leavers]).update(
        left_on=timezone.localdate() - timedelta(days=400)
    )
    for person in [*leavers, teacher, pupil]:
        Client().force_login(person)
    stored = Session.objects.count()
    assert stored == 6

    decoded = []
    decode = SessionBase.decode

    def counting_decode(self, session_data):
        decoded.append(session_data)
        return decode(self, session_data)

    monkeypatch.setattr(SessionBase, "decode", counting_decode)
    assert leavers_purge()[school.name] == 4

    assert len(decoded) == stored
    still_signed_in = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert still_signed_in == {str(teacher.pk), str(pupil.pk)}


def test_what_the_lrs_kept_under_a_staff_members_old_email_is_exported_and_erased(
    school, teacher, pupil
):
    """A school that names staff by email (`mbox`) keeps their H5P progress under that
    address; after they change their email, what was kept under the old one is still about
    them (their statements from then are matched to their account), so their download holds
    it and erasing them removes it."""
    from schools.models import School
    from xapi.models import Document

    school.staff_xapi_identity = School.StaffIdentity.MBOX
    school.save()
    teacher.email = "j.smith@school.example"
    teacher.save()
    _record(school, statement(teacher, EXPERIENCED, iri("h5p", "dp-h5p"), when=timezone.now()))
    _save_state(
        school,
        "mbox:mailto:j.smith@school.example",
        activity="dp-h5p",
        document_id="h5p-state",
        content=b'{"progress": 5}',
    )
    _save_h5p_state(school, pupil)
    teacher.email = "j.jones@school.example"  # married, say
    teacher.save()

    [kept] = learner_export(learner=teacher)["documents"]
    assert kept["content"] == {"progress": 5}

    learner_erase(learner=teacher)

    assert list(Document.objects.values_list("agent_key", flat=True)) == [
        f"account:{settings.SITE_URL}|{pupil.learner_id}"
    ]


def test_purge_removes_old_records_of_people_at_no_school(school, teacher, editor, settings):
    """Editors and administrators sign in without a school, and what Upstander keeps about
    them (the sign-in log, what they played and saved while trying content) is personal data
    like anyone else's: kept no longer than the site's retention period for people at no
    school, rather than for ever."""
    from axes.models import AccessLog

    from xapi.models import Document

    settings.RETENTION_MONTHS_WITHOUT_SCHOOL = 12
    old = timezone.now() - timedelta(days=400)
    for person in (editor, teacher):
        AccessLog.objects.create(username=person.username.lower(), ip_address="10.0.0.9")
    AccessLog.objects.update(attempt_time=old)
    _record(
        None,
        statement(editor, EXPERIENCED, MODULE, when=old),
        statement(editor, COMPLETED, COURSE, when=timezone.now()),
    )
    for when, document_id in ((old, "old"), (timezone.now(), "recent")):
        Document.objects.create(
            school=None,
            kind="state",
            activity_iri=iri("h5p", "dp-h5p"),
            agent_key=f"account:{settings.SITE_URL}|{editor.learner_id}",
            document_id=document_id,
            content=b"{}",
            content_type="application/json",
            etag="x",
            updated=when,
        )

    records_purge()

    assert list(AccessLog.objects.values_list("username", flat=True)) == [
        teacher.username.lower()  # the school keeps records for seven years
    ]
    assert list(Statement.objects.values_list("object_iri", flat=True)) == [COURSE]
    assert list(Document.objects.values_list("document_id", flat=True)) == ["recent"]


def _with_attachment(data: dict, content: bytes) -> tuple[dict, str]:
    import hashlib

    sha2 = hashlib.sha256(content).hexdigest()
    data["attachments"] = [
        {
            "usageType": "http://id.tincanapi.com/attachment/supporting_media",
            "display": {"en-GB": "My poster"},
            "contentType": "image/png",
            "length": len(content),
            "sha2": sha2,
        }
    ]
    return data, sha2


def test_erasure_and_purge_remove_the_files_attached_to_the_statements_they_delete(
    school, teacher, pupil
):
    """A tool may send a file with a statement (a pupil's poster, a photo of their work).
    The LRS keeps each file once, apart from the statements; when the last statement that
    carries it goes, by erasure or by the retention period, the file goes too. One still
    carried by someone else's statement stays."""
    from xapi.models import AttachmentContent

    school.retention_months = 12
    school.save()
    poster, poster_sha = _with_attachment(
        statement(pupil, EXPERIENCED, MODULE, when=timezone.now()), b"pupil's poster"
    )
    shared = b"the class photo"
    mine, shared_sha = _with_attachment(
        statement(pupil, EXPERIENCED, COURSE, when=timezone.now()), shared
    )
    theirs, _ = _with_attachment(
        statement(teacher, EXPERIENCED, COURSE, when=timezone.now()), shared
    )
    old = timezone.now() - timedelta(days=400)
    old_work, old_sha = _with_attachment(statement(teacher, EXPERIENCED, MODULE, when=old), b"old")
    for data, content in (
        (poster, b"pupil's poster"),
        (mine, shared),
        (theirs, shared),
        (old_work, b"old"),
    ):
        data.pop("stored", None)
        record(
            statements=[data],
            school=school,
            attachments={data["attachments"][0]["sha2"]: ("image/png", content)},
        )
    assert set(AttachmentContent.objects.values_list("sha2", flat=True)) == {
        poster_sha,
        shared_sha,
        old_sha,
    }

    learner_erase(learner=pupil)
    assert set(AttachmentContent.objects.values_list("sha2", flat=True)) == {shared_sha, old_sha}

    records_purge()
    assert set(AttachmentContent.objects.values_list("sha2", flat=True)) == {shared_sha}


def test_erasure_removes_a_pupils_file_that_another_statement_only_names(school, pupil, teacher):
    """A statement may declare an attachment by its SHA-2 with only a fileUrl, without the
    file (xAPI Part Three 1.5.1): anyone who knows a pupil's file's hash can write one. Such
    a statement never had the file, so it does not keep the pupil's file once the pupil is
    erased."""
    from xapi.models import AttachmentContent

    content = b"pupil's account of what happened"
    mine, sha2 = _with_attachment(
        statement(pupil, EXPERIENCED, MODULE, when=timezone.now()), content
    )
    naming, _ = _with_attachment(
        statement(teacher, EXPERIENCED, COURSE, when=timezone.now()), content
    )
    naming["attachments"][0]["fileUrl"] = "https://example.org/elsewhere"
    for data in (mine, naming):
        data.pop("stored", None)
    record(statements=[mine], school=school, attachments={sha2: ("image/png", content)})
    record(statements=[naming], school=school)
    assert AttachmentContent.objects.filter(sha2=sha2).exists()

    learner_erase(learner=pupil)
    assert Statement.objects.count() == 1
    assert not AttachmentContent.objects.filter(sha2=sha2).exists()


def test_subject_access_export_holds_the_log_of_the_persons_sign_ins(school, pupil, teacher):
    """The sign-in protection logs each sign-in and failed attempt with the username, the
    address and the browser; erasure deletes that log as being about the person, so their
    download holds it too."""
    from axes.models import AccessFailureLog, AccessLog

    browser = "Mozilla/5.0 (X11; Linux x86_64) SchoolLaptop/42"
    AccessLog.objects.create(
        username=pupil.username.lower(), ip_address="10.0.0.9", user_agent=browser
    )
    AccessFailureLog.objects.create(
        username=pupil.username.upper(), ip_address="10.0.0.10", user_agent=browser
    )
    AccessLog.objects.create(username=teacher.username.lower(), ip_address="10.0.0.11")

    export = learner_export(learner=pupil)

    [signed_in] = export["sign_ins"]
    assert (signed_in["ip_address"], signed_in["browser"]) == ("10.0.0.9", browser)
    assert signed_in["signed_out_at"] is None
    [failed] = export["failed_sign_ins"]
    assert (failed["ip_address"], failed["browser"]) == ("10.0.0.10", browser)
    json.dumps(export)


def test_purge_removes_course_attempts_that_ended_before_the_retention_period(
    school, teacher, safeguarding_lead, staff_course
):
    """Each time someone takes a course again (a renewal) a new attempt starts; the ones
    before it say when they took it, years back. An attempt that ended (the next one
    started) before the retention period goes; the current one stays, as it is where they
    are now, and so does one that ended within the period."""
    from courses.models import Enrolment

    school.retention_months = 12
    school.save()
    now = timezone.now()
    for person, attempts in (
        (teacher, {1: now - timedelta(days=900), 2: now - timedelta(days=500), 3: now}),
        (safeguarding_lead, {1: now - timedelta(days=900)}),
    ):
        for attempt, started in attempts.items():
            enrolment = Enrolment.objects.create(
                learner=person, course=staff_course, attempt=attempt
            )
            Enrolment.objects.filter(pk=enrolment.pk).update(started_at=started)

    records_purge(dry_run=True)
    assert Enrolment.objects.count() == 4

    records_purge()

    assert sorted(Enrolment.objects.values_list("learner_id", "attempt")) == sorted(
        [(teacher.pk, 2), (teacher.pk, 3), (safeguarding_lead.pk, 1)]
    )


def test_subject_access_export_holds_the_files_sent_with_the_persons_statements(
    school, teacher, pupil
):
    """A file sent with a statement (a pupil's poster) is kept apart from the statement,
    which only names it by its SHA-2: the download holds the file itself."""
    import base64

    poster, poster_sha = _with_attachment(
        statement(pupil, EXPERIENCED, MODULE, when=timezone.now()), b"pupil's poster"
    )
    other, _ = _with_attachment(
        statement(teacher, EXPERIENCED, MODULE, when=timezone.now()), b"teacher's slide"
    )
    for data, content in ((poster, b"pupil's poster"), (other, b"teacher's slide")):
        data.pop("stored", None)
        record(
            statements=[data],
            school=school,
            attachments={data["attachments"][0]["sha2"]: ("image/png", content)},
        )

    export = learner_export(learner=pupil)

    assert export["attachments"] == [
        {
            "sha2": poster_sha,
            "content_type": "image/png",
            "content_base64": base64.b64encode(b"pupil's poster").decode("ascii"),
        }
    ]
    json.dumps(export)


def test_people_at_no_school_who_left_long_ago_are_erased(school, editor, settings):
    """An editor or administrator at no school whose account was made inactive (they left)
    longer ago than the site keeps what belongs to no school is erased, as a school's
    leavers are."""
    from records.services import NO_SCHOOL, leavers_purge
    from tests.factories import UserFactory

    settings.RETENTION_MONTHS_WITHOUT_SCHOOL = 12
    gone = UserFactory(school=None, username="former-editor", is_active=False)
    User.objects.filter(pk=gone.pk).update(left_on=timezone.localdate() - timedelta(days=400))
    recent = UserFactory(school=None, username="left-last-month", is_active=False)
    User.objects.filter(pk=recent.pk).update(left_on=timezone.localdate() - timedelta(days=30))

    assert leavers_purge()[NO_SCHOOL] == 1

    assert not User.objects.filter(pk=gone.pk).exists()
    assert User.objects.filter(pk__in=[recent.pk, editor.pk]).count() == 2


def test_purge_removes_old_failed_sign_ins_under_names_that_are_nobodys_account(
    school, teacher, settings
):
    """Someone who types their email or full name instead of their username leaves it in the
    log of failed sign-ins, with their address and browser, under no account at all. It is
    kept no longer than what belongs to no school."""
    from axes.models import AccessFailureLog

    settings.RETENTION_MONTHS_WITHOUT_SCHOOL = 12
    school.retention_months = 120
    school.save()
    old = timezone.now() - timedelta(days=400)
    for username in ("jo.bloggs.typed@school.example", "new-typo", teacher.username.lower()):
        AccessFailureLog.objects.create(username=username, ip_address="10.0.0.9")
    AccessFailureLog.objects.exclude(username="new-typo").update(attempt_time=old)

    records_purge()

    assert sorted(AccessFailureLog.objects.values_list("username", flat=True)) == sorted(
        ["new-typo", teacher.username.lower()]  # the school keeps ten years of its own
    )


@pytest.mark.parametrize("erased_by", ["admin users screen", "dashboard"])
def test_an_erased_person_is_not_named_in_the_admin_history_of_their_group_memberships(
    client, school, klass, erased_by
):
    """Putting someone in a class in the admin (Schools -> Group memberships) is noted in the
    admin's history as "<their name> in <class>": that went on naming them after they were
    erased, as the history of their account no longer does."""
    from tests.factories import UserFactory

    root = UserFactory(username="root", school=None, is_superuser=True, is_staff=True)
    client.force_login(root)
    person = UserFactory(
        school=school, username="zq1", first_name="Zebedee", last_name="Quartermaine"
    )
    response = client.post(
        "/admin/schools/memberships/new/",
        {"group": klass.pk, "user": person.pk, "role": "member"},
    )
    assert response.status_code == 302
    assert _people_named_in_the_admin_history("Zebedee Quartermaine") == 1
    if erased_by == "dashboard":
        learner_erase(learner=person, by=root)
    else:
        assert client.post(f"/admin/users/delete/{person.pk}/").status_code == 302
    assert not User.objects.filter(username="zq1").exists()
    assert _people_named_in_the_admin_history("Zebedee Quartermaine") == 0


def test_subject_access_export_holds_the_comments_the_person_wrote_on_pages(
    school, editor, teacher, home_page
):
    """Editors discuss a page in the admin's comments, in their own words, under their name:
    kept about them, so their download holds what they wrote and the replies they gave."""
    from wagtail.models import Comment, CommentReply

    comment = Comment.objects.create(
        page=home_page, user=editor, text="Too graphic for Year 7?", contentpath="title"
    )
    CommentReply.objects.create(comment=comment, user=teacher, text="Agreed, soften it.")
    CommentReply.objects.create(comment=comment, user=editor, text="Changed the picture.")

    export = learner_export(learner=editor)

    assert export["page_comments"] == [
        {
            "page": home_page.title,
            "text": "Too graphic for Year 7?",
            "created_at": comment.created_at.isoformat(),
        }
    ]
    assert [reply["text"] for reply in export["page_comment_replies"]] == ["Changed the picture."]
    assert export["page_comment_replies"][0]["page"] == home_page.title
    json.dumps(export)


@pytest.mark.parametrize("keep_account", [False, True])
def test_erasing_a_person_deletes_the_photo_they_uploaded_as_their_admin_avatar(
    school, editor, settings, tmp_path, django_capture_on_commit_callbacks, keep_account
):
    """Staff may upload a photo of themselves as their avatar in the admin (Account ->
    Profile). Deleting the account deleted the row naming the file, not the file: the
    photo stayed on disk, and in the media folder the web server serves. Erasing the
    account deletes it; erasing only the records keeps it, as it keeps the account."""
    from django.core.files.base import ContentFile
    from wagtail.users.models import UserProfile

    settings.MEDIA_ROOT = str(tmp_path)
    profile = UserProfile.get_for_user(editor)
    profile.avatar.save("me.png", ContentFile(b"\x89PNG a photo of me"))
    photo = tmp_path / profile.avatar.name
    assert photo.exists()

    with django_capture_on_commit_callbacks(execute=True):
        learner_erase(learner=editor, delete_account=not keep_account)

    assert photo.exists() is keep_account


def test_subject_access_export_holds_the_photo_the_person_uploaded_as_their_admin_avatar(
    school, editor, settings, tmp_path
):
    """A photo of the person, uploaded as their avatar in the admin (Account -> Profile), is
    held about them (erasing them deletes it): their download holds it too."""
    import base64

    from django.core.files.base import ContentFile
    from wagtail.users.models import UserProfile

    settings.MEDIA_ROOT = str(tmp_path)
    profile = UserProfile.get_for_user(editor)
    profile.avatar.save("me.png", ContentFile(b"\x89PNG a photo of me"))

    export = learner_export(learner=editor)

    assert export["admin_avatar"] == {
        "file_name": profile.avatar.name.rsplit("/", 1)[-1],
        "content_base64": base64.b64encode(b"\x89PNG a photo of me").decode("ascii"),
    }
    json.dumps(export)


def test_subject_access_export_says_there_is_no_avatar_when_none_was_uploaded(school, pupil):
    assert learner_export(learner=pupil)["admin_avatar"] is None


@pytest.mark.parametrize("keep_account", [False, True])
def test_erasing_a_person_deletes_the_emails_to_them_the_task_queue_keeps(
    client, school, teacher, keep_account
):
    """A password reset email is written when asked for and sent by the task worker: the
    database's task queue keeps it, sent or not, with their address, their name and their
    username. Erasing them left it there; it goes with the rest, and others' stay."""
    from django.core.cache import cache
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from tests.factories import UserFactory

    colleague = UserFactory(
        school=school, username="colleague", email="colleague@school.invalid", roles=["staff"]
    )
    cache.clear()  # the once-every-few-minutes limit on reset emails is kept in the cache
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        for address in ("Teacher1@School.invalid", "colleague@school.invalid"):
            client.post("/accounts/password/reset/", {"email": address})
    assert DBTaskResult.objects.count() == 2

    learner_erase(learner=teacher, delete_account=not keep_account)

    [kept] = DBTaskResult.objects.all()
    assert kept.args_kwargs["kwargs"]["to"] == [colleague.email]
    cache.clear()


def test_erasing_a_person_deletes_the_emails_the_task_queue_keeps_to_an_address_they_had(
    client, school, teacher
):
    """A member of staff asked for a password reset, then their address was changed (a new
    email at the school, a corrected typo). Erasing them deleted only the emails to the
    address they have now: the reset email to the old one stayed in the task queue, with
    their name, username and link. It goes too, as it was sent to them."""
    from django.core.cache import cache
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    cache.clear()  # the once-every-few-minutes limit on reset emails is kept in the cache
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        client.post("/accounts/password/reset/", {"email": teacher.email})
    assert DBTaskResult.objects.count() == 1
    teacher.email = "new.address@school.invalid"
    teacher.save()

    learner_erase(learner=teacher)

    assert not DBTaskResult.objects.exists()
    cache.clear()


def test_purge_removes_the_certificate_of_a_completion_it_purges_after_the_person_moved_school(
    school, teacher, staff_course
):
    """A member of staff completed a course at a school that keeps records for a year, then
    moved to one that keeps them for seven. The purge deletes the first school's statements,
    and the completion with them, but went by the person's school now for certificates, so
    kept theirs: a certificate that no longer verifies, naming them, for years after the
    statement it came from. A certificate goes with the statement it was issued for."""
    from tests.factories import SchoolFactory

    school.retention_months = 12
    school.save()
    _record(school, statement(teacher, COMPLETED, staff_course.activity_iri, when=timezone.now()))
    certificate_issue(learner=teacher, statement_id=Completion.objects.get().statement_id)
    teacher.school = SchoolFactory(retention_months=84)
    teacher.save()

    records_purge(now=timezone.now() + timedelta(days=400))

    assert not Statement.objects.exists()
    assert not Completion.objects.exists()
    assert not Certificate.objects.exists()


def _task_row(*, status, finished_days_ago=None, run_after=None, to="someone@school.invalid"):
    """A row of the database's task queue: a password reset email, as `email_send` keeps it."""
    from django_tasks_db.models import DBTaskResult

    from schools.tasks import email_send

    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        task_path=email_send.module_path,
        backend_name="default",
        args_kwargs={"args": [], "kwargs": {"to": [to], "subject": "Reset", "body": "A link"}},
        run_after=run_after or now,
        finished_at=None if finished_days_ago is None else now - timedelta(days=finished_days_ago),
    )


@pytest.mark.parametrize("how", ["purge_records", "send_reminders", "reminders_run"])
def test_finished_tasks_are_deleted_after_a_week_and_waiting_ones_are_kept(school, how, settings):
    """Every email the site sends from a request (a password reset: the address, the
    person's name, their username and the link) is a row of the database's task queue,
    and a finished row was kept for ever. A week after it finished it goes, with the
    retention purge and with the daily reminders run; a task still waiting to run stays,
    however long it has waited."""
    from django_tasks_db.models import DBTaskResult

    from records.tasks import reminders_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old_sent = _task_row(status="SUCCESSFUL", finished_days_ago=8)
    old_failed = _task_row(status="FAILED", finished_days_ago=30)
    recent = _task_row(status="SUCCESSFUL", finished_days_ago=6)
    waiting = _task_row(status="READY", run_after=timezone.now() + timedelta(hours=1))
    waiting_long = _task_row(status="READY", run_after=timezone.now() - timedelta(days=40))
    DBTaskResult.objects.filter(pk=waiting_long.pk).update(
        enqueued_at=timezone.now() - timedelta(days=40)
    )

    if how != "reminders_run":
        call_command(how)
    else:
        reminders_run.call()

    kept = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert {recent.pk, waiting.pk, waiting_long.pk} <= kept
    assert not {old_sent.pk, old_failed.pk} & kept


def test_an_email_task_left_running_by_a_worker_that_died_is_deleted_a_week_on(school, settings):
    """A worker stopped mid-send (a deploy, a crash, the machine restarted) leaves its task
    marked running for ever: the worker claims only tasks waiting to run, so none finishes it.
    Its arguments are the person's address, name and password reset link, and the purge kept
    every such row however old. A task still running a week after it started is one no
    worker is running; it goes, and one started today stays."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    stuck = _task_row(status="RUNNING")
    DBTaskResult.objects.filter(pk=stuck.pk).update(
        started_at=timezone.now() - timedelta(days=8),
        enqueued_at=timezone.now() - timedelta(days=8),
    )
    sending = _task_row(status="RUNNING")
    DBTaskResult.objects.filter(pk=sending.pk).update(started_at=timezone.now())

    call_command("purge_records")

    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [sending.pk]


def test_erasing_a_person_reads_only_their_emails_in_the_task_queue_not_every_one(
    school, teacher, monkeypatch
):
    """Erasing someone deletes the emails to them the task queue keeps, and found them by
    reading the arguments of every email in it into Python: a September purge of 200 leavers
    against tens of thousands of emails read them all 200 times. The database picks the
    few that may be theirs; an address that merely contains theirs is not theirs."""
    from django.db.models import JSONField
    from django_tasks_db.models import DBTaskResult

    from schools.tasks import email_send

    def row(to):
        return DBTaskResult(
            status="SUCCESSFUL",
            task_path=email_send.module_path,
            backend_name="default",
            args_kwargs={"args": [], "kwargs": {"to": [to], "subject": "Reset", "body": "..."}},
            run_after=timezone.now(),
            finished_at=timezone.now(),
        )

    others = [row(f"person{n}@school.invalid") for n in range(3000)]
    others.append(row("xteacher1@school.invalid"))
    DBTaskResult.objects.bulk_create(
        [*others, row("Teacher1@School.invalid"), row(teacher.email)], batch_size=500
    )
    read = []
    from_db_value = JSONField.from_db_value

    def counting(self, value, expression, connection):
        read.append(value)
        return from_db_value(self, value, expression, connection)

    monkeypatch.setattr(JSONField, "from_db_value", counting)
    learner_erase(learner=teacher)
    monkeypatch.undo()

    assert len(read) <= 10
    assert DBTaskResult.objects.count() == len(others)
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__to__icontains="xteacher1").exists()


@pytest.mark.parametrize(
    "address", ["teacher1@school.invalid", "Zoë.Brontë@school.invalid", "siân@ysgol.invalid"]
)
def test_erasing_a_person_deletes_the_emails_to_their_address_whatever_its_letters_or_case(
    school, teacher, address
):
    """The database finds the emails to them on SQLite, which keeps letters beyond ASCII
    escaped, as on PostgreSQL, which does not; the address in any ASCII case."""
    from django_tasks_db.models import DBTaskResult

    teacher.email = address
    teacher.save()
    for to in {address, address.upper() if address.isascii() else address, "someone@else"}:
        _task_row(status="READY", to=to)

    learner_erase(learner=teacher)

    assert list(DBTaskResult.objects.values_list("args_kwargs__kwargs__to", flat=True)) == [
        ["someone@else"]
    ]


def test_purge_deletes_sessions_that_have_expired(school, teacher, pupil):
    """A sign-in ends after a while without a request, but its row (naming the account)
    stayed in the sessions table for ever: nothing cleared expired ones. The retention purge
    does; a session still running stays."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    for person in (teacher, pupil):
        Client().force_login(person)
    expired, running = Session.objects.order_by("expire_date")
    Session.objects.filter(pk=expired.pk).update(expire_date=timezone.now() - timedelta(days=1))

    call_command("purge_records")

    assert list(Session.objects.values_list("pk", flat=True)) == [running.pk]


def test_a_school_keeping_records_longer_than_the_calendar_goes_back_stops_no_purge(
    school, teacher, capsys
):
    """An administrator keeps one school's records "for ever" by giving it 99999 months.
    The monthly purge stopped with a traceback ("year -6359 is out of range"), so no school's
    old records went; now that school keeps everything and the others are purged."""
    from tests.factories import SchoolFactory

    SchoolFactory(name="Aardvark Academy", retention_months=99999)
    school.retention_months = 1
    school.save()
    _record(school, statement(teacher, COMPLETED, COURSE, when=timezone.now() - timedelta(days=90)))

    call_command("purge_records")

    assert Statement.objects.count() == 0
    assert "Deleted 1 statements." in capsys.readouterr().out


def test_purging_only_what_is_older_than_more_months_than_the_calendar_holds_deletes_nothing(
    school, teacher
):
    school.retention_months = 1
    school.save()
    _record(school, statement(teacher, COMPLETED, COURSE, when=timezone.now() - timedelta(days=90)))

    call_command("purge_records", "--older-than", "30000")

    assert Statement.objects.count() == 1


def test_purging_older_than_a_negative_number_of_months_is_a_command_error_deleting_nothing(
    school, teacher
):
    """A negative --older-than was refused by raising SystemExit, which is no error to
    whatever runs the command in-process (call_command, a task): it ended that process, or
    went past its `except Exception`, instead of being a CommandError with the message."""
    from django.core.management.base import CommandError

    school.retention_months = 1
    school.save()
    _record(school, statement(teacher, COMPLETED, COURSE, when=timezone.now() - timedelta(days=90)))

    with pytest.raises(CommandError, match="--older-than must be zero or more months"):
        call_command("purge_records", "--older-than", "-5")

    assert Statement.objects.count() == 1


def test_purge_removes_course_attempts_by_the_school_they_were_started_at(
    school, teacher, staff_course
):
    """A teacher took a course twice at a school that keeps records for a year, then moved
    to one that keeps them for seven. The purge went by the school they are at now, so it
    kept the first attempt (when they took it, and the registration its statements carried)
    six years longer than the school they took it at allows. It goes by that school."""
    from courses.models import Enrolment
    from courses.services import course_registration
    from tests.factories import SchoolFactory

    school.retention_months = 12
    school.save()
    first = course_registration(learner=teacher, course=staff_course)
    Enrolment.objects.filter(registration=first).update(
        started_at=timezone.now() - timedelta(days=30)
    )
    Enrolment.objects.create(learner=teacher, course=staff_course, attempt=2)
    teacher.school = SchoolFactory(retention_months=84)
    teacher.save()

    records_purge(now=timezone.now() + timedelta(days=400))

    assert list(Enrolment.objects.values_list("attempt", flat=True)) == [2]


@pytest.mark.parametrize("command", ["erase_learner", "export_learner"])
def test_the_commands_find_a_person_by_username_in_any_capitals_as_sign_in_does(
    school, command, capsys
):
    """Sign-in ignores capitals, so a school knows a pupil as "JSmith4" whose account says
    "jsmith4". The commands answered "No person with username 'JSmith4'", as if the pupil
    had no data to export or erase."""
    from tests.factories import PupilFactory

    pupil = PupilFactory(school=school, username="jsmith4")

    call_command(command, "JSmith4")

    if command == "erase_learner":
        assert not User.objects.filter(pk=pupil.pk).exists()
    else:
        assert json.loads(capsys.readouterr().out)["person"]["learner_id"] == str(pupil.learner_id)


@pytest.mark.parametrize("command", ["erase_learner", "export_learner"])
def test_the_commands_refuse_a_username_two_people_share_in_other_capitals(school, command):
    """Two accounts made before sign-in refused usernames differing only in capitals:
    given the name in a third spelling, the commands must not pick either of them."""
    from django.core.management.base import CommandError

    from tests.factories import PupilFactory

    twins = [PupilFactory(school=school, username=name) for name in ("Sam.Lee", "sam.lee")]

    with pytest.raises(CommandError, match=r"'Sam\.Lee', 'sam\.lee'"):
        call_command(command, "SAM.LEE")

    assert User.objects.filter(pk__in=[twin.pk for twin in twins]).count() == 2


@pytest.mark.parametrize("command", ["erase_learner", "export_learner"])
def test_the_commands_take_the_exact_username_of_one_of_two_twins(school, command, capsys):
    from tests.factories import PupilFactory

    kept, named = (PupilFactory(school=school, username=name) for name in ("Sam.Lee", "sam.lee"))

    call_command(command, "sam.lee")

    if command == "erase_learner":
        assert list(User.objects.filter(username__iexact="sam.lee")) == [kept]
    else:
        assert json.loads(capsys.readouterr().out)["person"]["learner_id"] == str(named.learner_id)


def test_subject_access_export_leaves_out_sign_ins_a_case_twin_may_have_made(school):
    """The sign-in log keeps usernames in lower case, so the entries of "Sam.Lee" and of
    "sam.lee" (two accounts made before sign-in refused such pairs) are the same to it. One
    twin's download gave every entry of both: when and from what address and browser the
    other signed in. It gives neither's, and says why."""
    from axes.models import AccessLog

    from tests.factories import PupilFactory

    asked, twin = (PupilFactory(school=school, username=name) for name in ("sam.lee", "Sam.Lee"))
    AccessLog.objects.create(username="sam.lee", ip_address="10.0.0.12")

    export = learner_export(learner=asked)

    assert export["sign_ins"] == [] and export["failed_sign_ins"] == []
    assert "other capitals" in export["sign_ins_left_out"]
    assert learner_export(learner=twin)["sign_ins"] == []


def test_checking_a_certificate_the_purge_removed_says_its_record_may_no_longer_be_held(
    client, school, teacher, staff_course
):
    """Someone checks a certificate years later, typed exactly as printed, after the school's
    retention period deleted its record. The page must not only tell them to check their
    typing: it says a record can be no longer held, and why (still naming nobody)."""
    from django.urls import reverse

    school.retention_months = 12
    school.save()
    _record(school, statement(teacher, COMPLETED, staff_course.activity_iri, when=timezone.now()))
    code = certificate_issue(
        learner=teacher, statement_id=Completion.objects.get().statement_id
    ).code
    records_purge(now=timezone.now() + timedelta(days=400))

    page = client.get(reverse("records:verify"), {"code": code}).content.decode()
    assert "Not a valid certificate" in page
    assert "no longer holds the record" in page


def test_a_subject_access_export_says_which_course_each_reminder_was_about(
    school, staff_team, staff_course, teacher, mailoutbox
):
    """ "Overdue, about 3 March" tells the person nothing unless it says about what."""
    from datetime import date

    from records.services import reminders_send
    from tests.records.conftest import assign_to_team

    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=3))
    reminders_send()
    [reminder] = learner_export(learner=teacher)["reminders_sent"]
    assert reminder["kind"] == "overdue"
    assert reminder["course"] == staff_course.title


def test_erasing_someone_named_in_a_colleagues_completion_takes_the_certificate_issued_for_it(
    school, teacher, staff_course
):
    """A colleague's completing statement named the erased person as its instructor: erasure
    deletes that statement and rebuilds the colleague's records without it, but kept the
    certificate issued for it, which no longer verifies. A certificate goes with the
    statement it was issued for, as in the retention purge."""
    from tests.factories import UserFactory
    from xapi.identity import actor_for

    colleague = UserFactory(school=school, username="colleague", roles=["staff"])
    taught = statement(colleague, COMPLETED, staff_course.activity_iri, when=timezone.now())
    taught["context"] = {"instructor": actor_for(teacher)}
    _record(school, taught)
    certificate_issue(learner=colleague, statement_id=Completion.objects.get().statement_id)

    learner_erase(learner=teacher)

    assert not Completion.objects.filter(learner=colleague).exists()
    assert not Certificate.objects.filter(learner=colleague).exists()


def test_erasing_a_person_keeps_the_emails_queued_for_another_account_at_the_same_address(
    school, teacher
):
    """Two accounts may share an address (a member of staff with a second account). Erasing
    one deleted every queued email to that address, though the other account's are about
    the other account and are its to keep; an email about no account still goes."""
    from django_tasks_db.models import DBTaskResult

    from tests.factories import UserFactory

    other = UserFactory(school=school, username="second", email=teacher.email, roles=["staff"])
    about_other = _task_row(status="READY", to=teacher.email)
    about_other.args_kwargs["kwargs"]["person"] = other.pk
    about_other.save()
    _task_row(status="READY", to=teacher.email)

    learner_erase(learner=teacher)

    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [about_other.pk]


def test_subject_access_export_holds_the_admin_access_and_preferences_kept_about_the_person(
    school, teacher
):
    """Whether the person may use the admin, whether they are a site administrator, and the
    language and time zone they chose in the admin (Account -> Preferences) are kept about
    them: the export held none of it (docs/records.md: everything held)."""
    from wagtail.users.models import UserProfile

    User.objects.filter(pk=teacher.pk).update(is_staff=True, is_superuser=True)
    teacher.refresh_from_db()
    profile = UserProfile.get_for_user(teacher)
    profile.preferred_language = "cy"
    profile.current_time_zone = "Europe/London"
    profile.save()

    person = learner_export(learner=teacher)["person"]

    assert person["admin_access"] is True
    assert person["site_administrator"] is True
    assert person["admin_preferences"]["language"] == "cy"
    assert person["admin_preferences"]["time_zone"] == "Europe/London"
    json.dumps(person)


@pytest.fixture
def same_email_at_two_schools(school, teacher):
    """A member of staff with accounts at two schools that both name staff by email
    (`mbox`), under the same address: a peripatetic teacher, say. The second school has a
    pupil taught by them there, an external tool naming them as the instructor."""
    from schools.models import School
    from schools.roles import Role
    from tests.factories import SchoolFactory, UserFactory
    from xapi.identity import actor_for

    address = "p.visiting@trust.example"
    school.staff_xapi_identity = School.StaffIdentity.MBOX
    school.save()
    teacher.email = address
    teacher.save()
    elsewhere = SchoolFactory(
        name="Elsewhere Academy", staff_xapi_identity=School.StaffIdentity.MBOX
    )
    twin = UserFactory(school=elsewhere, username="visiting-b", email=address, roles=[Role.STAFF])
    their_pupil = UserFactory(school=elsewhere, username="pupil-b", roles=[Role.PUPIL])
    own = statement(teacher, EXPERIENCED, iri("h5p", "dp-h5p"), when=timezone.now())
    twins = statement(twin, COMPLETED, MODULE, when=timezone.now())
    taught = statement(their_pupil, COMPLETED, COURSE, when=timezone.now())
    taught["context"] = {"instructor": actor_for(twin)}
    _record(school, own)
    _record(elsewhere, twins, taught)
    for at in (school, elsewhere):
        _save_h5p_state(at, teacher)  # under the opaque id: replaced below
    from xapi.models import Document

    Document.objects.update(agent_key=f"mbox:mailto:{address}")
    return {
        "elsewhere": elsewhere,
        "twin": twin,
        "their_pupil": their_pupil,
        "theirs": {twins["id"], taught["id"]},
        "own": own["id"],
    }


def test_erasing_staff_leaves_another_schools_records_under_the_same_email(
    school, teacher, same_email_at_two_schools
):
    """An email names a member of staff only at the schools where it is their account's
    (the LRS matches it to the school's own user, DESIGN.md): erasing them at one school
    leaves what another school keeps under the same address, about its own member of staff,
    and its pupils' records naming them."""
    from xapi.models import Document

    other = same_email_at_two_schools
    learner_erase(learner=teacher)

    left = {str(pk) for pk in Statement.objects.values_list("statement_id", flat=True)}
    assert left == other["theirs"]
    assert Completion.objects.filter(learner=other["their_pupil"]).count() == 1
    assert Completion.objects.filter(learner=other["twin"]).count() == 1
    assert list(Document.objects.values_list("school_id", flat=True)) == [other["elsewhere"].pk]


def test_subject_access_export_holds_nothing_another_school_keeps_under_the_same_email(
    school, teacher, same_email_at_two_schools
):
    """The download of a member of staff holds their statements and saved work, not those
    another school keeps about its own member of staff with the same address, nor its
    pupils' statements naming them."""
    exported = learner_export(learner=teacher)

    assert [s["id"] for s in exported["statements"]] == [same_email_at_two_schools["own"]]
    assert len(exported["documents"]) == 1


def test_purge_keeps_the_certificate_of_a_completion_the_old_school_still_keeps(
    school, teacher, staff_course
):
    """A member of staff completed a course at a school that keeps records for seven years,
    then moved to one that keeps them for one. A year on, the first school still keeps the
    statement and the completion: the certificate issued for it goes with it, so the code
    printed on it still checks out, whatever the school the person is at now keeps."""
    from records.services import certificate_verify
    from tests.factories import SchoolFactory

    school.retention_months = 84
    school.save()
    _record(school, statement(teacher, COMPLETED, staff_course.activity_iri, when=timezone.now()))
    certificate = certificate_issue(
        learner=teacher, statement_id=Completion.objects.get().statement_id
    )
    teacher.school = SchoolFactory(retention_months=12)
    teacher.save()

    records_purge(now=timezone.now() + timedelta(days=400))

    assert Completion.objects.filter(learner=teacher).count() == 1
    assert certificate_verify(code=certificate.code) == certificate


def _recorded_by_the_schools_tool(school, person, agents, display_name) -> list[dict]:
    """What a school's tool records of `person` completing the course, a statement for each
    of `agents` (how it names them), each with the display name the tool sends beside it."""
    recorded = []
    for agent in agents:
        named = statement(person, COMPLETED, COURSE, when=timezone.now())
        named.pop("stored")
        named["actor"] = {"objectType": "Agent", "name": display_name, **agent}
        recorded.append(named)
    record(statements=recorded, school=school, authority=_tool_authority(school))
    return recorded


def _named_by_the_schools_tools(school, pupil) -> list[str]:
    """Statements a school's tool recorded naming `pupil` as forwarding recognises them but
    the LRS does not link to their account: by an account whose name is their MIS id, by
    the SHA1 of their email, and by an account whose name is their sign-in address."""
    import hashlib

    pupil.mis_id = "ADM55102"
    pupil.email = "Pupil1@Elm-Lane.school.invalid"
    pupil.save()
    digest = hashlib.sha1(f"mailto:{pupil.email}".encode(), usedforsecurity=False).hexdigest()
    agents = [
        {"account": {"homePage": "https://mis.school.invalid", "name": "adm55102"}},
        {"mbox_sha1sum": digest},
        {"account": {"homePage": "https://login.school.invalid", "name": pupil.email.upper()}},
    ]
    recorded = _recorded_by_the_schools_tool(school, pupil, agents, "Pupil Of Elm Lane School")
    return [named["id"] for named in recorded]


def test_subject_access_export_holds_statements_a_tool_recorded_under_the_pupils_mis_id(
    school, pupil
):
    """Forwarding knows a pupil by their MIS id, the SHA1 of their email and their sign-in
    address as well as by their opaque account; what a school's tool recorded under those
    is held about the pupil, so their own download holds it."""
    ids = _named_by_the_schools_tools(school, pupil)
    exported = {s["id"] for s in learner_export(learner=pupil)["statements"]}
    assert exported == set(ids)


def test_erasing_a_pupil_removes_statements_a_tool_recorded_under_their_mis_id(school, pupil):
    """Erasure removes the statements naming the pupil by their MIS id, hashed email or
    sign-in address, with the name the tool sent beside them; another school's pupil with
    the same MIS id keeps theirs."""
    from tests.factories import SchoolFactory
    from tests.schools.helpers import pupil_named

    ids = _named_by_the_schools_tools(school, pupil)
    other_school = SchoolFactory(name="Other Academy")
    elsewhere = pupil_named(other_school, "pupil2", "Ann", "Other", mis_id="ADM55102")
    theirs = statement(elsewhere, COMPLETED, COURSE, when=timezone.now())
    theirs.pop("stored")
    theirs["actor"] = {
        "objectType": "Agent",
        "account": {"homePage": "https://mis.school.invalid", "name": "adm55102"},
    }
    record(statements=[theirs], school=other_school, authority=_tool_authority(other_school))

    learner_erase(learner=pupil)
    assert not Statement.objects.filter(statement_id__in=ids).exists()
    assert Statement.objects.filter(statement_id=theirs["id"]).exists()


def test_erasing_a_pupil_removes_what_a_tool_recorded_under_their_mis_id_written_another_way(
    school, pupil
):
    """A tool keeping admission numbers as numbers names the pupil whose MIS id is "001234"
    by "1234": forwarding knows them by it (as the roster import does), so erasure takes
    what it recorded, with the name the tool sent beside it."""
    pupil.mis_id = "001234"
    pupil.save()
    agents = [{"account": {"homePage": "https://mis.school.invalid", "name": "1234"}}]
    [named] = _recorded_by_the_schools_tool(school, pupil, agents, "Pupil Of Elm Lane School")
    learner_erase(learner=pupil)
    assert not Statement.objects.filter(statement_id=named["id"]).exists()


def test_what_a_tool_saved_under_a_pupils_mis_id_is_exported_and_erased(school, pupil):
    """A school's tool may save a pupil's progress (an LRS state document) under the same
    account for their MIS id it names them by in statements: it is theirs, downloaded with
    their records and erased with them."""
    from xapi.models import Document

    _named_by_the_schools_tools(school, pupil)
    _save_tool_progress(school, "account:https://mis.school.invalid|adm55102")
    assert [d["document_id"] for d in learner_export(learner=pupil)["documents"]] == ["progress"]
    learner_erase(learner=pupil)
    assert not Document.objects.exists()


@pytest.mark.parametrize("name", ["ADM55102", "Pupil1@Elm-Lane.school.invalid"])
def test_what_a_tool_recorded_under_an_account_at_the_sites_address_for_a_pupil_is_theirs(
    school, pupil, name
):
    """A school's tool may write the pupil's MIS id or sign-in address as the name of an
    account under the site's own address: forwarding knows the pupil by it (a MIS account
    whatever its homePage), so their download holds it and erasure takes it, with the name
    the tool sent beside it."""
    from xapi.models import Document

    pupil.mis_id = "ADM55102"
    pupil.email = "Pupil1@Elm-Lane.school.invalid"
    pupil.save()
    agent = {"account": {"homePage": settings.SITE_URL, "name": name}}
    [named] = _recorded_by_the_schools_tool(school, pupil, [agent], "Pupil Of Elm Lane School")
    _save_tool_progress(school, f"account:{settings.SITE_URL}|{name}")

    export = learner_export(learner=pupil)
    assert [s["id"] for s in export["statements"]] == [named["id"]]
    assert [d["document_id"] for d in export["documents"]] == ["progress"]
    learner_erase(learner=pupil)
    assert not Statement.objects.filter(statement_id=named["id"]).exists()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "home, spelling",
    [
        ("", lambda learner_id: str(learner_id).upper()),
        ("", lambda learner_id: learner_id.hex),
        ("/", str),
    ],
    ids=["capitals", "without-hyphens", "closing-slash"],
)
def test_what_names_a_pupils_opaque_account_written_another_way_is_exported_and_erased(
    school, pupil, home, spelling
):
    """A tool may write a pupil's opaque id in capitals or without hyphens, or the site's
    address with a closing slash (the same IRI, RFC 3986 6.2.3): forwarding knows the pupil
    by it, so a statement naming them so as its actor or its object (with the name the tool
    sent beside it), and what the tool saved under it, are theirs to download and go when
    they are erased."""
    from xapi.models import Document

    account = {"homePage": f"{settings.SITE_URL}{home}", "name": spelling(pupil.learner_id)}
    agent = {"objectType": "Agent", "name": "Pupil Of Elm Lane School", "account": account}
    as_actor = statement(pupil, COMPLETED, COURSE, when=timezone.now())
    as_actor["actor"] = agent
    as_object = statement(pupil, COMPLETED, COURSE, when=timezone.now())
    as_object["actor"] = {"account": {"homePage": "https://tool.invalid", "name": "bot"}}
    as_object["verb"] = {"id": "http://adlnet.gov/expapi/verbs/mentored"}
    as_object["object"] = agent
    for named in (as_actor, as_object):
        named.pop("stored")
    record(statements=[as_actor, as_object], school=school, authority=_tool_authority(school))
    _save_tool_progress(school, f"account:{account['homePage']}|{account['name']}")

    export = learner_export(learner=pupil)
    assert {s["id"] for s in export["statements"]} == {as_actor["id"], as_object["id"]}
    assert [d["document_id"] for d in export["documents"]] == ["progress"]
    learner_erase(learner=pupil)
    assert not Statement.objects.exists()
    assert not Document.objects.exists()


def test_what_a_tool_recorded_under_a_staff_members_mis_id_is_exported_and_erased(
    school, teacher, pupil
):
    """A school's tool knows its staff by the same identifiers as its pupils: an account
    named by their MIS id (a staff code) or sign-in address, or the SHA1 of their email.
    What it recorded or saved under them is the member of staff's, in their download and
    gone when they are erased; a pupil's under their own MIS id stays."""
    import hashlib

    from xapi.models import Document

    teacher.mis_id = "T042"
    teacher.save()
    pupil.mis_id = "ADM55102"
    pupil.save()
    digest = hashlib.sha1(f"mailto:{teacher.email}".encode(), usedforsecurity=False).hexdigest()
    agents = [
        {"account": {"homePage": "https://mis.school.invalid", "name": "t042"}},
        {"mbox_sha1sum": digest},
        {"account": {"homePage": "https://login.school.invalid", "name": teacher.email}},
        {"account": {"homePage": "https://mis.school.invalid", "name": "ADM55102"}},
    ]
    recorded = _recorded_by_the_schools_tool(school, teacher, agents, "Teacher Of Elm Lane")
    _save_tool_progress(school, "account:https://mis.school.invalid|t042")
    theirs, pupils = [named["id"] for named in recorded[:3]], recorded[3]["id"]

    export = learner_export(learner=teacher)
    assert {s["id"] for s in export["statements"]} == set(theirs)
    assert [d["document_id"] for d in export["documents"]] == ["progress"]
    learner_erase(learner=teacher)
    assert list(Statement.objects.values_list("statement_id", flat=True)) == [uuid.UUID(pupils)]
    assert not Document.objects.exists()


def test_the_erase_page_shows_its_own_error_summary_rather_than_the_browsers_bubble(
    client, school, pupil, safeguarding_lead
):
    """Sent empty, the confirmation box was stopped by the browser's own "fill in this field"
    bubble (its `required`), which screen readers and zoomed pages handle badly, rather than
    the page's error summary linked to the box, as every other form of the site does."""
    import re

    from django.urls import reverse

    client.force_login(safeguarding_lead, backend="schools.backends.AnyCaseUsernameBackend")
    url = reverse("records:person_erase", args=[pupil.pk])
    html = client.get(url).text
    (form,) = re.findall(r"<form[^>]*>", html[html.index("<main") :])
    assert "novalidate" in form
    html = client.post(url, {"confirm": ""}).text
    assert 'href="#confirm">Type the username exactly to confirm.</a>' in html
    # What was typed wrongly is shown back, so the slip can be seen and put right.
    html = client.post(url, {"confirm": "not-their-username"}).text
    assert 'value="not-their-username"' in html
