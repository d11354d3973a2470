"""Who may open which records page (role by resource), and what each page and CSV shows."""

import csv
import io
import os
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from records.models import Assignment, Certificate, Completion
from records.projection import completions_project
from records.services import assignment_create
from records.states import add_months
from schools.models import Group, Membership, User
from schools.roles import Role
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
)
from tests.records.statements import COMPLETED, completed, keys, statement

pytestmark = pytest.mark.django_db

OK, DENIED, HIDDEN = 200, 403, 404


@pytest.fixture
def world(school, klass, pupil, teacher, safeguarding_lead, staff_team, staff_course, pupil_course):
    other_school = SchoolFactory(name="Elsewhere")
    outsider = UserFactory(school=other_school, username="outsider", roles=[Role.STAFF])
    other_class = GroupFactory(school=other_school, name="9Z")
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        group=staff_team,
        due_on=date.today() + timedelta(days=10),
        renewal_months=12,
    )
    completions_project(
        statements=[statement(teacher, COMPLETED, staff_course.activity_iri, when=timezone.now())],
        learners_by_key=keys(teacher),
    )
    return {
        "pupil": pupil,
        "staff": teacher,
        "safeguarding_lead": safeguarding_lead,
        "outsider": outsider,
        "klass": klass,
        "other_class": other_class,
        "completion": Completion.objects.get(learner=teacher),
    }


def _client(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    return client


RESOURCES = {
    "dashboard": lambda w: reverse("records:dashboard"),
    "overview_csv": lambda w: reverse("records:overview_csv"),
    "matrix": lambda w: reverse("records:matrix"),
    "matrix_csv": lambda w: reverse("records:matrix_csv"),
    "assignments": lambda w: reverse("records:assignments"),
    "assignment_change": lambda w: reverse(
        "records:assignment_change", args=[Assignment.objects.get().pk]
    ),
    "person": lambda w: reverse("records:person", args=[w["staff"].pk]),
    "person_export": lambda w: reverse("records:person_export", args=[w["staff"].pk]),
    "data_protection": lambda w: reverse("records:data_protection"),
    "training_record_pdf": lambda w: reverse("records:training_record_pdf"),
    "chase": lambda w: reverse("records:chase"),
    "data_protection_csv": lambda w: reverse("records:data_protection_csv"),
    "my_cpd": lambda w: reverse("records:my_cpd"),
    "certificate": lambda w: reverse("records:certificate", args=[w["completion"].statement_id]),
    "pshe_class": lambda w: reverse("records:pshe_class", args=[w["klass"].pk]),
    "pshe_other_class": lambda w: reverse("records:pshe_class", args=[w["other_class"].pk]),
    "my_pshe": lambda w: reverse("records:my_pshe"),
    "verify": lambda w: reverse("records:verify"),
}

MATRIX = {
    #                    anonymous pupil  staff   lead    outsider (staff, other school)
    "dashboard": (302, DENIED, DENIED, OK, DENIED),
    "overview_csv": (302, DENIED, DENIED, OK, DENIED),
    "matrix": (302, DENIED, DENIED, OK, DENIED),
    "matrix_csv": (302, DENIED, DENIED, OK, DENIED),
    "assignments": (302, DENIED, DENIED, OK, DENIED),
    "assignment_change": (302, DENIED, DENIED, OK, DENIED),
    "person": (302, DENIED, DENIED, OK, DENIED),
    "person_export": (302, DENIED, DENIED, OK, DENIED),
    "data_protection": (302, DENIED, DENIED, OK, DENIED),
    "training_record_pdf": (302, DENIED, DENIED, OK, DENIED),
    "chase": (302, DENIED, DENIED, OK, DENIED),
    "data_protection_csv": (302, DENIED, DENIED, OK, DENIED),
    "my_cpd": (302, DENIED, OK, OK, OK),
    "certificate": (302, DENIED, OK, HIDDEN, HIDDEN),  # only the person's own
    "pshe_class": (302, HIDDEN, OK, OK, HIDDEN),
    "pshe_other_class": (302, HIDDEN, HIDDEN, HIDDEN, OK),
    "my_pshe": (302, OK, DENIED, DENIED, DENIED),
    "verify": (OK, OK, OK, OK, OK),
}
WHO = ["anonymous", "pupil", "staff", "safeguarding_lead", "outsider"]
# Sent as a form: it writes to the data protection log.
POSTED = {"person_export"}


@pytest.mark.parametrize("resource", list(MATRIX))
def test_role_by_resource(client, world, resource):
    # Teachers of another school's class see it: grant the outsider that class.
    Membership.objects.create(
        group=world["other_class"], user=world["outsider"], role=Membership.Role.TEACHER
    )
    for who, expected in zip(WHO, MATRIX[resource], strict=True):
        client.logout()
        method = "post" if resource in POSTED else "get"
        response = getattr(_client(client, world, who), method)(RESOURCES[resource](world))
        assert response.status_code == expected, (resource, who, response.status_code)


def test_lead_of_another_school_cannot_open_a_person_here(client, world):
    lead = UserFactory(
        school=world["other_class"].school, roles=[Role.STAFF, Role.SAFEGUARDING_LEAD]
    )
    client.force_login(lead)
    response = client.get(reverse("records:person", args=[world["staff"].pk]))
    assert response.status_code == HIDDEN


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_overview_shows_percentages_as_text_and_chart(client, world, staff_course):
    client.force_login(world["safeguarding_lead"])
    html = client.get(reverse("records:dashboard")).content.decode()
    assert staff_course.title in html
    assert "50%" in html
    assert "<svg" in html
    rows = _rows(client.get(reverse("records:overview_csv")))
    assert rows[0][:3] == ["Course", "Assigned", "Completed"]
    assert rows[1][:4] == [staff_course.title, "2", "1", "50%"]


def test_matrix_csv_has_every_learner_and_state(client, world, staff_course):
    client.force_login(world["safeguarding_lead"])
    rows = _rows(client.get(reverse("records:matrix_csv")))
    states = {row[1]: row[2] for row in rows[1:]}
    assert states == {
        world["staff"].username: "Completed",
        world["safeguarding_lead"].username: "Not started",
    }
    rows = _rows(client.get(reverse("records:matrix_csv") + "?status=not_started"))
    assert [row[1] for row in rows[1:]] == [world["safeguarding_lead"].username]


def test_the_matrix_csv_says_when_each_completion_expires(client, world, staff_course):
    """Evidence for an inspection: a course renewed yearly needs the day each person's
    completion runs out, as the table shows it, not only the day it was done."""
    from records.states import add_months

    client.force_login(world["safeguarding_lead"])
    rows = _rows(client.get(reverse("records:matrix_csv")))
    title = staff_course.title
    assert rows[0] == [
        "Name",
        "Username",
        f"{title}: status",
        f"{title}: due",
        f"{title}: completed",
        f"{title}: expires",
    ]
    by_username = {row[1]: row for row in rows[1:]}
    done_on = timezone.localdate(world["completion"].completed_at)
    assert by_username[world["staff"].username][4:] == [
        done_on.isoformat(),
        add_months(done_on, 12).isoformat(),
    ]
    assert by_username[world["safeguarding_lead"].username][4:] == ["", ""]


def test_the_matrix_says_when_nothing_is_assigned_and_when_filters_match_nobody(
    client, world, staff_course
):
    client.force_login(world["safeguarding_lead"])
    html = client.get(reverse("records:matrix") + "?status=overdue").content.decode()
    assert "Nobody matches these filters." in html
    Assignment.objects.all().delete()
    html = client.get(reverse("records:matrix")).content.decode()
    assert "No courses are assigned yet" in html and "Nobody matches" not in html
    assert f'<a href="{reverse("records:assignments")}">Assign a course</a>' in html


def test_matrix_ignores_nonsense_filters(client, world):
    client.force_login(world["safeguarding_lead"])
    response = client.get(reverse("records:matrix") + "?group=abc&status=zzz&page=-4")
    assert response.status_code == 200


def test_a_bad_filter_value_leaves_the_other_filters_in_place_on_the_page_and_csv(client, world):
    # A link to a course no longer assigned (or a group since removed) must not turn
    # "who has not started" into everyone in the school.
    client.force_login(world["safeguarding_lead"])
    query = "?status=not_started&course=999999"
    response = client.get(reverse("records:matrix") + query)
    assert response.status_code == 200
    assert response.context["matrix"].total == 1
    assert "Select a valid choice" in response.content.decode()
    rows = _rows(client.get(reverse("records:matrix_csv") + query))
    assert [row[1] for row in rows[1:]] == [world["safeguarding_lead"].username]


def test_a_matrix_page_past_the_last_goes_to_the_last_not_to_nobody_matches(client, world):
    # Page 3 of the overdue, bookmarked; since then most have caught up.
    client.force_login(world["safeguarding_lead"])
    response = client.get(reverse("records:matrix") + "?status=not_started&page=3")
    assert response.status_code == 302
    assert response["Location"] == reverse("records:matrix") + "?status=not_started&page=1"
    html = client.get(response["Location"]).content.decode()
    assert "Nobody matches these filters." not in html
    assert world["safeguarding_lead"].get_full_name() in html


def test_csv_downloads_open_in_excel_with_names_intact(client, world):
    # Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
    world["staff"].first_name = "Zoë"
    world["staff"].save()
    client.force_login(world["safeguarding_lead"])
    content = client.get(reverse("records:matrix_csv")).content
    assert content.startswith("\ufeff".encode())
    assert "Zoë" in content.decode("utf-8-sig")


def test_a_download_named_after_a_group_keeps_its_name_whatever_it_holds(client, world):
    # A quote would end the filename early; a letter outside Latin-1 needs RFC 6266's form,
    # with a plain ASCII filename first for the clients that do not read that form.
    world["klass"].name = 'Blwyddyn 8 "Ŵ"'
    world["klass"].save()
    client.force_login(world["staff"])
    response = client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="pshe-Blwyddyn 8 _W_.csv"; '
        "filename*=utf-8''pshe-Blwyddyn%208%20%22%C5%B4%22.csv"
    )


@pytest.mark.parametrize(
    "name, fallback",
    [
        ("Année 8", "pshe-Annee 8.csv"),
        ("Класс 8", "pshe-_____ 8.csv"),
        ('Année "8\\R"', "pshe-Annee _8_R_.csv"),
    ],
)
def test_a_download_with_letters_outside_ascii_also_has_a_plain_filename(
    client, world, name, fallback
):
    # Clients that do not read filename* (RFC 6266, section 4.3) fall back on filename=.
    world["klass"].name = name
    world["klass"].save()
    client.force_login(world["staff"])
    response = client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk]))
    assert f'attachment; filename="{fallback}"; filename*=utf-8' in response["Content-Disposition"]


def test_csv_cells_cannot_be_spreadsheet_formulas(client, world):
    world["staff"].first_name = "=HYPERLINK(1)"
    world["staff"].save()
    client.force_login(world["safeguarding_lead"])
    content = client.get(reverse("records:matrix_csv")).content.decode()
    assert "'=HYPERLINK(1)" in content


def _assign_to_group(client, course, group, *, url=None):
    """Post the assignments form: the course to the group, due in three days, with 30 days
    for new starters."""
    return client.post(
        url or reverse("records:assignments"),
        {
            "course": course.pk,
            "group": group.pk,
            "due_on": (date.today() + timedelta(days=3)).isoformat(),
            "new_starter_days": 30,
        },
    )


