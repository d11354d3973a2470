"""Wagtail's Settings -> Users screens, with the rules on who may give what.

Only a superuser makes someone a superuser; nobody gives a role (a Wagtail group) with
permissions they do not hold themselves (`admin_viewsets.groups_beyond_reach`), nor takes one
away, nor sets the password, email address or username of someone who holds such
permissions, nor deactivates them or moves them to another school (`person_beyond_reach`).
The forms check this, so a refusal is shown next to the field with everything else still
filled in. Settings -> Groups likewise: nobody gives a group, their own included, a
permission they do not hold, nor takes one away, nor changes its permissions over pages and
collections; the groups that carry roles keep their names. Installed through
`config.apps.WagtailUsersConfig`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField
from wagtail.admin import messages
from wagtail.users.forms import GroupForm, UserCreationForm, UserEditForm
from wagtail.users.views import groups, users

from .admin_viewsets import (
    PersonDeleteView,
    PersonMoveSavedMixin,
    groups_beyond_reach,
    groups_refusal,
    person_beyond_reach_refusals,
    pupil_move_mis_id_refusal,
    pupil_role_refusal,
    staff_role_refusal,
)
from .roles import AUTH_GROUP_NAMES, ROLE_BY_GROUP_NAME, Role


class PrivilegeCheckedFormMixin:
    """Takes the administrator using the form (`acting_user`) and refuses what they may not
    give."""

    def __init__(self, *args, acting_user, **kwargs):
        self.acting_user = acting_user
        super().__init__(*args, **kwargs)
        # Only a superuser makes someone a superuser (or stops them being one): others are
        # not shown an "Administrator" box they may never tick, and a tick sent anyway is
        # not read.
        if not acting_user.is_superuser:
            self.fields.pop("is_superuser", None)

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is None or self.acting_user.is_superuser:
            return groups
        held = set(self.instance.groups.values_list("pk", flat=True)) if self.instance.pk else ()
        refused = groups_beyond_reach(self.acting_user, [g for g in groups if g.pk not in held])
        if refused:
            raise forms.ValidationError(groups_refusal(refused))
        if self.instance.pk:
            # Unticking a role takes away what it gives (a lead's safeguarding dashboard, for
            # their school): only for someone who could give it.
            removed = self.instance.groups.exclude(pk__in=[g.pk for g in groups])
            if refused := groups_beyond_reach(self.acting_user, removed):
                raise forms.ValidationError(
                    _(
                        "Only a superuser, or someone who holds the same permissions, can take "
                        "away these roles: %(groups)s."
                    )
                    % {"groups": ", ".join(refused)}
                )
        return groups

    def clean(self):
        cleaned_data = super().clean()
        # Their password, or the address their password reset goes to, would let the
        # administrator sign in as them.
        fields = [field for field in self.changed_data if field != "password1"]
        if cleaned_data.get("password1"):
            fields.append("password1")
        for field, refusal in person_beyond_reach_refusals(self.acting_user, self.instance, fields):
            self.add_error(field, refusal)
        return cleaned_data


def _staff_role_refused(form) -> None:
    """Refuse a Staff or Safeguarding leads role for a pupil, or for a member of a class or
    year group (`staff_role_refusal`), next to the roles."""
    groups = form.cleaned_data.get("groups")
    if groups is None or "groups" in form.errors:
        return
    names = {group.name for group in groups}
    if not names & {AUTH_GROUP_NAMES[Role.STAFF], AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD]}:
        return
    person = form.instance
    if person.pk is None:  # not saved yet: in no group
        person.first_name = form.cleaned_data.get("first_name", "")
        person.last_name = form.cleaned_data.get("last_name", "")
    pupil_ids = {person.pk} if AUTH_GROUP_NAMES[Role.PUPIL] in names else set()
    if refusal := staff_role_refusal([person], pupil_ids=pupil_ids):
        form.add_error("groups", refusal)


class PersonCreationForm(PrivilegeCheckedFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        # The person's school, as in Schools -> People: staff and pupils without one see
        # nothing of it.
        fields = UserCreationForm.Meta.fields | {"school"}

    def clean(self):
        cleaned_data = super().clean()
        _staff_role_refused(self)
        return cleaned_data


class PersonEditForm(PrivilegeCheckedFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        # The MIS id too: someone moved to another school is asked for theirs there.
        fields = UserEditForm.Meta.fields | {"school", "mis_id"}

    def clean(self):
        cleaned_data = super().clean()
        if refusal := pupil_move_mis_id_refusal(self, self.instance):
            self.add_error("mis_id", refusal)
        _staff_role_refused(self)
        return cleaned_data

    def clean_groups(self):
        # As Membership.clean: a pupil is not a group's teacher, who sees its pupils by name.
        groups = super().clean_groups()
        if groups is None or not any(g.name == AUTH_GROUP_NAMES[Role.PUPIL] for g in groups):
            return groups
        if refusal := pupil_role_refusal([self.instance]):
            raise forms.ValidationError(refusal)
        return groups


class ActingUserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "acting_user": self.request.user}


class CreateView(ActingUserFormMixin, users.CreateView):
    pass


class EditView(ActingUserFormMixin, PersonMoveSavedMixin, users.EditView):
    pass


# The largest id a database row can have (SQLite's and PostgreSQL's bigint).
LARGEST_ID = 2**63 - 1


class GroupIdsField(ModelMultipleChoiceField):
    """The groups the Users screen is filtered by, refusing an id too big for the database
    as it refuses any other unknown group: SQLite raises an error on such a number, where
    PostgreSQL simply finds nothing."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number: Django's own check refuses it
            if abs(number) > LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class UserFilterSet(users.UserFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].field_class = GroupIdsField


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = PersonDeleteView
    filterset_class = UserFilterSet
    # Scrolls sideways in its own region on a narrow screen, as our listings do.
    index_results_template_name = "schools/admin/users_index_results.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm


def _names_not_held(permissions, held) -> list[str]:
    """The names, sorted, of those of `permissions` not in `held` (a user's
    `get_all_permissions()`, as "app_label.codename")."""
    return sorted(
        str(permission.name)
        for permission in permissions
        if f"{permission.content_type.app_label}.{permission.codename}" not in held
    )


class PermissionsCheckedGroupForm(GroupForm):
    """Refuses model permissions the administrator using the form does not hold: on their
    own group it would raise their own permissions, on another its members'."""

    def __init__(self, *args, acting_user, **kwargs):
        self.acting_user = acting_user
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = super().clean_name()
        role = ROLE_BY_GROUP_NAME.get(self.instance.name) if self.instance.pk else None
        if role is not None and name != self.instance.name:
            raise forms.ValidationError(role_group_refusal(role, deleting=False))
        return name

    def clean_permissions(self):
        permissions = self.cleaned_data["permissions"]
        if self.acting_user.is_superuser:
            return permissions
        before = (
            set(self.instance.permissions.values_list("pk", flat=True)) if self.instance.pk else ()
        )
        held = self.acting_user.get_all_permissions()
        refused = _names_not_held([p for p in permissions if p.pk not in before], held)
        if refused:
            raise forms.ValidationError(
                _(
                    "Only a superuser, or someone who holds them, can give these "
                    "permissions: %(permissions)s."
                )
                % {"permissions": ", ".join(refused)}
            )
        # Unticking takes a permission from every member (a role group's: from everyone
        # with the role), so only someone who could give it takes it away.
        if self.instance.pk:
            chosen = {permission.pk for permission in permissions}
            unticked = [
                permission
                for permission in self.instance.permissions.select_related("content_type")
                if permission.pk not in chosen
            ]
            taken = _names_not_held(unticked, held)
            if taken:
                raise forms.ValidationError(
                    _(
                        "Only a superuser, or someone who holds them, can take away these "
                        "permissions: %(permissions)s."
                    )
                    % {"permissions": ", ".join(taken)}
                )
        return permissions


class GroupPermissionPanelsCheckedMixin(ActingUserFormMixin):
    """Only a superuser changes a group's permissions over pages and collections (images,
    documents): who holds which of those is not checked here, so a group that grants any is
    beyond the reach of other administrators (`admin_viewsets._group_within_reach`)."""

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        if self.request.user.is_superuser:
            return True
        if any(panel.has_changed() for panel in self.permission_panel_forms):
            form.add_error(
                None,
                _(
                    "Only a superuser can change a group's permissions over pages, images, "
                    "documents or collections."
                ),
            )
            self.produced_error_message = self.get_error_message()
            return False
        return True


class GroupCreateView(GroupPermissionPanelsCheckedMixin, groups.CreateView):
    pass


class GroupEditView(GroupPermissionPanelsCheckedMixin, groups.EditView):
    pass


def role_group_refusal(role, *, deleting):
    """Roles are read from their groups' names (schools.roles): a role group renamed or
    deleted would take the role from its members, and `roles_sync` would make a new, empty
    one at the next `migrate`."""
    label = Role(role).label.lower()
    if deleting:
        return _(
            "Upstander gives the %(role)s role to the members of this group by its name, so "
            "it cannot be deleted."
        ) % {"role": label}
    return _(
        "Upstander gives the %(role)s role to the members of this group by its name, so it "
        "cannot be renamed."
    ) % {"role": label}


class GroupDeleteView(groups.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        group = self.get_object()
        role = ROLE_BY_GROUP_NAME.get(group.name)
        if role is not None:
            messages.error(request, role_group_refusal(role, deleting=True))
            return redirect(self.index_url_name)
        # Deleting a group takes what it gives from all its members, as unticking each of
        # its permissions would: only for someone who could give them.
        if refused := groups_beyond_reach(request.user, [group]):
            messages.error(
                request,
                _(
                    "Only a superuser, or someone who holds all of its permissions, can "
                    "delete the group %(group)s: its members would lose them."
                )
                % {"group": refused[0]},
            )
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)


class GroupViewSet(groups.GroupViewSet):
    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView

    def get_form_class(self, for_update=False):
        return PermissionsCheckedGroupForm
