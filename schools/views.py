"""Sign-in and the landing page each role arrives at."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .roles import Role, roles_of


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
    """The groups a teacher teaches, or every group of the school for a safeguarding lead."""
    from django.shortcuts import render

    from .selectors import groups_visible_to

    groups = groups_visible_to(request.user).order_by("kind", "name")
    return render(request, "schools/my_groups.html", {"groups": groups, "nav_current": "groups"})


@login_required
def roster_import(request):
    from django.shortcuts import render

    return render(request, "schools/roster_import.html", {})
