"""Wagtail's Settings -> Users screens, with the rules on who may give what.

Only a superuser makes someone a superuser; nobody gives a role (a Wagtail group) with
permissions they do not hold themselves (`admin_viewsets.groups_beyond_reach`), nor sets the
password or email address of someone who holds such permissions (`person_beyond_reach`). The forms
check this, so a refusal is shown next to the field with everything else still filled in.
Installed through `config.apps.WagtailUsersConfig`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users

from .admin_viewsets import (
    PERSON_BEYOND_REACH_REFUSAL,
    groups_beyond_reach,
    groups_refusal,
    person_beyond_reach,
)


class PrivilegeCheckedFormMixin:
    """Takes the administrator using the form (`acting_user`) and refuses what they may not
    give."""

    def __init__(self, *args, acting_user, **kwargs):
        self.acting_user = acting_user
        super().__init__(*args, **kwargs)

    def clean_is_superuser(self):
        wanted = self.cleaned_data.get("is_superuser", False)
        if wanted and not self.instance.is_superuser and not self.acting_user.is_superuser:
            raise forms.ValidationError(_("Only a superuser can make someone a superuser."))
        return wanted

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is None or self.acting_user.is_superuser:
            return groups
        held = set(self.instance.groups.values_list("pk", flat=True)) if self.instance.pk else ()
        refused = groups_beyond_reach(self.acting_user, [g for g in groups if g.pk not in held])
        if refused:
            raise forms.ValidationError(groups_refusal(refused))
        return groups

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or not person_beyond_reach(self.acting_user, self.instance):
            return cleaned_data
        # Their password, or the address their password reset goes to, would let the
        # administrator sign in as them.
        if cleaned_data.get("password1"):
            self.add_error("password1", PERSON_BEYOND_REACH_REFUSAL)
        if "email" in self.changed_data:
            self.add_error("email", PERSON_BEYOND_REACH_REFUSAL)
        return cleaned_data


class PersonCreationForm(PrivilegeCheckedFormMixin, UserCreationForm):
    pass


class PersonEditForm(PrivilegeCheckedFormMixin, UserEditForm):
    pass


class ActingUserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "acting_user": self.request.user}


class CreateView(ActingUserFormMixin, users.CreateView):
    pass


class EditView(ActingUserFormMixin, users.EditView):
    pass


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
