"""Production settings plus one trivial signed-in view: the scenario benchmark's baseline."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "scenariobench.urls"
SECURE_SSL_REDIRECT = False

# The benchmark does not run collectstatic; serve static names without a manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
