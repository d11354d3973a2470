"""Small template helpers for records pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key`: a dictionary lookup by a variable key (empty set if absent)."""
    return mapping.get(key, set()) if mapping is not None else set()
