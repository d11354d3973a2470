"""Wagtail admin screens for administrators to manage schools, groups and people.

Access follows Django model permissions (`schools.change_school` and so on), which no role
grants: superusers, or administrators given them explicitly, manage these. Safeguarding leads
add people through the roster import instead.
"""

from collections import defaultdict

import django_filters
from django import forms
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.forms import modelform_factory
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import GroupApprovalTask
from wagtail.users.views.users import DeleteView as UserDeleteView

from .models import Group, Membership, School, User
from .roles import AUTH_GROUP_NAMES
from .services import memberships_elsewhere_end, sign_in_pause_lift


class ListingViewSet(ModelViewSet):
    """A ModelViewSet whose listing reads the related rows its columns show with the page
    (`list_select_related`), rather than one query per row, and scrolls sideways in its own
    region on a narrow screen rather than being cut off."""

    list_select_related: tuple[str, ...] = ()
    index_results_template_name = "schools/admin/index_results.html"

    def get_index_view_kwargs(self, **kwargs):
        if self.list_select_related:
            kwargs.setdefault(
                "queryset", self.model._default_manager.select_related(*self.list_select_related)
            )
        return super().get_index_view_kwargs(**kwargs)


class SchoolIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        from .admin_views import can_set_up_a_school

        buttons = super().header_buttons
        if can_set_up_a_school(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Set up a school and its lead"),
                    url=reverse("schools_set_up"),
                    icon_name="plus",
                )
            )
        return buttons


