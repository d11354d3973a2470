from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "h5p"
    verbose_name = _("H5P activities")

    def ready(self):
        from django.db.models.signals import post_delete

        from . import checks  # noqa: F401  (registers the content-origin checks)
        from .models import H5PActivity
        from .services import h5p_activity_files_delete

        # However an activity is deleted (the admin's delete, its bulk action, a cascade),
        # its unpacked files go too once that is committed: the content host serves
        # whatever is on disk.
        post_delete.connect(
            lambda sender, instance, **kwargs: h5p_activity_files_delete(activity=instance),
            sender=H5PActivity,
            weak=False,
            dispatch_uid="h5p_activity_files_delete",
        )