def test_lead_assigns_a_course_to_a_group(client, world, staff_course, staff_team):
    client.force_login(world["safeguarding_lead"])
    due = (date.today() + timedelta(days=30)).isoformat()
    response = client.post(
        reverse("records:assignments"),
        {"course": staff_course.pk, "group": staff_team.pk, "due_on": due, "new_starter_days": 20},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(group=staff_team, due_on=due)
    assert assignment.new_starter_days == 20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_on": "2020-01-01"}, "cannot be in the past"),
        ({"role": "staff"}, "not both"),
        ({"group": ""}, "Choose a group or a role"),
        ({"due_on": "not a date"}, "Enter a real date as day/month/year"),
        ({"new_starter_days": "-1"}, "greater than or equal to 0"),
        ({"new_starter_days": ""}, "This field is required"),
    ],
)
def test_bad_assignment_is_refused_with_a_reason(
    client, world, staff_course, staff_team, data, message
):
    client.force_login(world["safeguarding_lead"])
    before = Assignment.objects.count()
    post = {
        "course": staff_course.pk,
        "group": staff_team.pk,
        "due_on": (date.today() + timedelta(days=3)).isoformat(),
        "new_starter_days": 30,
        **data,
    }
    response = client.post(reverse("records:assignments"), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: Assignments" in response.content.decode()
    assert Assignment.objects.count() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"group": "", "role": ""}, "group", "Choose a group or a role to assign the course to."),
        ({"role": "staff"}, "group", "Choose a group or a role, not both."),
        ({"group": "", "role": "pupil"}, "role", "is not for all pupils"),
    ],
)
def test_a_problem_with_who_a_course_is_for_is_tied_to_the_box_it_is_about(
    client, world, staff_course, staff_team, data, field, message
):
    """WCAG 3.3.1 (error identification), as for every other problem on the form: the error
    summary links to the box that needs putting right, and that box is marked invalid and
    described by the problem, so a screen reader says it there. A problem with the group or
    role stood alone at the top of the form, leading nowhere, and neither box said so."""
    client.force_login(world["safeguarding_lead"])
    post = {
        "course": staff_course.pk,
        "group": staff_team.pk,
        "due_on": (date.today() + timedelta(days=3)).isoformat(),
        "new_starter_days": 30,
        **data,
    }
    html = client.post(reverse("records:assignments"), post).content.decode()
    summary = html[html.index('<ul class="error-summary__list">') :]
    summary = summary[: summary.index("</ul>")]
    assert re.search(rf'<a href="#id_{field}">[^<]*{re.escape(escape(message))}', summary)
    select = re.search(rf'<select name="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in select and f"id_{field}_error" in select
    assert Assignment.objects.filter(due_on=post["due_on"]).count() == 0


@pytest.mark.parametrize(
    ("course", "audience"),
    [
        ("pupil_course", {"group": "staff_team"}),
        ("pupil_course", {"role": "staff"}),
        ("staff_course", {"group": "klass"}),
        ("staff_course", {"role": "pupil"}),
    ],
)
def test_a_course_is_not_assigned_to_people_it_is_not_for(
    client, world, request, staff_team, course, audience
):
    """Pupils cannot open a staff course, nor staff a pupils' one: assigned, they would show
    as overdue on it for ever, and staff be reminded of it every time."""
    client.force_login(world["safeguarding_lead"])
    before = Assignment.objects.count()
    course_page = request.getfixturevalue(course)
    post = {
        "course": course_page.pk,
        "due_on": (date.today() + timedelta(days=3)).isoformat(),
        "new_starter_days": 30,
    }
    for field, value in audience.items():
        post[field] = request.getfixturevalue(value).pk if field == "group" else value
    response = client.post(reverse("records:assignments"), post)
    assert response.status_code == 200
    assert "is not for" in response.content.decode()
    assert Assignment.objects.count() == before


def test_a_course_for_leads_is_not_assigned_to_a_team_with_others_in_it(
    client, world, home_page, staff_team
):
    """Teachers cannot open the course for safeguarding leads: assigned to their team, the
    lead is told why not and where it can go instead."""
    from tests.records.conftest import _course

    leads_course = _course(home_page, audience="safeguarding_leads", title="Leading safeguarding")
    client.force_login(world["safeguarding_lead"])
    before = Assignment.objects.count()
    response = _assign_to_group(client, leads_course, staff_team)
    assert response.status_code == 200
    assert (
        "“Leading safeguarding” is for safeguarding leads only: 1 person in Teaching staff is "
        "not one and could never complete it. Assign it to all safeguarding leads instead."
    ) in response.content.decode()
    assert Assignment.objects.count() == before


def test_a_course_for_leads_is_assigned_to_a_team_of_leads(
    client, world, home_page, school, safeguarding_lead
):
    from tests.records.conftest import _course

    leads_course = _course(home_page, audience="safeguarding_leads", title="Leading safeguarding")
    team = GroupFactory(school=school, name="Safeguarding team", kind=Group.Kind.STAFF_TEAM)
    MembershipFactory(group=team, user=safeguarding_lead)
    client.force_login(safeguarding_lead)
    response = _assign_to_group(client, leads_course, team)
    assert response.status_code == 302
    assert Assignment.objects.filter(group=team, course=leads_course).exists()


def test_the_assignments_page_says_who_cannot_open_an_assigned_course(
    client, world, staff_course, safeguarding_lead
):
    """A course private to some groups (its privacy in the admin) counts only for the
    people it lets in: the lead is told how many of those it is assigned to it leaves out."""
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import PageViewRestriction

    pilot = AuthGroup.objects.create(name="Pilot")
    safeguarding_lead.groups.add(pilot)
    restriction = PageViewRestriction.objects.create(
        page=staff_course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([pilot])
    client.force_login(safeguarding_lead)
    page = " ".join(client.get(reverse("records:assignments")).content.decode().split())
    assert (
        "1 person it is assigned to cannot open this course (its privacy in the admin lets in "
        "only some groups, or it is for other people), so it does not count for them."
    ) in page


def test_the_assignments_csv_says_how_many_cannot_open_an_assigned_course_as_the_page_does(
    client, world, staff_course, safeguarding_lead
):
    """The page tells the lead that an assignment leaves out the people who cannot open its
    course; its CSV twin listed the same assignment with no sign of it, a different number of
    people held to it than the page gives."""
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import PageViewRestriction

    pilot = AuthGroup.objects.create(name="Pilot")
    safeguarding_lead.groups.add(pilot)
    restriction = PageViewRestriction.objects.create(
        page=staff_course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([pilot])
    client.force_login(safeguarding_lead)
    header, row = _rows(client.get(reverse("records:assignments_csv")))
    assert row[header.index("People who cannot open the course")] == "1"


def test_lead_cannot_assign_to_another_schools_group(client, world, staff_course):
    client.force_login(world["safeguarding_lead"])
    response = _assign_to_group(client, staff_course, world["other_class"])
    assert response.status_code == 200
    assert not Assignment.objects.filter(group=world["other_class"]).exists()


def test_lead_changes_an_assignments_dates_and_reminders_follow(
    client, world, staff_team, mailoutbox
):
    from records.models import ReminderSent
    from records.services import reminders_send

    assignment = Assignment.objects.get()
    # Due in 3 days: the lead's reminder went out; then the deadline moves after half-term.
    Assignment.objects.filter(pk=assignment.pk).update(due_on=date.today() + timedelta(days=3))
    assert reminders_send() == 1
    client.force_login(world["safeguarding_lead"])
    url = reverse("records:assignment_change", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert escape(assignment.course.title) in html and "Teaching staff" in html
    assert f'value="{(date.today() + timedelta(days=3)).isoformat()}"' in html
    assert 'value="12"' in html and 'value="30"' in html
    later = date.today() + timedelta(days=40)
    response = client.post(
        url, {"due_on": later.isoformat(), "renewal_months": "", "new_starter_days": "14"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("records:assignments")
    assignment.refresh_from_db()
    assert (assignment.due_on, assignment.renewal_months, assignment.new_starter_days) == (
        later,
        None,
        14,
    )
    # The reminder already sent stays on record; the new date is not due soon yet.
    assert ReminderSent.objects.filter(assignment=assignment).count() == 1
    assert reminders_send() == 0
    page = client.get(reverse("records:assignments")).content.decode()
    assert "was changed." in page
    assert later.strftime("%-d %b %Y") in page and "14 days from joining" in page


def test_a_changed_assignment_keeps_its_past_due_date_but_refuses_a_new_one(client, world):
    assignment = Assignment.objects.get()
    past = date.today() - timedelta(days=5)
    Assignment.objects.filter(pk=assignment.pk).update(due_on=past)
    client.force_login(world["safeguarding_lead"])
    url = reverse("records:assignment_change", args=[assignment.pk])
    # The overdue date stays while the renewal changes.
    response = client.post(
        url, {"due_on": past.isoformat(), "renewal_months": "24", "new_starter_days": "30"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.renewal_months == 24 and assignment.due_on == past
    for data, message in [
        ({"due_on": (past - timedelta(days=1)).isoformat()}, "cannot be in the past"),
        ({"new_starter_days": "400"}, "less than or equal to 365"),
        ({"due_on": "31/02/2027"}, "Enter a real date as day/month/year"),
    ]:
        post = {"due_on": past.isoformat(), "renewal_months": "24", "new_starter_days": "30"}
        response = client.post(url, {**post, **data})
        assert response.status_code == 200 and message in response.content.decode()
        assert "<title>Error: Change an assignment" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.renewal_months == 24 and assignment.due_on == past


def test_a_lead_cannot_change_another_schools_assignment(client, world, staff_course):
    other = SchoolFactory(name="Third School")
    lead = UserFactory(school=other, roles=[Role.SAFEGUARDING_LEAD])
    client.force_login(lead)
    assignment = Assignment.objects.get()
    url = reverse("records:assignment_change", args=[assignment.pk])
    assert client.get(url).status_code == 404
    post = {"due_on": "2030-01-01", "renewal_months": "", "new_starter_days": "30"}
    assert client.post(url, post).status_code == 404
    assignment.refresh_from_db()
    assert assignment.due_on != date(2030, 1, 1)


def test_removing_an_assignment_asks_first_on_a_page_saying_what_it_removes(client, world):
    """WCAG 3.3.4 (error prevention): "Remove" in the table of assignments deleted one at a
    press, next to its "Change" link, with no way back. It leads to a page saying which
    assignment goes and what follows, whose button removes it; Cancel keeps it."""
    assignment = Assignment.objects.get()
    client.force_login(world["safeguarding_lead"])
    url = reverse("records:assignment_delete", args=[assignment.pk])
    table = client.get(reverse("records:assignments")).content.decode()
    assert f'<a href="{url}" class="button button--secondary">Remove<span' in table
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Remove this assignment?</h1>" in html
    assert escape(assignment.course.title) in html and "Teaching staff" in html
    assert f'<form method="post" action="{url}">' in html
    assert f'href="{reverse("records:assignments")}">Cancel</a>' in html
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("records:assignments")
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_lead_cannot_open_the_removal_of_another_schools_assignment(client, world):
    other = SchoolFactory(name="Third School")
    client.force_login(UserFactory(school=other, roles=[Role.SAFEGUARDING_LEAD]))
    assignment = Assignment.objects.get()
    url = reverse("records:assignment_delete", args=[assignment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_certificate_pdf_and_its_code_verifies(client, world, staff_course):
    client.force_login(world["staff"])
    response = client.get(reverse("records:certificate", args=[world["completion"].statement_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    certificate = Certificate.objects.get()
    assert certificate.cpd_minutes == 90
    assert certificate.school_name == world["staff"].school.name
    # Downloading again gives the same certificate.
    client.get(reverse("records:certificate", args=[world["completion"].statement_id]))
    assert Certificate.objects.count() == 1

    client.logout()
    page = client.get(reverse("records:verify"), {"code": certificate.code.lower()})
    html = page.content.decode()
    assert "Valid certificate" in html
    assert world["staff"].get_full_name() in html
    assert staff_course.title in html
    assert world["staff"].school.name not in html  # nothing beyond name and course
    assert world["staff"].email not in html


def test_certificate_pdf_of_a_renewed_course_says_until_when_it_is_valid(client, world):
    """The check page says when the certificate expires; the PDF says the same date."""
    from records.selectors import certificate_expires_on

    client.force_login(world["staff"])
    url = reverse("records:certificate", args=[world["completion"].statement_id])
    text = " ".join(_pdf_text(client.get(url).content).split())
    expires_on = certificate_expires_on(certificate=Certificate.objects.get())
    assert expires_on is not None
    last_day = expires_on - timedelta(days=1)
    assert f"Valid until {last_day.strftime('%-d %B %Y')}" in text


def test_the_check_page_calls_a_certificate_valid_on_the_day_it_says_it_is_valid_until(
    client, world, monkeypatch
):
    """ "Valid until 6 December" is read as valid on 6 December: the check page (and the
    dashboard, which counts the completion expired from the day it expires) must agree."""
    from datetime import datetime

    client.force_login(world["staff"])
    url = reverse("records:certificate", args=[world["completion"].statement_id])
    text = " ".join(_pdf_text(client.get(url).content).split())
    until = re.search(r"Valid until (\d{1,2} [A-Z][a-z]+ \d{4})", text)
    assert until is not None
    valid_until = datetime.strptime(until.group(1), "%d %B %Y").date()
    code = Certificate.objects.get().code
    client.logout()
    real_localdate = timezone.localdate

    def on(day):
        monkeypatch.setattr(
            timezone,
            "localdate",
            lambda value=None, **kw: day if value is None else real_localdate(value, **kw),
        )
        return client.get(reverse("records:verify"), {"code": code}).content.decode()

    assert "Valid certificate" in on(valid_until)
    assert "Expired certificate" in on(valid_until + timedelta(days=1))


def test_a_made_up_or_voided_code_is_invalid(client, world):
    page = client.get(reverse("records:verify"), {"code": "AAAA-BBBB-CCCC"})
    assert "Not a valid certificate" in page.content.decode()
    certificate = Certificate.objects.create(
        learner=world["staff"],
        statement_id=world["completion"].statement_id,
        course_title="X",
        completed_at=timezone.now(),
    )
    Completion.objects.all().delete()
    page = client.get(reverse("records:verify"), {"code": certificate.code})
    assert "Not a valid certificate" in page.content.decode()


def test_a_certificate_check_without_a_code_says_error_in_the_page_title(client):
    """A screen reader announces the title first: it says the form came back with a problem."""
    page = client.get(reverse("records:verify"), {"code": ""}).content.decode()
    assert '<a href="#id_code">Verification code: This field is required.</a>' in page
    assert "<title>Error: Check a certificate" in page
    page = client.get(reverse("records:verify")).content.decode()
    assert "<title>Check a certificate" in page


def test_cpd_log_csv_and_pdf(client, world, staff_course):
    client.force_login(world["staff"])
    rows = _rows(client.get(reverse("records:cpd_log_csv")))
    assert rows[0] == ["Course", "Completed", "CPD minutes", "Certificate code"]
    assert rows[1][0] == staff_course.title and rows[1][2] == "90"
    pdf = client.get(reverse("records:cpd_log_pdf"))
    assert pdf.content.startswith(b"%PDF")


def test_times_in_csv_downloads_are_ones_excel_reads_as_dates(client, world, staff_course):
    # "2026-12-06T09:30:00.123456+00:00" stays text in Excel: it cannot be sorted or
    # filtered as a date. "2026-12-06 09:30:00" is read as one, in the school's time.
    client.force_login(world["safeguarding_lead"])
    client.post(reverse("records:person_export", args=[world["staff"].pk]))
    when = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
    rows = _rows(client.get(reverse("records:person_csv", args=[world["staff"].pk])))
    assert rows[0][2] == "Completed at" and rows[1][0] == staff_course.title
    assert re.fullmatch(when, rows[1][2])
    rows = _rows(client.get(reverse("records:data_protection_csv")))
    assert rows[0][0] == "When" and len(rows) > 1
    assert all(re.fullmatch(when, row[0]) for row in rows[1:])


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def dejavu(settings):
    from records.certificates import font_files_missing

    if font_files_missing(settings.PDF_FONT_DIR):
        message = f"DejaVu Sans not in {settings.PDF_FONT_DIR}: apt-get install fonts-dejavu-core"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_pdfs_print_welsh_and_polish_names_whole(client, world, staff_course, dejavu):
    teacher = world["staff"]
    teacher.first_name, teacher.last_name = "Łukasz", "Gŵyr"
    teacher.save()
    teacher.school.name = "Ysgol Gyfun Gŵyr"
    teacher.school.save()
    # A title with markup characters is text, not a broken PDF.
    staff_course.title = "Phones <and> photos & consent"
    staff_course.save()
    client.force_login(teacher)
    url = reverse("records:certificate", args=[world["completion"].statement_id])
    text = _pdf_text(client.get(url).content)
    assert "Łukasz Gŵyr" in text and "Ysgol Gyfun Gŵyr" in text
    log = _pdf_text(client.get(reverse("records:cpd_log_pdf")).content)
    assert "CPD log: Łukasz Gŵyr" in log and "Ysgol Gyfun Gŵyr" in log
    assert "Phones <and> photos & consent" in log


def test_without_the_font_pdfs_still_come_and_check_warns(client, world, settings, tmp_path):
    from django.core import checks

    settings.PDF_FONT_DIR = str(tmp_path)
    client.force_login(world["staff"])
    url = reverse("records:certificate", args=[world["completion"].statement_id])
    assert client.get(url).content.startswith(b"%PDF")
    assert client.get(reverse("records:cpd_log_pdf")).content.startswith(b"%PDF")
    warnings = [m for m in checks.run_checks() if m.id == "records.W001"]
    assert len(warnings) == 1 and "fonts-dejavu-core" in warnings[0].hint


def test_pupils_with_the_same_name_are_told_apart_in_the_pshe_class_csv(client, world):
    # Two Olivia Smiths in a class: the teacher must see which one has a lesson to catch up.
    for pupil in (world["pupil"], PupilFactory(school=world["klass"].school)):
        pupil.first_name, pupil.last_name = "Olivia", "Smith"
        pupil.save()
        Membership.objects.get_or_create(group=world["klass"], user=pupil)
    client.force_login(world["staff"])
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk])))
    names = [row[0] for row in rows[1:] if row[0].startswith("Olivia Smith")]
    assert len(names) == 2 and len(set(names)) == 2
    assert f"Olivia Smith ({world['pupil'].username})" in names


def test_a_pupil_now_at_another_school_is_not_named_in_their_old_class_record(
    client, world, pupil_course
):
    """Their place in the old class left behind (a move made outside the admin and the roster
    import, which take them out of it): the old school's teachers no longer see them."""
    pupil = world["pupil"]
    pupil.school = world["outsider"].school
    pupil.save()
    client.force_login(world["staff"])
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk])))
    assert rows[1:] == []
    html = client.get(reverse("records:pshe_class", args=[world["klass"].pk])).content.decode()
    assert pupil.get_full_name() not in html


def test_the_pshe_class_csv_sorts_pupils_by_surname_whatever_its_capitals(client, world):
    klass = world["klass"]
    world["pupil"].last_name = "Moss"
    world["pupil"].save()
    for last_name in ("Zane", "de Souza", "Brown"):
        pupil = PupilFactory(school=klass.school, first_name="Sam", last_name=last_name)
        Membership.objects.create(group=klass, user=pupil)
    client.force_login(world["staff"])
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[klass.pk])))
    surnames = [row[0].split(" ")[-1] for row in rows[1:]]
    assert surnames == ["Brown", "Souza", "Moss", "Zane"]


def test_pshe_class_record_shows_each_pupils_lessons(client, world, pupil_course):
    lesson = pupil_course.modules().first()
    completions_project(
        statements=[statement(world["pupil"], COMPLETED, lesson.activity_iri)],
        learners_by_key=keys(world["pupil"]),
    )
    client.force_login(world["staff"])
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk])))
    assert rows[1][0] == world["pupil"].get_full_name()
    assert rows[1][1:] == ["Completed", ""]
    # The teacher's table names each lesson with a link to it, which opens in the teaching view.
    html = client.get(reverse("records:pshe_class", args=[world["klass"].pk])).content.decode()
    assert f'<a href="{lesson.url}">{lesson.title}</a>' in html
    # The course is named once, over its two modules' columns.
    assert (
        f'<th scope="colgroup" colspan="2" class="matrix__course">{pupil_course.title}</th>' in html
    )
    assert f"{pupil_course.title}:</span>" not in html  # not again over each module
    assert "Teaching view" in client.get(lesson.url).content.decode()
    client.force_login(world["pupil"])
    html = client.get(reverse("records:my_pshe")).content.decode()
    assert lesson.title in html and "Done" in html
    # Each lesson links to itself, and the link opens it.
    assert f'<a href="{lesson.url}">{lesson.title}</a>' in html
    assert client.get(lesson.url).status_code == 200


