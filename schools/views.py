"""Sign-in, the landing page each role arrives at, My groups and the roster import."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from .forms import (
    PausedPasswordChangeForm,
    RosterImportForm,
    SignInForm,
    StaffPasswordResetForm,
)
from .roles import Role, roles_of
from .roster import COLUMNS, MAX_ROWS, RosterFileError, roster_parse, roster_text
from .selectors import (
    group_reading_order,
    groups_taught_by,
    groups_with_pupils_for,
    pupils_in_no_group_for,
    pupils_whose_password_user_may_reset,
)
from .services import (
    RosterImportError,
    RosterLeaversChanged,
    leavers_fingerprint,
    pupil_password_reset,
    roster_leavers,
    sign_in_pause_lift,
)
from .services import roster_import as roster_import_service
from .sessions import session_ends_at, session_renew, signed_out_person

# The list of who has left, shown before an import that marks them, carries the file and the
# list's fingerprint in a signed token, so the import marks exactly the people shown.
LEAVERS_SALT = "schools.roster_import.leavers"
LEAVERS_MAX_AGE = 60 * 60

# Pages that are never somewhere to go after signing in or out: sent back to them, a person
# would meet Django's redirect-loop check, a page the site does not have (the sign-out page
# rendered by GET), a reply meant for a script, or the admin's "Log out" (pressed in an admin
# tab whose sign-in had ended, it sends here): opened by GET it is a blank "not allowed" page
# that also throws away the new sign-in's cookie.
NOT_A_NEXT_PAGE = {"login", "logout", "admin_logout", "session_stay", "session_left"}


def _is_a_next_page(url: str) -> bool:
    """Whether `url` (already checked to be on this site) may be gone to after signing in
    or out."""
    try:
        return resolve(urlsplit(url).path).view_name not in NOT_A_NEXT_PAGE
    except Resolver404:
        return True


class SignInView(auth_views.LoginView):
    """The one sign-in page, for the site and the Wagtail admin alike."""

    authentication_form = SignInForm

    @property
    def redirect_authenticated_user(self):
        # Someone signed in sent here on the way to a page goes straight there. Opening the
        # sign-in page itself shows its form: on a shared device the person before may have
        # walked away signed in, and the next signs in over them (django.contrib.auth.login
        # ends the other person's session) rather than landing in their learning.
        return self.request.method == "GET" and bool(self.request.GET.get(self.redirect_field_name))

    def dispatch(self, request, *args, **kwargs):
        # Someone signed in who may not open the admin, sent here by it (Wagtail says why in
        # a message): to their own home page, not back to the admin and round again.
        if (
            request.user.is_authenticated
            and self.get_success_url().startswith(reverse("wagtailadmin_home"))
            and not request.user.has_perm("wagtailadmin.access_admin")
        ):
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def get_redirect_url(self):
        url = super().get_redirect_url()
        if self.request.user.is_authenticated and self._person() not in (
            "",
            signed_out_person(self.request.user),
        ):
            # "Sign in again" on the page of someone whose sign-in ended, used by someone
            # else: to their own home page, as that page may be "not found" for them.
            return ""
        return url if _is_a_next_page(url) else ""

    def _person(self) -> str:
        """Who was signed in on the page "Sign in again" came from (sessions.signed_out_person)."""
        return self.request.POST.get("person", self.request.GET.get("person", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pupil_idle_minutes"] = settings.PUPIL_IDLE_MINUTES
        context["signed_out_person"] = self._person()
        return context


class SignOutView(auth_views.LogoutView):
    """Signing out, to the sign-in page, which says it is done: on a shared device the
    person leaving (and whoever sits down next) can see nobody is still signed in. The
    admin's "Log out" comes here too.

    Opened by GET (a bookmark, a typed address), it offers the "Sign out" button; signing
    out is a POST, so a link or a prefetch cannot sign anyone out."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/sign_out.html")

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return url if _is_a_next_page(url) else ""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # After the session is flushed: the message travels in its own cookie.
        messages.success(request, _("You have signed out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change password, paused after wrong old passwords as signing in is
    (PausedPasswordChangeForm)."""

    form_class = PausedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@require_POST
def session_stay(request):
    """ "Stay signed in", from the warning a page shows before a sign-in ends for want of
    use: renews it, and says how many seconds it now has (JSON). Already ended: 403."""
    now = time.time()
    ends = session_renew(request.session, now) if request.user.is_authenticated else None
    if ends is None:
        return JsonResponse({"signed_out": True}, status=403)
    return JsonResponse({"seconds_left": int(ends - now)})


@require_GET
def session_left(request):
    """How many seconds the sign-in has left (JSON), asked by a page before it warns that the
    sign-in is ending or says it has ended: the person may be using the site in another tab.
    Asking does not renew it (sessions.is_passive). Already ended: 403."""
    ends = session_ends_at(request.session) if request.user.is_authenticated else None
    if ends is None:
        return JsonResponse({"signed_out": True}, status=403)
    return JsonResponse({"seconds_left": max(0, int(ends - time.time()))})


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgotten your password?" for staff (see StaffPasswordResetForm)."""

    form_class = StaffPasswordResetForm
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        # The link in the email starts from the site's configured address, never the host
        # the request named; the email says for how long it works.
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link; it also ends a pause on signing in.

    A link sent before its owner was marked as having left no longer works: it would set a
    password for an account that cannot sign in, and say the password was set.

    Whoever is signed in on the browser (a shared staffroom computer, the administrator who
    set up the school) is signed out once the password is set: otherwise the page's "Sign in"
    would take the link's owner straight into that other person's account."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        signed_in = self.request.user
        context["someone_else_signed_in"] = (
            signed_in.is_authenticated and self.user is not None and signed_in.pk != self.user.pk
        )
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_in_pause_lift(user=form.user)
        if self.request.user.is_authenticated:
            logout(self.request)
        return response


@login_required
def home(request):
    """Send each person to where their work is: editors to the CMS, everyone else to My
    learning (safeguarding leads find their dashboard linked from there)."""
    roles = roles_of(request.user)
    if (Role.EDITOR in roles or request.user.is_superuser) and not (
        roles & {Role.PUPIL, Role.STAFF, Role.SAFEGUARDING_LEAD}
    ):
        return redirect("wagtailadmin_home")
    return redirect("courses:my_learning")


def _by_school(pupils) -> list[tuple[str, str, list]]:
    """`pupils` (in order) under the name of their school, the schools by name and those of
    no school last, each with the id of its list on the page."""
    schools: dict[int | None, tuple[str, list]] = {}
    for pupil in pupils:
        name = pupil.school.name if pupil.school_id else str(_("no school"))
        schools.setdefault(pupil.school_id, (name, []))[1].append(pupil)
    listed = sorted(
        schools.values(), key=lambda item: (item[1][0].school_id is None, item[0].casefold())
    )
    return [(f"ungrouped-{n}", name, pupils) for n, (name, pupils) in enumerate(listed, 1)]


@login_required
def my_groups(request):
    """The groups a member of staff teaches, with their pupils and a reset-password action.

    A safeguarding lead sees every group of the school. A new password is shown once, in the
    response to the reset, and never stored in clear.
    """
    if not request.user.has_perm("schools.reset_pupil_password"):
        raise PermissionDenied
    resettable = pupils_whose_password_user_may_reset(request.user)
    new_password = None
    not_in_groups = False
    if request.method == "POST":
        pupil_id = request.POST.get("pupil", "")
        if not (pupil_id.isascii() and pupil_id.isdigit() and len(pupil_id) < 19):
            raise Http404
        pupil = resettable.filter(pk=int(pupil_id)).first()
        if pupil is None:
            # The button was on a page opened before the pupil moved class or left: say so
            # with the groups as they are now (still not found, naming nobody).
            not_in_groups = True
        else:
            new_password = pupil_password_reset(actor=request.user, pupil=pupil)
            new_password = {"pupil": pupil, "password": new_password}
    groups = sorted(groups_with_pupils_for(request.user), key=group_reading_order)
    ungrouped = list(pupils_in_no_group_for(request.user))
    # A site administrator who belongs to no school sees every school's groups and pupils in
    # no group: two schools' "8R" are told apart by their school's name, and the pupils in no
    # group are listed school by school.
    several_schools = (
        len({group.school_id for group in groups} | {pupil.school_id for pupil in ungrouped}) > 1
    )
    # Two pupils with the same name (in one class or two) are told apart by username on
    # their reset buttons, as in the lesson form.
    from courses.forms import pupil_labels

    listed = {pupil.pk: pupil for group in groups for pupil in group.pupils}
    listed.update((pupil.pk, pupil) for pupil in ungrouped)
    pupil_names = {pupil.pk: label for pupil, label in pupil_labels(list(listed.values()))}
    response = render(
        request,
        "schools/my_groups.html",
        {
            "groups": groups,
            "several_schools": several_schools,
            "pupil_names": pupil_names,
            "ungrouped": ungrouped,
            "ungrouped_by_school": _by_school(ungrouped) if several_schools else [],
            "new_password": new_password,
            "not_in_groups": not_in_groups,
            "resettable_ids": set(resettable.values_list("pk", flat=True)),
            # Classroom mode runs only with a class the person teaches.
            "taught_ids": set(groups_taught_by(request.user).values_list("pk", flat=True)),
            "nav_current": "groups",
        },
        status=404 if not_in_groups else 200,
    )
    if new_password:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def roster_import(request):
    """Upload a CSV of pupils or staff into the safeguarding lead's own school.

    Nothing is saved unless every row is valid. New logins are shown once, in the response
    to the upload, as printable sheets; passwords are never stored in clear. When the file is
    everyone at the school, the people it would mark as having left are listed first, and
    nothing changes until the safeguarding lead confirms that list.
    """
    school = request.user.school
    if not request.user.has_perm("schools.import_roster") or school is None:
        raise PermissionDenied
    context = {
        "columns": COLUMNS,
        "max_rows": MAX_ROWS,
        "nav_current": "roster",
        # The address printed on the login sheets, as in the emails: the site's, never the
        # host the lead happened to reach it by.
        "sign_in_url": settings.SITE_URL + reverse("login"),
        "problems": [],
    }
    form = RosterImportForm()
    if request.method == "POST" and "confirmation" in request.POST:
        try:
            payload = signing.loads(
                request.POST["confirmation"], salt=LEAVERS_SALT, max_age=LEAVERS_MAX_AGE
            )
            if payload.get("user") != request.user.pk:
                raise signing.BadSignature("made for someone else")
        except signing.SignatureExpired:
            context["problems"].append(
                _(
                    "The list of who has left was made more than an hour ago, so nothing was "
                    "imported. Upload the file again to see it as it is now."
                )
            )
        except signing.BadSignature:
            context["problems"].append(
                _(
                    "This confirmation could not be read, so nothing was imported. Upload the "
                    "file again."
                )
            )
        else:
            form = RosterImportForm(initial={"kind": payload["kind"], "everyone": True})
            response = _roster_import_run(
                request,
                context,
                form,
                school=school,
                kind=payload["kind"],
                data=payload["csv"],  # the text, its file checked on upload
                everyone=True,
                leavers_checked=payload["leavers"],
            )
            if response is not None:
                return response
    elif request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            response = _roster_import_run(
                request,
                context,
                form,
                school=school,
                kind=form.cleaned_data["kind"],
                data=form.cleaned_data["file"].read(),
                everyone=form.cleaned_data["everyone"],
                leavers_checked=None,
            )
            if response is not None:
                return response
    context["form"] = form
    status = 400 if form.errors or context["problems"] or context.get("row_errors") else 200
    return render(request, "schools/roster_import.html", context, status=status)


def _roster_import_run(request, context, form, *, school, kind, data, everyone, leavers_checked):
    """Parse and import, or list who would be marked as left first. Returns the response,
    or None with the problems put in `form` and `context` for the upload page."""
    try:
        parsed = roster_parse(data, kind=kind)
        if everyone and leavers_checked is None and not parsed.errors:
            leavers = roster_leavers(school=school, kind=kind, parsed=parsed, importer=request.user)
            if leavers:
                return _leavers_page(request, context, form, kind=kind, data=data, leavers=leavers)
            leavers_checked = leavers_fingerprint([])
        result = roster_import_service(
            school=school,
            kind=kind,
            parsed=parsed,
            leavers_checked=leavers_checked if everyone else None,
            importer=request.user,
        )
    except RosterFileError as exc:
        if form.is_bound:
            form.add_error("file", str(exc))
        else:
            context["problems"].append(str(exc))
    except RosterImportError as exc:
        context["row_errors"] = exc.errors
    except RosterLeaversChanged as exc:
        if not exc.leavers:  # nobody left after all: nothing to check
            return _roster_import_run(
                request,
                context,
                form,
                school=school,
                kind=kind,
                data=data,
                everyone=True,
                leavers_checked=leavers_fingerprint([]),
            )
        return _leavers_page(
            request, context, form, kind=kind, data=data, leavers=exc.leavers, changed=True
        )
    except IntegrityError:
        # Another import for the same people committed first; nothing of this one
        # was saved (one transaction), and trying again will update them.
        context["problems"].append(
            _(
                "Another import changed these people at the same moment, so nothing "
                "was imported. Upload the file again."
            )
        )
    else:
        response = render(
            request,
            "schools/roster_import_done.html",
            {**context, "result": result, "school": school},
        )
        # The page holds passwords shown only once: never keep it in a cache.
        response["Cache-Control"] = "no-store"
        return response
    return None


def _leavers_page(request, context, form, *, kind, data, leavers, changed=False):
    """Who an import of the whole school would mark as having left, to confirm."""
    token = signing.dumps(
        {
            "user": request.user.pk,
            "kind": kind,
            # As the import read it: Excel's Windows "CSV" and "Unicode Text" are not UTF-8.
            "csv": roster_text(data),
            "leavers": leavers_fingerprint(leavers),
        },
        salt=LEAVERS_SALT,
        compress=True,
    )
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(token) > limit - 4096:  # it could not be posted back
        problem = _(
            "This file is too large to list who has left before importing it, so nothing "
            "was imported. Delete the columns Upstander does not use (the import page "
            "lists the ones it reads) and upload it again."
        )
        # A problem with the file chosen: shown on its box, when there is one to choose again.
        if form.is_bound:
            form.add_error("file", problem)
        else:
            context["problems"].append(problem)
        return None
    response = render(
        request,
        "schools/roster_import_leavers.html",
        {**context, "kind": kind, "leavers": leavers, "confirmation": token, "changed": changed},
    )
    response["Cache-Control"] = "no-store"
    return response
