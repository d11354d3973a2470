"""The school's data protection log: subject access exports and erasures, who did them and
when, naming nobody once they have been erased."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from records import views as records_views
from records.models import DataProtectionEvent
from records.services import leavers_purge
from schools.roles import Role
from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

LOG = reverse("records:data_protection")


@pytest.fixture
def lead_client(client, safeguarding_lead):
    safeguarding_lead.first_name, safeguarding_lead.last_name = "Dana", "Lead"
    safeguarding_lead.save()
    client.force_login(safeguarding_lead)
    return client


@pytest.fixture
def named_pupil(pupil):
    pupil.first_name, pupil.last_name, pupil.mis_id = "Zofia", "Kowalska", "A1234"
    pupil.save()
    return pupil


def test_an_export_and_an_erasure_are_logged_without_naming_the_person_erased(
    lead_client, named_pupil, safeguarding_lead
):
    assert "Nothing yet" in lead_client.get(LOG).text
    assert (
        lead_client.post(reverse("records:person_export", args=[named_pupil.pk])).status_code == 200
    )
    html = lead_client.get(LOG).text
    # While the account exists, the entry leads to the person's record.
    assert "Everything held downloaded (subject access)" in html
    assert f'href="{reverse("records:person", args=[named_pupil.pk])}"' in html
    assert "Zofia Kowalska" in html

    erase = reverse("records:person_erase", args=[named_pupil.pk])
    erased = lead_client.post(erase, {"confirm": named_pupil.username}, follow=True)
    assert "Zofia Kowalska and their records were erased." in erased.text
    html = lead_client.get(LOG).text
    assert "Erased, with their records" in html
    assert html.count("Pupil; 8R; MIS id A1234") == 2
    assert html.count("<td>Dana Lead, on the safeguarding dashboard</td>") == 2
    assert "Zofia" not in html and named_pupil.username not in html
    # Nothing in the log's rows names them.
    for row in DataProtectionEvent.objects.values():
        assert row["person_id"] is None
        assert not {"Zofia", "Kowalska", named_pupil.username} & {
            str(value) for value in row.values()
        }
    kinds = list(DataProtectionEvent.objects.values_list("kind", "by"))
    assert kinds == [("erased", safeguarding_lead.pk), ("exported", safeguarding_lead.pk)]
    # The lead is not named either once erased in turn (by a command, here).
    call_command("erase_learner", safeguarding_lead.username, stdout=io.StringIO())
    by = [records_views._events_by(event) for event in DataProtectionEvent.objects.all()]
    assert by == [
        "A command run on the server",
        "Someone, on the safeguarding dashboard",
        "Someone, on the safeguarding dashboard",
    ]


def test_erasures_by_the_retention_period_and_by_command_say_so(
    lead_client, school, named_pupil, teacher
):
    named_pupil.is_active = False
    named_pupil.save()
    type(named_pupil).objects.filter(pk=named_pupil.pk).update(
        left_on=timezone.localdate() - timedelta(days=3000)
    )
    leavers_purge()
    call_command("erase_learner", teacher.username, "--keep-account", stdout=io.StringIO())
    html = lead_client.get(LOG).text
    assert "Erased: left longer ago than records are kept" in html
    assert "The school&#x27;s retention period" in html
    assert "Learning records erased, account kept" in html
    assert "A command run on the server" in html
    assert "Staff; 8R" in html  # the teacher's role and class


def test_a_subject_access_download_gives_names_and_typed_words_as_written(
    lead_client, named_pupil, capsys
):
    """What is handed to the person must be readable (UK GDPR Art. 12: intelligible): a
    name such as "Łucja Gŵyr" as written, not as "\\u0141ucja G\\u0175yr", from the
    dashboard and from `manage.py export_learner` alike."""
    named_pupil.first_name, named_pupil.last_name = "Łucja", "Gŵyr-Kowalska"
    named_pupil.save()
    response = lead_client.post(reverse("records:person_export", args=[named_pupil.pk]))
    assert "Łucja".encode() in response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["person"]["last_name"] == "Gŵyr-Kowalska"

    call_command("export_learner", named_pupil.username)
    printed = capsys.readouterr().out
    assert "Gŵyr-Kowalska" in printed
    assert json.loads(printed)["person"]["first_name"] == "Łucja"


def test_each_school_sees_only_its_own_log_and_can_download_it(
    client, lead_client, named_pupil, safeguarding_lead
):
    lead_client.post(reverse("records:person_export", args=[named_pupil.pk]))
    response = lead_client.get(reverse("records:data_protection_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "What", "Person (while their account exists)"]
    assert rows[1][1:] == [
        "Everything held downloaded (subject access)",
        "Zofia Kowalska",
        "Pupil",
        "8R",
        "A1234",
        "Dana Lead, on the safeguarding dashboard",
        "",
        "",
    ]
    # The export itself lists the entries about the person.
    export = lead_client.post(reverse("records:person_export", args=[named_pupil.pk])).json()
    assert [entry["kind"] for entry in export["data_protection_log"]] == ["exported"] * 2

    elsewhere = UserFactory(
        school=SchoolFactory(name="Elsewhere"), roles=[Role.STAFF, Role.SAFEGUARDING_LEAD]
    )
    client.force_login(elsewhere)
    assert "Nothing yet" in client.get(LOG).text
    assert (
        len(
            list(
                csv.reader(
                    io.StringIO(
                        client.get(reverse("records:data_protection_csv")).content.decode(
                            "utf-8-sig"
                        )
                    )
                )
            )
        )
        == 1
    )


def test_an_erasure_keeps_where_forwarded_copies_are_and_how_those_stores_know_them(
    lead_client, school, named_pupil
):
    from tests.records.statements import COMPLETED, iri, statement
    from xapi.models import ForwardingTarget, OutboxEntry
    from xapi.services import record

    trust = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    done = statement(named_pupil, COMPLETED, iri("module", "log1"), when=timezone.now())
    done.pop("stored", None)
    record(statements=[done], school=school)
    OutboxEntry.objects.filter(target=trust).update(status=OutboxEntry.Status.SENT)
    learner_id = str(named_pupil.learner_id)
    lead_client.post(reverse("records:person_export", args=[named_pupil.pk]))
    lead_client.post(
        reverse("records:person_erase", args=[named_pupil.pk]), {"confirm": named_pupil.username}
    )
    erased, exported = DataProtectionEvent.objects.all()
    assert (erased.copies_at, erased.identifier) == ("Trust LRS", learner_id)
    assert (exported.copies_at, exported.identifier) == ("", "")
    html = lead_client.get(LOG).text
    assert (
        "Copies sent before erasing are at Trust LRS, where they are known as "
        f"<code>{learner_id}</code>" in html
    )


# --- Deleting people in the Wagtail admin's Users ---------------------------------------------


def _recorded(school, person):
    from tests.records.statements import COMPLETED, iri, statement
    from xapi.services import record

    done = statement(person, COMPLETED, iri("module", f"admin-{person.pk}"), when=timezone.now())
    done.pop("stored", None)
    record(statements=[done], school=school)


@pytest.fixture
def admin_client(client, school):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    admin.first_name, admin.last_name = "Ada", "Admin"
    admin.save()
    client.force_login(admin)
    return client, admin


def test_deleting_a_user_in_the_admin_erases_their_statements_and_logs_it(
    admin_client, school, named_pupil, teacher
):
    from xapi.models import Statement

    client, admin = admin_client
    _recorded(school, named_pupil)
    _recorded(school, teacher)
    key = str(named_pupil.learner_id)
    url = reverse("wagtailusers_users:delete", args=[named_pupil.pk])
    # The confirmation page says what deleting does, and changes nothing.
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "This also erases their learning records" in confirm.content.decode()
    assert Statement.objects.filter(actor_key__contains=key).exists()
    assert not DataProtectionEvent.objects.exists()
    assert client.post(url).status_code == 302
    assert not type(named_pupil).objects.filter(pk=named_pupil.pk).exists()
    assert not Statement.objects.filter(actor_key__contains=key).exists()
    assert Statement.objects.filter(learner=teacher).count() == 1  # nobody else's
    [event] = DataProtectionEvent.objects.all()
    assert (event.kind, event.via, event.by, event.person, event.mis_id) == (
        "erased",
        "admin",
        admin,
        None,
        "A1234",
    )


def test_deleting_a_person_in_the_admins_people_screen_erases_them_too(
    admin_client, school, named_pupil, teacher
):
    """Schools → People deletes the same accounts as Wagtail's Users screen: it left their
    statements behind, still carrying their identifier, and the school's log said nothing."""
    from xapi.models import Statement

    client, admin = admin_client
    _recorded(school, named_pupil)
    _recorded(school, teacher)
    key = str(named_pupil.learner_id)
    url = reverse("user:delete", args=[named_pupil.pk])
    confirm = client.get(url)
    assert "This also erases their learning records" in confirm.content.decode()
    assert not DataProtectionEvent.objects.exists()
    assert client.post(url).status_code == 302
    assert not type(named_pupil).objects.filter(pk=named_pupil.pk).exists()
    assert not Statement.objects.filter(actor_key__contains=key).exists()
    assert Statement.objects.filter(learner=teacher).count() == 1  # nobody else's
    [event] = DataProtectionEvent.objects.all()
    assert (event.kind, event.via, event.by, event.mis_id) == ("erased", "admin", admin, "A1234")


