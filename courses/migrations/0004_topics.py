"""The three topics every course is filed under, so editors can tick them straight away."""

from django.db import migrations

TOPICS = [
    ("privacy-settings", "Privacy settings"),
    ("phone-use", "Phone use"),
    ("reporting", "Reporting"),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("courses", "Topic")
    for slug, name in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_course_and_module_pages")]

    operations = [migrations.RunPython(create_topics, migrations.RunPython.noop)]
