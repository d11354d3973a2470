"""Writes to schools, groups and people. Views and commands call these; nothing else writes."""

import hashlib
import logging
import os
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from .models import Group, Membership, School, User
from .roles import AUTH_GROUP_NAMES, Role, role_assign, role_grants_record
from .roster import (
    INVISIBLE_CHARACTERS,
    ParsedRoster,
    RosterRow,
    RowError,
    mis_id_key,
    password_generate,
    username_base,
)
from .roster import Kind as RosterKind
from .selectors import (
    group_name_reading_order,
    mis_id_holders,
    pupils_whose_password_user_may_reset,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def person_create_or_update(
    *,
    school: School | None,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: list[str],
    password: str | None = None,
    mis_id: str = "",
) -> tuple[User, bool]:
    """Create a person or bring an existing one (same username) up to date. Returns
    (user, created). A password is set only when given."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"school": school, "first_name": first_name, "last_name": last_name},
    )
    user.school = school
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.mis_id = mis_id
    if password is not None:
        user.set_password(password)
    user.save()
    for role in roles:
        role_assign(user=user, role=role)
    return user, created


def membership_ensure(*, user: User, group: Group, role: str = Membership.Role.MEMBER) -> None:
    Membership.objects.update_or_create(user=user, group=group, defaults={"role": role})


# Roster import ---------------------------------------------------------------------------


def memberships_elsewhere_end(*, person: User) -> None:
    """Take someone who has moved to another school out of the groups of the schools they
    left: otherwise those classes' teachers would still see them by name and record
    lessons for them."""
    Membership.objects.filter(user=person).exclude(group__school_id=person.school_id).delete()


@dataclass(frozen=True)
class NewLogin:
    """A login created by an import: shown once on the login sheet, never stored in clear."""

    name: str
    username: str
    password: str
    sheet_group: str
    # To list the sheet as class lists are, by surname.
    first_name: str = ""
    last_name: str = ""


@dataclass
class RosterImportResult:
    kind: str
    created: int = 0
    # People already in Upstander whose name, email, groups or being active changed, and
    # those the file left as they were.
    updated: int = 0
    unchanged: int = 0
    groups_created: list[str] = field(default_factory=list)
    logins: list[NewLogin] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    # People marked as having left (not in a file imported as everyone at the school) and
    # people in the file who had been marked so and are back.
    left: list[User] = field(default_factory=list)
    returned: list[User] = field(default_factory=list)
    # Staff already in Upstander without an MIS id (the safeguarding lead set up with the
    # school, say), found by their email address and given the file's MIS id.
    matched_by_email: list[User] = field(default_factory=list)
    # People in the file whom someone made inactive by hand (User.inactive_by_hand): they
    # stay so, for the lead to bring back on their record page if they are back.
    kept_inactive: list[User] = field(default_factory=list)

    def logins_by_sheet_group(self) -> list[tuple[str, list[NewLogin]]]:
        """New logins grouped for printing, one sheet per class (or staff team), in the order
        of the school's classes ("7B" before "10A"), each by surname as class lists are."""
        grouped: dict[str, list[NewLogin]] = {}
        for login in sorted(
            self.logins,
            key=lambda item: (
                group_name_reading_order(item.sheet_group),
                item.last_name.casefold(),
                item.first_name.casefold(),
                item.username,
            ),
        ):
            grouped.setdefault(login.sheet_group, []).append(login)
        return list(grouped.items())


class RosterImportError(Exception):
    """The roster was not imported: every problem found, by line and column."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s) in the roster")
        self.errors = errors


class RosterLeaversChanged(Exception):
    """The roster was not imported: the people it would mark as left are no longer the ones
    the safeguarding lead checked (another import or an administrator changed them)."""

    def __init__(self, leavers: list[User]):
        super().__init__(f"{len(leavers)} leaver(s), not the ones checked")
        self.leavers = leavers


def roster_leavers(
    *, school: School, kind: str, parsed: ParsedRoster, importer: User | None = None
) -> list[User]:
    """The people an import of `parsed` as everyone at the school would mark as left: active
    pupils (or staff) of `school` with an MIS id that is not in the file, sorted by name,
    each with their classes, year groups and teams in `user.group_names`.

    People without an MIS id were not added by an import and no file can name them, so they
    are never included; nor is the person importing (they would lock themselves out), nor
    anyone holding a permission they do not (`_beyond_importers_reach`)."""
    role = Role.PUPIL if kind == RosterKind.PUPILS else Role.STAFF
    in_file = {mis_id_key(row.mis_id) for row in parsed.rows}
    people = (
        User.objects.filter(
            school=school,
            is_active=True,
            is_superuser=False,
            groups__name=AUTH_GROUP_NAMES[role],
        )
        .exclude(mis_id="")
        # By name whatever its capitals ("de Souza" among the Ds), as the dashboard's tables.
        .order_by(Lower("last_name"), Lower("first_name"), "username")
    )
    if importer is not None:
        people = people.exclude(pk=importer.pk)
    leavers = [person for person in people if mis_id_key(person.mis_id) not in in_file]
    if importer is not None:  # nor anyone whose account the import may not change
        beyond = _beyond_importers_reach(importer, [person.pk for person in leavers])
        leavers = [person for person in leavers if person.pk not in beyond]
    # Groups for the leavers only: the rest of the school is most of the file.
    prefetch_related_objects(
        leavers,
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("group").order_by(
                "group__kind", "group__name"
            ),
        ),
    )
    for person in leavers:
        person.group_names = [m.group.name for m in person.memberships.all()]
    return leavers


def leavers_fingerprint(leavers: list[User]) -> str:
    """A short digest of who would be marked as left, carried by the confirmation form so
    that an import marks exactly the people the safeguarding lead saw listed."""
    ids = ",".join(str(pk) for pk in sorted(person.pk for person in leavers))
    return hashlib.sha256(ids.encode()).hexdigest()[:32]


def _beyond_importers_reach(importer: User, user_ids: list[int]) -> set[int]:
    """The ids of those of `user_ids` who hold a permission `importer` does not
    (`admin_viewsets.person_beyond_reach`): an import writes their name and email address,
    where their password reset goes, so it must not write theirs. Only the few who hold any
    permission outside the importer's own groups are looked at one by one."""
    from .admin_viewsets import person_beyond_reach

    own = importer.groups.values("pk")
    powerful = (
        AuthGroup.objects.filter(
            Q(permissions__isnull=False)
            | Q(page_permissions__isnull=False)
            | Q(collection_permissions__isnull=False)
            # A workflow's approvers may hold no permission, yet approve (so publish) pages.
            | Q(pk__in=GroupApprovalTask.groups.through.objects.values("group_id"))
        )
        .exclude(pk__in=own)
        .values("pk")
    )
    beyond: set[int] = set()
    for chunk in _chunks(user_ids):
        candidates = User.objects.filter(pk__in=chunk).filter(
            Q(is_superuser=True) | Q(user_permissions__isnull=False) | Q(groups__in=powerful)
        )
        beyond.update(
            person.pk for person in candidates.distinct() if person_beyond_reach(importer, person)
        )
    return beyond


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _taken_usernames(bases: set[str]) -> set[str]:
    """The usernames, in lower case, that begin with any of `bases`: sign-in ignores case,
    so "zoeo" is taken when someone is "ZoeO"."""
    taken: set[str] = set()
    for chunk in _chunks(sorted(bases), 100):
        query = Q()
        for base in chunk:
            query |= Q(username__istartswith=base)
        taken.update(
            name.lower() for name in User.objects.filter(query).values_list("username", flat=True)
        )
    return taken


def _existing_by_mis_id(*, school: School, parsed: ParsedRoster):
    """The school's people the file's rows name by MIS id, as `mis_id_key` compares ids (a
    MIS export may write "a100" one year and "A100" the next, or drop an admission number's
    leading zeros), by their MIS id as stored; and `parsed` with each of those rows' MIS id
    written as stored, so the rest of the import matches exactly."""
    found: dict[str, User] = {}
    # Two people whose ids differ only in case (made before the admin refused it): which one
    # a row is cannot be told, and taking either would rename them into the other.
    clashes: dict[str, list[User]] = {}
    holders = mis_id_holders(
        school_id=school.pk, keys={mis_id_key(row.mis_id) for row in parsed.rows}
    )
    pks = [pk for held in holders.values() for _mis_id, pk in held]
    users_by_pk = {
        user.pk: user for chunk in _chunks(pks) for user in User.objects.filter(pk__in=chunk)
    }
    candidates = {key: [users_by_pk[pk] for _mis_id, pk in held] for key, held in holders.items()}
    for key, users in candidates.items():
        # Someone whose id an earlier import kept an invisible character in is only taken
        # when nobody has it as written.
        users = [
            user for user in users if not any(ch in user.mis_id for ch in INVISIBLE_CHARACTERS)
        ] or users
        if len(users) > 1:
            clashes[key] = users
        else:
            found[key] = users[0]
    if clashes:
        raise RosterImportError(
            _as_in_file(
                parsed,
                [
                    RowError(
                        _(
                            "%(people)s at your school have this MIS id written differently "
                            "(in other capitals or with other leading zeros), and the import "
                            "cannot tell which of them this row is. Ask whoever "
                            "runs Upstander to give one of them another MIS id, then import the "
                            "file again."
                        )
                        % {
                            "people": ", ".join(
                                f"{user.get_full_name() or user.username} ({user.mis_id})"
                                for user in clashes[mis_id_key(row.mis_id)]
                            )
                        },
                        row.line,
                        "mis_id",
                    )
                    for row in parsed.rows
                    if mis_id_key(row.mis_id) in clashes
                ],
            )
        )
    rows = [
        replace(row, mis_id=found[mis_id_key(row.mis_id)].mis_id)
        if mis_id_key(row.mis_id) in found
        else row
        for row in parsed.rows
    ]
    return {user.mis_id: user for user in found.values()}, replace(parsed, rows=rows)


@transaction.atomic
def roster_import(
    *,
    school: School,
    kind: str,
    parsed: ParsedRoster,
    leavers_checked: str | None = None,
    importer: User | None = None,
) -> RosterImportResult:
    """Create or update the people in a parsed roster, and put them in their groups.

    All or nothing: any problem (in the file, or a clash with people already in the school)
    raises RosterImportError before anything is written. People are matched by MIS id within
    `school` only, so importing the same file again updates them, and brings back anyone
    a whole-school import marked as having left (not someone made inactive by hand, who
    stays so and is listed in `kept_inactive`). Only the kinds of group whose column is in
    the file are replaced.

    People missing from the file are left alone, unless the file is everyone at the school:
    then `leavers_checked` is the `leavers_fingerprint` of the `roster_leavers` the
    safeguarding lead was shown, and those people are marked as having left (their accounts
    no longer sign in; their records stay). If the leavers are no longer those,
    RosterLeaversChanged is raised and nothing is written.
    """
    if parsed.errors:
        raise RosterImportError(parsed.errors)
    leavers: list[User] = []
    if leavers_checked is not None:
        leavers = roster_leavers(school=school, kind=kind, parsed=parsed, importer=importer)
        if leavers_fingerprint(leavers) != leavers_checked:
            raise RosterLeaversChanged(leavers)
    existing, parsed = _existing_by_mis_id(school=school, parsed=parsed)
    rows = parsed.rows
    role = Role.PUPIL if kind == RosterKind.PUPILS else Role.STAFF
    other_role = Role.STAFF if role == Role.PUPIL else Role.PUPIL
    adopted: list[User] = []
    if role == Role.STAFF:
        adopted = _staff_without_mis_id(school=school, rows=rows, existing=existing)
        for user in adopted:
            existing[user.mis_id] = user
    # People matched by MIS id must already hold the role being imported, so a pupils file
    # can never turn a member of staff into a pupil (or the reverse), nor change an editor's
    # account.
    # A safeguarding lead is staff, whether or not they were given the Staff role too.
    refused_roles = [other_role, Role.EDITOR]
    if role == Role.PUPIL:
        refused_roles.append(Role.SAFEGUARDING_LEAD)
    other_roles: dict[int, set[str]] = {}
    for chunk in _chunks([u.pk for u in existing.values()]):
        for user_id, name in User.groups.through.objects.filter(
            user_id__in=chunk,
            group__name__in=[AUTH_GROUP_NAMES[r] for r in refused_roles],
        ).values_list("user_id", "group__name"):
            other_roles.setdefault(user_id, set()).add(name)

    errors: list[RowError] = []
    for row in rows:
        user = existing.get(row.mis_id)
        if user is None or user.pk not in other_roles:
            continue
        if other_roles[user.pk] == {AUTH_GROUP_NAMES[Role.EDITOR]}:
            message = _(
                "This MIS id belongs to an editor's account, which an import cannot change. "
                "Ask whoever runs Upstander for your school."
            )
        elif role == Role.PUPIL:
            message = _("This MIS id belongs to a member of staff already in Upstander.")
        else:
            message = _("This MIS id belongs to a pupil already in Upstander.")
        errors.append(RowError(message, row.line, "mis_id"))

    if importer is not None:
        beyond = _beyond_importers_reach(importer, [u.pk for u in existing.values()])
        for row in rows:
            user = existing.get(row.mis_id)
            if user is not None and user.pk in beyond:
                message = _(
                    "This MIS id belongs to an account that holds permissions you do not (an "
                    "administrator's), which an import cannot change. Ask whoever runs "
                    "Upstander for your school."
                )
                errors.append(RowError(message, row.line, "mis_id"))

    for row in rows:
        user = existing.get(row.mis_id)
        if user is not None and not user.is_active and _plainly_someone_else(user, row):
            # An MIS reuses a leaver's id (a staff code is initials): matching by it would
            # hand the leaver's account, records and certificates to the newcomer.
            errors.append(RowError(_leaver_id_reused_message(user), row.line, "mis_id"))

    if role == Role.STAFF:
        emails = [row.email for row in rows]
        owners: dict[str, tuple[int, int | None]] = {}
        for chunk in _chunks(emails):  # the file's emails are in lower case; sign-in ignores it
            for pk, username, email, school_id in (
                User.objects.annotate(username_lower=Lower("username"), email_lower=Lower("email"))
                .filter(
                    Q(username_lower__in=chunk)
                    | Q(email_lower__in=chunk)
                    | _any_case_beyond_a_to_z(chunk)
                )
                .values_list("pk", "username", "email", "school_id")
            ):
                for value in (username.lower(), email.lower()):
                    if value in emails:
                        owners.setdefault(value, (pk, school_id))
        for row in rows:
            owner, owner_school_id = owners.get(row.email, (None, None))
            user = existing.get(row.mis_id)
            if owner is None or (user is not None and owner == user.pk):
                continue
            if owner_school_id is not None and owner_school_id != school.pk:
                # Someone who moved from another school of the installation: taking their
                # account over here would hand their records to this school unasked.
                message = _(
                    "This email address belongs to an account at another school (someone "
                    "who has moved here, say). Ask whoever runs Upstander to move "
                    "that account to your school in the admin (Schools, People), then "
                    "import the file again."
                )
            else:
                message = _("Another account already uses this email address.")
            errors.append(RowError(message, row.line, "email"))
    if role == Role.PUPIL:
        errors.extend(_pupils_added_by_hand_errors(school=school, rows=rows, existing=existing))
    if errors:
        raise RosterImportError(_as_in_file(parsed, errors))

    result = RosterImportResult(kind=kind, ignored_columns=parsed.ignored_columns)

    # New people: generated usernames (pupils) or their email (staff), generated passwords.
    new_rows = [row for row in rows if row.mis_id not in existing]
    usernames: dict[int, str] = {}
    if role == Role.PUPIL:
        bases = {row.line: username_base(row.first_name, row.last_name) for row in new_rows}
        taken = _taken_usernames(set(bases.values()))
        # The number each start was last given: a file of many pupils with one start (a
        # whole class of Sams) tries each number once, not all the earlier ones again.
        last_number: dict[str, int] = {}
        for row in new_rows:
            base = bases[row.line]
            number = last_number.get(base, 1)
            candidate = base if number == 1 else f"{base}{number}"
            while candidate in taken:
                number += 1
                candidate = f"{base}{number}"
            last_number[base] = number
            taken.add(candidate)
            usernames[row.line] = candidate
    else:
        usernames = {row.line: row.email for row in new_rows}
    passwords = [password_generate() for _row in new_rows]
    to_create = []
    for row, password, hashed in zip(new_rows, passwords, _hash_many(passwords), strict=True):
        user = User(
            school=school,
            username=usernames[row.line],
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            mis_id=row.mis_id,
            password=hashed,
        )
        to_create.append(user)
        sheet_group = _sheet_group(row, role)
        result.logins.append(
            NewLogin(
                name=f"{row.first_name} {row.last_name}",
                username=user.username,
                password=password,
                sheet_group=sheet_group,
                first_name=row.first_name,
                last_name=row.last_name,
            )
        )
    created = User.objects.bulk_create(to_create, batch_size=500)
    if any(user.pk is None for user in created):  # backends that cannot return ids
        created = list(User.objects.filter(school=school, mis_id__in=[u.mis_id for u in created]))
    people = {user.mis_id: user for user in created}
    result.created = len(created)

    # Existing people: bring names and emails up to date (writing only what changed).
    to_update = []
    for row in rows:
        user = existing.get(row.mis_id)
        if user is None:
            continue
        people[row.mis_id] = user
        before = (user.username, user.first_name, user.last_name, user.email, user.is_active)
        if role == Role.STAFF and user.username.lower() == user.email.lower() != row.email:
            user.username = row.email  # they sign in with their email: keep it so
        user.first_name, user.last_name = row.first_name, row.last_name
        user.email = row.email
        if not user.is_active and user.inactive_by_hand:
            result.kept_inactive.append(user)
        elif not user.is_active:  # marked as having left by an import, and back in its file
            if user.left_on is not None and user.left_on < timezone.localdate():
                user.school_joined_at = timezone.now()  # as User.save, which this bypasses
            user.is_active, user.left_on = True, None
            result.returned.append(user)
        if (user.username, user.first_name, user.last_name, user.email, user.is_active) != before:
            to_update.append(user)
    to_update.extend(user for user in adopted if user not in to_update)
    result.matched_by_email = adopted
    User.objects.bulk_update(
        to_update,
        [
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "left_on",
            "school_joined_at",
            "mis_id",
        ],
        batch_size=500,
    )
    today = timezone.localdate()
    for chunk in _chunks([person.pk for person in leavers]):
        User.objects.filter(pk__in=chunk).update(
            is_active=False, left_on=today, inactive_by_hand=False
        )
    result.left = leavers

    auth_group, _created = AuthGroup.objects.get_or_create(name=AUTH_GROUP_NAMES[role])
    held = set()
    for chunk in _chunks([person.pk for person in people.values()]):
        held.update(
            User.groups.through.objects.filter(group=auth_group, user_id__in=chunk).values_list(
                "user_id", flat=True
            )
        )
    # Bypasses the groups' signal: note who is given the role now (new starters' days).
    role_grants_record(
        user_ids=[p.pk for p in people.values() if p.pk not in held], group_ids=[auth_group.pk]
    )
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=auth_group.pk) for user in people.values()],
        ignore_conflicts=True,
        batch_size=500,
    )
    regrouped = _memberships_replace(
        school=school, role=role, parsed=parsed, people=people, result=result
    )
    updated = {user.pk for user in to_update} | regrouped
    matched = {user.pk for user in existing.values()}
    result.updated = len(matched & updated)
    result.unchanged = len(matched - updated)
    return result