def test_administrators_cannot_delete_themselves_in_the_people_screen(admin_client):
    client, admin = admin_client
    assert client.post(reverse("user:delete", args=[admin.pk])).status_code in (302, 403)
    assert type(admin).objects.filter(pk=admin.pk).exists()


def test_deleting_several_users_at_once_in_the_admin_erases_each(
    admin_client, school, named_pupil, teacher, safeguarding_lead
):
    from xapi.models import Statement

    client, _admin = admin_client
    _recorded(school, named_pupil)
    _recorded(school, teacher)
    _recorded(school, safeguarding_lead)
    url = reverse(
        "wagtail_bulk_action",
        args=[named_pupil._meta.app_label, named_pupil._meta.model_name, "delete"],
    )
    query = f"?next=/admin/users/&id={named_pupil.pk}&id={teacher.pk}"
    confirm = client.get(url + query).content.decode()
    assert "Zofia Kowalska" in confirm and "This also erases their learning records" in confirm
    assert client.post(url + query).status_code == 302
    assert list(Statement.objects.values_list("learner", flat=True)) == [safeguarding_lead.pk]
    assert sorted(DataProtectionEvent.objects.values_list("kind", "mis_id")) == [
        ("erased", ""),
        ("erased", "A1234"),
    ]


def test_a_long_log_comes_in_pages(lead_client, school, monkeypatch):
    monkeypatch.setattr(records_views, "LIST_PAGE_SIZE", 2)
    for number in range(3):
        DataProtectionEvent.objects.create(
            school=school, kind="erased", via="command", role="Pupil", mis_id=f"ADM-{number}"
        )
    # (Whole phrases: a bare "M0" can turn up inside the page's CSRF token.)
    first = lead_client.get(LOG).text
    assert "MIS id ADM-2" in first and "MIS id ADM-1" in first and "MIS id ADM-0" not in first
    assert "Page 1 of 2" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = lead_client.get(LOG + "?page=2").text
    assert "MIS id ADM-0" in second and "Page 2 of 2" in second and 'rel="prev"' in second


