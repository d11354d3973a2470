"""Schools, the people in them, and the groups they are organised into.

Roles (pupil, staff, safeguarding lead, editor) are Django auth groups: see `roles.py`.
What each person may see of others is decided in one place: `selectors.py`.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DEFERRED, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class School(models.Model):
    """A school (or one site of a trust) whose pupils and staff take Upstander courses.

    The nation sets the words the product uses: in Wales the safeguarding role is the
    Designated Safeguarding Person, elsewhere the Designated Safeguarding Lead.
    """

    class Nation(models.TextChoices):
        ENGLAND = "england", _("England")
        WALES = "wales", _("Wales")
        NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")
        SCOTLAND = "scotland", _("Scotland")

    class StaffIdentity(models.TextChoices):
        ACCOUNT = "account", _("Opaque account id (recommended)")
        MBOX = "mbox", _("Work email address")

    name = models.CharField(_("name"), max_length=200)
    urn = models.CharField(
        _("URN"),
        max_length=8,
        blank=True,
        help_text=_("Unique Reference Number from Get Information about Schools, if any."),
    )
    nation = models.CharField(
        _("nation"), max_length=20, choices=Nation.choices, default=Nation.ENGLAND
    )
    staff_xapi_identity = models.CharField(
        _("how staff appear in xAPI statements"),
        max_length=10,
        choices=StaffIdentity.choices,
        default=StaffIdentity.ACCOUNT,
        help_text=_("Pupils always appear only as an opaque id."),
    )
    retention_months = models.PositiveIntegerField(
        _("keep learning records for (months)"),
        default=84,
        help_text=_("Records older than this are removed by the retention command."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(
                fields=["urn"],
                condition=~Q(urn=""),
                name="school_urn_unique_when_set",
                violation_error_message=_("Another school already has this URN."),
            )
        ]
        permissions = [
            ("import_roster", _("Can import pupils and staff from a CSV file")),
            ("view_safeguarding_dashboard", _("Can see the school's safeguarding dashboard")),
            ("reset_pupil_password", _("Can reset the passwords of pupils they teach")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def safeguarding_lead_title(self) -> str:
        if self.nation == self.Nation.WALES:
            return str(_("Designated Safeguarding Person"))
        return str(_("Designated Safeguarding Lead"))

    @property
    def safeguarding_lead_abbreviation(self) -> str:
        return "DSP" if self.nation == self.Nation.WALES else "DSL"


class User(AbstractUser):
    """Anyone who signs in: a pupil, a member of staff, a safeguarding lead or an editor.

    `learner_id` is the person's only identity in xAPI statements (DESIGN.md, identity): an
    opaque UUID that says nothing about who they are.
    """

    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
    )
    learner_id = models.UUIDField(_("learner id"), default=uuid.uuid4, unique=True, editable=False)
    mis_id = models.CharField(
        _("MIS id"),
        max_length=64,
        blank=True,
        help_text=_(
            "The school's own identifier for this person (e.g. admission number), used to "
            "match rows when a roster is imported again."
        ),
    )
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the person was marked as having left (their account made inactive). The "
            "retention command erases people who left longer ago than the school keeps records."
        ),
    )

    # Someone made inactive by a person (an administrator, or the lead marking them as having
    # left on their record page) rather than by a whole-school roster import: a later import
    # listing them leaves them inactive, since the MIS often lags behind such a decision.
    inactive_by_hand = models.BooleanField(
        _("made inactive by hand"),
        default=False,
        editable=False,
        help_text=_(
            "Made inactive in the admin or on their record page, not by a roster import: "
            "importing a file that lists them does not bring them back."
        ),
    )

    # Set when the person moves to another school, or comes back after leaving; empty while
    # they are at the school their account was made for (`date_joined` says when they joined
    # it). New starters' time to
    # do the courses assigned to everyone with their role counts from joining the school.
    school_joined_at = models.DateTimeField(
        _("joined the school"), null=True, blank=True, editable=False
    )

    # When "Forgotten your password?" last emailed them a link: two asks at the same moment
    # claim it in turn, so only one sends, with or without the cache (schools/forms.py).
    password_reset_emailed_at = models.DateTimeField(
        _("password reset emailed"), null=True, blank=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "mis_id"],
                condition=~Q(mis_id=""),
                name="user_mis_id_unique_per_school",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        # Sign-in ignores a username's case (schools/backends.py), except between two that
        # differ only in it: each then signs in only as typed exactly. Pairs made before
        # this check keep their usernames.
        saved = User.objects.filter(pk=self.pk).values_list("username", flat=True).first()
        if self.username and self.username != saved:
            twin = User.objects.filter(username__iexact=self.username).exclude(pk=self.pk)
            if twin.exclude(username=self.username).exists():
                raise ValidationError(
                    {
                        "username": _(
                            "Someone already has this username in other capitals: sign-in "
                            "ignores capitals. Choose another."
                        )
                    }
                )
        # The roster import finds people by MIS id ignoring case ("a100" one year, "A100" the
        # next) and an admission number's leading zeros (Excel drops them): two people of a
        # school whose ids differ only so would be one to it, and it would refuse every file
        # naming them. (The same id as written is refused by the constraint.)
        if self.mis_id and self.school_id:
            from .roster import mis_id_key
            from .selectors import mis_id_holders

            key = mis_id_key(self.mis_id)
            holders = mis_id_holders(school_id=self.school_id, keys={key}).get(key, [])
            other_pk = next(
                (pk for mis_id, pk in holders if mis_id != self.mis_id and pk != self.pk), None
            )
            other = (
                User.objects.select_related("school").filter(pk=other_pk).first()
                if other_pk is not None
                else None
            )
            if other is not None:
                values = {"person": other, "school": other.school, "mis_id": other.mis_id}
                if other.mis_id.lower() == self.mis_id.lower():
                    message = _(
                        "%(person)s at %(school)s already has this MIS id (%(mis_id)s): an "
                        "MIS id is one person's, whatever its capitals."
                    )
                else:
                    message = _(
                        "%(person)s at %(school)s already has this MIS id (%(mis_id)s): an "
                        "MIS id is one person's, whatever its capitals or leading zeros."
                    )
                raise ValidationError({"mis_id": message % values})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The school as loaded (or last saved), to tell a move to another school.
        instance._loaded_school_id = instance.__dict__.get("school_id", DEFERRED)
        return instance

    def save(self, *args, **kwargs):
        # Leaving is an account made inactive, however that happens (a roster import of the
        # whole school, or an administrator's edit): note the day, and forget it on return.
        left_on, by_hand = self.left_on, self.inactive_by_hand
        # The school's day, not the administrator's: Wagtail's admin runs their requests in
        # the time zone of their account, which may be a day behind or ahead of the UK's.
        today = timezone.localdate(timezone=timezone.get_default_timezone())
        if not self.is_active and self.left_on is None:
            # (A roster import marks its leavers itself, bypassing this.)
            self.left_on = today
            self.inactive_by_hand = True
        elif self.is_active:
            self.left_on = None
            self.inactive_by_hand = False
        changed = set() if self.left_on == left_on else {"left_on"}
        if self.inactive_by_hand != by_hand:
            changed.add("inactive_by_hand")
        # Back after leaving on an earlier day is joining the school again today.
        if self.is_active and left_on is not None and left_on < today:
            self.school_joined_at = timezone.now()
            changed.add("school_joined_at")
        # Moving to another school, however that happens, is joining it today.
        loaded = getattr(self, "_loaded_school_id", DEFERRED)
        if loaded is not DEFERRED and self.school_id not in (loaded, None):
            self.school_joined_at = timezone.now()
            changed.add("school_joined_at")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and changed:
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)
        self._loaded_school_id = self.__dict__.get("school_id", DEFERRED)

    @property
    def roles(self) -> frozenset[str]:
        from .roles import roles_of

        return roles_of(self)


class RoleGrant(models.Model):
    """When a person was last given one of the roles (a Django auth group) they hold.

    Kept however the role reaches them (see `role_grants_record`), so that someone given a
    role after joining the school has the new starters' days on the courses assigned to
    everyone with it. People who held a role before this was recorded have no row: for them
    the day they joined the school counts.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    granted_at = models.DateTimeField(_("given the role"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} - {self.group}"


class Group(models.Model):
    """A class, a year group or a staff team within one school. People can be in several."""

    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        YEAR_GROUP = "year_group", _("Year group")
        STAFF_TEAM = "staff_team", _("Staff team")

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    members = models.ManyToManyField(
        User, through="Membership", related_name="learning_groups", blank=True
    )

    class Meta:
        ordering = ["school", "kind", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "name"], name="group_name_unique_per_school_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self):
        # Its people would go with it into a school they are not at (see Membership.clean).
        moved = (
            self.pk
            and self.school_id
            and Group.objects.filter(pk=self.pk).exclude(school_id=self.school_id).exists()
        )
        if moved:
            elsewhere = self.members.exclude(school_id=self.school_id).values_list(
                "school__name", flat=True
            )
            if school := elsewhere.first():
                raise ValidationError(
                    {
                        "school": _(
                            "It cannot move to another school: people of %(school)s are in "
                            "it. Take them out of it first (Group memberships)."
                        )
                        % {"school": school}
                    }
                )
            if refusal := self._records_kept_at_school():
                raise ValidationError({"school": refusal})
        if self.pk and self.kind:
            self._kind_change_check()
        self._name_twin_check()

    def _name_twin_check(self):
        """Refuse a name another group of the school and kind has in other capitals ("8r"
        beside "8R") or spaces, or a year written another way ("Y8" beside "Year 8"): the
        class would be split in two, its pupils and assigned courses on either side, and the
        roster import (which reads names so) would fill only one. Compared in Python: SQLite's
        LOWER folds A to Z only."""
        if not (self.school_id and self.kind and self.name):
            return
        key = self.name_key(self.kind, self.name)
        twin = next(
            (
                name
                for name in Group.objects.filter(school_id=self.school_id, kind=self.kind)
                .exclude(pk=self.pk)
                .values_list("name", flat=True)
                if self.name_key(self.kind, name) == key and name != self.name
            ),
            None,
        )
        if twin is not None:
            raise ValidationError(
                {
                    "name": _(
                        "%(school)s already has a %(kind)s named %(name)s. Use that one, or "
                        "give this one a name that differs by more than its capitals or spaces."
                    )
                    % {
                        "school": self.school,
                        "kind": self.Kind(self.kind).label.lower(),
                        "name": twin,
                    }
                }
            )

    @classmethod
    def name_key(cls, kind: str, name: str) -> str:
        """The name as the roster import reads it: ignoring its capitals and how its words
        are spaced (a non-breaking space pasted from a web page, two spaces), and for a year
        group its year however it is written ("Y8" is the import's "Year 8")."""
        from .roster import year_group_name

        name = " ".join(name.split())
        if kind == cls.Kind.YEAR_GROUP:
            name = year_group_name(name)
        return name.casefold()

    def _records_kept_at_school(self) -> str | None:
        """Why the group cannot move to another school for what its school did with it, or
        None. Its assignments are its school's (their reminders would go to the new school's
        people), and its lessons and classroom runs name its school's pupils and teachers
        (the new school's lead could take back a lesson, changing those pupils' records)."""
        stored = Group.objects.filter(pk=self.pk).select_related("school").first()
        school = stored.school if stored is not None else None
        if school is None:
            return None
        done = []
        if self.assignments.exists():
            done.append(_("%(school)s assigned courses to it") % {"school": school})
        if self.lessons_taught.exists():
            done.append(_("%(school)s recorded lessons with it") % {"school": school})
        if self.classroom_sessions.exists():
            done.append(
                _("%(school)s ran scenarios with it in classroom mode") % {"school": school}
            )
        if not done:
            return None
        return _(
            "It cannot move to another school: %(done)s, and those records stay with "
            "%(school)s. Add a new group at the other school instead."
        ) % {"done": "; ".join(done), "school": school}

    def _kind_change_check(self):
        """Its members stay as they are when its kind changes: refuse a kind they could not
        be members of, or a year group beside the one a pupil in it is in (see
        Membership.clean)."""
        from .roles import AUTH_GROUP_NAMES
        from .roles import Role as PersonRole

        stored = Group.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        if stored is None or stored == self.kind:
            return
        members = self.members.filter(memberships__role=Membership.Role.MEMBER)
        pupils = members.filter(groups__name=AUTH_GROUP_NAMES[PersonRole.PUPIL])
        if self.kind == self.Kind.STAFF_TEAM:
            if pupil := pupils.order_by("last_name", "first_name", "pk").first():
                raise ValidationError(
                    {
                        "kind": _(
                            "It cannot be a staff team: %(person)s is a pupil in it. Take "
                            "them out of it first (Group memberships)."
                        )
                        % {"person": pupil}
                    }
                )
        elif stored == self.Kind.STAFF_TEAM:
            staff_roles = [
                AUTH_GROUP_NAMES[PersonRole.STAFF],
                AUTH_GROUP_NAMES[PersonRole.SAFEGUARDING_LEAD],
            ]
            staff = (
                members.filter(groups__name__in=staff_roles)
                .exclude(pk__in=pupils.values("pk"))
                .order_by("last_name", "first_name", "pk")
                .first()
            )
            if staff is not None:
                raise ValidationError(
                    {
                        "kind": _(
                            "It cannot be a %(kind)s: %(person)s is a member of staff in it. "
                            "Take them out of it or make them its teacher first (Group "
                            "memberships)."
                        )
                        % {"kind": self.Kind(self.kind).label.lower(), "person": staff}
                    }
                )
        # A pupil is in one year group (Membership.clean): a class made a year group with
        # pupils already in one would count them in both years.
        if self.kind == self.Kind.YEAR_GROUP:
            place = (
                Membership.objects.filter(
                    user__in=pupils.values("pk"),
                    role=Membership.Role.MEMBER,
                    group__kind=self.Kind.YEAR_GROUP,
                    group__school_id=self.school_id,
                )
                .exclude(group_id=self.pk)
                .select_related("user", "group")
                .order_by("user__last_name", "user__first_name", "user__pk")
                .first()
            )
            if place is not None:
                raise ValidationError(
                    {
                        "kind": _(
                            "It cannot be a year group: %(person)s is a pupil in it who is "
                            "already in %(group)s, and a pupil is in one year group. Take them "
                            "out of one of them first (Group memberships)."
                        )
                        % {"person": place.user, "group": place.group.name}
                    }
                )


class Membership(models.Model):
    """A person's place in a group: a member (pupil or staff) or a teacher of the group."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        TEACHER = "teacher", _("Teacher")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role in group"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    # When they joined the group: someone joining after a course was assigned to it gets
    # time to do it (Assignment.new_starter_days) rather than being overdue on day one.
    joined_at = models.DateTimeField(_("joined the group"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        # Another group, person or role (a membership edited in the admin, to move a pupil to
        # another class) is joining the group today, as a new membership is: a course
        # assigned to it earlier gives them its days for people who join later.
        loaded = getattr(self, "_loaded_place", None)
        if loaded is not None and DEFERRED not in loaded and loaded != self._place():
            self.joined_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "joined_at"}
        super().save(*args, **kwargs)
        self._loaded_place = self._place()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_place = instance._place()
        return instance

    def _place(self):
        return tuple(self.__dict__.get(f, DEFERRED) for f in ("group_id", "user_id", "role"))

    def clean(self):
        # A group's people are its school's: someone of another school put in it (the admin's
        # form lists everyone) would be named to its teacher and recorded with the class.
        if self.group_id and self.user_id and self.user.school_id != self.group.school_id:
            raise ValidationError(
                {
                    "user": _(
                        "%(person)s is not at %(school)s: a group is for its school's people."
                    )
                    % {"person": self.user, "school": self.group.school}
                }
            )
        if not self.user_id:
            return
        from .roles import Role as PersonRole
        from .roles import roles_of

        roles = roles_of(self.user)
        is_pupil = PersonRole.PUPIL in roles
        # A staff team's members are given its staff courses and counted in staff
        # completion; a class's or year group's members are its pupils, seen by name by its
        # teachers. The roster import keeps to the same: pupils are in no staff team, and
        # staff listed with a class are its teachers.
        if self.group_id and self.role == self.Role.MEMBER:
            if is_pupil and self.group.kind == Group.Kind.STAFF_TEAM:
                raise ValidationError(
                    {
                        "user": _("%(person)s is a pupil: a staff team is for staff.")
                        % {"person": self.user}
                    }
                )
            is_staff = bool(roles & {PersonRole.STAFF, PersonRole.SAFEGUARDING_LEAD})
            if is_staff and not is_pupil and self.group.kind != Group.Kind.STAFF_TEAM:
                raise ValidationError(
                    {
                        "role": _(
                            "%(person)s is staff: staff are a class's or year group's "
                            "teachers, not its members."
                        )
                        % {"person": self.user}
                    }
                )
        # A pupil is in one year: in two year groups they would be counted in both years'
        # records and listed to both years' teachers (the roster import refuses it too).
        if self.group_id and self.role == self.Role.MEMBER and is_pupil:
            other_year = (
                Membership.objects.filter(
                    user_id=self.user_id,
                    role=self.Role.MEMBER,
                    group__kind=Group.Kind.YEAR_GROUP,
                    group__school_id=self.group.school_id,
                )
                .exclude(pk=self.pk)
                .exclude(group_id=self.group_id)
                .select_related("group")
                .first()
                if self.group.kind == Group.Kind.YEAR_GROUP
                else None
            )
            if other_year is not None:
                raise ValidationError(
                    {
                        "group": _(
                            "%(person)s is already in %(group)s: a pupil is in one year "
                            "group. To move them, change that membership's group instead."
                        )
                        % {"person": self.user, "group": other_year.group.name}
                    }
                )
        # A group's teachers see its pupils by name and record lessons for them.
        if self.role == self.Role.TEACHER and is_pupil:
            raise ValidationError(
                {
                    "role": _(
                        "%(person)s is a pupil: pupils are members of a group, not its teachers."
                    )
                    % {"person": self.user}
                }
            )
