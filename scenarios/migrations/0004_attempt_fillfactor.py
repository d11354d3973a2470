"""Leave room on each page of the attempts table (PostgreSQL's fillfactor), so that saving a
step, which changes no indexed column until the ending, can update the row in place (a HOT
update) instead of writing a new entry into every index of the table."""

from django.db import migrations


def fillfactor(percent):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE scenarios_scenarioattempt SET (fillfactor = {int(percent)})"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("scenarios", "0003_covered_foreign_key_indexes"),
    ]

    operations = [
        migrations.RunPython(fillfactor(70), fillfactor(100)),
    ]
