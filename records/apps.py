from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records")

    def ready(self):
        from django.db.models.signals import pre_delete

        from courses.models import CoursePage

        from . import checks  # noqa: F401  (registers the PDF font check)

        # Every way a course is deleted (the editor, the page explorer's bulk action, deleting
        # the course list above it) deletes its row; Wagtail's admin hooks do not cover them
        # all. Sent before anything of it is deleted, its assignments included.
        pre_delete.connect(
            _course_deleting, sender=CoursePage, dispatch_uid="records.course_deleting"
        )


def _course_deleting(sender, instance, **kwargs):
    from .services import certificates_keep_expiry

    certificates_keep_expiry(course_page_id=instance.pk)
