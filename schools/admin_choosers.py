"""A chooser for people in the Wagtail admin, so that a form naming a person (Group
memberships) does not list everyone of a trust in one <select>. It offers the people of the
group chosen beside it, searchable and a page at a time, and only to administrators who
manage group memberships."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from .models import Group, User

MEMBERSHIP_PERMISSIONS = ("schools.add_membership", "schools.change_membership")


class PersonSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search by name or username")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        self.search_query = self.cleaned_data.get("q")
        if self.search_query:
            self.is_searching = True
            for word in self.search_query.split():
                objects = objects.filter(
                    Q(username__icontains=word)
                    | Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                )
        return objects


class PersonChooserPermissionMixin:
    """The chooser names people: only for those who put people in groups."""

    def dispatch(self, request, *args, **kwargs):
        if not any(request.user.has_perm(p) for p in MEMBERSHIP_PERMISSIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonListingMixin(PersonChooserPermissionMixin):
    filter_form_class = PersonSearchForm
    # By name whatever its capitals ("de Souza" among the Ds), as other lists of people.
    ordering = (Lower("last_name"), Lower("first_name"), "username")

    def get_object_list(self):
        # A group is for its school's people (Membership.clean), and not for leavers.
        people = User.objects.filter(is_active=True, school__isnull=False)
        group_id = self.request.GET.get("group", "")
        if group_id.isascii() and group_id.isdigit():  # "²" is a digit, not a number
            school_id = Group.objects.filter(pk=group_id).values_list("school_id", flat=True)
            people = people.filter(school_id__in=school_id)
        return people


class PersonChooseView(PersonListingMixin, chooser_views.ChooseView):
    pass


class PersonChooseResultsView(PersonListingMixin, chooser_views.ChooseResultsView):
    pass


class PersonChosenView(PersonChooserPermissionMixin, chooser_views.ChosenView):
    pass


class PersonChooser(BaseChooser):
    def get_instance(self, value):
        # A form sent back with an id that is not a number (tampered with) is shown again
        # with "Select a valid choice", and nobody chosen, not a server error.
        try:
            return super().get_instance(value)
        except (ValueError, ValidationError):
            return None


class PersonChooserViewSet(ChooserViewSet):
    model = User
    base_widget_class = PersonChooser
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    edit_item_text = _("Edit this person")
    per_page = 50
    # Only where asked for: other forms naming a person keep their own fields.
    register_widget = False
    preserve_url_parameters = ["multiple", "group"]
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView
    chosen_view_class = PersonChosenView


person_chooser_viewset = PersonChooserViewSet("person_chooser", url_prefix="schools/people/choose")