def _any_case_beyond_a_to_z(emails: list[str]) -> Q:
    """Accounts whose username or email is one of `emails` (in lower case) with other
    capitals beyond A to Z ("Dee.Lead@YsgolGŴyr.cymru"), which the database's LOWER does not
    find: SQLite's lowers A to Z only. Its case-insensitive regular expressions are Python's,
    which fold every letter. Only the few addresses that are not ASCII are looked for so."""
    query = Q(pk__in=[])
    for email in emails:
        if not email.isascii():
            pattern = f"^{re.escape(email)}$"
            query |= Q(username__iregex=pattern) | Q(email__iregex=pattern)
    return query


def _as_in_file(parsed: ParsedRoster, errors: list[RowError]) -> list[RowError]:
    """`errors` naming each column by the file's header for it ("Adno", not mis_id), and in
    the file's line order (not found kind by kind), as the problems found in the file itself
    are: the page's summary lists only the first few."""
    in_order = sorted(errors, key=lambda e: (e.line is not None, e.line or 0))
    return [replace(e, column=parsed.column_titles.get(e.column, e.column)) for e in in_order]


def _name_key(name: str) -> str:
    """A name as two spellings of it by one person compare: without case, accents, spaces
    or punctuation ("Zoë O'Neil" is "zoe oneil")."""
    letters = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in letters if ch.isalnum())


