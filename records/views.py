"""The safeguarding dashboard, assignments, CPD records and certificates, PSHE records.

Views stay thin: they check who may see what (schools/selectors.py), call records selectors
and services, and render. Every table has a CSV twin with the same rows.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from config.auth import login_required_for_post
from config.downloads import attachment_header
from config.spreadsheets import csv_datetime, csv_response
from courses.forms import pupil_labels
from schools.models import Group, User
from schools.roles import AUTH_GROUP_NAMES, Role, roles_of
from schools.selectors import (
    group_reading_order,
    group_visible_to,
    groups_visible_to,
    people_who_left,
    person_visible_to,
    schools_visible_to,
)
from schools.services import person_left_allowed, person_left_set
from xapi.selectors import identifier_at_targets, targets_holding_copies

from . import certificates as documents
from . import selectors, services
from .forms import AssignmentChangeForm, AssignmentForm, MatrixFilterForm, VerifyForm
from .models import Assignment, Completion, DataProtectionEvent, ReminderSent
from .states import DUE_SOON_DAYS, EXPIRING_WINDOW_DAYS, State, add_months

DASHBOARD_PERMISSION = "schools.view_safeguarding_dashboard"


def dashboard_required(view):
    """Signed out: to the sign-in page. Signed in without the permission: 403."""
    return login_required(permission_required(DASHBOARD_PERMISSION, raise_exception=True)(view))


def dashboard_form_required(view):
    """`dashboard_required` for a form that only POSTs: signed out, back to the form's page
    after signing in (`config.auth.login_required_for_post`)."""
    return login_required_for_post(
        permission_required(DASHBOARD_PERMISSION, raise_exception=True)(view)
    )


MATRIX_PAGE_SIZE = 50
# The lists of people who left and of data protection entries.
LIST_PAGE_SIZE = 100
# The lessons led with a class, on its PSHE record page.
LESSONS_PAGE_SIZE = 50


# --- helpers ---------------------------------------------------------------------------------


# The school a site administrator (who belongs to none) last chose, for the next page.
CHOSEN_SCHOOL_SESSION_KEY = "records_school"


def _school_for(request):
    """The school whose records the viewer works on: their own, or for a superuser (who
    belongs to none) the one chosen with ?school=, kept in the session so that every link
    and form on the dashboard stays with it (each page says which), else the first. A form
    sends the school it was shown for, and acts on that one even if another was chosen since
    (in another tab)."""
    school = request.user.school
    if school is not None:
        return school
    visible = schools_visible_to(request.user).order_by("name")
    chosen = str(
        request.POST.get("school")
        or request.GET.get("school")
        or request.session.get(CHOSEN_SCHOOL_SESSION_KEY, "")
    )
    valid = chosen.isascii() and chosen.isdigit() and len(chosen) < 19
    school = (visible.filter(pk=int(chosen)).first() if valid else None) or visible.first()
    if school is None:
        raise Http404(_("There is no school yet."))
    request.session[CHOSEN_SCHOOL_SESSION_KEY] = school.pk
    return school


def _query_for(request, school):
    """The page's query, to carry on to its other pages and downloads; for a site
    administrator, with the school it shows, even if they choose another (in another tab)."""
    query = request.GET.copy()
    if request.user.school_id is None:
        query["school"] = str(school.pk)
    return query


def _scenario_analytics_url() -> str | None:
    # The scenarios app owns its analytics; link to it only once it exists.
    try:
        return reverse("scenarios:analytics")
    except NoReverseMatch:
        return None


def _date(value) -> str:
    return value.isoformat() if value else ""


def _names_told_apart(people) -> dict[int, str]:
    """Each person (by id) with what names them in a list of links to their records: their
    name, and their username too where another of them has the same name, so two Sam
    Taylors' links do not read the same (WCAG 2.4.4). The username, as in the CSV."""
    unique = list({person.pk: person for person in people}.values())
    return {person.pk: label for person, label in pupil_labels(unique)}


# --- the dashboard -----------------------------------------------------------------------------


