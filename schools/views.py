"""Sign-in, the landing page each role arrives at, My groups and the roster import."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .forms import RosterImportForm
from .roles import Role, roles_of
from .roster import COLUMNS, MAX_ROWS, RosterFileError, roster_parse
from .selectors import (
    groups_taught_by,
    groups_with_pupils_for,
    pupils_whose_password_user_may_reset,
)
from .services import RosterImportError, pupil_password_reset
from .services import roster_import as roster_import_service


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True


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
    if request.method == "POST":
        pupil_id = request.POST.get("pupil", "")
        if not (pupil_id.isascii() and pupil_id.isdigit() and len(pupil_id) < 19):
            raise Http404
        pupil = get_object_or_404(resettable, pk=int(pupil_id))
        new_password = pupil_password_reset(actor=request.user, pupil=pupil)
        new_password = {"pupil": pupil, "password": new_password}
    groups = groups_with_pupils_for(request.user)
    response = render(
        request,
        "schools/my_groups.html",
        {
            "groups": groups,
            "new_password": new_password,
            "resettable_ids": set(resettable.values_list("pk", flat=True)),
            # Classroom mode runs only with a class the person teaches.
            "taught_ids": set(groups_taught_by(request.user).values_list("pk", flat=True)),
            "nav_current": "groups",
        },
    )
    if new_password:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def roster_import(request):
    """Upload a CSV of pupils or staff into the safeguarding lead's own school.

    Nothing is saved unless every row is valid. New logins are shown once, in the response
    to the upload, as printable sheets; passwords are never stored in clear.
    """
    school = request.user.school
    if not request.user.has_perm("schools.import_roster") or school is None:
        raise PermissionDenied
    context = {
        "columns": COLUMNS,
        "max_rows": MAX_ROWS,
        "nav_current": "roster",
        "sign_in_url": request.build_absolute_uri(reverse("login")),
    }
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                parsed = roster_parse(form.cleaned_data["file"].read(), kind=kind)
                result = roster_import_service(school=school, kind=kind, parsed=parsed)
            except RosterFileError as exc:
                form.add_error("file", str(exc))
            except RosterImportError as exc:
                context["row_errors"] = exc.errors
            except IntegrityError:
                # Another import for the same people committed first; nothing of this one
                # was saved (one transaction), and trying again will update them.
                form.add_error(
                    None,
                    _(
                        "Another import changed these people at the same moment, so nothing "
                        "was imported. Upload the file again."
                    ),
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
    else:
        form = RosterImportForm()
    context["form"] = form
    status = 400 if form.errors or context.get("row_errors") else 200
    return render(request, "schools/roster_import.html", context, status=status)