def _plainly_someone_else(user: User, row: RosterRow) -> bool:
    """Whether `row` names another person than `user`: first and last name both differ
    (one may change, by marriage or a preferred name) and, for staff, so does the email."""
    if row.email and row.email.lower() == user.email.lower():
        return False
    return _name_key(row.first_name) != _name_key(user.first_name) and _name_key(
        row.last_name
    ) != _name_key(user.last_name)


def _leaver_id_reused_message(user: User) -> str:
    values = {"person": user.get_full_name() or user.username}
    if user.left_on is not None:
        values["day"] = formats.date_format(user.left_on, "j F Y")
        who = _("This MIS id is that of %(person)s, who left on %(day)s,") % values
    else:
        who = _("This MIS id is that of %(person)s, who has left,") % values
    return " ".join(
        [
            str(who),
            str(
                _(
                    "and this row names someone else: the import will not give them that "
                    "account and its records. If your MIS has given the id to someone new, "
                    "ask whoever runs Upstander to take it off the former account (Schools, "
                    "People), then import the file again. If it is the same person back "
                    "under another name, bring them back on their record page first."
                )
            ),
        ]
    )


def _staff_without_mis_id(*, school: School, rows, existing: dict) -> list[User]:
    """Members of staff of the school with no MIS id yet whose email address (or username)
    is a new row's: the same person, so they are given the row's MIS id (unsaved) rather
    than refused as a clash. Never a pupil's or an editor's account."""
    unmatched = {row.email: row for row in rows if row.mis_id not in existing}
    if not unmatched:
        return []
    found: dict[str, User] = {}
    # Compared here, not by the database's LOWER: SQLite's lowers A to Z only, so an address
    # with other capitals (a Welsh domain's Ŵ) would be missed and given a second account.
    # The school's staff without an MIS id are few.
    for user in (
        User.objects.filter(school=school, mis_id="")
        # A safeguarding lead is staff, whether or not they were given the Staff role too.
        .filter(
            groups__name__in=[
                AUTH_GROUP_NAMES[Role.STAFF],
                AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD],
            ]
        )
        .exclude(groups__name__in=[AUTH_GROUP_NAMES[Role.PUPIL], AUTH_GROUP_NAMES[Role.EDITOR]])
        .order_by("pk")
        .distinct()
    ):
        for value in (user.email.lower(), user.username.lower()):
            if value in unmatched:
                found.setdefault(value, user)
    adopted: dict[int, User] = {}
    for email, user in found.items():
        if user.pk not in adopted:  # one account, one row
            user.mis_id = unmatched[email].mis_id
            adopted[user.pk] = user
    return list(adopted.values())


