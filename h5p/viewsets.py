"""The Wagtail admin for H5P activities: upload, list, rename, delete."""

import logging
import shutil

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.log_actions import log
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views.snippets import CreateView, DeleteView, SnippetViewSet

from courses.admin_delete import modules_using_any, with_modules_using

from .forms import H5PActivityForm
from .models import H5PActivity
from .selectors import package_dir
from .services import h5p_activity_create
from .validation import PackageRejected

logger = logging.getLogger(__name__)


class UploadPanel(FieldPanel):
    """The package field, shown only when adding: a package is never replaced in place."""

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            return self.instance.pk is None and super().is_shown()


class H5PActivityCreateView(CreateView):
    created = True
    new_activity = None

    def save_instance(self):
        data = self.form.cleaned_data
        activity, self.created = h5p_activity_create(
            upload=data["package"], title=data.get("title", ""), uploaded_by=self.request.user
        )
        if self.created:
            self.new_activity = activity
            log(instance=activity, action="wagtail.create", user=self.request.user)
        return activity

    def get_success_message(self, instance):
        if not self.created:
            # The same file as an activity whose files were lost: they are back in place.
            return _("The files of “%(title)s” were missing and are back.") % {
                "title": instance.title
            }
        return super().get_success_message(instance)

    def form_valid(self, form):
        try:
            return self._save_or_undo(form)
        except PackageRejected as exc:
            form.add_error("package", _("This package was not accepted: %s") % exc.reason)
            return self._package_refused(form)
        except OSError:
            # The server could not write the files (its disk is full, say). The upload's
            # folder is gone and no row was made, so the editor can simply try again later.
            logger.exception("Could not store an uploaded H5P package")
            form.add_error(
                "package",
                _(
                    "This package could not be stored on the server, so nothing was kept. "
                    "Try again later; if it happens again, tell whoever runs Upstander "
                    "(the server's disk may be full)."
                ),
            )
            return self._package_refused(form)

    def _save_or_undo(self, form):
        """Wagtail saves the activity and logs it in one transaction; the package's files are
        in place before it commits. If anything after the upload fails, the row is rolled
        back, so its folder goes too: the content host would otherwise serve it for ever."""
        try:
            return super().form_valid(form)
        except BaseException:
            made = self.new_activity
            if made is not None and not _still_saved(made):
                shutil.rmtree(package_dir(made.uuid), ignore_errors=True)
            raise

    def _package_refused(self, form):
        # As Wagtail's own validation does before showing the form again with its errors.
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)


def _still_saved(activity) -> bool:
    try:
        return H5PActivity.objects.filter(pk=activity.pk).exists()
    except DatabaseError:
        return False  # the transaction is broken, so it rolls back: the row is not kept


class H5PActivityDeleteView(DeleteView):
    @property
    def confirmation_message(self):
        """Before deleting an activity live modules use, name them: their learners are then
        told it is not available (a module requiring it completes without it)."""
        return with_modules_using(self.object, super().confirmation_message)


class H5PActivityDeleteBulkAction(DeleteBulkAction):
    """Wagtail's "Delete" for several H5P activities at once, naming the live modules that
    use them as H5PActivityDeleteView does for one."""

    models = [H5PActivity]
    template_name = "h5p/admin/confirm_bulk_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["used_by"] = modules_using_any(item["item"] for item in context["items"])
        return context


class H5PActivityViewSet(SnippetViewSet):
    """Editors upload .h5p packages here, then place them in modules with the H5P block."""

    model = H5PActivity
    icon = "media"
    menu_label = _("H5P activities")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["title", "main_library", "uploaded_at"]
    search_fields = ["title"]
    add_view_class = H5PActivityCreateView
    delete_view_class = H5PActivityDeleteView
    # A package is one activity (its checksum is unique), so there is nothing to copy; and
    # Wagtail's copy form, holding only the title, saved it onto the original.
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("title"), UploadPanel("package")], base_form_class=H5PActivityForm
    )
