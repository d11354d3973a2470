"""Forget the admin time zones editors saved before the account page offered only names
browsers know (config.settings.base.WAGTAIL_USER_TIME_ZONES).

Such a name ("localtime", "GB", "Factory") is not one of the page's choices, so the page shows
"Use server time zone" while the admin goes on using the stored name: "localtime" is the
server's own clock, and a name the server's zone database lacks after a move fails every
admin page. Blank is Wagtail's "use the server time zone".
"""

from django.conf import settings
from django.db import migrations


def time_zones_not_offered_forget(apps, schema_editor):
    UserProfile = apps.get_model("wagtailusers", "UserProfile")
    offered = set(getattr(settings, "WAGTAIL_USER_TIME_ZONES", ()))
    if not offered:  # time zones not configured: nothing to compare with
        return
    UserProfile.objects.exclude(current_time_zone="").exclude(
        current_time_zone__in=offered
    ).update(current_time_zone="")


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0006_rolegrant"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [
        migrations.RunPython(time_zones_not_offered_forget, migrations.RunPython.noop),
    ]
