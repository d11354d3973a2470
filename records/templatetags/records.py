"""Small template helpers for records pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key`: a dictionary lookup by a variable key (empty set if absent)."""
    return mapping.get(key, set()) if mapping is not None else set()


@register.simple_tag(takes_context=True)
def chosen_school(context):
    """For a site administrator, who belongs to no school: the school the dashboard shows
    (`records.views._school_for`) and the schools to choose from; None for everyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.school_id is not None:
        return None
    from schools.selectors import schools_visible_to

    from ..views import _school_for

    return {"current": _school_for(request), "schools": schools_visible_to(user).order_by("name")}
