"""`manage.py load_demo_content`: the demo catalogue, its three courses, and the activities
other apps add to them. Idempotent: running it again updates rather than duplicates."""

from django.core.management.base import BaseCommand

from courses.demo import activity_demos_load, demo_content_load


class Command(BaseCommand):
    help = "Build the demo course catalogue and the three flagship courses (idempotent)."

    def handle(self, *args, **options):
        courses = demo_content_load()
        for course in courses.values():
            self.stdout.write(f"Course: {course.title} ({course.url})")
        for loader in activity_demos_load():
            self.stdout.write(f"Demo content added by {loader}")
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
