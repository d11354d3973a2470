"""Tests: fast hashing, in-memory email, tasks run immediately unless a test says otherwise."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "schools.hashers.GeneratedPasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
# Packages that tests (and demo loaders run by tests) upload go to a throwaway folder.
H5P_ROOT = Path(tempfile.mkdtemp(prefix="upstander-test-h5p-"))
atexit.register(shutil.rmtree, H5P_ROOT, True)
