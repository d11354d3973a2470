from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from .models import ModulePage

        # Every way a module is published (the editor, scheduled publishing, a workflow's
        # approval, the page explorer's bulk action) sends this; Wagtail's admin hooks do not
        # cover them all.
        page_published.connect(
            _module_published, sender=ModulePage, dispatch_uid="courses.module_published"
        )
        page_unpublished.connect(
            _module_unpublished, sender=ModulePage, dispatch_uid="courses.module_unpublished"
        )


def _module_published(sender, instance, **kwargs):
    from django.db import transaction

    from .tasks import module_completions_catch_up_run

    transaction.on_commit(lambda: module_completions_catch_up_run.enqueue(module_id=instance.pk))


def _module_unpublished(sender, instance, **kwargs):
    from django.db import transaction

    from .tasks import course_completions_catch_up_run

    course_id = instance.get_parent().pk
    transaction.on_commit(lambda: course_completions_catch_up_run.enqueue(course_id=course_id))