class SchoolDeleteView(DeleteView):
    """A school its people still belong to cannot be deleted (`User.school` protects it):
    the confirmation says so, with no button, rather than a server error."""

    template_name = "schools/admin/school_confirm_delete.html"

    @cached_property
    def people_count(self) -> int:
        return self.object.people.count()

    @property
    def refusal(self) -> str:
        return ngettext(
            "%(school)s cannot be deleted: %(count)s person belongs to it. Move them to "
            "another school or delete them first.",
            "%(school)s cannot be deleted: %(count)s people belong to it. Move them to "
            "another school or delete them first.",
            self.people_count,
        ) % {"school": self.object.name, "count": self.people_count}

    @property
    def confirmation_message(self):
        """A school with nobody left still has records: its leavers' statements (under
        opaque ids) and its data protection log, the proof of its erasures and the only note
        of where copies of erased people's statements went. They go with it."""
        school = self.object
        parts = []
        if count := school.groups.count():
            parts.append(
                ngettext(
                    "%(count)s group (and its memberships, assignments and lessons)",
                    "%(count)s groups (and their memberships, assignments and lessons)",
                    count,
                )
                % {"count": count}
            )
        if count := school.xapi_statements.count():
            parts.append(
                ngettext(
                    "%(count)s learning record (xAPI statement)",
                    "%(count)s learning records (xAPI statements)",
                    count,
                )
                % {"count": count}
            )
        if count := school.lrs_clients.count():
            parts.append(
                ngettext(
                    "%(count)s LRS client (its tools can no longer use the LRS)",
                    "%(count)s LRS clients (their tools can no longer use the LRS)",
                    count,
                )
                % {"count": count}
            )
        if count := school.forwarding_targets.count():
            parts.append(
                ngettext(
                    "%(count)s forwarding target (and the statements waiting to be sent to it)",
                    "%(count)s forwarding targets (and the statements waiting to be sent to them)",
                    count,
                )
                % {"count": count}
            )
        if count := school.data_protection_events.count():
            parts.append(
                ngettext(
                    "%(count)s entry of its data protection log",
                    "%(count)s entries of its data protection log",
                    count,
                )
                % {"count": count}
            )
        if not parts:
            return super().confirmation_message
        return _(
            "Deleting %(school)s also deletes %(parts)s. This cannot be undone. Are you sure "
            "you want to delete this school?"
        ) % {"school": school.name, "parts": "; ".join(parts)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.people_count:
            context["refusal"] = self.refusal
            context["people_url"] = (
                reverse("user:index") + "?" + urlencode({"school": self.object.pk})
            )
        elif self.object.data_protection_events.exists():
            context["data_protection_csv_url"] = (
                reverse("records:data_protection_csv") + "?" + urlencode({"school": self.object.pk})
            )
        return context

    def form_valid(self, form):
        if self.people_count:
            messages.error(self.request, self.refusal)
            return redirect(self.get_delete_url())
        return super().form_valid(form)


class SchoolViewSet(ModelViewSet):
    model = School
    index_view_class = SchoolIndexView
    delete_view_class = SchoolDeleteView
    icon = "site"
    menu_label = _("Schools")
    url_prefix = "schools/schools"
    list_display = ["name", "urn", "nation"]
    list_filter = ["nation"]
    search_fields = ["name", "urn"]
    search_backend_name = None
    form_fields = ["name", "urn", "nation", "staff_xapi_identity", "retention_months"]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        # The monthly `purge_records` keeps this many months: 0 would delete every record,
        # and more than a hundred years back runs off the calendar (before year 1) in the
        # purge and the reminders.
        if db_field.name == "retention_months":
            kwargs["min_value"] = 1
            kwargs["max_value"] = 1200
        # As wide as its longest choice, wider than a phone's screen, unless it may be no
        # wider than the form: Wagtail's main area would cut off its end (WCAG 1.4.10).
        if db_field.name == "staff_xapi_identity":
            kwargs["widget"] = forms.Select(attrs={"class": "w-w-full"})
        return super().formfield_for_dbfield(db_field, **kwargs)


class GroupDeleteView(DeleteView):
    @property
    def confirmation_message(self):
        """Before deleting a group that has been used, say what goes with it: a class's
        assignments, lessons and classroom runs are deleted with it, without a word
        otherwise."""
        group = self.object
        parts = []
        if count := group.memberships.count():
            parts.append(
                ngettext(
                    "%(count)s person's membership of it",
                    "%(count)s people's membership of it",
                    count,
                )
                % {"count": count}
            )
        if count := group.assignments.count():
            parts.append(
                ngettext(
                    "%(count)s course assigned to it (and its reminders)",
                    "%(count)s courses assigned to it (and their reminders)",
                    count,
                )
                % {"count": count}
            )
        if count := group.lessons_taught.count():
            parts.append(
                ngettext(
                    "%(count)s lesson recorded with it",
                    "%(count)s lessons recorded with it",
                    count,
                )
                % {"count": count}
            )
        if count := group.classroom_sessions.count():
            parts.append(
                ngettext(
                    "%(count)s scenario run in classroom mode with it",
                    "%(count)s scenario runs in classroom mode with it",
                    count,
                )
                % {"count": count}
            )
        if not parts:
            return super().confirmation_message
        return _(
            "Deleting %(group)s also deletes %(parts)s. What its members completed stays in "
            "their records. Are you sure you want to delete this group?"
        ) % {"group": group.name, "parts": "; ".join(parts)}


class GroupFilterSet(WagtailFilterSet):
    """Filter groups by kind and school, and find those named as another before the admin
    refused it (`groups_named_alike`)."""

    breaks_rules = django_filters.BooleanFilter(
        label=_("Breaks the rules"),
        method="filter_breaks_rules",
        help_text=_(
            "Named as another group of its school and kind in other capitals (8r beside "
            "8R), or a year written another way (Y8 beside Year 8): one class split in two."
        ),
    )

    class Meta:
        model = Group
        fields = ["kind", "school"]

    def filter_breaks_rules(self, queryset, name, value):
        from .selectors import groups_named_alike

        if value is None:
            return queryset
        alike = groups_named_alike().values("pk")
        return queryset.filter(pk__in=alike) if value else queryset.exclude(pk__in=alike)


class GroupViewSet(ListingViewSet):
    model = Group
    delete_view_class = GroupDeleteView
    icon = "group"
    menu_label = _("Groups")
    url_prefix = "schools/groups"
    list_display = ["name", "kind", "school"]
    list_select_related = ("school",)
    filterset_class = GroupFilterSet
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["school", "name", "kind"]
    copy_view_enabled = False


class MembershipForm(WagtailAdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # A group's teacher sees its pupils by name: nobody but a superuser gives themselves
        # that, with no one else involved.
        user = self.for_user
        if (
            user is not None
            and not user.is_superuser
            and cleaned_data.get("role") == Membership.Role.TEACHER
            and cleaned_data.get("user") == user
            and not (
                self.instance.pk
                and self.instance.user_id == user.pk
                and self.instance.group_id == getattr(cleaned_data.get("group"), "pk", None)
                and self.instance.role == Membership.Role.TEACHER
            )
        ):
            self.add_error(
                "role",
                _(
                    "Only a superuser can make themselves a group's teacher: a teacher sees "
                    "its pupils by name. Ask a superuser to do it."
                ),
            )
        return cleaned_data


class MembershipFilterSet(WagtailFilterSet):
    """Filter memberships by role, kind of group and school, and find the places made before
    Group memberships kept to its rules (`memberships_breaking_the_rules`)."""

    breaks_rules = django_filters.BooleanFilter(
        label=_("Breaks the rules"),
        method="filter_breaks_rules",
        help_text=_(
            "A pupil who teaches a group, is in a staff team or is in two year groups, a "
            "member of staff who is a member of a class or year group, or someone in a group "
            "of another school."
        ),
    )

    class Meta:
        model = Membership
        fields = ["role", "group__kind", "group__school"]

    def filter_breaks_rules(self, queryset, name, value):
        from .selectors import memberships_breaking_the_rules

        if value is None:
            return queryset
        breaking = memberships_breaking_the_rules().values("pk")
        return queryset.filter(pk__in=breaking) if value else queryset.exclude(pk__in=breaking)


class MembershipViewSet(ListingViewSet):
    model = Membership
    icon = "clipboard-list"
    menu_label = _("Group memberships")
    url_prefix = "schools/memberships"
    list_display = ["user", "group", "role", "joined_at"]
    list_select_related = ("user", "group")
    filterset_class = MembershipFilterSet
    search_fields = ["user__username", "user__last_name", "group__name"]
    search_backend_name = None
    form_fields = ["group", "user", "role"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=MembershipForm,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.form_fields,
        )

    def formfield_for_dbfield(self, db_field, **kwargs):
        # A chooser of the chosen group's people, not a <select> of everyone in the trust.
        if db_field.name == "user":
            from .admin_choosers import person_chooser_viewset

            kwargs["widget"] = person_chooser_viewset.widget_class(
                linked_fields={"group": "#id_group"}
            )
        return super().formfield_for_dbfield(db_field, **kwargs)


def superuser_change_refused(request, person):
    """Only a superuser changes a superuser. Otherwise an administrator given only "change
    user" could set a superuser's email address or password and take over their account.
    (Making someone a superuser is refused by the user forms, schools.admin_users.)"""
    if request.user.is_superuser:
        return None
    if person is not None and person.is_superuser:
        return permission_denied(request)
    return None


def _group_within_reach(user, group) -> bool:
    """Whether `user` holds everything membership of `group` gives: they belong to it, or
    they hold each of its permissions, it grants none over pages or collections and it
    approves nothing in a workflow."""
    return group.pk in _groups_within_reach(user, [group.pk])


def approval_group_ids(group_ids) -> set[int]:
    """Those of `group_ids` that approve pages or snippets in a Wagtail workflow: such a
    group may hold no permission at all, yet its members edit and approve (so publish)
    whatever waits for it."""
    return set(
        GroupApprovalTask.groups.through.objects.filter(group_id__in=group_ids).values_list(
            "group_id", flat=True
        )
    )


def _groups_within_reach(user, group_ids) -> set[int]:
    """Which of `group_ids` are within `user`'s reach (`_group_within_reach`), in three
    queries however many they are."""
    group_ids = set(group_ids)
    if not group_ids:
        return set()
    within = set(user.groups.filter(pk__in=group_ids).values_list("pk", flat=True))
    others = AuthGroup.objects.filter(pk__in=group_ids - within)
    guarded = set(
        others.filter(
            Q(page_permissions__isnull=False) | Q(collection_permissions__isnull=False)
        ).values_list("pk", flat=True)
    ) | approval_group_ids(group_ids - within)
    held = user.get_all_permissions()
    lacking = {
        pk
        for pk, app_label, codename in others.exclude(pk__in=guarded).values_list(
            "pk", "permissions__content_type__app_label", "permissions__codename"
        )
        if codename is not None and f"{app_label}.{codename}" not in held
    }
    return within | (group_ids - within - guarded - lacking)


def groups_beyond_reach(user, groups) -> list[str]:
    """The names of the `groups` only a superuser may give `user`'s way: a role (a Wagtail
    group) with permissions they do not hold themselves. Otherwise an administrator given
    only "change user" could tick "Safeguarding leads" for themselves, or a more powerful
    group for an accomplice."""
    if user.is_superuser:
        return []
    return [
        group.name
        for group in sorted(groups, key=lambda group: group.name)
        if not _group_within_reach(user, group)
    ]


def person_beyond_reach(user, person) -> bool:
    """Whether `person` holds a permission `user` does not: a role beyond their reach (see
    `_group_within_reach`) or a permission given to them directly. Setting such a person's
    password, or the email address their password reset goes to, would let `user` sign in
    with it: a safeguarding lead's account gives every pupil's safeguarding dashboard."""
    return bool(people_beyond_reach(user, [person]))


def people_beyond_reach(user, people) -> list:
    """Those of `people` beyond `user`'s reach (`person_beyond_reach`), in order, in five
    queries however many they are: an administrator may select a hundred at once."""
    people = list(people)
    if user.is_superuser or not people:
        return []
    ids = [person.pk for person in people]
    group_ids: dict[int, set[int]] = defaultdict(set)
    for pk, group_id in User.groups.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "group_id"
    ):
        group_ids[pk].add(group_id)
    within = _groups_within_reach(user, set().union(*group_ids.values()))
    held = user.get_all_permissions()
    lacking = {
        pk
        for pk, app_label, codename in User.user_permissions.through.objects.filter(
            user_id__in=ids
        ).values_list("user_id", "permission__content_type__app_label", "permission__codename")
        if f"{app_label}.{codename}" not in held
    }
    return [
        person
        for person in people
        if person.is_superuser or group_ids[person.pk] - within or person.pk in lacking
    ]


PERSON_BEYOND_REACH_REFUSAL = _(
    "Only a superuser, or someone who holds all of this person's permissions, can change "
    "their password or email address."
)
# Unticking "Active", or changing the username someone signs in with, locks them out: a
# lead's school would lose its safeguarding dashboard to someone who may not give the role.
PERSON_ACCOUNT_REFUSAL = _(
    "Only a superuser, or someone who holds all of this person's permissions, can deactivate "
    "them or change their username."
)
# A safeguarding lead sees their own school's pupils: moved to another school, they would be
# its lead, which the administrator may not make anyone by giving the role.
PERSON_MOVE_REFUSAL = _(
    "Only a superuser, or someone who holds all of this person's permissions, can move them "
    "to another school."
)
# Account -> Email and Password ask for one's password, so that someone who finds an
# administrator still signed in cannot set an address of their own and take the account by
# resetting its password: editing oneself in Users or People is no way round that.
OWN_ACCOUNT_REFUSAL = _(
    "Change your own email address and password in Account, which asks for your current password."
)


def person_beyond_reach_refusals(user, person, fields) -> list[tuple[str, str]]:
    """The (field, refusal) of each of `fields` that `user` may not change for `person`,
    because the person is beyond their reach (`person_beyond_reach`): "password1", "email",
    "school", "is_active" and "username"; none for a person not saved yet. One's own email
    address and password are changed in Account (OWN_ACCOUNT_REFUSAL)."""
    if person.pk is not None and person.pk == user.pk:
        return [(f, OWN_ACCOUNT_REFUSAL) for f in ("password1", "email") if f in fields]
    refused = [
        (field, refusal)
        for field, refusal in (
            ("password1", PERSON_BEYOND_REACH_REFUSAL),
            ("email", PERSON_BEYOND_REACH_REFUSAL),
            ("school", PERSON_MOVE_REFUSAL),
            ("is_active", PERSON_ACCOUNT_REFUSAL),
            ("username", PERSON_ACCOUNT_REFUSAL),
        )
        if field in fields
    ]
    if refused and person.pk is not None and person_beyond_reach(user, person):
        return refused
    return []


def pupil_move_mis_id_refusal(form, person: User) -> str | None:
    """Why a form moving a pupil to another school must have their MIS id there: the old
    school's is cleared (it is that school's numbering), and the new school's roster import
    finds pupils by MIS id only, so without one it would make them a second account. Only
    for pupils who had one: their schools import rosters."""
    from .roles import Role, has_role

    school = form.cleaned_data.get("school")
    if "school" not in form.changed_data or school is None or not form.initial.get("mis_id"):
        return None
    if "mis_id" in form.changed_data and form.cleaned_data.get("mis_id"):
        return None
    if not has_role(person, Role.PUPIL):
        return None
    return _(
        "Give their MIS id at %(school)s (their admission number there): its roster import "
        "finds pupils by it, and would otherwise give them a second account. The MIS id "
        "from the school they are leaving is not kept."
    ) % {"school": school}


def groups_refusal(names) -> str:
    return _(
        "Only a superuser, or someone who holds the same permissions, can give these "
        "roles: %(groups)s."
    ) % {"groups": ", ".join(names)}


def pupil_role_refusal(people) -> str | None:
    """Why the Pupils role cannot go to any of `people`, or None. As Membership.clean: a
    pupil is not a group's teacher, who sees its pupils by name, nor a member of a staff
    team, whose staff courses they would be given, nor in two year groups (counted in both
    years' records)."""
    places = (
        Group.objects.filter(memberships__user__in=people)
        .filter(
            Q(memberships__role=Membership.Role.TEACHER)
            | Q(memberships__role=Membership.Role.MEMBER, kind=Group.Kind.STAFF_TEAM)
        )
        .select_related("school")
        .annotate(person_id=F("memberships__user"), place=F("memberships__role"))
        .order_by("memberships__user", "name")
    )
    taught, teams = {}, {}
    for group in places:
        by_person = taught if group.place == Membership.Role.TEACHER else teams
        by_person.setdefault(group.person_id, []).append(group)
    # Nor a member of two year groups of a school: a pupil is in one (Membership.clean).
    years = defaultdict(list)
    for group in (
        Group.objects.filter(
            memberships__user__in=people,
            memberships__role=Membership.Role.MEMBER,
            kind=Group.Kind.YEAR_GROUP,
        )
        .annotate(person_id=F("memberships__user"))
        .order_by("memberships__user", "name")
    ):
        years[(group.person_id, group.school_id)].append(group)
    two_years = {}
    for (person_id, _school_id), groups in years.items():
        if len(groups) > 1:
            two_years.setdefault(person_id, []).extend(groups)
    if not taught and not teams and not two_years:
        return None
    refusals = []
    for person in people:
        if person.pk in taught:
            refusals.append(
                _(
                    "%(person)s teaches %(groups)s: pupils are members of a group, not its "
                    "teachers. Change their place in it in Group memberships first."
                )
                % {"person": person, "groups": ", ".join(str(g) for g in taught[person.pk])}
            )
        if person.pk in teams:
            refusals.append(
                _(
                    "%(person)s is a member of %(groups)s: pupils are in no staff team. Take "
                    "them out of it in Group memberships first."
                )
                % {"person": person, "groups": ", ".join(str(g) for g in teams[person.pk])}
            )
        if person.pk in two_years:
            refusals.append(
                _(
                    "%(person)s is a member of %(groups)s: a pupil is in one year group. Take "
                    "them out of all but one in Group memberships first."
                )
                % {"person": person, "groups": ", ".join(str(g) for g in two_years[person.pk])}
            )
    return " ".join(refusals)


def staff_role_refusal(people, *, pupil_ids) -> str | None:
    """Why the Staff or Safeguarding leads role cannot go to any of `people` (those of
    `pupil_ids` hold, or keep, the Pupils role), or None. As Membership.clean: a class's or
    year group's members are its pupils, and a pupil given a staff role would be given the
    staff courses assigned to everyone with it and counted in the staff's completion."""
    places = (
        Group.objects.filter(
            memberships__user__in=[p.pk for p in people if p.pk],
            memberships__role=Membership.Role.MEMBER,
        )
        .exclude(kind=Group.Kind.STAFF_TEAM)
        .select_related("school")
        .annotate(person_id=F("memberships__user"))
        .order_by("memberships__user", "name")
    )
    member_of = {}
    for group in places:
        member_of.setdefault(group.person_id, []).append(group)
    refusals = []
    for person in people:
        if person.pk in pupil_ids:
            refusals.append(
                _(
                    "%(person)s is a pupil: a pupil is not also staff or a safeguarding lead, "
                    "who are given the staff courses."
                )
                % {"person": person}
            )
        elif person.pk in member_of:
            refusals.append(
                _(
                    "%(person)s is a member of %(groups)s: staff are a class's or year group's "
                    "teachers, not its members. Change their place in it in Group memberships "
                    "first."
                )
                % {"person": person, "groups": ", ".join(str(g) for g in member_of[person.pk])}
            )
    return " ".join(refusals) or None


def groups_beyond_reach_refused(request, groups):
    """Refuse, saying which, if `groups` has any the user may not give; None otherwise."""
    refused = groups_beyond_reach(request.user, groups)
    if not refused:
        return None
    messages.error(request, groups_refusal(refused))
    return redirect(request.get_full_path())


class PersonMoveSavedMixin:
    """For the views that edit a person (Schools -> People and Settings -> Users): a person
    saved at another school is moved there, leaving the old school's MIS id and their
    memberships of its groups behind. A person given a new password there can sign in with
    it at once: it ends a pause on signing in after failed attempts, as a teacher's reset
    does (the lock-out page sends people to their school administrator for help)."""

    def save_instance(self):
        if "school" in self.form.changed_data and "mis_id" not in self.form.changed_data:
            # An MIS id is the old school's: kept, no import at the new school would find
            # the person (by email, as it finds staff without one), nor could one give them
            # theirs.
            self.form.instance.mis_id = ""
        person = super().save_instance()
        if "school" in self.form.changed_data:
            memberships_elsewhere_end(person=person)
        if self.form.cleaned_data.get("password1"):
            sign_in_pause_lift(user=person)
        return person


class PersonEditView(PersonMoveSavedMixin, EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()

    def get_form(self, form_class=None):
        """Like Wagtail's Users screen: no "Active" box when you edit yourself, which would
        lock you out."""
        form = super().get_form(form_class)
        if self.object == self.request.user:
            form.fields.pop("is_active", None)
        return form

    def is_valid(self, form):
        # The email address is where the person's password reset goes. Every refused field
        # at once, as Settings -> Users shows them: not one per save.
        if form.is_valid():
            for field, refusal in person_beyond_reach_refusals(
                self.request.user, self.object, form.changed_data
            ):
                form.add_error(field, refusal)
        if form.is_valid() and (refusal := pupil_move_mis_id_refusal(form, self.object)):
            form.add_error("mis_id", refusal)
        return super().is_valid(form)

    def dispatch(self, request, *args, **kwargs):
        return superuser_change_refused(request, self.object) or super().dispatch(
            request, *args, **kwargs
        )


class PersonDeleteView(UserDeleteView):
    """Wagtail's own, which refuses only yourself and (to others) a superuser: nor may
    anyone delete, and so erase, a person who holds a permission they do not
    (`person_beyond_reach`), such as a school's safeguarding lead."""

    def dispatch(self, request, *args, **kwargs):
        if person_beyond_reach(request.user, self.get_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonFilterSet(WagtailFilterSet):
    """Filter people by school and by role (the auth groups that carry roles)."""

    role = django_filters.ModelChoiceFilter(
        field_name="groups",
        label=_("Role"),
        queryset=AuthGroup.objects.filter(name__in=AUTH_GROUP_NAMES.values()).order_by("name"),
    )

    class Meta:
        model = User
        fields = ["school", "is_active"]


class PersonViewSet(ListingViewSet):
    """People's school details. Passwords and roles stay in Wagtail's own Users screens."""

    model = User
    icon = "user"
    menu_label = _("People")
    url_prefix = "schools/people"
    list_display = ["username", "first_name", "last_name", "school", "mis_id", "left_on"]
    list_select_related = ("school",)
    filterset_class = PersonFilterSet
    search_fields = ["username", "first_name", "last_name", "mis_id"]
    search_backend_name = None
    form_fields = ["username", "first_name", "last_name", "email", "school", "mis_id", "is_active"]
    copy_view_enabled = False
    edit_view_class = PersonEditView
    # Deleting someone here is deleting them in Wagtail's Users screens: the same checks (not
    # yourself), and its "before_delete_user" hook, which erases their learning records.
    delete_view_class = PersonDeleteView
    delete_template_name = "wagtailusers/users/confirm_delete.html"


class SchoolsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Schools")
    menu_icon = "site"
    menu_order = 500
    items = (SchoolViewSet, GroupViewSet, MembershipViewSet, PersonViewSet)
