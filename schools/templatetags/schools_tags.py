"""Small template helpers for sign-in and account pages."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(duration: timedelta) -> int:
    """`duration|minutes`: a length of time in whole minutes (at least 1), to say in words."""
    return max(1, round(duration.total_seconds() / 60))
