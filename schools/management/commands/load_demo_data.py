"""Create the demo school and one person in each role, and print their logins.

Idempotent: running it again updates the same rows and resets the demo passwords.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from schools.models import Group, Membership, School
from schools.roles import Role
from schools.services import membership_ensure, person_create_or_update

# Demo accounts exist only on development machines: the command refuses to run on a site
# without DEBUG unless told to.
DEMO_PASSWORD = "upstander-demo"  # noqa: S105
DEMO_SCHOOL_URN = "999999"
DEMO_PEOPLE = [
    # username, first, last, roles, groups (kind, name, membership role)
    (
        "pupil",
        "Priya",
        "Pupil",
        [Role.PUPIL],
        [("class", "8R", "member"), ("year_group", "Year 8", "member")],
    ),
    (
        "teacher",
        "Tom",
        "Teacher",
        [Role.STAFF],
        [
            ("class", "8R", "teacher"),
            ("year_group", "Year 8", "teacher"),
            ("staff_team", "Teaching staff", "member"),
        ],
    ),
    (
        "dsl",
        "Dana",
        "Lead",
        [Role.STAFF, Role.SAFEGUARDING_LEAD],
        [("staff_team", "Teaching staff", "member")],
    ),
    ("editor", "Ed", "Editor", [Role.EDITOR], []),
    # The whole admin: schools, people, LRS credentials and forwarding to another LRS. No
    # role and no school, so no courses are set for them.
    ("admin", "Ada", "Admin", [], []),
]
DEMO_SUPERUSERS = {"admin"}
# Priya's classmates in 8R and Year 8, so that class records, the dashboard and the scenario
# choices of a class (shown from five learners up) have a class to show. They cannot sign in;
# the scenarios' demo loader plays "The crest account" as them (scenarios/demo.py).
DEMO_CLASSMATES = [
    ("amir.k", "Amir", "Khan"),
    ("bethan.l", "Bethan", "Lloyd"),
    ("chloe.o", "Chloe", "Osei"),
    ("daniel.m", "Daniel", "Murphy"),
    ("ella.w", "Ella", "Wright"),
    ("felix.n", "Felix", "Nowak"),
    ("grace.a", "Grace", "Adeyemi"),
]


class Command(BaseCommand):
    help = (
        "Create the demo school, its groups and a pupil, teacher, safeguarding lead, editor "
        "and administrator."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (demo sites)."
        )
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Only print the demo logins (bin/run-dev shows them next to the address).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if options["logins_only"]:
            self._print_logins()
            return
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to create demo accounts with DEBUG off; use --force.")
        school, _ = School.objects.update_or_create(
            urn=DEMO_SCHOOL_URN,
            defaults={"name": "Upstander Demo Academy", "nation": School.Nation.ENGLAND},
        )
        for username, first, last, roles, groups in DEMO_PEOPLE:
            user, _ = person_create_or_update(
                # Editors build content and administrators run the site for every school,
                # and belong to none: what they try is not recorded as a learner's
                # (h5p.views), and the records dashboard lets an administrator choose any
                # school (records.views).
                school=school if roles and Role.EDITOR not in roles else None,
                username=username,
                first_name=first,
                last_name=last,
                email="" if Role.PUPIL in roles else f"{username}@demo.upstander.invalid",
                roles=roles,
                password=DEMO_PASSWORD,
            )
            if Role.EDITOR in roles or username in DEMO_SUPERUSERS:
                user.is_staff = True
                user.is_superuser = username in DEMO_SUPERUSERS
                user.save(update_fields=["is_staff", "is_superuser"])
            for kind, name, member_role in groups:
                group, _ = Group.objects.get_or_create(school=school, kind=kind, name=name)
                membership_ensure(user=user, group=group, role=Membership.Role(member_role))
        groups = [
            Group.objects.get_or_create(school=school, kind=kind, name=name)[0]
            for kind, name in (("class", "8R"), ("year_group", "Year 8"))
        ]
        for username, first, last in DEMO_CLASSMATES:
            user, created = person_create_or_update(
                school=school,
                username=username,
                first_name=first,
                last_name=last,
                roles=[Role.PUPIL],
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            for group in groups:
                membership_ensure(user=user, group=group)
        self.stdout.write(self.style.SUCCESS(f"Demo school: {school.name}"))
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, roles, _groups in DEMO_PEOPLE:
            label = ", ".join(str(Role(r).label) for r in roles) or "administrator"
            self.stdout.write(f"  {username:<10} {first} {last} ({label})")
