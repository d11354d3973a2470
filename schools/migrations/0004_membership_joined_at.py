import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def joined_when_their_account_was_made(apps, schema_editor):
    """Memberships from before this have no date of their own: the person's account's is the
    best there is, and keeps them from counting as new to the group today."""
    Membership = apps.get_model("schools", "Membership")
    User = apps.get_model("schools", "User")
    Membership.objects.update(
        joined_at=Subquery(User.objects.filter(pk=OuterRef("user_id")).values("date_joined")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0003_urn_constraint_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="joined_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="joined the group"
            ),
        ),
        migrations.RunPython(joined_when_their_account_was_made, migrations.RunPython.noop),
    ]