@pytest.mark.parametrize("status", ["pending", "failed"])
def test_a_store_sent_a_statement_whatever_its_answer_counts_as_holding_a_copy(
    school, named_pupil, status
):
    """An answer that timed out (waiting to be tried again) may follow a statement that
    arrived; a 409 (failed) means the store holds one by that id. A store never tried does
    not count."""
    from records.services import learner_erase
    from tests.records.statements import COMPLETED, iri, statement
    from xapi.models import ForwardingTarget, OutboxEntry
    from xapi.services import record

    tried = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    ForwardingTarget.objects.create(name="Never tried", endpoint="http://127.0.0.1:9/y/")
    done = statement(named_pupil, COMPLETED, iri("module", "log2"), when=timezone.now())
    done.pop("stored", None)
    record(statements=[done], school=school)
    OutboxEntry.objects.filter(target=tried).update(status=status, attempts=1)
    OutboxEntry.objects.exclude(target=tried).update(status="pending", attempts=0)
    learner_erase(learner=named_pupil)
    assert DataProtectionEvent.objects.get().copies_at == "Trust LRS"


def test_erasing_a_person_removes_the_record_of_their_sign_ins(lead_client, named_pupil):
    """The sign-in protection (django-axes) logs every sign-in and failed attempt with the
    username, address and browser: erasure must not leave them behind."""
    from axes.models import AccessAttempt, AccessLog
    from django.test import Client

    from tests.conftest import PASSWORD

    pupils_device = Client()
    pupils_device.post(reverse("login"), {"username": named_pupil.username, "password": "wrong"})
    pupils_device.post(reverse("login"), {"username": named_pupil.username, "password": PASSWORD})
    signed_in = AccessLog.objects.filter(username__iexact=named_pupil.username)
    assert signed_in.exists()
    AccessAttempt.objects.create(
        username=named_pupil.username.lower(), ip_address="10.0.0.9", failures_since_start=1
    )
    erase = reverse("records:person_erase", args=[named_pupil.pk])
    lead_client.post(erase, {"confirm": named_pupil.username})
    assert not signed_in.exists()
    assert not AccessAttempt.objects.filter(username__iexact=named_pupil.username).exists()


