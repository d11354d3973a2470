"""Leave room on each page of the learner-activity summaries (PostgreSQL's fillfactor): every
recorded statement widens its learner's times, which changes no indexed column, so the row
can be updated in place (a HOT update) instead of writing to every index of the table."""

from django.db import migrations


def fillfactor(percent):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE records_learneractivity SET (fillfactor = {int(percent)})"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_covered_foreign_key_indexes"),
    ]

    operations = [
        migrations.RunPython(fillfactor(70), fillfactor(100)),
    ]
