"""Development: `make run` on a laptop. Never use these settings on the internet."""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
# DJANGO_SECRET_KEY when it is set; otherwise a fixed key that anyone can read here, so
# development only (`make run` neither generates nor stores one).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-key-not-for-production-use"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],0.0.0.0")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# `make run` shows the site's address and the demo logins in the same console as the task
# worker: there, a task's start and finish are shown only when something goes wrong (the
# worker logs every task at INFO, and loading the demo queues a few hundred).
LOGGING = {
    **LOGGING,  # noqa: F405
    "handlers": {
        **LOGGING["handlers"],  # noqa: F405
        "tasks_console": {"class": "logging.StreamHandler", "level": "WARNING"},
    },
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        "django_tasks": {"handlers": ["tasks_console"], "propagate": False},
    },
}