@dashboard_required
def dashboard(request):
    """The school overview: completion per course and per course and group, overdue counts."""
    school = _school_for(request)
    overview = selectors.dashboard_overview(viewer=request.user, school=school)
    assigned = list(selectors.assignments_of_school(school=school))
    return render(
        request,
        "records/dashboard.html",
        {
            "school": school,
            "overview": overview,
            "assignments": assigned,
            # Every assigned course unpublished: not "none assigned", which would ask the
            # safeguarding lead to assign them again.
            "all_withdrawn": bool(assigned) and not any(a.course.live for a in assigned),
            "scenario_analytics_url": _scenario_analytics_url(),
            "nav_current": "dashboard",
        },
    )


def _counts_row(counts) -> list:
    return [
        counts.assigned,
        counts.completed,
        f"{counts.percent}%",
        counts.in_progress,
        counts.not_started,
        counts.overdue,
        counts.expiring_soon,
        counts.expired,
    ]


COUNTS_HEADER = [
    "Assigned",
    "Completed",
    "Completed %",
    "In progress",
    "Not started",
    "Overdue",
    "Expiring soon",
    "Expired",
]


@dashboard_required
def overview_csv(request):
    school = _school_for(request)
    overview = selectors.dashboard_overview(viewer=request.user, school=school)
    rows = [[r.course.title, *_counts_row(r.counts)] for r in overview.courses]
    return csv_response("course-completion.csv", ["Course", *COUNTS_HEADER], rows)


