from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from wagtail.signals import page_published, page_unpublished, unpublished

        from assessments.models import Quiz
        from scenarios.models import Scenario

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
        # A scenario or quiz unpublished no longer holds back the modules requiring it
        # (courses.activity.ActivityBlock.is_available): whoever has done the rest of one has
        # completed it, as when the module is published without it.
        for model in (Scenario, Quiz):
            unpublished.connect(
                _activity_unpublished,
                sender=model,
                dispatch_uid=f"courses.activity_unpublished.{model._meta.label_lower}",
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


def _activity_unpublished(sender, instance, **kwargs):
    from django.db import transaction

    from .selectors import modules_using
    from .tasks import module_completions_catch_up_run

    module_ids = [module.pk for module in modules_using(instance, required=True)]
    for module_id in module_ids:
        transaction.on_commit(
            lambda module_id=module_id: module_completions_catch_up_run.enqueue(module_id=module_id)
        )
