from django.db import migrations

# Before 0007 an admin could save a target taking 0 statements per request: it was never
# sent anything, and its statements waited for ever. Such targets take the default.
DEFAULT_BATCH_SIZE = 100


def batch_size_zero_to_default(apps, schema_editor):
    ForwardingTarget = apps.get_model("xapi", "ForwardingTarget")
    ForwardingTarget.objects.filter(batch_size__lt=1).update(batch_size=DEFAULT_BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("xapi", "0007_forwardingtarget_batch_size_at_least_one"),
    ]

    operations = [
        migrations.RunPython(batch_size_zero_to_default, migrations.RunPython.noop),
    ]