def test_erasing_a_person_ends_their_sessions_and_nobody_elses(lead_client, named_pupil):
    """A pupil erased while still signed in on a shared device leaves no session behind
    naming their account."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    pupils_device = Client()
    pupils_device.force_login(named_pupil)
    pk = str(named_pupil.pk)

    def sessions_of(user_pk):
        return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == user_pk]

    assert sessions_of(pk)
    erase = reverse("records:person_erase", args=[named_pupil.pk])
    lead_client.post(erase, {"confirm": named_pupil.username})
    assert not sessions_of(pk)
    assert lead_client.get(LOG).status_code == 200  # the lead is still signed in


def test_deleting_several_users_at_once_reads_the_stored_sessions_once(
    admin_client, school, named_pupil, teacher, safeguarding_lead, monkeypatch
):
    """Each person deleted is signed out everywhere, which means reading every stored
    session: once for everyone deleted together, not once each."""
    from django.contrib.sessions.backends.base import SessionBase
    from django.contrib.sessions.models import Session
    from django.test import Client

    client, admin = admin_client
    for person in (named_pupil, teacher, safeguarding_lead):
        Client().force_login(person)
    stored = Session.objects.count()
    assert stored == 4  # theirs and the administrator's
    decoded = []
    decode = SessionBase.decode

    def counting_decode(self, session_data):
        decoded.append(session_data)
        return decode(self, session_data)

    url = reverse(
        "wagtail_bulk_action",
        args=[named_pupil._meta.app_label, named_pupil._meta.model_name, "delete"],
    )
    query = f"?next=/admin/users/&id={named_pupil.pk}&id={teacher.pk}"
    monkeypatch.setattr(SessionBase, "decode", counting_decode)
    assert client.post(url + query).status_code == 302

    # The administrator's own session is read once per request, besides the one pass.
    assert len(decoded) <= stored + 1
    signed_in = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert signed_in == {str(admin.pk), str(safeguarding_lead.pk)}


@pytest.mark.parametrize("change", ["email", "identity"])
def test_an_erasure_keeps_the_identifier_the_forwarded_copies_carry(
    lead_client, school, teacher, change
):
    """A school naming staff by email forwarded a teacher's statements under their address.
    If their address changed since, or the school went over to opaque ids, the log (and the
    erase page) gave how they would be named now, not the identifier the copies carry: the
    school could not find them in the other store."""
    from records.services import learner_erase
    from tests.records.statements import COMPLETED, iri, statement
    from xapi.models import ForwardingTarget, OutboxEntry
    from xapi.services import record

    school.staff_xapi_identity = school.StaffIdentity.MBOX
    school.save()
    trust = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    done = statement(teacher, COMPLETED, iri("module", "log3"), when=timezone.now())
    done.pop("stored", None)
    record(statements=[done], school=school)
    OutboxEntry.objects.filter(target=trust).update(status=OutboxEntry.Status.SENT)
    if change == "email":
        teacher.email = "t.new@school.invalid"
        teacher.save()
    else:
        school.staff_xapi_identity = school.StaffIdentity.ACCOUNT
        school.save()
        teacher.refresh_from_db()
    page = lead_client.get(reverse("records:person_erase", args=[teacher.pk]))
    assert "<code>mailto:teacher1@school.invalid</code>" in page.text

    learner_erase(learner=teacher)

    erased = DataProtectionEvent.objects.get()
    assert (erased.copies_at, erased.identifier) == ("Trust LRS", "mailto:teacher1@school.invalid")


def test_a_link_from_anywhere_cannot_log_a_subject_access_download(lead_client, named_pupil):
    """Opening the export's address (an image or link on another site, followed while the
    lead is signed in) neither downloads the record nor puts a false "downloaded" in the
    school's log: the download is a form on the person's page, sent with its CSRF token."""
    export = reverse("records:person_export", args=[named_pupil.pk])
    assert lead_client.get(export).status_code == 405
    assert not DataProtectionEvent.objects.exists()

    page = lead_client.get(reverse("records:person", args=[named_pupil.pk])).text
    assert f'<form method="post" action="{export}"' in page
    response = lead_client.post(export)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.json()["data_protection_log"][0]["kind"] == "exported"


def test_the_subject_access_download_is_refused_without_the_pages_csrf_token(
    safeguarding_lead, named_pupil
):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(safeguarding_lead)
    export = reverse("records:person_export", args=[named_pupil.pk])
    assert client.post(export).status_code == 403
    assert not DataProtectionEvent.objects.exists()


def test_a_persons_own_export_says_how_and_by_whom_each_entry_about_them_was_made(
    lead_client, named_pupil, capsys
):
    """docs/records.md: the log keeps when, how and by whom, and "a person's own export
    lists the entries about them": each entry as the school's log has it."""
    call_command("export_learner", named_pupil.username)
    capsys.readouterr()
    export = lead_client.post(reverse("records:person_export", args=[named_pupil.pk])).json()
    assert [
        {key: entry.get(key) for key in ("kind", "via", "by")}
        for entry in export["data_protection_log"]
    ] == [
        {"kind": "exported", "via": "command", "by": None},
        {"kind": "exported", "via": "dashboard", "by": "Dana Lead"},
    ]


def test_the_csv_names_someone_without_a_name_by_their_username_as_the_page_does(
    lead_client, school
):
    """An account made in the admin may have a username and no name. The log's page links
    to them by their username; its CSV left the person's cell empty, so an entry about
    them could not be told from one about someone since erased."""
    staff = UserFactory(
        school=school,
        username="supply.teacher.7",
        first_name="",
        last_name="",
        roles=[Role.STAFF],
    )
    lead_client.post(reverse("records:person_export", args=[staff.pk]))
    assert "supply.teacher.7</a>" in lead_client.get(LOG).text
    response = lead_client.get(reverse("records:data_protection_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][2] == "supply.teacher.7"