def _pupils_added_by_hand_errors(*, school: School, rows, existing: dict) -> list[RowError]:
    """Errors for the new rows that name a pupil of the school added by hand (with no MIS id,
    so no file can match them by it): the file would give the child a second account. By
    name alone the import cannot tell the same child from a namesake, so it asks rather than
    taking the account over (which would hand one child's records to another)."""
    by_name: dict[tuple[str, str], list[User]] = {}
    for user in User.objects.filter(
        school=school, mis_id="", is_active=True, groups__name=AUTH_GROUP_NAMES[Role.PUPIL]
    ).order_by("username"):
        by_name.setdefault((_name_key(user.first_name), _name_key(user.last_name)), []).append(user)
    errors = []
    for row in rows:
        if row.mis_id in existing:
            continue
        for user in by_name.get((_name_key(row.first_name), _name_key(row.last_name)), []):
            message = _(
                "%(person)s (username %(username)s) is already a pupil here, added without an "
                "MIS id, and the import cannot tell whether this row is them. If it is, ask "
                "whoever runs Upstander to give that account this row's MIS id (Schools, "
                "People); if it is another child with the same name, to give that account "
                "their own. Then import the file again."
            ) % {"person": user.get_full_name(), "username": user.username}
            errors.append(RowError(message, row.line, "mis_id"))
    return errors


