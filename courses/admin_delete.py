"""The confirmations to delete a scenario, quiz or H5P activity, naming the live modules that
use it: their learners are told there that it is not available once it is gone."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _


def with_modules_using(activity, message: str) -> str:
    """`message` (the confirmation to delete `activity`), after the live modules using it, if
    any."""
    from .selectors import modules_using

    modules = modules_using(activity)
    if not modules:
        return message
    warning = _(
        "Live modules use this: %(modules)s. Once it is deleted, learners are told there "
        "that it is not available. To keep it in them, do not delete it, or take it out "
        "of the modules first."
    ) % {"modules": get_text_list([f"“{m.title}”" for m in modules], _("and"))}
    return f"{warning} {message}"


def modules_using_any(activities) -> str:
    """For deleting several at once: which live modules use which of `activities`, or ""
    when none does."""
    from .selectors import modules_using

    uses = [
        _("“%(module)s” uses “%(activity)s”") % {"module": module.title, "activity": activity.title}
        for activity in activities
        for module in modules_using(activity)
    ]
    if not uses:
        return ""
    return _(
        "Live modules use some of these: %(uses)s. Once they are deleted, learners are told "
        "there that they are not available. To keep them in those modules, do not delete "
        "them, or take them out of the modules first."
    ) % {"uses": "; ".join(uses)}
