"""Production settings plus one trivial authenticated JSON view, for the LRS benchmarks."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchlib.urls"
SECURE_SSL_REDIRECT = False