def test_pshe_class_record_shows_what_is_set_for_the_class(
    client, world, school, pupil_course, staff_course
):
    klass, pupil = world["klass"], world["pupil"]
    late = UserFactory(school=school, first_name="Zara", last_name="Late", roles=[Role.PUPIL])
    Membership.objects.create(group=klass, user=late)
    elsewhere = UserFactory(
        school=school, first_name="Other", last_name="Class", roles=[Role.PUPIL]
    )
    Membership.objects.create(group=GroupFactory(school=school, name="9B"), user=elsewhere)
    due = date.today() - timedelta(days=2)
    assignment_create(school=school, course_page_id=pupil_course.pk, group=klass, due_on=due)
    completions_project(
        statements=[statement(pupil, COMPLETED, pupil_course.activity_iri, when=timezone.now())],
        learners_by_key=keys(pupil),
    )
    client.force_login(world["staff"])
    url = reverse("records:pshe_class", args=[klass.pk])
    assigned = client.get(url).context["assigned"]
    # The staff course set for the staff team is not the class's; another class's pupil is
    # not counted.
    assert [row.course.title for row in assigned] == [pupil_course.title]
    row = assigned[0]
    assert (row.due_from, row.due_to) == (due, due)
    assert (row.counts.completed, row.counts.assigned) == (1, 2)
    assert row.overdue == [late]
    html = client.get(url).content.decode()
    assert "Set for pupils in 8R" in html
    assert due.strftime("%-d %B %Y") in html
    assert "All 2 pupils" in html and "1 of 2" in html and "Zara Late" in html
    assert "Other Class" not in html

    # A year group with one pupil of 8R and one of 9B: the course is set for one of them.
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    Membership.objects.create(group=year, user=pupil)
    Membership.objects.create(group=year, user=elsewhere)
    Membership.objects.create(group=year, user=world["staff"], role=Membership.Role.TEACHER)
    html = client.get(reverse("records:pshe_class", args=[year.pk])).content.decode()
    assert "Set for pupils in Year 8" in html and "1 of 2 pupils" in html

    # Everyone with the pupil role set the same course later: the class's own date stays
    # the one that counts; once the late pupil completes, nobody is overdue.
    assignment_create(
        school=school,
        course_page_id=pupil_course.pk,
        role=Role.PUPIL,
        due_on=date.today() + timedelta(days=30),
    )
    completions_project(
        statements=[statement(late, COMPLETED, pupil_course.activity_iri, when=timezone.now())],
        learners_by_key=keys(late),
    )
    row = client.get(url).context["assigned"][0]
    assert (row.due_from, row.due_to) == (due, due)
    assert (row.counts.completed, row.counts.assigned, row.overdue) == (2, 2, [])


def test_pshe_class_record_without_assignments_has_no_set_section(client, world):
    client.force_login(world["staff"])
    response = client.get(reverse("records:pshe_class", args=[world["klass"].pk]))
    assert response.context["assigned"] == []
    assert "Set for pupils in" not in response.content.decode()


def test_erase_needs_the_username_typed(client, world):
    client.force_login(world["safeguarding_lead"])
    url = reverse("records:person_erase", args=[world["staff"].pk])
    response = client.post(url, {"confirm": "wrong"})
    assert "Type the username exactly" in response.content.decode()
    assert Completion.objects.filter(learner=world["staff"]).exists()
    response = client.post(url, {"confirm": world["staff"].username})
    assert response.status_code == 302
    assert not Completion.objects.exists()


