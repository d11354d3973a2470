"""The safeguarding dashboard and learners' records."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render


@permission_required("schools.view_safeguarding_dashboard", raise_exception=True)
def dashboard(request):
    return render(request, "records/dashboard.html", {})
