"""The demo school's assignments, so that its dashboard, its learners' cards and its class
records show what a school that has set Upstander up sees.

Run by the courses app's `load_demo_content` after the demo courses exist; does nothing until
`load_demo_data` has made the demo school. Idempotent: an assignment already made (or
changed by hand in the demo) is left as it is.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from courses.demo_content import COURSES
from courses.models import CoursePage
from schools.management.commands.load_demo_data import DEMO_SCHOOL_URN
from schools.models import Group, School
from schools.roles import Role

from .models import Assignment
from .services import assignment_create

# course key, group (kind, name) or role, due in so many days, renewal every so many months
DEMO_ASSIGNMENTS = [
    ("pupil-2021", (Group.Kind.CLASS, "8R"), "", 21, None),
    ("staff-privacy", None, Role.STAFF, 30, 12),
    ("dsl-response", None, Role.SAFEGUARDING_LEAD, 30, 12),
]


@transaction.atomic
def demo_content_load() -> list[Assignment]:
    school = School.objects.filter(urn=DEMO_SCHOOL_URN).first()
    if school is None:
        return []
    slugs = {spec["key"]: (spec["slug"], spec["page"]["audience"]) for spec in COURSES}
    today = timezone.localdate()
    made = []
    for key, group_key, role, due_in_days, renewal_months in DEMO_ASSIGNMENTS:
        slug, audience = slugs[key]
        course = CoursePage.objects.live().filter(slug=slug, audience=audience).first()
        group = None
        if group_key is not None:
            group = Group.objects.filter(
                school=school, kind=group_key[0], name=group_key[1]
            ).first()
        if course is None or (group_key is not None and group is None):
            continue
        existing = Assignment.objects.filter(
            school=school, course_id=course.pk, group=group, role=role
        )
        if existing.exists():
            continue
        made.append(
            assignment_create(
                school=school,
                course_page_id=course.pk,
                due_on=today + timedelta(days=due_in_days),
                group=group,
                role=role,
                renewal_months=renewal_months,
            )
        )
    return made