def test_a_lead_cannot_erase_the_sites_administrator_who_belongs_to_their_school(
    client, world, school
):
    # As in the demo: the administrator has the school's account, and no role in it.
    admin = UserFactory(school=school, username="site-admin", roles=[])
    admin.is_superuser = True
    admin.save()
    client.force_login(world["safeguarding_lead"])
    html = client.get(reverse("records:person", args=[admin.pk])).content.decode()
    assert reverse("records:person_erase", args=[admin.pk]) not in html
    url = reverse("records:person_erase", args=[admin.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": admin.username}).status_code == 403
    assert User.objects.filter(pk=admin.pk).exists()


def test_a_lead_cannot_erase_or_mark_as_left_someone_holding_more_than_they_do(
    client, world, school
):
    """A member of staff the trust made an administrator of its people: erasing them, or
    marking them as left, would take away an account the lead could not have given."""
    from django.contrib.auth.models import Permission

    admin = UserFactory(school=school, username="people-admin", roles=[Role.STAFF])
    admin.user_permissions.add(
        Permission.objects.get(content_type__app_label="schools", codename="delete_user")
    )
    client.force_login(world["safeguarding_lead"])
    html = client.get(reverse("records:person", args=[admin.pk])).content.decode()
    assert reverse("records:person_erase", args=[admin.pk]) not in html
    assert reverse("records:person_left", args=[admin.pk]) not in html
    url = reverse("records:person_erase", args=[admin.pk])
    assert client.post(url, {"confirm": admin.username}).status_code == 403
    client.post(reverse("records:person_left", args=[admin.pk]), {"left": "1"})
    admin.refresh_from_db()
    assert admin.is_active


def test_class_kind_groups_are_listed_for_pshe(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("records:pshe_groups")).content.decode()
    assert world["klass"].name in html
    assert Group.objects.filter(kind=Group.Kind.STAFF_TEAM).first().name not in html


def test_the_pshe_overview_shows_how_far_each_class_has_got(client, world, school, pupil_course):
    from courses.services import class_lesson_record

    first, second = pupil_course.modules()
    classmate = PupilFactory(school=school)
    MembershipFactory(group=world["klass"], user=classmate)
    left = PupilFactory(school=school, is_active=False)  # not counted
    MembershipFactory(group=world["klass"], user=left)
    GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    completions_project(
        statements=[statement(world["pupil"], COMPLETED, first.activity_iri)],
        learners_by_key=keys(world["pupil"]),
    )
    taught_on = date.today() - timedelta(days=3)
    for day in (taught_on - timedelta(days=7), taught_on):
        class_lesson_record(
            teacher=world["staff"],
            group=world["klass"],
            course=pupil_course,
            modules=[second],
            pupils=[world["pupil"], classmate],
            taught_on=day,
        )
    client.force_login(world["safeguarding_lead"])
    html = " ".join(client.get(reverse("records:pshe_groups")).content.decode().split())
    # 2 pupils x 2 modules: the pupil has both, the classmate the one taught in class.
    klass_row = html[html.index(f">{world['klass'].name}</a>") :].split("</tr>")[0]
    assert "<td>2</td> <td>3 of 4 (75%)</td>" in klass_row
    assert f"<td>2, the last on {taught_on.day} {taught_on:%b %Y}</td>" in klass_row
    year_row = html[html.index(">Year 8</a>") :].split("</tr>")[0]
    assert "<td>0</td> <td>\u2013</td> <td>None recorded</td>" in year_row
    assert "A lesson led with a year group is counted there, not under each class" in html


def test_an_empty_cpd_record_points_to_my_learning(client, teacher):
    client.force_login(teacher)
    html = client.get(reverse("records:my_cpd")).content.decode()
    assert "You have not completed a staff course yet." in html
    assert f'<a href="{reverse("courses:my_learning")}">My learning</a>' in html


@pytest.mark.parametrize("chosen", ["", "abc", "²", "9" * 30, "-1"])
def test_a_superuser_without_a_school_picks_one_and_nonsense_falls_back(
    client, world, school, chosen
):
    admin = UserFactory(school=None, username="root", roles=[])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.get(reverse("records:dashboard"), {"school": chosen})
    assert response.status_code == 200
    first = response.context["school"]
    elsewhere = world["other_class"].school
    response = client.get(reverse("records:dashboard"), {"school": str(elsewhere.pk)})
    assert response.context["school"] == elsewhere
    assert first == min([school, elsewhere], key=lambda s: s.name)


def test_a_superuser_assigning_for_one_school_is_offered_only_its_groups(
    client, world, school, staff_course
):
    admin = UserFactory(school=None, username="root", roles=[])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    elsewhere = world["other_class"].school
    url = reverse("records:assignments") + f"?school={school.pk}"
    offered = client.get(url).context["form"].fields["group"].choices
    assert (world["other_class"].pk, str(world["other_class"])) not in offered
    # Another school's group, posted all the same, is refused with a reason, not a 500.
    response = _assign_to_group(client, staff_course, world["other_class"], url=url)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.filter(
        school__in=[school, elsewhere], group=world["other_class"]
    ).exists()


def test_the_dashboard_links_each_alert_to_the_people_behind_it(
    client, school, staff_team, staff_course, teacher, safeguarding_lead
):
    client.force_login(safeguarding_lead)
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        group=staff_team,
        due_on=date.today() + timedelta(days=30),
        renewal_months=12,
    )
    html = client.get(reverse("records:dashboard")).content.decode()
    assert "?status=" not in html
    # The teacher's completion ran out a month ago; the lead has done nothing yet (overdue).
    completed(teacher, staff_course.activity_iri, days_ago=400)
    Assignment.objects.update(due_on=date.today() - timedelta(days=1))
    html = client.get(reverse("records:dashboard")).content.decode()
    assert "?status=expired" in html and "See whose training has expired" in html
    assert "?status=overdue" in html and "?status=expiring_soon" not in html
    expired = client.get(reverse("records:matrix") + "?status=expired").content.decode()
    assert teacher.get_full_name() in expired


def test_the_training_record_pdf_lists_staff_by_course_and_pupils_only_as_counts(
    client, world, school, klass, pupil_course, staff_course, dejavu
):
    teacher, pupil, lead = world["staff"], world["pupil"], world["safeguarding_lead"]
    teacher.first_name, teacher.last_name = "Łukasz", "Gŵyr"
    teacher.save()
    pupil.first_name, pupil.last_name = "Zofia", "Kowalska"
    pupil.save()
    lead.first_name, lead.last_name = "Dana", "Lead"
    lead.save()
    assignment_create(
        school=school,
        course_page_id=pupil_course.pk,
        group=klass,
        due_on=date.today() - timedelta(days=1),
    )
    client.force_login(lead)
    dashboard = client.get(reverse("records:dashboard")).content.decode()
    assert reverse("records:training_record_pdf") in dashboard
    response = client.get(reverse("records:training_record_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert f"training-record-{date.today().isoformat()}.pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert f"Training record: {school.name}" in text
    assert "Downloaded by Dana Lead" in text
    # Each member of staff on the staff course, with their standing.
    words = " ".join(text.split())
    staff_part = words[words.index(f"{staff_course.title} Name Status Due Completed Expires") :]
    assert "Łukasz Gŵyr Completed" in staff_part
    assert "Dana Lead Not started" in staff_part
    expires = date.today().replace(year=date.today().year + 1)
    assert expires.strftime("%-d %b %Y") in staff_part
    # Pupils: counts by class, never a name.
    assert "Pupils' courses by class and year group" in text
    # A class of one pupil: its counts, and the course's, would be that pupil's result.
    assert f"{pupil_course.title} {klass.name} {NOT_GIVEN}" in words
    by_course = words[: words.index(f"{staff_course.title} Name Status")]
    assert f"{pupil_course.title} {NOT_GIVEN}" in by_course
    assert "Zofia" not in text and "Kowalska" not in text and pupil.username not in text
    assert "Page 1" in text


NOT_GIVEN = "Not given: it would single out fewer than 5 pupils"


def _class_of(school, name: str, size: int):
    group = GroupFactory(school=school, name=name, kind=Group.Kind.CLASS)
    for n in range(size):
        pupil = UserFactory(school=school, username=f"{name}-{n}", roles=[Role.PUPIL])
        Membership.objects.create(group=group, user=pupil)
    return group


def _pupils_part_of_training_record(client, lead, course, groups) -> str:
    for group in groups:
        assignment_create(
            school=group.school,
            course_page_id=course.pk,
            group=group,
            due_on=date.today() - timedelta(days=1),
        )
    client.force_login(lead)
    words = " ".join(_pdf_text(client.get(reverse("records:training_record_pdf")).content).split())
    return words[words.index("Pupils' courses by class and year group") :]


def test_the_training_record_pdf_counts_pupils_of_groups_of_five_or_more(
    client, world, school, pupil_course, dejavu
):
    classes = [_class_of(school, "8B", 5), _class_of(school, "8C", 5)]
    words = _pupils_part_of_training_record(
        client, world["safeguarding_lead"], pupil_course, classes
    )
    assert f"{pupil_course.title} 8B 5 0 (0%) 0 0 5" in words
    assert f"{pupil_course.title} 8C 5 0 (0%) 0 0 5" in words


def test_the_training_record_pdf_gives_no_counts_that_single_out_a_few_pupils(
    client, world, school, klass, pupil_course, dejavu
):
    """The record leaves the school (governors, an inspector): a class of one pupil, "0 of
    1 completed, 1 overdue", is that pupil's own result, and so is the course's count less
    that of a class of five beside it. Below the minimum size that group analytics keep to
    (DESIGN.md, data protection), counts are not given."""
    big_class = _class_of(school, "8B", 5)  # beside klass, with one pupil (world["pupil"])
    words = _pupils_part_of_training_record(
        client, world["safeguarding_lead"], pupil_course, [klass, big_class]
    )
    assert f"{pupil_course.title} {klass.name} {NOT_GIVEN}" in words
    assert f"{pupil_course.title} {big_class.name} {NOT_GIVEN}" in words
    assert "Where counts would single out fewer than 5 pupils, they are not given" in words


def test_the_training_record_pdf_gives_no_counts_that_classes_less_their_year_would_single_out(
    client, world, school, pupil_course, dejavu
):
    """A year group of eleven, two classes of five in it and one pupil in neither: each
    group is big enough, and so is the course less each, but the year's counts less its two
    classes' are that one pupil's own result. Some of them are not given."""
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    classes = [_class_of(school, "8B", 5), _class_of(school, "8C", 5)]
    for group in classes:
        for membership in Membership.objects.filter(group=group):
            Membership.objects.create(group=year, user=membership.user)
    alone = UserFactory(school=school, username="year-only", roles=[Role.PUPIL])
    Membership.objects.create(group=year, user=alone)
    words = _pupils_part_of_training_record(
        client, world["safeguarding_lead"], pupil_course, [year]
    )
    given = [
        name
        for name in ("Year 8", "8B", "8C")
        if f"{pupil_course.title} {name} {NOT_GIVEN}" not in words
    ]
    assert len(given) < 3


def test_the_training_record_pdf_gives_no_counts_that_adding_up_groups_would_single_out(
    client, world, school, pupil_course, dejavu
):
    """Two classes of six, five of each in a set and one not, and another class of five:
    each group is big enough, and so is the course less any of them or all of them at once,
    but the two classes added up, less the set, are the two pupils outside it. Not all
    three are given."""

    def group(name, pupils):
        group = GroupFactory(school=school, name=name, kind=Group.Kind.CLASS)
        for pupil in pupils:
            Membership.objects.create(group=group, user=pupil)
        return group

    def pupils(prefix, count):
        return [
            UserFactory(school=school, username=f"{prefix}-{n}", roles=[Role.PUPIL])
            for n in range(count)
        ]

    in_set_a, in_set_b = pupils("set-a", 5), pupils("set-b", 5)
    classes = [
        group("8A", [*in_set_a, *pupils("out-a", 1)]),
        group("8B", [*in_set_b, *pupils("out-b", 1)]),
    ]
    maths_set = group("8 Set 1", [*in_set_a, *in_set_b])
    words = _pupils_part_of_training_record(
        client,
        world["safeguarding_lead"],
        pupil_course,
        [*classes, maths_set, _class_of(school, "8E", 5)],
    )
    given = [
        name
        for name in ("8A", "8B", "8 Set 1")
        if f"{pupil_course.title} {name} {NOT_GIVEN}" not in words
    ]
    assert len(given) < 3


def test_the_training_record_pdf_lists_a_safeguarding_lead_without_the_staff_role(
    client, world, school, home_page, dejavu
):
    """A safeguarding lead is staff whether or not they were given the Staff role too: the
    record for governors lists them on the course assigned to the school's leads."""
    from tests.records.conftest import _course

    lead_course = _course(home_page, audience="safeguarding_leads", title="Leading safeguarding")
    deputy = UserFactory(
        school=school,
        username="deputy",
        first_name="Dee",
        last_name="Puty",
        roles=[Role.SAFEGUARDING_LEAD],
    )
    assignment_create(
        school=school,
        course_page_id=lead_course.pk,
        role=Role.SAFEGUARDING_LEAD,
        due_on=date.today() + timedelta(days=10),
    )
    client.force_login(world["safeguarding_lead"])
    words = " ".join(_pdf_text(client.get(reverse("records:training_record_pdf")).content).split())
    assert f"{lead_course.title} Name Status Due Completed Expires" in words
    assert f"{deputy.get_full_name()} Not started" in words


def _lesson_led_three_days_ago(teacher, klass, course, pupil):
    """Record `teacher` leading `klass`, with `pupil`, through the first module of `course`
    three days ago; returns the module."""
    from courses.services import class_lesson_record

    module = course.modules()[0]
    class_lesson_record(
        teacher=teacher,
        group=klass,
        course=course,
        modules=[module],
        pupils=[pupil],
        taught_on=date.today() - timedelta(days=3),
    )
    return module


def test_the_training_record_pdf_lists_the_lessons_led_with_classes(
    client, world, school, klass, pupil_course, dejavu
):
    teacher, pupil = world["staff"], world["pupil"]
    teacher.first_name, teacher.last_name = "Łukasz", "Gŵyr"
    teacher.save()
    pupil.first_name, pupil.last_name = "Zofia", "Kowalska"  # no PDF word by chance
    pupil.save()
    module = _lesson_led_three_days_ago(teacher, klass, pupil_course, pupil)
    client.force_login(world["safeguarding_lead"])
    words = " ".join(_pdf_text(client.get(reverse("records:training_record_pdf")).content).split())
    assert "Lessons led with classes in the last year" in words
    taught = (date.today() - timedelta(days=3)).strftime("%-d %b %Y")
    assert f"{taught} {klass.name} {pupil_course.title}: {module.title} Łukasz Gŵyr 1" in words
    assert "Kowalska" not in words and "Zofia" not in words and pupil.username not in words


def test_the_training_record_is_offered_to_a_school_that_only_records_lessons_led_with_classes(
    client, school, klass, pupil, teacher, safeguarding_lead, pupil_course, dejavu
):
    """A school teaching PSHE to whole classes, with no course assigned yet, has lessons
    led to show governors or an inspector: the dashboard still offers the training record
    that lists them."""
    module = _lesson_led_three_days_ago(teacher, klass, pupil_course, pupil)
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:dashboard")).content.decode()
    assert f'href="{reverse("records:training_record_pdf")}"' in html
    words = " ".join(_pdf_text(client.get(reverse("records:training_record_pdf")).content).split())
    assert f"{klass.name} {pupil_course.title}: {module.title}" in words


def test_a_withdrawn_course_stays_in_the_cpd_record_with_its_certificate(
    client, world, staff_course
):
    """An editor unpublishing a course does not undo the training done on it."""
    staff_course.unpublish()
    client.force_login(world["staff"])
    page = client.get(reverse("records:my_cpd")).content.decode()
    assert staff_course.title in page
    assert f'href="{staff_course.url}"' not in page
    rows = _rows(client.get(reverse("records:cpd_log_csv")))
    assert rows[1][0] == staff_course.title and rows[1][2] == "90"
    certificate = client.get(
        reverse("records:certificate", args=[world["completion"].statement_id])
    )
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
    client.force_login(world["safeguarding_lead"])
    person = client.get(reverse("records:person", args=[world["staff"].pk])).content.decode()
    assert staff_course.title in person


def _completed_under_yearly_renewal(school, group, course, learner, days_ago):
    """`course` assigned to `group` with a yearly renewal, completed by `learner` `days_ago`
    days ago: the day that completion expires."""
    from records.states import add_months

    assignment_create(
        school=school,
        course_page_id=course.pk,
        group=group,
        due_on=date.today() - timedelta(days=500),
        renewal_months=12,
    )
    completed(learner, course.activity_iri, days_ago=days_ago)
    completed_on = timezone.localdate(Completion.objects.get(learner=learner).completed_at)
    return add_months(completed_on, 12)


def test_an_expired_completion_is_told_as_past_not_still_to_come(
    client, school, staff_team, staff_course, teacher
):
    """On and after the day a completion expires, My CPD and My learning say when it
    expired: not "expires" or "renew by" a date that has come."""
    expired_on = _completed_under_yearly_renewal(school, staff_team, staff_course, teacher, 400)
    client.force_login(teacher)
    cpd = client.get(reverse("records:my_cpd")).content.decode()
    assert f"Expired</span>, expired {expired_on:%-d %b %Y}</li>" in cpd
    assert f"expires {expired_on:%-d %b %Y}" not in cpd
    learning = client.get(reverse("courses:my_learning")).content.decode()
    assert f"Expired on {expired_on:%-d %B %Y}" in learning
    assert "Renew by" not in learning and "Renew before" not in learning


def test_my_learning_asks_for_a_renewal_before_the_day_it_expires(
    client, school, staff_team, staff_course, teacher
):
    """A completion counts up to the day before its expiry date: on that date it has
    expired, so the card asks for the renewal before it, not by it."""
    expires_on = _completed_under_yearly_renewal(school, staff_team, staff_course, teacher, 350)
    client.force_login(teacher)
    learning = client.get(reverse("courses:my_learning")).content.decode()
    assert f"Renew before {expires_on:%-d %B %Y}" in learning
    assert "Renew by" not in learning


def test_a_certificate_for_a_course_without_cpd_time_claims_none(client, world, staff_course):
    """An editor may leave a staff course's CPD time empty: its certificate gives the date
    it was completed, not "CPD time: 0 min"."""
    staff_course.cpd_minutes = None
    staff_course.save()
    client.force_login(world["staff"])
    url = reverse("records:certificate", args=[world["completion"].statement_id])
    text = _pdf_text(client.get(url).content)
    completed_on = timezone.localtime(world["completion"].completed_at)
    assert f"on {completed_on:%-d %B %Y}\n" in text
    assert "CPD time" not in text


def test_a_certificate_asked_for_twice_at_once_is_issued_once(
    client, world, staff_course, monkeypatch
):
    """A double click on "Download certificate" sends two requests: the one that finds the
    certificate issued by the other meanwhile gets that certificate, not a server error."""
    from records import services

    real_catalogue = services.courses_catalogue
    issued = {}

    def catalogue_while_the_other_request_issues_it(**kwargs):
        if not issued:
            issued["other"] = Certificate.objects.create(
                learner=world["staff"],
                statement_id=world["completion"].statement_id,
                course_title=staff_course.title,
                completed_at=world["completion"].completed_at,
                cpd_minutes=90,
            )
        return real_catalogue(**kwargs)

    monkeypatch.setattr(services, "courses_catalogue", catalogue_while_the_other_request_issues_it)
    client.force_login(world["staff"])
    response = client.get(reverse("records:certificate", args=[world["completion"].statement_id]))
    assert response.status_code == 200
    assert f"certificate-{issued['other'].code}.pdf" in response["Content-Disposition"]
    assert Certificate.objects.count() == 1


def test_the_cpd_record_keeps_the_cpd_time_its_certificate_was_issued_with(
    client, world, staff_course, dejavu
):
    """An editor changing a course's CPD time afterwards does not make the record disagree
    with the certificate the member of staff already has for the same completion."""
    client.force_login(world["staff"])
    client.get(reverse("records:certificate", args=[world["completion"].statement_id]))
    staff_course.cpd_minutes = 45
    staff_course.save()
    html = client.get(reverse("records:my_cpd")).content.decode()
    assert "<td>90</td>" in html and "<td>45</td>" not in html  # the course's row and total
    rows = _rows(client.get(reverse("records:cpd_log_csv")))
    assert rows[1][2] == "90"
    log = _pdf_text(client.get(reverse("records:cpd_log_pdf")).content)
    assert "1 h 30 min" in log and "45 min" not in log
    # The same as the certificate says.
    certificate = client.get(
        reverse("records:certificate", args=[world["completion"].statement_id])
    )
    assert "CPD time: 1 h 30 min" in _pdf_text(certificate.content)


@pytest.mark.parametrize(
    ("days_ago", "state", "word"), [(400, "Expired", "expired"), (350, "Expiring soon", "expires")]
)
def test_a_matrix_cell_whose_completion_expires_gives_the_expiry_date_not_the_completion_date(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, days_ago, state, word
):
    from records.selectors import assignments_for_learner

    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        group=staff_team,
        due_on=timezone.localdate() + timedelta(days=30),
        renewal_months=12,
    )
    completed(teacher, staff_course.activity_iri, days_ago=days_ago)
    # Assigned to them before they completed it (one that had run out by then would last
    # until the due date).
    long_ago = timezone.now() - timedelta(days=500)
    Assignment.objects.update(created_at=long_ago)
    Membership.objects.filter(user=teacher).update(joined_at=long_ago)
    User.objects.filter(pk=teacher.pk).update(school_joined_at=long_ago)
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:matrix")).content.decode()
    [item] = assignments_for_learner(teacher)
    expires_on = item.standing.expires_on
    # "Expired 1 Nov 2025" read as the day it expired, a year before it did.
    assert (
        f'{state}</span><span class="state__date"> {word} {expires_on.day} {expires_on:%b %Y}'
        in html
    )


def test_checking_a_certificate_confirms_the_date_it_was_completed(client, world, staff_course):
    """The date is what makes safeguarding training current: a certificate whose date was
    altered must not check out as it stands, so the page says when the course was done."""
    from datetime import UTC, datetime

    when = datetime(2025, 3, 30, 23, 30, tzinfo=UTC)
    certificate = Certificate.objects.create(
        learner=world["staff"],
        statement_id=world["completion"].statement_id,
        course_title=staff_course.title,
        completed_at=when,
    )
    Completion.objects.filter(pk=world["completion"].pk).update(completed_at=when)
    page = client.get(reverse("records:verify"), {"code": certificate.code})
    html = page.content.decode()
    # 23:30 UTC on 30 March 2025 was 00:30 on 31 March in London, as the certificate says.
    assert (
        escape(f"{world['staff'].get_full_name()} completed “{staff_course.title}”")
        + " on 31 March 2025."
        in html
    )


def test_a_code_copied_with_its_label_from_the_certificate_checks_out(client, world):
    """Selecting the code in a PDF reader often takes the whole printed line with it."""
    certificate = Certificate.objects.create(
        learner=world["staff"],
        statement_id=world["completion"].statement_id,
        course_title="X",
        completed_at=timezone.now(),
    )
    pasted = f"Verification code: {certificate.code}\n"
    page = client.get(reverse("records:verify"), {"code": pasted})
    assert "Valid certificate" in page.content.decode()


@pytest.mark.parametrize(
    "written",
    [
        "{0}\N{EN DASH}{1}\N{EN DASH}{2}",  # a word processor's or an email's dashes
        "{0}-{1} {2}",  # grouped as printed, one hyphen left out
        "{0}\N{NO-BREAK SPACE}{1}\N{NO-BREAK SPACE}{2}",  # copied from a web page
    ],
)
def test_a_code_written_with_other_dashes_or_spaces_between_its_groups_checks_out(
    client, world, written
):
    """An HR letter quoting the code had its hyphens turned into en dashes by the word
    processor, or the code was typed with a space for one hyphen: the same code, refused as
    not a valid certificate."""
    certificate = Certificate.objects.create(
        learner=world["staff"],
        statement_id=world["completion"].statement_id,
        course_title="X",
        completed_at=timezone.now(),
    )
    groups = certificate.code.split("-")
    page = client.get(reverse("records:verify"), {"code": written.format(*groups)})
    assert "Valid certificate" in page.content.decode()


def test_each_pdf_says_its_language_and_shows_its_title(client, world):
    """WCAG 2.2 3.1.1 and 2.4.2 in a PDF (techniques PDF16 and PDF18): the document's
    language, so a screen reader speaks it as English, and its title shown in the window
    rather than a file name such as certificate-ABCD-EFGH-JKMN.pdf."""
    from pypdf import PdfReader
    from pypdf.generic import BooleanObject

    client.force_login(world["staff"])
    certificate = client.get(
        reverse("records:certificate", args=[world["completion"].statement_id])
    )
    log = client.get(reverse("records:cpd_log_pdf"))
    client.force_login(world["safeguarding_lead"])
    record = client.get(reverse("records:training_record_pdf"))
    for response in (certificate, log, record):
        catalog = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
        assert catalog.get("/Lang") == "en-GB"
        preferences = catalog.get("/ViewerPreferences")
        assert preferences is not None
        assert preferences.get_object().get("/DisplayDocTitle") == BooleanObject(True)


def test_pupils_with_the_same_name_are_told_apart_on_the_pshe_class_page(client, world):
    # As in the CSV: the teacher's table gives each Olivia Smith's username too.
    twin = PupilFactory(school=world["klass"].school)
    for pupil in (world["pupil"], twin):
        pupil.first_name, pupil.last_name = "Olivia", "Smith"
        pupil.save()
        Membership.objects.get_or_create(group=world["klass"], user=pupil)
    client.force_login(world["staff"])
    html = client.get(reverse("records:pshe_class", args=[world["klass"].pk])).content.decode()
    for pupil in (world["pupil"], twin):
        assert f'<th scope="row">Olivia Smith ({pupil.username})</th>' in html


def test_overdue_pupils_with_the_same_name_are_told_apart_on_the_pshe_class_page(
    client, world, school, pupil_course
):
    # Both Olivia Smiths are late: the teacher must know which two accounts to chase.
    klass = world["klass"]
    twins = [UserFactory(school=school, roles=[Role.PUPIL]) for _ in range(2)]
    for twin in twins:
        twin.first_name, twin.last_name = "Olivia", "Smith"
        twin.save()
        Membership.objects.create(group=klass, user=twin)
    due = date.today() - timedelta(days=2)
    assignment_create(school=school, course_page_id=pupil_course.pk, group=klass, due_on=due)
    client.force_login(world["staff"])
    html = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()
    overdue = html.split('<span class="state state--overdue">', 1)[1].split("</td>", 1)[0]
    for twin in twins:
        assert f"Olivia Smith ({twin.username})" in overdue


def _href(html, text):
    """The address of the first link whose text starts with `text`."""
    found = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(text), html)
    assert found, text
    return found.group(1).replace("&amp;", "&")


def test_a_superusers_chosen_school_is_kept_as_they_follow_the_dashboards_links(
    client, world, school
):
    """An administrator who belongs to no school chose one with ?school=; the tabs showed the
    first school by name instead, and its assignments' Change links gave 404."""
    admin = UserFactory(school=None, username="root", roles=[])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    elsewhere = world["other_class"].school
    assert elsewhere.name < school.name  # the one shown without a choice
    theirs = Assignment.objects.get(school=school)
    html = client.get(reverse("records:dashboard"), {"school": school.pk}).content.decode()
    response = client.get(_href(html, "Assignments"))
    assert list(response.context["assignments"]) == [theirs]
    change = reverse("records:assignment_change", args=[theirs.pk])
    assert f'<a href="{change}">' in response.content.decode()
    response = client.get(change)
    assert response.status_code == 200 and response.context["assignment"] == theirs
    # Each page says which school it shows, and offers the others with a plain form.
    response = client.get(_href(html, "Learners by course"))
    html = " ".join(response.content.decode().split())
    assert "Viewing: Test Academy" in html
    assert f'<option value="{elsewhere.pk}">Elsewhere</option>' in html
    response = client.get(reverse("records:matrix"), {"school": elsewhere.pk})
    assert "Viewing: Elsewhere" in " ".join(response.content.decode().split())
    assert not client.get(reverse("records:assignments")).context["assignments"].exists()


def test_the_dashboard_offers_the_roster_import_only_to_who_may_use_it(client, world, school):
    """A site administrator (of no school) was offered "Import pupils or staff", which
    refuses them (403): it imports into the viewer's own school."""
    import_url = reverse("schools:roster_import")
    client.force_login(world["safeguarding_lead"])
    assert f'href="{import_url}"' in client.get(reverse("records:dashboard")).content.decode()
    admin = UserFactory(school=None, username="root", roles=[], is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("records:dashboard"), {"school": school.pk}).content.decode()
    assert client.get(import_url).status_code == 403
    assert f'href="{import_url}"' not in html


def test_a_superusers_downloads_are_of_the_school_the_page_shows(client, world, school):
    """A site administrator (of no school) chose another school in a second tab, then
    downloaded a table from the first: it held the other school's rows, under the same name."""
    admin = UserFactory(school=None, username="root", roles=[], is_superuser=True)
    client.force_login(admin)
    elsewhere = world["other_class"].school
    pages = {
        name: client.get(reverse(f"records:{name}"), {"school": school.pk}).content.decode()
        for name in ("assignments", "matrix")
    }
    client.get(reverse("records:dashboard"), {"school": elsewhere.pk})  # the second tab
    rows = client.get(_href(pages["assignments"], "Download this table")).content.decode()
    assert "Protecting your reputation" in rows
    rows = client.get(_href(pages["matrix"], "Download every matching row")).content.decode()
    assert world["staff"].username in rows
    # The filters, too, apply to the school they were shown for.
    form = pages["matrix"][pages["matrix"].index('class="filters"') :].split("</form>")[0]
    assert f'<input type="hidden" name="school" value="{school.pk}">' in form


def _pdf_fonts(content: bytes) -> set[str]:
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(content)).pages[0]
    return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def test_pdfs_print_chinese_and_urdu_names(client, world, staff_course, dejavu):
    """DejaVu Sans has no Chinese and not every Urdu letter (heh goal): such names printed as
    blank boxes. They come from fonts that have them; Latin text stays in DejaVu Sans."""
    from records.certificates import fonts_missing

    if missing := fonts_missing():
        message = f"Not installed: {', '.join(missing)} (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    teacher = world["staff"]
    teacher.first_name, teacher.last_name = "王", "小明"
    teacher.save()
    client.force_login(teacher)
    url = reverse("records:certificate", args=[world["completion"].statement_id])
    assert "王 小明" in _pdf_text(client.get(url).content)
    assert "CPD log: 王 小明" in _pdf_text(client.get(reverse("records:cpd_log_pdf")).content)

    teacher.first_name, teacher.last_name = "عائشہ", "خان"
    teacher.save()
    Certificate.objects.all().delete()
    fonts = _pdf_fonts(client.get(url).content)
    assert any("Amiri" in font for font in fonts)  # the Urdu name
    assert any("DejaVuSans" in font for font in fonts)  # "Certificate of completion"


