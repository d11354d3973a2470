"""The confirmation to unpublish a scenario or quiz, saying which live modules require it."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from wagtail.snippets.views.snippets import UnpublishView


class RequiredActivityUnpublishView(UnpublishView):
    """Unpublishing a scenario or quiz that live modules require is allowed (a module does not
    wait for it), but learners then meet "not available" there and complete the module
    without it: the editor is told which modules, before they confirm."""

    template_name = "courses/admin/confirm_unpublish_activity.html"

    def get_context_data(self, **kwargs):
        from .selectors import modules_using

        context = super().get_context_data(**kwargs)
        modules = modules_using(self.object, required=True) if self.object.live else []
        if modules:
            context["required_by"] = _(
                "Live modules require this: %(modules)s. Once it is unpublished, learners "
                "are told there that it is not available, and complete those modules "
                "without it, by saying they have read them. To keep it in them, leave it "
                "published, or take it out of the modules first."
            ) % {"modules": get_text_list([f"“{m.title}”" for m in modules], _("and"))}
        return context
