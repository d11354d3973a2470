"""Benchmark: the safeguarding dashboard at 10,000 and at about 1,000,000 statements.

One school, 2,000 staff in four teams, three assigned staff courses of nine modules each
(30 activities). Statements are bulk-inserted into the LRS table and projected into records
by the same projection `xapi.services.record()` uses. The overview and the first page of the
learners-by-course matrix are rendered through Django's test client as the safeguarding
lead, first with 10,000 statements stored, then with about 1,000,000; the script prints the
best-of-15 render times and their ratio (target: 1M at most 1.5 x 10k) and the query counts
(which must be equal).

Runs on a throwaway test database: a temporary SQLite file by default, or a `test_...`
database next to DATABASE_URL's (PostgreSQL). Usage:

    .venv/bin/python bench/dashboard.py [--statements 1000000] [--learners 2000]
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
TARGET_RATIO = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--learners", type=int, default=2_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    return parser.parse_args()


def setup_database():
    import django
    from django.conf import settings

    tmp = None
    if "DATABASE_URL" not in os.environ:
        tmp = tempfile.TemporaryDirectory(prefix="upstander-bench-")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if tmp is not None:
        test_settings = settings.DATABASES["default"].setdefault("TEST", {})
        test_settings["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return tmp, old_name


def build_world(n_learners: int):
    from django.conf import settings as dj_settings
    from django.contrib.auth.hashers import make_password
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from courses.models import CourseIndexPage, CoursePage, HomePage, ModulePage
    from records.models import Assignment
    from schools.models import Group, Membership, School, User
    from schools.roles import AUTH_GROUP_NAMES, Role, role_assign, roles_sync

    roles_sync()
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(dj_settings.LANGUAGE_CODE)
    )
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="Upstander", slug="bench-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home},
        )
    index = home.add_child(
        instance=CourseIndexPage(title="Staff", slug="bench-staff", audience="staff")
    )
    courses = []
    for c in range(3):
        course = index.add_child(
            instance=CoursePage(
                title=f"Staff course {c + 1}",
                slug=f"bench-course-{c}",
                audience="staff",
                summary="Bench",
                estimated_minutes=30,
                cpd_minutes=60,
                learning_outcomes="Bench",
            )
        )
        modules = [
            course.add_child(
                instance=ModulePage(
                    title=f"Module {m + 1}", summary="Bench", estimated_minutes=5, body=[]
                )
            )
            for m in range(9)
        ]
        courses.append((course, modules))

    school = School.objects.create(name="Bench Academy", urn="123456")
    lead = User.objects.create_user(username="bench-dsl", password=None, school=school)
    role_assign(user=lead, role=Role.STAFF)
    role_assign(user=lead, role=Role.SAFEGUARDING_LEAD)
    teams = [
        Group.objects.create(school=school, name=f"Team {t}", kind=Group.Kind.STAFF_TEAM)
        for t in range(4)
    ]
    User.objects.bulk_create(
        [
            User(
                username=f"staff{i:05d}",
                first_name=f"First{i}",
                last_name=f"Last{i:05d}",
                email=f"staff{i}@bench.invalid",
                school=school,
                learner_id=uuid.uuid4(),
                password=make_password(None),
            )
            for i in range(n_learners)
        ],
        batch_size=1000,
    )
    learners = list(User.objects.filter(username__startswith="staff").order_by("pk"))
    from django.contrib.auth.models import Group as AuthGroup

    staff_group = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.STAFF])
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=staff_group.pk) for u in learners],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(group=teams[i % 4], user=u) for i, u in enumerate(learners)],
        batch_size=2000,
    )
    today = date.today()
    Assignment.objects.create(
        school=school,
        course=courses[0][0],
        role=Role.STAFF,
        due_on=today - timedelta(days=5),
        renewal_months=12,
    )
    Assignment.objects.create(
        school=school, course=courses[1][0], group=teams[0], due_on=today + timedelta(days=20)
    )
    Assignment.objects.create(
        school=school, course=courses[2][0], group=teams[1], due_on=today + timedelta(days=3)
    )
    return school, lead, learners, courses


def statements_for(learners, courses, start: int, count: int):
    """Statements number start..start+count-1, spread evenly over learners and activities.

    Each learner's sequence of activities cycles through the 30 activities; every few
    statements one is a completion, so completions and summaries grow with the data."""
    from django.conf import settings

    activities = []
    for course, modules in courses:
        for module in modules:
            activities.append((module.activity_iri, course.activity_iri))
        activities.append((course.activity_iri, None))
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(start, start + count):
        learner = learners[n % len(learners)]
        step = n // len(learners)
        object_iri, grouping = activities[(step + n) % len(activities)]
        verb = (EXPERIENCED, PROGRESSED, ANSWERED, COMPLETED)[step % 4]
        when = (base + timedelta(minutes=n)).isoformat()
        data = {
            "id": str(uuid.uuid4()),
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": settings.SITE_URL, "name": str(learner.learner_id)},
            },
            "verb": {"id": verb},
            "object": {"objectType": "Activity", "id": object_iri},
            "timestamp": when,
            "stored": when,
            "version": "1.0.0",
        }
        if grouping:
            data["context"] = {"contextActivities": {"grouping": [{"id": grouping}]}}
        yield learner, data


def insert(school, learners, courses, start: int, count: int, chunk: int = 5000) -> None:
    from django.db import transaction
    from django.utils.dateparse import parse_datetime

    from records.projection import completions_project
    from xapi.identity import actor_key
    from xapi.models import Statement

    pending = []

    def flush():
        with transaction.atomic():
            Statement.objects.bulk_create(
                [
                    Statement(
                        statement_id=data["id"],
                        school=school,
                        learner=learner,
                        actor_key=actor_key(data["actor"]),
                        verb_iri=data["verb"]["id"],
                        object_iri=data["object"]["id"],
                        timestamp=parse_datetime(data["timestamp"]),
                        stored=parse_datetime(data["stored"]),
                        data=data,
                    )
                    for learner, data in pending
                ]
            )
            completions_project(
                statements=[d for _l, d in pending],
                learners_by_key={actor_key(d["actor"]): learner for learner, d in pending},
            )
        pending.clear()

    for item in statements_for(learners, courses, start, count):
        pending.append(item)
        if len(pending) >= chunk:
            flush()
    if pending:
        flush()


def measure(lead, runs: int) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(lead)
    results = {}
    for name, url in (
        ("overview", reverse("records:dashboard")),
        ("matrix", reverse("records:matrix")),
    ):
        response = client.get(url)  # warm up
        assert response.status_code == 200, response.status_code
        times = []
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
        # Best of N: on a shared machine the minimum is the least disturbed measurement.
        results[name] = (min(times), len(queries))
    return results


def main() -> int:
    args = parse_args()
    tmp, old_name = setup_database()
    from django.db import connection

    from records.models import Completion, LearnerActivity
    from xapi.models import Statement

    try:
        t0 = time.perf_counter()
        school, lead, learners, courses = build_world(args.learners)
        insert(school, learners, courses, 0, args.baseline)
        print(
            f"database: {connection.vendor}; {args.learners} learners x 30 activities; "
            f"set-up {time.perf_counter() - t0:.1f}s"
        )
        small = measure(lead, args.runs)
        small_rows = (
            Statement.objects.count(),
            Completion.objects.count(),
            LearnerActivity.objects.count(),
        )
        t1 = time.perf_counter()
        insert(school, learners, courses, args.baseline, args.statements - args.baseline)
        rate = (args.statements - args.baseline) / (time.perf_counter() - t1)
        large = measure(lead, args.runs)
        large_rows = (
            Statement.objects.count(),
            Completion.objects.count(),
            LearnerActivity.objects.count(),
        )
        print(f"generated and projected {rate:,.0f} statements/s")
        for label, rows in (("small", small_rows), ("large", large_rows)):
            print(
                f"{label}: {rows[0]:,} statements, {rows[1]:,} completions, "
                f"{rows[2]:,} learner-activity summaries"
            )
        ok = True
        for name in ("overview", "matrix"):
            (t_small, q_small), (t_large, q_large) = small[name], large[name]
            ratio = t_large / t_small
            ok = ok and ratio <= TARGET_RATIO and q_small == q_large
            print(
                f"{name}: {t_small * 1000:.1f} ms at {small_rows[0]:,} statements, "
                f"{t_large * 1000:.1f} ms at {large_rows[0]:,}; ratio {ratio:.2f} "
                f"(target <= {TARGET_RATIO}); queries {q_small} -> {q_large}"
            )
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