def test_a_superusers_pshe_records_show_the_chosen_schools_classes_only(client, world, school):
    """An administrator who belongs to no school saw every school's classes in one list
    (two schools' "8R" side by side); the PSHE tab shows the school chosen on the dashboard,
    says which, and offers the others, as the dashboard's other tabs do."""
    admin = UserFactory(school=None, username="root", roles=[])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    elsewhere = world["other_class"].school
    client.get(reverse("records:dashboard"), {"school": school.pk})
    response = client.get(reverse("records:pshe_groups"))
    assert [s.group for s in response.context["summaries"]] == [world["klass"]]
    html = " ".join(response.content.decode().split())
    assert "Viewing: Test Academy" in html
    assert f'<option value="{elsewhere.pk}">Elsewhere</option>' in html
    response = client.get(reverse("records:pshe_groups"), {"school": elsewhere.pk})
    assert [s.group for s in response.context["summaries"]] == [world["other_class"]]
    assert "Viewing: Elsewhere" in " ".join(response.content.decode().split())


def test_a_superuser_who_belongs_to_a_school_sees_that_schools_classes_only(client, world, school):
    """An administrator who belongs to a school (the demo's) has that school's dashboard,
    with no school to choose: their PSHE records list its classes, not every school's."""
    admin = UserFactory(school=school, username="schooladmin", roles=[])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.get(reverse("records:pshe_groups"))
    assert [s.group for s in response.context["summaries"]] == [world["klass"]]
    assert world["other_class"].school != school