@dashboard_required
def training_record_pdf(request):
    """The school's training record as a PDF: completion by course, every member of staff on
    each staff course, pupils' courses as counts by class, and the lessons led with classes
    in the last year (`certificates.py`)."""
    from courses.selectors import lessons_taught_in

    school = _school_for(request)
    today = timezone.localdate()
    assigned = list(selectors.assignments_of_school(school=school))
    content = documents.training_record_pdf(
        school=school,
        # As on the dashboard: not "none assigned" when every assigned course is withdrawn.
        all_withdrawn=bool(assigned) and not any(a.course.live for a in assigned),
        produced_by=request.user.get_full_name() or request.user.username,
        today=today,
        lessons=lessons_taught_in(school, since=add_months(today, -12)),
        overview=selectors.dashboard_overview(viewer=request.user, school=school, today=today),
        # A safeguarding lead is staff, whether or not they were given the Staff role too.
        staff=selectors.dashboard_matrix(
            viewer=request.user,
            school=school,
            roles=[Role.STAFF, Role.SAFEGUARDING_LEAD],
            limit=None,
            today=today,
        ),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(f"training-record-{today.isoformat()}.pdf")
    return response


@dashboard_required
def groups_csv(request):
    school = _school_for(request)
    overview = selectors.dashboard_overview(viewer=request.user, school=school)
    rows = [[r.course.title, r.group.name, *_counts_row(r.counts)] for r in overview.groups]
    return csv_response("group-completion.csv", ["Course", "Group", *COUNTS_HEADER], rows)


def _matrix_filters(request, school):
    courses, _items = selectors.school_standings(school=school, learner_ids=[])
    form = MatrixFilterForm(
        request.GET or None, viewer=request.user, school=school, courses=courses
    )
    filters = {}
    if form.is_bound:
        # A bad value is shown as an error on its own field and left out; the other filters
        # still apply (cleaned_data holds only the fields that are valid).
        form.is_valid()
        filters = {
            "group_id": form.cleaned_data.get("group"),
            "role": form.cleaned_data.get("role") or None,
            "course_id": form.cleaned_data.get("course"),
            "state": form.cleaned_data.get("status") or None,
        }
    return form, filters


def _matrix_filters_named(form) -> list[str]:
    """The filters in use, by the labels the form shows for them, for the page title."""
    if not form.is_bound:
        return []
    named = []
    for name in ("group", "role", "course", "status"):
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        labels = dict(form.fields[name].choices)
        named.append(str(labels.get(value, value)))
    return named


@dashboard_required
def matrix(request):
    """Learners by courses, with filters and pages of 50."""
    school = _school_for(request)
    form, filters = _matrix_filters(request, school)
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    result = selectors.dashboard_matrix(
        viewer=request.user,
        school=school,
        offset=(page_number - 1) * MATRIX_PAGE_SIZE,
        limit=MATRIX_PAGE_SIZE,
        **filters,
    )
    pages = max(1, -(-result.total // MATRIX_PAGE_SIZE))
    query = _query_for(request, school)
    if page_number > pages:
        # Fewer people match than when the link was made (some completed, some left): their
        # last page, rather than "Nobody matches" with no way back.
        query["page"] = str(pages)
        return redirect(f"{request.path}?{query.urlencode()}")
    query.pop("page", None)
    assigned = [] if result.total else list(selectors.assignments_of_school(school=school))
    return render(
        request,
        "records/matrix.html",
        {
            "form": form,
            # The title names the filters and the page (WCAG 2.4.2: titles tell pages apart).
            "filters_named": _matrix_filters_named(form),
            "matrix": result,
            "names": _names_told_apart(row.learner for row in result.rows),
            "school": school,
            # The matrix shows assigned courses: say so when there are none yet.
            "nothing_assigned": not result.total and not assigned,
            # Nobody to list with no filter chosen: not "Nobody matches these filters".
            "all_withdrawn": bool(assigned) and not any(a.course.live for a in assigned),
            "page_number": page_number,
            "pages": pages,
            "query": query.urlencode(),
            "nav_current": "dashboard",
        },
    )


@dashboard_required
def leavers(request):
    """People who have left the school, whose records are kept: a way back to each record."""
    school = _school_for(request)
    page = Paginator(people_who_left(request.user, school), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = _query_for(request, school)
    query.pop("page", None)
    for person in page:
        names = {group.name for group in person.groups.all()}
        person.role_label = ", ".join(
            str(role.label)
            for role in (Role.PUPIL, Role.STAFF, Role.SAFEGUARDING_LEAD)
            if AUTH_GROUP_NAMES[role] in names
        )
    return render(
        request,
        "records/leavers.html",
        {"page": page, "query": query.urlencode(), "school": school, "nav_current": "dashboard"},
    )


def _events_about(event) -> str:
    """Whom a data protection entry is about, without a name: role, classes or teams and
    the school's MIS id, as they were when it happened."""
    parts = [event.role or _("No role"), event.groups]
    if event.mis_id:
        parts.append(_("MIS id %(id)s") % {"id": event.mis_id})
    return "; ".join(part for part in parts if part)


def _events_by(event) -> str:
    """Who did it and how: "Dana Lead, on the safeguarding dashboard"; the retention period or
    a command on the server; someone since erased themselves is not named either."""
    Via = DataProtectionEvent.Via
    if event.via in (Via.COMMAND, Via.RETENTION):
        return event.get_via_display()
    who = (event.by.get_full_name() or event.by.username) if event.by_id else _("Someone")
    return f"{who}, {event.get_via_display()}"


def _data_protection_events(school):
    return DataProtectionEvent.objects.filter(school=school).select_related("person", "by")


@dashboard_required
def data_protection(request):
    """The school's data protection log: subject access exports and erasures, newest first."""
    school = _school_for(request)
    page = Paginator(_data_protection_events(school), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = _query_for(request, school)
    query.pop("page", None)
    for event in page:
        event.about = _events_about(event)
        event.by_label = _events_by(event)
    return render(
        request,
        "records/data_protection.html",
        {"page": page, "query": query.urlencode(), "school": school, "nav_current": "dashboard"},
    )


@dashboard_required
def data_protection_csv(request):
    school = _school_for(request)
    rows = [
        [
            csv_datetime(event.at),
            event.get_kind_display(),
            # As the page names them: by their username when they have no name.
            (event.person.get_full_name() or event.person.username) if event.person_id else "",
            event.role,
            event.groups,
            event.mis_id,
            _events_by(event),
            event.copies_at,
            event.identifier,
        ]
        for event in _data_protection_events(school).iterator(chunk_size=500)
    ]
    return csv_response(
        "data-protection-log.csv",
        [
            "When",
            "What",
            "Person (while their account exists)",
            "Role",
            "Groups",
            "MIS id",
            "By",
            "Copies in other stores",
            "Identifier there",
        ],
        rows,
    )


@dashboard_required
def matrix_csv(request):
    school = _school_for(request)
    _form, filters = _matrix_filters(request, school)
    result = selectors.dashboard_matrix(viewer=request.user, school=school, limit=None, **filters)
    header = ["Name", "Username"]
    for course in result.courses:
        header += [
            f"{course.title}: status",
            f"{course.title}: due",
            f"{course.title}: completed",
            f"{course.title}: expires",
        ]
    rows = []
    for row in result.rows:
        line = [row.learner.get_full_name(), row.learner.username]
        for cell in row.cells:
            if cell is None:
                line += ["Not assigned", "", "", ""]
            else:
                standing = cell.standing
                line += [
                    cell.state.label,
                    _date(cell.due_on),
                    _date(standing.completed_on),
                    _date(standing.expires_on),  # only for a course that is renewed
                ]
        rows.append(line)
    return csv_response("learners-by-course.csv", header, rows)


def _visible_person(request, pk: int) -> User:
    person = get_object_or_404(User, pk=pk)
    if not person_visible_to(request.user, person):
        raise Http404
    return person


@dashboard_required
def person(request, pk: int):
    """Drill-down: one person's assignments, completions and certificates."""
    from courses.selectors import completed_in_class

    learner = _visible_person(request, pk)
    if request.user.school_id is None and learner.school_id:
        # A site administrator went on to this person's school (the dashboard says which).
        request.session[CHOSEN_SCHOOL_SESSION_KEY] = learner.school_id
    # Pupils are never emailed (Upstander holds no pupil email addresses); staff are, when
    # they have an address, and the lead chasing them sees what was last sent.
    is_pupil = Role.PUPIL in roles_of(learner)
    emailed = not is_pupil
    reminders = selectors.reminders_last_sent(learner) if emailed else {}
    reachable = emailed and learner.is_active and bool(learner.email) and learner != request.user
    # The lead may chase anything not done, once a day (services.reminder_from_lead), even
    # if an automatic reminder went after theirs. Once a day at their school: a chase from
    # the school they moved from today does not count.
    chased_today = set()
    if reachable:
        chased_today = set(
            ReminderSent.objects.filter(
                learner=learner,
                school_id=learner.school_id,
                kind=ReminderSent.Kind.FROM_LEAD,
                about_date=timezone.localdate(),
            ).values_list("course_id", flat=True)
        )
    rows = []
    for item in selectors.assignments_for_learner(learner):
        reminder = reminders.get(item.course.page_id)
        may_remind = (
            reachable and item.state != State.COMPLETED and item.course.page_id not in chased_today
        )
        rows.append((item, reminder, may_remind))
    return render(
        request,
        "records/person.html",
        {
            "learner": learner,
            "assignments": rows,
            "emailed": emailed,
            "completions": selectors.person_completions(learner=learner),
            "in_class": completed_in_class(pupil=learner) if is_pupil else {},
            "cpd": selectors.cpd_record(learner=learner),
            "may_mark_left": person_left_allowed(actor=request.user, person=learner),
            "may_export": _may_export(request.user, learner),
            "may_erase": _may_erase(request.user, learner),
            "nav_current": "dashboard",
        },
    )


@dashboard_required
def chase(request):
    """Overdue and expired training: who an email from the lead would reach, and who not and
    why; sending emails each of them a reminder about each such course, once a day."""
    school = _school_for(request)
    if request.method == "POST":
        # Only the people and courses the lead saw and confirmed: whoever became overdue
        # since the page was shown is left for them to see first; whoever completed or was
        # emailed meanwhile drops out, as the list is read again.
        confirmed = set(request.POST.getlist("chase"))
        chases = selectors.chase_list(viewer=request.user, school=school).to_email
        sent, failed = services.reminders_from_lead(
            chases=[chase for chase in chases if chase.key in confirmed], lead=request.user
        )
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder was emailed.", "%(count)d reminders were emailed.", sent
                )
                % {"count": sent},
            )
        if failed:
            messages.error(
                request,
                ngettext(
                    "%(count)d could not be sent; they are listed below.",
                    "%(count)d could not be sent; they are listed below.",
                    failed,
                )
                % {"count": failed},
            )
        if not sent and not failed:
            messages.info(request, _("There was nobody left to email today."))
        return redirect("records:chase")
    chase = selectors.chase_list(viewer=request.user, school=school)
    return render(
        request,
        "records/chase.html",
        {
            "chase": chase,
            "names": _names_told_apart(c.learner for c in chase.to_email + chase.not_emailed),
            "school": school,
            "nav_current": "dashboard",
        },
    )


@require_POST
@dashboard_form_required
def person_remind(request, pk: int):
    """Email a member of staff a reminder about one of their courses now (the lead chasing)."""
    person = _visible_person(request, pk)
    try:
        assignment_id = int(request.POST.get("assignment", ""))
    except ValueError:
        assignment_id = 0
    try:
        services.reminder_from_lead(learner=person, assignment_id=assignment_id, lead=request.user)
    except services.ReminderRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(name)s was emailed a reminder.") % {"name": person.get_full_name() or person},
        )
    # Not to "#assigned": the message saying whether it was sent is above it, and takes focus.
    return redirect("records:person", pk=person.pk)


@require_POST
@dashboard_form_required
def person_left(request, pk: int):
    """Mark one person as having left the school, or as back again (the form's `left`)."""
    person = _visible_person(request, pk)
    left = request.POST.get("left") == "1"
    person_left_set(actor=request.user, person=person, left=left)
    name = str(person)
    messages.success(
        request,
        _("%(name)s is marked as having left the school.") % {"name": name}
        if left
        else _("%(name)s is back: they can sign in again.") % {"name": name},
    )
    return redirect("records:person", pk=person.pk)


@dashboard_required
def person_csv(request, pk: int):
    from courses.selectors import completed_in_class

    learner = _visible_person(request, pk)
    # As the page: a completion from a lesson led with their class says so, and its day (the
    # time it holds is made up, midday of that day).
    in_class = completed_in_class(pupil=learner) if Role.PUPIL in roles_of(learner) else {}
    rows = []
    for line in selectors.person_completions(learner=learner):
        lesson = in_class.get(line.completion.statement_id)
        rows.append(
            [
                line.course.title if line.course else "",
                line.module_title or "",
                csv_datetime(line.completion.completed_at),
                lesson[1].isoformat() if lesson else "",
            ]
        )
    return csv_response(
        f"record-{learner.username}.csv",
        ["Course", "Module", "Completed at", "In a lesson led with a class on"],
        rows,
    )


def _may_erase(user, learner) -> bool:
    # A school's lead may erase its people, never the site's administrator (a superuser
    # who belongs to the school, as in the demo) nor anyone else holding a permission the
    # lead does not, as `person_left_allowed` keeps them.
    from schools.admin_viewsets import person_beyond_reach

    return learner != user and not person_beyond_reach(user, learner)


def _may_export(user, learner) -> bool:
    # Their sign-ins (and where from), email address and all else held about them: a lead may
    # download their own and their people's, as they may erase them (`_may_erase`), never a
    # site administrator's nor anyone else's holding a permission the lead does not.
    from schools.admin_viewsets import person_beyond_reach

    return learner == user or not person_beyond_reach(user, learner)


@require_POST
@dashboard_form_required
def person_export(request, pk: int):
    """A subject access request export: everything held about the person, as JSON. A POST
    from the person's page: it writes an entry in the data protection log, which a link
    from another site must not be able to do in a signed-in lead's name."""
    learner = _visible_person(request, pk)
    if not _may_export(request.user, learner):
        raise PermissionDenied(
            _(
                "Only an administrator holding all of this person's permissions can download "
                "everything held about them."
            )
        )
    response = HttpResponse(
        services.learner_export_json(
            services.learner_export(
                learner=learner, by=request.user, via=DataProtectionEvent.Via.DASHBOARD
            )
        ),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = attachment_header(f"sar-{learner.username}.json")
    return response


@dashboard_required
def person_erase(request, pk: int):
    """Erase a person's learning records and account, after typing their username."""
    learner = _visible_person(request, pk)
    if learner == request.user:
        raise PermissionDenied(_("You cannot erase yourself."))
    if not _may_erase(request.user, learner):
        raise PermissionDenied(
            _("Only an administrator holding all of this person's permissions can erase them.")
        )
    error = None
    typed = request.POST.get("confirm", "") if request.method == "POST" else ""
    if request.method == "POST":
        if typed.strip() == learner.username:
            name = str(learner)
            services.learner_erase(
                learner=learner, by=request.user, via=DataProtectionEvent.Via.DASHBOARD
            )
            messages.success(request, _("%(name)s and their records were erased.") % {"name": name})
            return redirect("records:matrix")
        error = _("Type the username exactly to confirm.")
    return render(
        request,
        "records/person_erase.html",
        {
            "learner": learner,
            "error": error,
            "typed": typed,  # shown back, so a slip can be seen and put right
            # Copies already forwarded to other LRSs are out of reach: say where they are
            # and how those LRSs know the person, so the school can ask for them too.
            "copies_at": targets_holding_copies(learner=learner),
            "identifier": identifier_at_targets(learner=learner),
            "nav_current": "dashboard",
        },
    )


# --- assignments -------------------------------------------------------------------------------


@dashboard_required
def assignments(request):
    """The school's assignments and the form to add one."""
    school = _school_for(request)
    form = AssignmentForm(request.POST or None, viewer=request.user, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.assignment_create(
            school=school,
            course_page_id=data["course"],
            group=data["group_obj"],
            role=data["role"] or "",
            due_on=data["due_on"],
            renewal_months=data.get("renewal_months"),
            new_starter_days=data["new_starter_days"],
            created_by=request.user,
        )
        messages.success(request, _("The course was assigned."))
        return redirect("records:assignments")
    assigned = selectors.assignments_of_school(school=school)
    return render(
        request,
        "records/assignments.html",
        {
            "form": form,
            "assignments": assigned,
            "out_of_reach": selectors.assignments_out_of_reach(school=school),
            # Unpublished courses: the page explains why they are not on the dashboard.
            "withdrawn": any(not a.course.live for a in assigned),
            "school": school,
            "due_soon_days": DUE_SOON_DAYS,
            "expiring_days": EXPIRING_WINDOW_DAYS,
            "nav_current": "dashboard",
        },
    )


def _assignment_of_school(request, pk: int) -> Assignment:
    """The assignment `pk` of the school the viewer works on; another school's is a 404."""
    return get_object_or_404(
        Assignment.objects.select_related("course", "group", "school"),
        pk=pk,
        school=_school_for(request),
    )


@dashboard_required
def assignment_change(request, pk: int):
    """Change an assignment's due date, renewal period or time for people who join later."""
    assignment = _assignment_of_school(request, pk)
    form = AssignmentChangeForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.assignment_change(
            assignment=assignment,
            due_on=data["due_on"],
            renewal_months=data.get("renewal_months"),
            new_starter_days=data["new_starter_days"],
        )
        messages.success(
            request,
            _("“%(course)s” for %(audience)s was changed.")
            % {"course": assignment.course.title, "audience": assignment.audience_label},
        )
        return redirect("records:assignments")
    return render(
        request,
        "records/assignment_change.html",
        {"form": form, "assignment": assignment, "nav_current": "dashboard"},
    )


@require_http_methods(["GET", "POST"])
def assignment_delete(request, pk: int):
    """Remove an assignment: a page saying which one goes and what follows, whose button (a
    POST) does it. There is no undoing it, so one press in the table of assignments, next to
    its "Change" link, does not (WCAG 3.3.4)."""
    if request.method == "POST":
        return _assignment_remove(request, pk=pk)
    return _assignment_remove_confirm(request, pk=pk)


@dashboard_required
def _assignment_remove_confirm(request, pk: int):
    assignment = _assignment_of_school(request, pk)
    return render(
        request,
        "records/assignment_delete.html",
        {"assignment": assignment, "nav_current": "dashboard"},
    )


@dashboard_form_required
def _assignment_remove(request, pk: int):
    assignment = _assignment_of_school(request, pk)
    services.assignment_delete(assignment=assignment)
    messages.success(request, _("The assignment was removed."))
    return redirect("records:assignments")


@dashboard_required
def assignments_csv(request):
    school = _school_for(request)
    # As the page says beside each assignment: those it covers who cannot open its course.
    out_of_reach = selectors.assignments_out_of_reach(school=school)
    rows = [
        [
            a.course.title,
            a.audience_label,
            _date(a.due_on),
            a.renewal_months or "",
            a.new_starter_days,
            out_of_reach.get(a.pk, 0),
            "" if a.course.live else "Yes",
        ]
        for a in selectors.assignments_of_school(school=school)
    ]
    return csv_response(
        "assignments.csv",
        [
            "Course",
            "Assigned to",
            "Due",
            "Renew every (months)",
            "Days for people who join later",
            "People who cannot open the course",
            "Course withdrawn",
        ],
        rows,
    )


# --- staff CPD ---------------------------------------------------------------------------------


def _require_staff(user):
    if not roles_of(user) & {Role.STAFF, Role.SAFEGUARDING_LEAD}:
        raise PermissionDenied(_("CPD records are for staff."))


@login_required
def my_cpd(request):
    """The member of staff's CPD record: every completed staff course with its certificate."""
    _require_staff(request.user)
    lines = selectors.cpd_record(learner=request.user)
    return render(
        request,
        "records/my_cpd.html",
        {
            "lines": lines,
            "total_minutes": sum(line.cpd_minutes for line in lines),
            "assignments": selectors.assignments_for_learner(request.user),
            "teaches_classes": groups_visible_to(request.user)
            .filter(kind__in=[Group.Kind.CLASS, Group.Kind.YEAR_GROUP])
            .exists(),
            "nav_current": "cpd",
        },
    )


@login_required
def cpd_log_csv(request):
    _require_staff(request.user)
    rows = [
        [
            line.title,
            timezone.localtime(line.completion.completed_at).date().isoformat(),
            line.cpd_minutes,
            line.certificate.code if line.certificate else "",
        ]
        for line in selectors.cpd_record(learner=request.user)
    ]
    return csv_response(
        "cpd-log.csv", ["Course", "Completed", "CPD minutes", "Certificate code"], rows
    )


@login_required
def cpd_log_pdf(request):
    _require_staff(request.user)
    lines = selectors.cpd_record(learner=request.user)
    response = HttpResponse(
        documents.cpd_log_pdf(learner=request.user, lines=lines), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="cpd-log.pdf"'
    return response


@login_required
def certificate(request, statement_id: uuid.UUID):
    """The certificate PDF for one of the signed-in person's staff course completions."""
    _require_staff(request.user)
    if not Completion.objects.filter(learner=request.user, statement_id=statement_id).exists():
        raise Http404
    try:
        issued = services.certificate_issue(learner=request.user, statement_id=statement_id)
    except ValueError as error:
        raise Http404 from error
    response = HttpResponse(documents.certificate_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{issued.code}.pdf"'
    return response


def verify(request):
    """Public: is this certificate code valid? Shows only the name, the course, the date it
    was completed (so a certificate whose date was altered does not check out) and, for a
    course the school renews or that was marked "requires renewal" since, when it expires or
    that it has expired: a certificate for training that has run out is not evidence of
    current training."""
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        found = services.certificate_verify(code=form.cleaned_data["code"])
        expires_on = selectors.certificate_expires_on(certificate=found) if found else None
        result = {
            "valid": found is not None,
            "name": (found.learner.get_full_name() or found.learner.username) if found else "",
            "course": found.course_title if found else "",
            "completed_at": found.completed_at if found else None,
            "expires_on": expires_on,
            "expired": expires_on is not None and timezone.localdate() >= expires_on,
        }
        if result["expired"]:
            # Renewed since: "must be taken again" would tell whoever checks it otherwise.
            result["completed_again"] = selectors.certificate_completed_again(certificate=found)
    return render(request, "records/verify.html", {"form": form, "result": result})


# --- PSHE records ------------------------------------------------------------------------------


@login_required
def pshe_groups(request):
    """The classes whose PSHE record the person may see (taught, or all for the lead), each
    with how far its pupils have got and the lessons led with it."""
    groups = groups_visible_to(request.user).filter(
        kind__in=[Group.Kind.CLASS, Group.Kind.YEAR_GROUP]
    )
    if request.user.is_superuser:
        # Every school's classes in one list would mix them up: the school the dashboard
        # shows, as its other tabs do (their own, for one who belongs to a school; else the
        # one chosen, and the page offers the others).
        groups = groups.filter(school=_school_for(request))
    if not groups.exists() and Role.PUPIL in roles_of(request.user):
        return redirect("records:my_pshe")
    return render(
        request,
        "records/pshe_groups.html",
        {
            "summaries": selectors.pshe_groups_summary(
                groups=sorted(groups, key=group_reading_order)
            ),
            "nav_current": "groups",
        },
    )


@login_required
def pshe_class(request, pk: int):
    """Which lessons each pupil of a class has completed: for its teachers and the lead."""
    group = get_object_or_404(Group.objects.select_related("school"), pk=pk)
    if not group_visible_to(request.user, group):
        raise Http404
    if request.user.school_id is None:
        # A site administrator went on to this class's school (the page says which), so
        # "All classes" lists its classes.
        request.session[CHOSEN_SCHOOL_SESSION_KEY] = group.school_id
    from courses.selectors import (
        courses_to_teach,
        lessons_mark_removable,
        lessons_of_group,
        lessons_shared_with,
    )
    from schools.selectors import groups_taught_by

    record = selectors.pshe_class_record(group=group)
    assigned = selectors.pshe_class_assignments(group=group, pupils=record.pupils)
    teaches = groups_taught_by(request.user).filter(pk=group.pk).exists()
    # Two pupils with the same name are told apart by username, as in the CSV.
    pupil_rows = pupil_labels(record.pupils)
    # A class taught every week has years of lessons: pages of them, latest first.
    lessons = Paginator(lessons_of_group(group), LESSONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    lessons.object_list = lessons_mark_removable(lessons.object_list, viewer=request.user)
    return render(
        request,
        "records/pshe_class.html",
        {
            "group": group,
            "record": record,
            "pupil_rows": pupil_rows,
            "pupil_names": {pupil.pk: label for pupil, label in pupil_rows},
            "assigned": assigned,
            "lessons": lessons,
            "shared_lessons": lessons_shared_with(
                group, pupil_ids=[pupil.pk for pupil in record.pupils]
            ),
            "lessons_to_record": courses_to_teach(user=request.user) if teaches else [],
            "nav_current": "groups",
        },
    )


@login_required
def pshe_class_csv(request, pk: int):
    group = get_object_or_404(Group, pk=pk)
    if not group_visible_to(request.user, group):
        raise Http404
    record = selectors.pshe_class_record(group=group)
    lessons = record.lessons()
    header = ["Pupil"] + [f"{c.title}: {m.title}" for c, m in lessons]
    # Two pupils with the same name are told apart by username, as in the lesson form.
    says = {"completed": "Completed", "kept": "Not open to them", "none": ""}
    rows = [
        [label] + [says[record.cell(pupil, m)] for _c, m in lessons]
        for pupil, label in pupil_labels(record.pupils)
    ]
    return csv_response(f"pshe-{group.name}.csv", header, rows)


@login_required
def my_pshe(request):
    """A pupil's own PSHE record: the lessons they have completed."""
    if Role.PUPIL not in roles_of(request.user):
        raise PermissionDenied(_("The PSHE record is for pupils."))
    from courses.selectors import completed_in_class

    record = selectors.pshe_pupil_record(pupil=request.user)
    return render(
        request,
        "records/my_pshe.html",
        {
            "record": record,
            "done": record.done.get(request.user.pk, set()),
            "kept": record.kept.get(request.user.pk, set()),
            "in_class": dict(completed_in_class(pupil=request.user).values()),
            "nav_current": "learning",
        },
    )