def _hash_many(passwords: list[str]) -> list[str]:
    """Hash generated first passwords with the cheaper generated-password hasher.

    Django re-hashes each with the default hasher at first sign-in (schools/hashers.py).
    PBKDF2 runs in C without holding the GIL, so a few threads use every core.
    """

    def hash_one(password: str) -> str:
        return make_password(password, hasher="pbkdf2_generated")

    if len(passwords) < 50:
        return [hash_one(password) for password in passwords]
    workers = min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(hash_one, passwords, chunksize=50))


def _sheet_group(row: RosterRow, role: str) -> str:
    if role == Role.PUPIL:
        for column in ("class", "year_group"):
            if row.groups.get(column):
                return row.groups[column][0]
        return str(_("No class"))
    return str(_("Staff"))


def _memberships_replace(
    *, school: School, role: str, parsed: ParsedRoster, people: dict, result: RosterImportResult
) -> set[int]:
    """Put the file's people in the groups it names; returns the ids of those whose groups
    (or their role in one) changed."""
    kinds = {"class": Group.Kind.CLASS, "year_group": Group.Kind.YEAR_GROUP}
    kinds["staff_team"] = Group.Kind.STAFF_TEAM
    existing_groups = list(Group.objects.filter(school=school, kind__in=kinds.values()))
    # A year group named as an older import or a lead wrote it ("Y8", "Yr 8") is the file's
    # "Year 8", unless the school has one of that very name.
    groups: dict[tuple[str, str], Group] = {}
    # Spaced as the file's cells are read: a name typed in the admin may hold a non-breaking
    # space or two spaces ("8\u00a0Maths" is the file's "8 Maths").
    for group in existing_groups:
        if group.kind == Group.Kind.YEAR_GROUP:
            groups.setdefault((group.kind, Group.name_key(group.kind, group.name)), group)
    groups.update(
        ((group.kind, " ".join(group.name.split()).casefold()), group) for group in existing_groups
    )
    # Of groups whose names differ only in capitals (8R and 8r, made before the admin refused
    # it), the one the file names exactly, not whichever the database happened to list last.
    exactly = {(group.kind, group.name): group for group in existing_groups}
    wanted: dict[tuple[int, int], str] = {}
    for row in parsed.rows:
        user = people[row.mis_id]
        for column in parsed.group_columns:
            kind = kinds[column]
            for name in row.groups[column]:
                group = exactly.get((kind, name)) or groups.get((kind, name.casefold()))
                if group is None:
                    group = Group.objects.create(school=school, kind=kind, name=name)
                    groups[(kind, name.casefold())] = group
                    result.groups_created.append(str(group))
                membership_role = (
                    Membership.Role.TEACHER
                    if role == Role.STAFF and kind != Group.Kind.STAFF_TEAM
                    else Membership.Role.MEMBER
                )
                wanted[(user.pk, group.pk)] = membership_role
    replaced_kinds = [kinds[column] for column in parsed.group_columns]
    user_ids = [user.pk for user in people.values()]
    # Places the file's people cannot have, whatever its columns (Membership.clean), made
    # before the admin refused them: a pupil who teaches a group or is in a staff team, a
    # member of staff counted as one of a class's pupils, a group of another school.
    if role == Role.PUPIL:
        forbidden = Q(role=Membership.Role.TEACHER) | Q(group__kind=Group.Kind.STAFF_TEAM)
    else:
        forbidden = Q(role=Membership.Role.MEMBER) & ~Q(group__kind=Group.Kind.STAFF_TEAM)
    forbidden = forbidden | ~Q(group__school=school)
    current = {}
    stale = []
    regrouped: set[int] = set()
    for chunk in _chunks(user_ids):
        for membership in (
            Membership.objects.filter(user_id__in=chunk)
            .filter(Q(group__school=school, group__kind__in=replaced_kinds) | forbidden)
            .select_related("group")
        ):
            key = (membership.user_id, membership.group_id)
            if membership.group.school_id == school.pk and membership.group.kind in replaced_kinds:
                current[key] = membership
            elif key not in wanted:
                stale.append(membership.pk)
                regrouped.add(membership.user_id)
    for key, membership in current.items():
        if key not in wanted:
            stale.append(membership.pk)
            regrouped.add(membership.user_id)
    # Wagtail's reference index would cost two queries per membership deleted (a whole year
    # group moving up is every pupil's): their entries go in bulk instead.
    membership_type = ContentType.objects.get_for_model(Membership)
    with disable_reference_index_auto_update():
        for chunk in _chunks(stale):
            ReferenceIndex.objects.filter(
                base_content_type=membership_type, object_id__in=[str(pk) for pk in chunk]
            ).delete()
            Membership.objects.filter(pk__in=chunk).delete()
    changed = []
    for key, membership in current.items():
        if key in wanted and membership.role != wanted[key]:
            membership.role = wanted[key]
            changed.append(membership)
            regrouped.add(membership.user_id)
    Membership.objects.bulk_update(changed, ["role"], batch_size=500)
    joining = [key for key in wanted if key not in current]
    regrouped.update(user_id for user_id, _group_id in joining)
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_id, group_id=group_id, role=wanted[(user_id, group_id)])
            for user_id, group_id in joining
        ],
        batch_size=500,
    )
    return regrouped