def test_a_lead_whose_school_has_no_classes_is_not_told_they_teach_none(client, safeguarding_lead):
    """The lead sees every class of the school, not the ones they teach: with none yet, the
    PSHE records page says the school has none and where they come from."""
    client.force_login(safeguarding_lead)
    html = " ".join(client.get(reverse("records:pshe_groups")).content.decode().split())
    assert "You do not teach any classes yet." not in html
    assert "There are no classes or year groups in the school yet." in html
    assert f'<a href="{reverse("schools:roster_import")}">' in html


def test_a_superuser_on_a_classs_pshe_record_sees_its_school_and_goes_back_to_its_classes(
    client, world, school
):
    """Two schools may each have an "8R": an administrator who belongs to no school is told
    whose class it is, and "All classes" lists that school's classes, not the one chosen
    before (the dashboard's person pages do the same)."""
    admin = UserFactory(school=None, username="root", roles=[])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    client.get(reverse("records:pshe_groups"), {"school": school.pk})
    other_class = world["other_class"]
    html = " ".join(
        client.get(reverse("records:pshe_class", args=[other_class.pk])).content.decode().split()
    )
    assert "Viewing: Elsewhere" in html
    response = client.get(_href(html, "All classes"))
    assert [s.group for s in response.context["summaries"]] == [other_class]


def test_lessons_done_before_a_course_requires_renewal_are_not_done_on_the_pshe_records(
    client, world, school, pupil_course
):
    # The course changed: the assignment summary and the dashboard count the class's pupils
    # as not started, so the class's PSHE record, its CSV, the overview of the classes and
    # the pupil's own record must not still show the old lessons as done.
    from records.services import course_renewal_require

    first, second = pupil_course.modules()
    completions_project(
        statements=[
            statement(world["pupil"], COMPLETED, iri)
            for iri in (first.activity_iri, second.activity_iri, pupil_course.activity_iri)
        ],
        learners_by_key=keys(world["pupil"]),
    )
    course_renewal_require(course_page_id=pupil_course.pk, reason="New guidance")
    client.force_login(world["staff"])
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk])))
    assert rows[1][1:] == ["", ""]
    client.force_login(world["safeguarding_lead"])
    summaries = client.get(reverse("records:pshe_groups")).context["summaries"]
    (row,) = [s for s in summaries if s.group == world["klass"]]
    assert row.modules_done == 0
    client.force_login(world["pupil"])
    assert client.get(reverse("records:my_pshe")).context["done"] == set()

    # What they do again after the change counts.
    completions_project(
        statements=[statement(world["pupil"], COMPLETED, first.activity_iri, when=timezone.now())],
        learners_by_key=keys(world["pupil"]),
    )
    assert client.get(reverse("records:my_pshe")).context["done"] == {first.activity_iri}
    client.force_login(world["staff"])
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk])))
    assert rows[1][1:] == ["Completed", ""]


def test_a_superusers_matrix_offers_only_the_shown_schools_groups_to_filter_by(
    client, world, school, klass
):
    """The matrix of one school offered every school's groups in its Group filter: two
    schools' "8R" side by side, and choosing the other school's showed "Nobody matches"."""
    admin = UserFactory(school=None, username="root", roles=[], is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("records:matrix"), {"school": school.pk})
    offered = {pk for pk, _label in response.context["form"].fields["group"].choices}
    assert klass.pk in offered
    assert world["other_class"].pk not in offered


def test_the_staff_filter_shows_a_lead_without_the_staff_role_whom_all_staff_courses_count(
    client, world, staff_course
):
    """A course assigned to all staff counts a safeguarding lead without the Staff role, so
    "Role: Staff" on learners by course (page and CSV) lists them too."""
    lead_only = UserFactory(
        school=world["klass"].school, username="deputy", roles=[Role.SAFEGUARDING_LEAD]
    )
    assignment_create(
        school=world["klass"].school,
        course_page_id=staff_course.pk,
        role=Role.STAFF,
        due_on=date.today() + timedelta(days=10),
    )
    client.force_login(world["safeguarding_lead"])
    response = client.get(reverse("records:matrix") + "?role=staff")
    assert lead_only in [row.learner for row in response.context["matrix"].rows]
    rows = _rows(client.get(reverse("records:matrix_csv") + "?role=staff"))
    assert "deputy" in [row[1] for row in rows[1:]]


def _footer_runs(content: bytes) -> list[tuple[str, str]]:
    """(text, font) of what is drawn at the foot of the first page, below the margin."""
    from pypdf import PdfReader

    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None and tm[5] * cm[3] + cm[5] < 15 * 72 / 25.4:
            runs.append((text, str(font["/BaseFont"])))

    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return runs


def test_the_training_record_pdf_footer_prints_a_school_name_in_chinese(
    client, world, school, dejavu
):
    """The footer drew the school's name in DejaVu Sans alone, so a name in a script it has
    no letters for printed blank; it falls back to other fonts as the body does."""
    from records.certificates import fonts_missing

    if missing := fonts_missing():
        pytest.skip(f"Not installed: {', '.join(missing)}")
    school.name = "北京 Academy"
    school.save()
    client.force_login(world["safeguarding_lead"])
    runs = _footer_runs(client.get(reverse("records:training_record_pdf")).content)
    chinese = [font for text, font in runs if "北京" in text]
    assert chinese and all("DejaVu" not in font for font in chinese), runs


def test_the_training_record_pdf_footer_of_a_long_school_name_stays_clear_of_the_page_number(
    client, world, school, dejavu
):
    """A school's name may be 200 characters: the footer ran on under "Page 1" and off the
    page; it is set smaller to fit beside the page number."""
    from pypdf import PdfReader

    from records.certificates import font_chains, line_width

    school.name = ("Holy Trinity Church of England Voluntary Aided Primary School " * 4)[:200]
    school.save()
    client.force_login(world["safeguarding_lead"])
    content = client.get(reverse("records:training_record_pdf")).content
    chunks = []

    def visit(text, cm, tm, font, size):
        if text.strip() and tm[5] * cm[3] + cm[5] < 15 * 72 / 25.4:
            chunks.append((text.strip(), tm[4] * cm[0] + cm[4], size * tm[0] * cm[0]))

    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    (page_number,) = [x for text, x, _size in chunks if text == "Page 1"]
    footer = [(text, x, size) for text, x, size in chunks if text != "Page 1"]
    right = max(x + line_width(text, font_chains()[0], size) for text, x, size in footer)
    assert right < page_number


def test_a_module_private_to_groups_a_pupil_is_not_in_does_not_hold_back_the_pshe_records(
    client, world, pupil_course
):
    """A module private to a group (its "Privacy" in the admin) is not part of the course
    for a pupil outside it, and their course is complete without it: the overview of the
    classes counts it for nobody it is kept from, and the class's record and its CSV do not
    show it as not yet done for them, nor does the pupil's own record."""
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import PageViewRestriction

    first, second = pupil_course.modules()
    restriction = PageViewRestriction.objects.create(
        page=second, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([AuthGroup.objects.create(name="Year 9 pilot")])
    completions_project(
        statements=[
            statement(world["pupil"], COMPLETED, iri)
            for iri in (first.activity_iri, pupil_course.activity_iri)
        ],
        learners_by_key=keys(world["pupil"]),
    )
    client.force_login(world["safeguarding_lead"])
    summaries = client.get(reverse("records:pshe_groups")).context["summaries"]
    (row,) = [s for s in summaries if s.group == world["klass"]]
    assert (row.modules_done, row.modules, row.percent) == (1, 1, 100)
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk])))
    assert rows[1][1:] == ["Completed", "Not open to them"]
    html = client.get(reverse("records:pshe_class", args=[world["klass"].pk])).content.decode()
    assert html.count("Not open to them") == 1
    client.force_login(world["pupil"])
    mine = client.get(reverse("records:my_pshe")).content.decode()
    assert mine.count("Not open to you") == 1 and "Not done yet" not in mine


def test_a_certificate_names_the_school_the_course_was_completed_at_after_a_move(
    client, school, teacher, staff_course, dejavu
):
    """A member of staff completed a course at one school and moved to another before
    downloading its certificate. The certificate said they did it at the new school, where
    they had never been trained; it names the school whose record the completion is in."""
    from xapi.services import record

    done = statement(teacher, COMPLETED, staff_course.activity_iri, when=timezone.now())
    done.pop("stored")
    record(statements=[done], school=school)
    teacher.school = SchoolFactory(name="Ysgol Newydd")
    teacher.save()

    client.force_login(teacher)
    response = client.get(reverse("records:certificate", args=[done["id"]]))

    assert response.status_code == 200
    assert Certificate.objects.get().school_name == school.name
    assert school.name in _pdf_text(response.content)


def test_the_cpd_record_names_a_renamed_course_as_its_certificate_does(
    client, world, staff_course, dejavu
):
    """An editor renaming a course after a certificate was issued made the CPD log list the
    completion under the new name beside the certificate's code, while the certificate and
    its check give the old one: an inspector matching the log to the check found they
    disagreed. The record gives the course as the certificate names it."""
    client.force_login(world["staff"])
    client.get(reverse("records:certificate", args=[world["completion"].statement_id]))
    issued_as = staff_course.title
    staff_course.title = "Online safety for staff, 2027 edition"
    staff_course.save()

    rows = _rows(client.get(reverse("records:cpd_log_csv")))
    assert rows[1][0] == issued_as
    log = _pdf_text(client.get(reverse("records:cpd_log_pdf")).content)
    assert issued_as in log
    html = client.get(reverse("records:my_cpd")).content.decode()
    assert f'<th scope="row">{escape(issued_as)}</th>' in html
    code = Certificate.objects.get().code
    check = client.get(reverse("records:verify"), {"code": code}).content.decode()
    assert escape(f"“{issued_as}”") in check


def test_a_certificate_gives_the_cpd_time_the_course_had_when_it_was_completed(
    client, school, teacher, staff_course, dejavu
):
    """An editor published a shorter CPD time after a member of staff completed the course
    and before they downloaded its certificate: the certificate and their CPD record gave
    the new time, not the training they did. They give the time published when they
    completed it."""
    staff_course.save_revision().publish()  # 90 minutes, as it was when they took it
    completions_project(
        statements=[statement(teacher, COMPLETED, staff_course.activity_iri, when=timezone.now())],
        learners_by_key=keys(teacher),
    )
    staff_course.cpd_minutes = 45
    staff_course.save_revision().publish()

    client.force_login(teacher)
    rows = _rows(client.get(reverse("records:cpd_log_csv")))
    assert rows[1][2] == "90"
    completion = Completion.objects.get(learner=teacher)
    client.get(reverse("records:certificate", args=[completion.statement_id]))
    assert Certificate.objects.get().cpd_minutes == 90


def test_classes_are_listed_year_7_before_year_10_on_every_records_page(
    client, world, school, pupil_course
):
    """Class names are read as a school reads them: 7B, then 9C, then 10A; not as text,
    which puts "10A" first."""
    for name in ("10A", "7B", "9C"):
        klass = GroupFactory(school=school, name=name, kind=Group.Kind.CLASS)
        MembershipFactory(group=klass, user=PupilFactory(school=school))
        assignment_create(
            school=school,
            course_page_id=pupil_course.pk,
            group=klass,
            due_on=date.today() + timedelta(days=10),
        )
    client.force_login(world["safeguarding_lead"])

    def in_order(html, *names):
        where = [html.index(f">{name}") for name in names]
        return where == sorted(where)

    order = ("7B", "8R", "9C", "10A")
    assert in_order(client.get(reverse("records:pshe_groups")).content.decode(), *order)
    dashboard = client.get(reverse("records:dashboard")).content.decode()
    assert in_order(dashboard[dashboard.index('id="by-group"') :], "7B", "9C", "10A")
    matrix = client.get(reverse("records:matrix")).content.decode()
    assert in_order(matrix, *(f"{name} (Class)" for name in order))
    assignments = client.get(reverse("records:assignments")).content.decode()
    assert in_order(assignments[assignments.index('name="group"') :], *order)
    groups_csv = _rows(client.get(reverse("records:groups_csv")))
    assert [row[1] for row in groups_csv if row[0] == pupil_course.title] == ["7B", "9C", "10A"]


def test_the_matrix_lists_as_completed_everyone_the_dashboard_counts_as_completed(
    client, school, staff_team, staff_course, teacher, safeguarding_lead
):
    """The dashboard counts a completion expiring soon as completed (it still counts), and
    says so; the matrix filtered to "Completed" from there lists those people too."""
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        group=staff_team,
        due_on=date.today() - timedelta(days=400),
        renewal_months=12,
    )
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    MembershipFactory(group=staff_team, user=colleague)
    completed(teacher, staff_course.activity_iri, days_ago=10)
    completed(colleague, staff_course.activity_iri, days_ago=350)  # expiring soon
    client.force_login(safeguarding_lead)
    dashboard = " ".join(client.get(reverse("records:dashboard")).content.decode().split())
    assert "<td>3</td> <td>2 <span" in dashboard  # assigned 3, completed 2 (the lead: overdue)
    matrix = client.get(
        reverse("records:matrix") + f"?course={staff_course.pk}&status=completed"
    ).content.decode()
    assert teacher.get_full_name() in matrix
    assert colleague.get_full_name() in matrix
    assert "Completed, including expiring soon" in matrix
    assert "Completed, including expiring soon" in dashboard
    rows = _rows(
        client.get(reverse("records:matrix_csv") + f"?course={staff_course.pk}&status=completed")
    )
    assert len(rows) == 3  # the header and both people


