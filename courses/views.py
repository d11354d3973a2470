"""Learner-facing views that sit outside the page tree."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def my_learning(request):
    """The learner's home: the courses open to them and their progress."""
    return render(request, "courses/my_learning.html", {"courses": []})