def avatar_file_delete(*, profile) -> None:
    """Delete the photo a person uploaded as their admin avatar (Wagtail's UserProfile) once
    the profile's deletion is committed: deleting the row leaves the file, which the web
    server goes on serving from the media folder, after the account (and its erasure) is
    gone."""
    if not profile.avatar:
        return
    storage, name = profile.avatar.storage, profile.avatar.name
    transaction.on_commit(lambda: storage.delete(name))


def person_left_allowed(*, actor: User, person: User) -> bool:
    """Whether `actor` may mark `person` as having left, or as back: the safeguarding lead of
    their school, never for themself, never for a superuser nor anyone else holding a
    permission the lead does not (an administrator the trust made of a member of staff)."""
    from .admin_viewsets import person_beyond_reach

    return (
        actor.has_perm("schools.import_roster")
        and actor.school_id is not None
        and person.school_id == actor.school_id
        and person.pk != actor.pk
        and not person.is_superuser
        and not person_beyond_reach(actor, person)
    )


@transaction.atomic
def person_left_set(*, actor: User, person: User, left: bool) -> None:
    """Mark one person as having left the school (a pupil moving school mid-year, a member of
    staff leaving), or as back again (see `person_left_allowed`); the day is kept in
    `left_on` (see User.save)."""
    if not person_left_allowed(actor=actor, person=person):
        raise PermissionDenied
    if person.is_active == (not left):
        return
    person.is_active = not left
    person.save(update_fields=["is_active"])