def test_a_lesson_completed_before_it_was_made_private_counts_on_the_overview_as_in_the_class(
    client, world, pupil_course
):
    """A pupil completed a lesson an editor later made private to a group they are not in.
    The class's record shows it completed (lessons done stay done); the overview of the
    classes counted it neither done nor theirs to do, so the two pages disagreed."""
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import PageViewRestriction

    _first, second = pupil_course.modules()
    completions_project(
        statements=[statement(world["pupil"], COMPLETED, second.activity_iri)],
        learners_by_key=keys(world["pupil"]),
    )
    restriction = PageViewRestriction.objects.create(
        page=second, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([AuthGroup.objects.create(name="Year 9 pilot")])
    client.force_login(world["safeguarding_lead"])
    rows = _rows(client.get(reverse("records:pshe_class_csv", args=[world["klass"].pk])))
    assert rows[1][1:] == ["", "Completed"]
    summaries = client.get(reverse("records:pshe_groups")).context["summaries"]
    (row,) = [s for s in summaries if s.group == world["klass"]]
    assert (row.modules_done, row.modules, row.percent) == (1, 2, 50)


def test_an_assignment_to_a_withdrawn_course_says_why_it_is_not_on_the_dashboard(
    client, world, staff_course
):
    """An editor unpublished a course the school had assigned. The dashboard, the matrix and
    the training record leave it out (nobody can take it, nor is reminded about it), but the
    assignments page and its CSV listed it as if nothing had changed: they say it is
    withdrawn and what that means."""
    staff_course.unpublish()
    client.force_login(world["safeguarding_lead"])
    page = " ".join(client.get(reverse("records:assignments")).content.decode().split())
    row = page[page.index(f'<th scope="row">{staff_course.title}') :].split("</tr>")[0]
    assert "Withdrawn" in row
    assert "not counted on the dashboard" in page
    rows = _rows(client.get(reverse("records:assignments_csv")))
    assert rows[0][-1] == "Course withdrawn"
    assert rows[1][0] == staff_course.title and rows[1][-1] == "Yes"


def test_the_dashboard_says_assigned_courses_are_withdrawn_not_that_none_are_assigned(
    client, world, staff_course
):
    """Every course the school assigned was unpublished by an editor: the dashboard has
    nothing to count, but "No courses are assigned yet" would send the safeguarding lead to
    assign them again. It says they are withdrawn, and where to see them."""
    staff_course.unpublish()
    client.force_login(world["safeguarding_lead"])

    page = " ".join(client.get(reverse("records:dashboard")).content.decode().split())

    assert (
        "Courses are assigned, but an editor has unpublished (withdrawn) every one of them, "
        "so there is nothing to count."
    ) in page
    assert f'<a href="{reverse("records:assignments")}">See the assignments</a>' in page


def test_the_training_record_pdf_says_assigned_courses_are_withdrawn_not_that_none_are_assigned(
    client, world, staff_course, dejavu
):
    """Every course the school assigned was unpublished by an editor: the training record,
    read by governors or an inspector, said "No courses are assigned yet", which is not so.
    It says, as the dashboard does, that they are assigned but withdrawn."""
    staff_course.unpublish()
    client.force_login(world["safeguarding_lead"])

    words = " ".join(_pdf_text(client.get(reverse("records:training_record_pdf")).content).split())

    assert (
        "Courses are assigned, but an editor has unpublished (withdrawn) every one of them, "
        "so there is nothing to count."
    ) in words


def _staff_renew_every_24_months_and_leads_every_12(school, staff_course):
    """The staff team's assignment of the staff course renews every 24 months; the leads get
    their own assignment of it that renews every 12."""
    Assignment.objects.update(renewal_months=24)
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=Role.SAFEGUARDING_LEAD,
        due_on=date.today() + timedelta(days=10),
        renewal_months=12,
    )


def _staff_course_certificate(world, staff_course, *, completed_at):
    """A certificate of the staff member's completion in `world`, for the staff course."""
    return Certificate.objects.create(
        learner=world["staff"],
        statement_id=world["completion"].statement_id,
        course_id=staff_course.pk,
        course_title=staff_course.title,
        completed_at=completed_at,
    )


def _certificate_of_a_course_done_100_days_ago(world, staff_course):
    """The staff member in `world` took the staff course 100 days ago (it was due 90 days
    ago), and here is the certificate of it."""
    from records.models import LearnerActivity

    done = timezone.now() - timedelta(days=100)
    Completion.objects.filter(pk=world["completion"].pk).update(completed_at=done)
    LearnerActivity.objects.filter(learner=world["staff"]).update(
        first_seen_at=done, last_seen_at=done, first_completed_at=done, last_completed_at=done
    )
    Assignment.objects.update(due_on=date.today() - timedelta(days=90))
    return _staff_course_certificate(world, staff_course, completed_at=done)


def test_checking_a_certificate_whose_training_has_expired_says_it_has_expired(
    client, world, staff_course
):
    """The school renews this course every 12 months: a certificate from 400 days ago was
    shown as valid, with nothing to tell whoever checked it that the training had run out."""
    done = timezone.now() - timedelta(days=400)
    Completion.objects.filter(pk=world["completion"].pk).update(completed_at=done)
    certificate = _staff_course_certificate(world, staff_course, completed_at=done)
    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    expired_on = add_months(timezone.localdate(done), 12)
    assert "Expired certificate" in html
    assert "Valid certificate" not in html
    assert f"It expired on {expired_on:%-d %B %Y}" in html


def test_checking_a_current_certificate_says_when_it_expires(client, world, staff_course):
    certificate = _staff_course_certificate(
        world, staff_course, completed_at=world["completion"].completed_at
    )
    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    expires_on = add_months(timezone.localdate(world["completion"].completed_at), 12)
    assert "Valid certificate" in html
    assert f"It expires on {expires_on:%-d %B %Y}" in html


def test_a_certificate_from_before_the_course_required_renewal_stops_checking_out_with_it(
    client, world, staff_course
):
    """An editor marked the course "requires renewal" 60 days ago, giving 30 days to take
    it again: the dashboard has counted the old completion overdue since, yet the check page
    still called its certificate valid for months more."""
    from records.models import CourseRenewal
    from records.selectors import assignments_for_learner
    from records.services import course_renewal_require
    from records.states import State

    certificate = _certificate_of_a_course_done_100_days_ago(world, staff_course)
    marked = timezone.now() - timedelta(days=60)
    course_renewal_require(course_page_id=staff_course.pk, reason="New settings")
    CourseRenewal.objects.update(required_from=marked, complete_within_days=30)
    last_day = timezone.localdate(marked) + timedelta(days=30)
    [item] = assignments_for_learner(world["staff"])
    assert item.state == State.OVERDUE and item.due_on == last_day

    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert "Expired certificate" in html
    assert f"It expired on {last_day + timedelta(days=1):%-d %B %Y}" in html


def test_a_certificate_marked_for_renewal_twice_expires_when_the_latest_mark_says(
    client, world, staff_course
):
    """Marked "requires renewal" 60 days ago with 30 days to take it again, and again 10
    days ago with 30 more: the dashboard and the latest email give the holder until 20 days
    from now, yet the check page went by the first mark and called the certificate expired
    29 days ago."""
    from records.models import CourseRenewal
    from records.selectors import assignments_for_learner
    from records.services import course_renewal_require
    from records.states import State

    certificate = _certificate_of_a_course_done_100_days_ago(world, staff_course)
    for days_ago in (60, 10):
        renewal = course_renewal_require(course_page_id=staff_course.pk, reason="New settings")
        CourseRenewal.objects.filter(pk=renewal.pk).update(
            required_from=timezone.now() - timedelta(days=days_ago), complete_within_days=30
        )
    last_day = timezone.localdate(timezone.now() - timedelta(days=10)) + timedelta(days=30)
    [item] = assignments_for_learner(world["staff"])
    assert item.state == State.NOT_STARTED and item.due_on == last_day

    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert "Valid certificate" in html
    assert f"It expires on {last_day + timedelta(days=1):%-d %B %Y}" in html


def test_a_certificate_expires_by_the_renewal_period_of_the_assignments_its_holder_is_in(
    client, world, school, staff_course
):
    """The staff team renews the course every 24 months and the leads every 12: a teacher,
    who is no lead, is counted completed for 24 months on the dashboard, and their
    certificate said it expired after 12."""
    from records.selectors import assignments_for_learner

    _staff_renew_every_24_months_and_leads_every_12(school, staff_course)
    completed_on = timezone.localdate(world["completion"].completed_at)
    [item] = assignments_for_learner(world["staff"])
    assert item.standing.expires_on == add_months(completed_on, 24)

    certificate = _staff_course_certificate(
        world, staff_course, completed_at=world["completion"].completed_at
    )
    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert f"It expires on {add_months(completed_on, 24):%-d %B %Y}" in html


@pytest.mark.parametrize(
    ("checked_at", "says"),
    [
        # 23:30 on 30 March 2026 in London (BST): the last day the training counts.
        ("2026-03-30T22:30:00+00:00", "Valid certificate"),
        # Half past midnight on 31 March in London, still 30 March in UTC: it has expired.
        ("2026-03-30T23:30:00+00:00", "Expired certificate"),
    ],
)
def test_a_certificate_expires_at_the_start_of_its_expiry_day_in_london(
    client, world, staff_course, monkeypatch, checked_at, says
):
    """Completed at 00:30 on 31 March 2025 in London (23:30 UTC the day before) and renewed
    every 12 months: it counts until the end of 30 March 2026 and expires on 31 March, by
    the clocks in the schools, as the dashboard says."""
    from datetime import UTC, datetime

    done = datetime(2025, 3, 30, 23, 30, tzinfo=UTC)
    Completion.objects.filter(pk=world["completion"].pk).update(completed_at=done)
    certificate = _staff_course_certificate(world, staff_course, completed_at=done)
    now = datetime.fromisoformat(checked_at)
    monkeypatch.setattr(timezone, "now", lambda: now)
    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert says in html
    assert "31 March 2026" in html


def test_only_the_link_to_this_very_page_is_called_the_current_page(client, world):
    # A screen reader says "current page" of a link marked aria-current="page". On a person's
    # record, the main menu's "Safeguarding dashboard" and the tab "Learners by course" are
    # the section the page is in, not the page itself: they are marked "true" (current item).
    client.force_login(world["safeguarding_lead"])
    html = client.get(reverse("records:person", args=[world["staff"].pk])).content.decode()
    assert '<a href="/records/dashboard/" aria-current="true">Safeguarding dashboard</a>' in html
    assert '<a href="/records/dashboard/matrix/" aria-current="true">Learners by course</a>' in html
    assert html.count('aria-current="page"') == 0
    html = client.get(reverse("records:matrix")).content.decode()
    assert '<a href="/records/dashboard/matrix/" aria-current="page">Learners by course</a>' in html
    assert html.count('aria-current="page"') == 1
    html = client.get(reverse("records:dashboard")).content.decode()
    assert '<a href="/records/dashboard/" aria-current="page">Safeguarding dashboard</a>' in html
    assert '<a href="/records/dashboard/" aria-current="page">Overview</a>' in html


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_the_matrix_title_names_its_filters_and_page(client, world, staff_course, monkeypatch):
    """WCAG 2.4.2: each filtered view and each page of the matrix has its own title, so
    tabs and history tell them apart."""
    import records.views

    monkeypatch.setattr(records.views, "MATRIX_PAGE_SIZE", 1)
    client.force_login(world["safeguarding_lead"])
    url = reverse("records:matrix")
    team = Group.objects.get(name="Teaching staff")
    assert _title(client.get(url)) == "Learners by course (page 1 of 2) · Upstander"
    assert _title(client.get(url, {"page": "2"})) == (
        "Learners by course (page 2 of 2) · Upstander"
    )
    assert _title(client.get(url, {"course": staff_course.pk, "status": "overdue"})) == (
        f"Learners by course: {escape(staff_course.title)}, Overdue · Upstander"
    )
    assert _title(client.get(url, {"group": team.pk, "role": "staff"})) == (
        f"Learners by course: {escape(str(team))}, Staff (page 1 of 2) · Upstander"
    )
    # A filter value it could not use is an error on its field: the title says so.
    assert _title(client.get(url, {"course": "999999"})).startswith("Error: Learners by course")


def test_a_matrix_filter_it_cannot_use_is_in_an_error_summary_that_takes_focus(
    client, world, staff_course
):
    """A stale or edited link's filter: the title says "Error:", so the page must say what
    the problem is at the top, in the error summary that static/js/site.js focuses, with a
    link to the field, as every other form does after a failed submit."""
    client.force_login(world["safeguarding_lead"])
    page = client.get(reverse("records:matrix"), {"course": "999999"}).content.decode()
    assert "data-error-summary" in page
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_course"' in summary
    # The filters it could use still apply; with none bad, there is no summary.
    page = client.get(reverse("records:matrix"), {"course": staff_course.pk}).content.decode()
    assert "data-error-summary" not in page


def test_a_persons_page_title_says_it_is_their_training_record(client, world):
    """WCAG 2.4.2: the title says what the page is, not only whose it is."""
    client.force_login(world["safeguarding_lead"])
    staff = world["staff"]
    response = client.get(reverse("records:person", args=[staff.pk]))
    assert _title(response) == f"Training record: {escape(staff.get_full_name())} · Upstander"


