"""The confirmation to unpublish a scenario or quiz, saying which live modules require it."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.snippets.views.snippets import UnpublishView


class RequiredActivityUnpublishView(UnpublishView):
    """Unpublishing a scenario or quiz that live modules require is allowed (a module does not
    wait for it), but learners then meet "not available" there and complete the module
    without it (one part-way through a scenario may finish it): the editor is told which
    modules, before they confirm."""

    template_name = "courses/admin/confirm_unpublish_activity.html"

    def get_context_data(self, **kwargs):
        from .selectors import modules_using

        context = super().get_context_data(**kwargs)
        modules = modules_using(self.object, required=True) if self.object.live else []
        if not modules:
            return context
        names = {
            "modules": _quoted(modules),
            "complete": _how_they_complete(self.object, modules=modules),
        }
        if self.model._meta.label == "scenarios.Scenario":
            # An attempt keeps the revision it started on (DESIGN.md), so a learner
            # part-way through is not cut off: only starting it again is refused.
            message = _(
                "Live modules require this: %(modules)s. Once it is unpublished, learners "
                "who have not started it are told there that it is not available, and "
                "%(complete)s Learners part-way through it can still finish it, as it was "
                "when they started. To keep it in them, leave it published, or take it out "
                "of the modules first."
            )
        else:
            message = _(
                "Live modules require this: %(modules)s. Once it is unpublished, learners "
                "are told there that it is not available, and %(complete)s To keep it in "
                "them, leave it published, or take it out of the modules first."
            )
        context["required_by"] = message % names
        return context


def _quoted(modules) -> str:
    return get_text_list([f"“{m.title}”" for m in modules], _("and"))


def _how_they_complete(activity, *, modules) -> str:
    """How learners complete the modules once the activity no longer holds them back: a
    module requiring nothing else by saying they have read it; one requiring other
    activities once those are finished (courses.services.module_experience)."""
    from xapi.identity import activity_iri

    kind = "scenario" if activity._meta.label == "scenarios.Scenario" else "quiz"
    own = activity_iri(kind, activity.uuid)
    read, rest = [], []
    for module in modules:
        others = [iri for iri in module.required_activity_iris() if iri != own]
        (rest if others else read).append(module)
    if not rest:
        return _("complete those modules without it, by saying they have read them.")
    if not read:
        return _(
            "complete those modules without it, once they have finished the rest of what "
            "they require."
        )
    read_part = ngettext(
        "%(read)s without it, by saying they have read it",
        "%(read)s without it, by saying they have read them",
        len(read),
    ) % {"read": _quoted(read)}
    rest_part = ngettext(
        "%(rest)s once they have finished the rest of what it requires",
        "%(rest)s once they have finished the rest of what they require",
        len(rest),
    ) % {"rest": _quoted(rest)}
    return _("complete %(read)s, and %(rest)s.") % {"read": read_part, "rest": rest_part}