# Passwords -------------------------------------------------------------------------------


@transaction.atomic
def pupil_password_reset(*, actor: User, pupil: User) -> str:
    """Give a pupil a new generated password and return it (to show once). Only for pupils the
    actor may reset (schools.selectors); also lifts a sign-in lock-out on the pupil."""
    if not pupils_whose_password_user_may_reset(actor).filter(pk=pupil.pk).exists():
        raise PermissionDenied("Not allowed to reset this person's password.")
    password = password_generate()
    pupil.set_password(password)
    pupil.save(update_fields=["password"])
    sign_in_pause_lift(user=pupil)
    return password


def sign_in_pause_lift(*, user: User) -> None:
    """End a pause on signing in after failed attempts, once the person has a new password
    (set by their teacher, or by themselves from an emailed link)."""
    from axes.utils import reset as axes_reset

    from .backends import lockout_username

    axes_reset(username=lockout_username(user.username))  # as the lock counts it


# Setting up a new school ------------------------------------------------------------------


@transaction.atomic
def school_set_up(
    *, name: str, urn: str, nation: str, lead_first_name: str, lead_last_name: str, lead_email: str
) -> tuple[School, User]:
    """A new school and its first safeguarding lead. The lead signs in with their email
    address, like all staff, and takes it from there: imports staff and pupils, assigns
    courses. The caller then sends them the link to choose a password (`lead_welcome_send`),
    once this has committed, so a mail server that refuses it loses nothing.

    Their password is a long random one nobody is shown: they choose their own from the
    link, or later from "reset your password by email" on the sign-in page.
    """
    email = lead_email.strip().lower()
    school = School.objects.create(name=name.strip(), urn=urn.strip(), nation=nation)
    lead = User(
        username=email,
        email=email,
        first_name=lead_first_name.strip(),
        last_name=lead_last_name.strip(),
        school=school,
    )
    lead.set_password("-".join(password_generate() for _ in range(3)))
    lead.save()
    role_assign(user=lead, role=Role.STAFF)
    role_assign(user=lead, role=Role.SAFEGUARDING_LEAD)
    return school, lead