@pytest.mark.parametrize(
    ("days_ago", "title"),
    [
        (10, "Valid certificate · Check a certificate · Upstander"),
        (400, "Expired certificate · Check a certificate · Upstander"),
        (None, "Not a valid certificate · Check a certificate · Upstander"),
    ],
)
def test_the_certificate_check_title_says_how_the_certificate_checked_out(
    client, world, staff_course, days_ago, title
):
    """A screen reader reads the title first: it gives the answer, as the heading does."""
    code = "AAAA-BBBB-CCCC"
    if days_ago is not None:
        done = timezone.now() - timedelta(days=days_ago)
        Completion.objects.filter(pk=world["completion"].pk).update(completed_at=done)
        code = _staff_course_certificate(world, staff_course, completed_at=done).code
    assert _title(client.get(reverse("records:verify"), {"code": code})) == title


def test_the_dashboards_chart_column_is_hidden_from_screen_readers_header_and_all(client, world):
    """The bars are decorative (the counts beside them say the same in words). Hiding only
    the bars left a "Chart" column whose every cell a screen reader read as blank."""
    client.force_login(world["safeguarding_lead"])
    html = client.get(reverse("records:dashboard")).content.decode()
    headers = re.findall(r"<th[^>]*>Chart</th>", html)
    assert len(headers) == 2  # by course, and by course and group
    assert all('aria-hidden="true"' in header for header in headers)
    cells = re.findall(r'<td[^>]*class="bar-cell"[^>]*>', html)
    assert len(cells) >= 2
    assert all('aria-hidden="true"' in cell for cell in cells)


def test_the_person_csv_says_which_completions_came_from_a_lesson_led_in_class(
    client, world, pupil_course
):
    """The person page gives a module completed in a lesson led with the pupil's class as
    "<the lesson's day>, in class": the time the record holds is made up (midday). The CSV
    gave that time as if the pupil had done it then, and not that it was in class; it says
    so now, with the lesson's day."""
    from courses.services import class_lesson_record

    first, _second = pupil_course.modules()
    taught_on = date.today() - timedelta(days=3)
    class_lesson_record(
        teacher=world["staff"],
        group=world["klass"],
        course=pupil_course,
        modules=[first],
        pupils=[world["pupil"]],
        taught_on=taught_on,
    )
    client.force_login(world["safeguarding_lead"])
    html = client.get(reverse("records:person", args=[world["pupil"].pk])).content.decode()
    assert f"{taught_on.day} {taught_on:%b %Y}, in class" in html
    rows = _rows(client.get(reverse("records:person_csv", args=[world["pupil"].pk])))
    assert rows[0] == ["Course", "Module", "Completed at", "In a lesson led with a class on"]
    row = next(row for row in rows[1:] if row[1] == first.title)
    assert row[3] == taught_on.isoformat()


def test_the_person_page_offers_the_completions_download_only_with_a_table(client, world):
    """Under "Completed courses and modules", "Download this table (CSV)" was offered for a
    person with nothing completed, where there is no table: the link now comes with it."""
    client.force_login(world["safeguarding_lead"])
    download = reverse("records:person_csv", args=[world["pupil"].pk])
    html = client.get(reverse("records:person", args=[world["pupil"].pk])).content.decode()
    assert "Nothing completed yet." in html
    assert f'href="{download}"' not in html
    download = reverse("records:person_csv", args=[world["staff"].pk])
    html = client.get(reverse("records:person", args=[world["staff"].pk])).content.decode()
    assert f'href="{download}"' in html


def test_a_superuser_with_a_school_is_told_whose_class_they_opened_from_another_school(
    client, world, school
):
    """A superuser who belongs to a school may open another school's class by its address:
    the page said which school it was only to an administrator with no school, so two
    schools' "9Z" looked the same to them."""
    admin = UserFactory(school=school, username="schooladmin", roles=[], is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("records:pshe_class", args=[world["other_class"].pk]))
    assert response.status_code == 200
    assert "Viewing: Elsewhere" in " ".join(response.content.decode().split())


def test_a_lead_cannot_download_the_records_of_someone_holding_more_than_they_do(
    client, world, school
):
    """The subject access export holds a person's sign-ins (with the addresses they signed
    in from), email and everything else held about them: erasing them and marking them as
    left are refused to a lead for a site administrator of the school or anyone holding a
    permission the lead does not, and so is downloading it."""
    from django.contrib.auth.models import Permission

    from records.models import DataProtectionEvent

    site_admin = UserFactory(school=school, username="site-admin", roles=[], is_superuser=True)
    people_admin = UserFactory(school=school, username="people-admin", roles=[Role.STAFF])
    people_admin.user_permissions.add(
        Permission.objects.get(content_type__app_label="schools", codename="delete_user")
    )
    client.force_login(world["safeguarding_lead"])
    for person in (site_admin, people_admin):
        url = reverse("records:person_export", args=[person.pk])
        html = client.get(reverse("records:person", args=[person.pk])).content.decode()
        assert url not in html
        response = client.post(url)
        assert response.status_code == 403
        assert "can download everything held about them" in response.content.decode()
        assert not DataProtectionEvent.objects.filter(person=person).exists()
    # Their own, and a member of staff's, as before.
    for person in (world["safeguarding_lead"], world["staff"]):
        response = client.post(reverse("records:person_export", args=[person.pk]))
        assert response.status_code == 200
        assert response.json()["person"]["username"] == person.username


def test_a_superuser_with_a_school_is_told_whose_person_they_opened_from_another_school(
    client, world, school
):
    """A superuser who belongs to a school may open another school's person by their
    address: their record page said nothing of which school they were at, and its erase
    link is offered, so the administrator could act on someone of another school unawares."""
    admin = UserFactory(school=school, username="schooladmin", roles=[], is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("records:person", args=[world["outsider"].pk]))
    assert response.status_code == 200
    assert "Viewing: Elsewhere" in " ".join(response.content.decode().split())


def test_a_due_date_at_the_end_of_the_calendar_breaks_no_page_nor_the_reminders(
    client, world, staff_course, staff_team
):
    """A lead gave the staff team a course due on 31/12/9999 ("no deadline"), renewed every
    12 months, and a member of the team had completed it two years before: their completion
    ran out before the course was theirs, so it lasts until the day after the due date, a
    day the calendar does not have. Their CPD record, the dashboard and the morning's
    reminders for the whole site all failed with a server error."""
    from records.services import reminders_send
    from tests.records.statements import completed

    Assignment.objects.all().delete()
    lead = world["safeguarding_lead"]
    completed(lead, staff_course.activity_iri, days_ago=800)
    client.force_login(lead)
    response = client.post(
        reverse("records:assignments"),
        {
            "course": staff_course.pk,
            "group": staff_team.pk,
            "due_on": "31/12/9999",
            "renewal_months": 12,
            "new_starter_days": 30,
        },
    )
    assert response.status_code == 302
    for name in ("records:my_cpd", "records:dashboard", "records:matrix"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("records:person", args=[lead.pk])).status_code == 200
    reminders_send()


def test_a_certificate_keeps_its_expiry_date_when_its_holder_leaves_the_school(
    client, world, school, staff_course
):
    """The staff team renews the course every 24 months and the leads every 12. A teacher
    who leaves did the training they did: the check page goes on giving the date their
    certificate (and the dashboard, while they were there) said, not the leads' 12 months."""
    _staff_renew_every_24_months_and_leads_every_12(school, staff_course)
    completed_on = timezone.localdate(world["completion"].completed_at)
    certificate = _staff_course_certificate(
        world, staff_course, completed_at=world["completion"].completed_at
    )
    world["staff"].is_active = False
    world["staff"].save()
    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert f"It expires on {add_months(completed_on, 24):%-d %B %Y}" in html


def test_a_new_starters_certificate_whose_training_had_run_out_expires_as_on_the_dashboard(
    client, world, staff_course
):
    """A new starter did the course 400 days ago elsewhere in the school's renewal cycle
    (renewed every 12 months), and it was given to their team today, due in 10 days: the
    dashboard and their CPD record count the completion until the due date, so they have
    until then to take it again, yet the check page called their certificate expired a
    month ago."""
    from records.models import LearnerActivity
    from records.selectors import assignments_for_learner
    from records.states import State

    done = timezone.now() - timedelta(days=400)
    Completion.objects.filter(pk=world["completion"].pk).update(completed_at=done)
    LearnerActivity.objects.filter(learner=world["staff"]).update(
        first_seen_at=done, last_seen_at=done, first_completed_at=done, last_completed_at=done
    )
    due_on = date.today() + timedelta(days=10)
    [item] = assignments_for_learner(world["staff"])
    assert item.state != State.EXPIRED
    assert item.standing.expires_on == due_on + timedelta(days=1)

    certificate = _staff_course_certificate(world, staff_course, completed_at=done)
    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert "Valid certificate" in html
    assert f"It expires on {due_on + timedelta(days=1):%-d %B %Y}" in html


def _person_link_texts(html: str) -> dict[str, str]:
    """Each link to a person's record page on `html`, by its address: its text."""
    found = re.findall(r'<a href="(/records/dashboard/people/\d+/)">([^<]*)</a>', html)
    return dict(found)


def test_two_people_with_the_same_name_have_links_that_tell_them_apart(
    client, world, school, staff_team
):
    """Two members of the staff team are both called Sam Taylor, and both are overdue. On
    Learners by course and on Chase overdue training each row's link to their record read
    "Sam Taylor": a screen reader user listing the links heard the same words twice for two
    different people (WCAG 2.4.4), and could not tell which one they were opening."""
    namesakes = [
        UserFactory(
            school=school,
            username=username,
            first_name="Sam",
            last_name="Taylor",
            email=f"{username}@school.invalid",
            roles=[Role.STAFF],
        )
        for username in ("staylor", "staylor2")
    ]
    for person in namesakes:
        MembershipFactory(group=staff_team, user=person)
    Assignment.objects.update(due_on=date.today() - timedelta(days=1))
    client.force_login(world["safeguarding_lead"])
    for name in ("records:matrix", "records:chase"):
        links = _person_link_texts(client.get(reverse(name)).content.decode())
        texts = [links[reverse("records:person", args=[p.pk])] for p in namesakes]
        assert texts[0] != texts[1], (name, texts)


def test_chase_lists_people_by_surname_as_learners_by_course_does(
    client, world, school, staff_team
):
    """Learners by course, My groups and the class lists go by surname, but Chase overdue
    training went by first name: Zac Adams came after Amy Young, so a lead looking down it
    for someone they had just seen on Learners by course did not find them where expected."""
    for first, last in (("Amy", "Young"), ("Zac", "Adams"), ("Bea", "de Souza")):
        person = UserFactory(
            school=school,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@school.invalid",
            roles=[Role.STAFF],
        )
        MembershipFactory(group=staff_team, user=person)
    Assignment.objects.update(due_on=date.today() - timedelta(days=1))
    client.force_login(world["safeguarding_lead"])
    chase = client.get(reverse("records:chase")).context["chase"]
    listed = [c.learner.last_name for c in chase.to_email]
    assert [name for name in listed if name in ("Young", "Adams", "de Souza")] == [
        "Adams",
        "de Souza",
        "Young",
    ]


def test_a_course_assigned_to_a_team_with_nobody_in_it_yet_is_not_called_unassigned(
    client, world, school, staff_course
):
    """The lead assigned the staff course to a new team before adding anyone to it. The
    dashboard said "No courses are assigned yet. Assign a course", sending them to assign it
    again, and Learners by course, with no filter chosen, said "Nobody matches these
    filters." Both now say the course is assigned and nobody who can take it is there yet."""
    Assignment.objects.all().delete()
    new_team = GroupFactory(school=school, name="New staff", kind=Group.Kind.STAFF_TEAM)
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        group=new_team,
        due_on=date.today() + timedelta(days=10),
    )
    client.force_login(world["safeguarding_lead"])
    expected = (
        "Courses are assigned, but nobody who can take them is in the groups or roles they "
        "are assigned to yet, so there is nothing to count."
    )
    for name in ("records:dashboard", "records:matrix"):
        page = " ".join(client.get(reverse(name)).content.decode().split())
        assert expected in page, name
        assert f'<a href="{reverse("records:assignments")}">See the assignments</a>' in page


@pytest.mark.parametrize(("days_ago", "says"), [(400, "Expired certificate"), (100, "Valid")])
def test_a_certificate_keeps_its_expiry_date_when_its_course_is_deleted(
    client, world, staff_course, days_ago, says
):
    """The school renews the course every 12 months. An editor deleted the course (to
    replace it, say): the check page went on calling a certificate from 400 days ago valid,
    with no expiry date, as if the training were current."""
    from records.models import LearnerActivity

    done = timezone.now() - timedelta(days=days_ago)
    Completion.objects.filter(pk=world["completion"].pk).update(completed_at=done)
    LearnerActivity.objects.filter(learner=world["staff"]).update(
        first_seen_at=done, last_seen_at=done, first_completed_at=done, last_completed_at=done
    )
    # Assigned, and in the team, since before they did it.
    before = done - timedelta(days=1)
    Assignment.objects.update(created_at=before)
    User.objects.filter(pk=world["staff"].pk).update(date_joined=before, school_joined_at=before)
    Membership.objects.filter(user=world["staff"]).update(joined_at=before)
    certificate = _staff_course_certificate(world, staff_course, completed_at=done)
    expires_on = add_months(timezone.localdate(done), 12)
    verb = "expired" if days_ago == 400 else "expires"
    checked = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert says in checked and f"It {verb} on {expires_on:%-d %B %Y}" in checked

    staff_course.delete()

    html = client.get(reverse("records:verify"), {"code": certificate.code}).content.decode()
    assert says in html
    assert f"It {verb} on {expires_on:%-d %B %Y}" in html
