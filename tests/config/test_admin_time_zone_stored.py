"""Time zones editors saved on their admin account page before the choices were narrowed."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from wagtail.users.models import UserProfile

migration = import_module("schools.migrations.0007_userprofile_time_zones_browsers_know")


@pytest.mark.parametrize("stored", ["localtime", "GB", "Factory", "SystemV/EST5"])
def test_a_stored_time_zone_no_longer_offered_is_forgotten(editor, stored):
    """Chromium rejects "localtime" (and Wagtail's page script with it); the account page no
    longer offers such names, so an editor who saved one before gets the server's zone."""
    profile = UserProfile.get_for_user(editor)
    profile.current_time_zone = stored
    profile.save()

    migration.time_zones_not_offered_forget(apps, None)

    profile.refresh_from_db()
    assert profile.current_time_zone == ""
    assert profile.get_current_time_zone() == settings.TIME_ZONE


@pytest.mark.parametrize("stored", ["Europe/Paris", "UTC", ""])
def test_a_time_zone_the_account_page_offers_is_kept(editor, stored):
    profile = UserProfile.get_for_user(editor)
    profile.current_time_zone = stored
    profile.save()

    migration.time_zones_not_offered_forget(apps, None)

    profile.refresh_from_db()
    assert profile.current_time_zone == stored