def mail_failure_summary(error: BaseException) -> str:
    """What to log about an email that could not be sent: the kind of failure and the mail
    server's reply code, never its text nor the exception's, which name the recipients
    (SMTPRecipientsRefused is a dict of them). Log who by their id."""
    code = getattr(error, "smtp_code", None)
    if code is None and getattr(error, "recipients", None):
        # One refused address: its (code, reply) is keyed by the address.
        code = next(iter(error.recipients.values()))[0]
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    return f"{kind} (reply code {code})" if code is not None else kind


def lead_welcome_send(*, lead: User) -> None:
    """Email a new safeguarding lead a link to choose their password (Django's password
    reset token: it works once, for PASSWORD_RESET_TIMEOUT, and only while the password is
    unchanged), built from SITE_URL. Raises whatever the mail server raises."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(lead.pk)),
            "token": default_token_generator.make_token(lead),
        },
    )
    context = {
        "lead": lead,
        "school": lead.school,
        "link": link,
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        "sign_in": settings.SITE_URL + reverse("login"),
    }
    send_mail(
        # One line: a line break in a subject stops the email (BadHeaderError).
        subject=" ".join(
            render_to_string("schools/email/lead_welcome_subject.txt", context).split()
        ),
        message=render_to_string("schools/email/lead_welcome.txt", context),
        from_email=None,
        recipient_list=[lead.email],
    )


# How long an email's task may be marked running before it is taken for one whose task
# worker was stopped mid-send: far beyond the mail server's timeout (EMAIL_TIMEOUT).
EMAIL_ABANDONED_AFTER = timedelta(hours=1)
# The exceptions a task worker stopped while it ran a task records the task failed with.
STOPPED_MID_SEND = ("builtins.SystemExit", "builtins.KeyboardInterrupt")
# What the daily run's log and `send_reminders` say of the emails sent again.
EMAILS_RESENT = "Sent again %s emails whose task worker was stopped before it sent them."


def emails_abandoned_resend(*, now: datetime | None = None) -> int:
    """Send again the emails (`schools.tasks.email_send`: password resets) whose task worker
    was stopped while it sent them (a restart, a crash): their task stays marked running,
    and no worker takes up a running task again, so the email was never sent (a worker
    forced to stop marks it failed with SystemExit instead, and none tries it again). Only those
    asked for within PASSWORD_RESET_TIMEOUT, while their link still works; someone may get
    the same email twice, if the worker stopped just after the mail server took it. Returns
    how many were sent again."""
    from django.apps import apps
    from django.conf import settings

    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .tasks import email_send

    now = now or timezone.now()
    left_running = Q(status=TaskResultStatus.RUNNING, started_at__lt=now - EMAIL_ABANDONED_AFTER)
    # A worker told to stop a second time (Ctrl-C, SIGTERM) exits at once, mid-send: the
    # task is marked failed with the SystemExit (or KeyboardInterrupt), and never tried again.
    stopped_mid_send = Q(status=TaskResultStatus.FAILED, exception_class_path__in=STOPPED_MID_SEND)
    abandoned = Q(left_running | stopped_mid_send, task_path=email_send.module_path)
    resent = 0
    for row in DBTaskResult.objects.filter(
        abandoned, enqueued_at__gte=now - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    ):
        with transaction.atomic():
            # Only the run that deletes the row sends it: two runs at once send it once.
            deleted, _counts = DBTaskResult.objects.filter(abandoned, pk=row.pk).delete()
            if deleted:
                email_send.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
                resent += 1
    if resent:
        # The task left behind, the only trace that the email was not sent, is gone: the
        # log says so (a count, never whom to).
        logger.warning(EMAILS_RESENT, resent)
    return resent
