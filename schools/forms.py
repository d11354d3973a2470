"""Forms for signing in, importing rosters and resetting passwords (a staff member's own, by
email)."""

from datetime import timedelta

from django import forms
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import School
from .roster import MAX_FILE_BYTES, Kind

# Tab-separated files are read too: Excel's "Text (Tab delimited)" saves .txt, and Google
# Sheets downloads .tsv. The file picker offers what the upload takes.
ROSTER_EXTENSIONS = (".csv", ".txt", ".tsv")
ACCEPTED_FILES = ",".join([*ROSTER_EXTENSIONS, "text/csv", "text/tab-separated-values"])


class RosterImportForm(forms.Form):
    """The upload on the roster import page: who is in the file, and the file."""

    kind = forms.ChoiceField(
        label=_("Who is in the file?"),
        choices=[(Kind.PUPILS, _("Pupils")), (Kind.STAFF, _("Staff"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the file lists pupils or staff.")},
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file saved as 'CSV UTF-8', up to 2 MB and 5,000 people."),
        error_messages={
            "required": _("Choose a CSV file to upload."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )
    everyone = forms.BooleanField(
        label=_("This file lists everyone at the school: mark anyone not in it as having left"),
        help_text=_(
            "For the start of a school year, or whenever you import the whole school from "
            "your MIS. Pupils (or staff) not in the file can no longer sign in and are no "
            "longer counted in classes, dashboards or reminders; their records are kept. You "
            "will see who they are before anything changes."
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large: the limit is 2 MB. Split it into smaller files.")
            )
        name = (upload.name or "").lower()
        if name.endswith((".xlsx", ".xls", ".ods", ".numbers")):
            raise forms.ValidationError(
                _(
                    "This is a spreadsheet file, not a CSV file. In your spreadsheet program "
                    "choose Save As, then 'CSV UTF-8 (comma delimited)', and upload that file."
                )
            )
        if not name.endswith(ROSTER_EXTENSIONS):
            raise forms.ValidationError(
                _("Upload a file whose name ends in .csv (or .txt or .tsv, separated by tabs).")
            )
        return upload


class SignInForm(AuthenticationForm):
    """The sign-in form, saying what to check when it refuses: usernames sign in whatever
    their case (schools/backends.py), so only the password's capitals matter. The answer is
    the same for an account that has left, so it does not tell who had one."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is not right. Capital letters matter in the password, "
            "not in the username: check that Caps Lock is off."
        ),
    }


class PausedPasswordChangeForm(PasswordChangeForm):
    """Change password, whose old password is checked as a sign-in is: a wrong one counts
    towards the pause on signing in (django-axes, by username and address), and while the
    pause lasts the page answers as the sign-in page does. Otherwise someone who finds a
    pupil still signed in on a shared device could try password after password here."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PausedEmailChangeForm(forms.ModelForm):
    """Account -> Email in the admin: one's own email address, where "Forgotten your
    password?" sends its link. Changing it asks for one's password, checked as a sign-in is
    (a wrong one counts towards the pause on signing in). Otherwise someone who finds an
    editor still signed in on a shared computer could set an address of their own, then take
    the account by resetting its password."""

    # Not required: an editor may have none (Wagtail asked for one to save any of the page).
    email = forms.EmailField(required=False, label=_("Email"))
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("Needed only to change your email address."),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    class Meta:
        from .models import User

        model = User
        fields = ["email"]

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if "email" not in self.changed_data or "email" not in cleaned_data:
            return cleaned_data
        password = cleaned_data.get("password") or ""
        if not password:
            self.add_error("password", _("Enter your password to change your email address."))
            return cleaned_data
        checked = authenticate(
            self.request, username=self.instance.get_username(), password=password
        )
        if checked is None or checked.pk != self.instance.pk:
            self.add_error(
                "password",
                _("That is not your password, so your email address was not changed."),
            )
        return cleaned_data


class StaffPasswordResetForm(PasswordResetForm):
    """ "Forgotten your password?" for staff: a link by email to set a new one.

    Only for people who can sign in and are not pupils: a pupil's password is reset by their
    teacher (My groups), and pupils have no email address here. The answer is the same
    whether or not the address is known, so the form does not tell who has an account. An
    address gets at most one email every few minutes, so the form cannot be used to flood
    someone's inbox. The link is built from SITE_URL, never from the request's host.
    """

    email = forms.EmailField(
        label=_("Your work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your work email address."),
            "invalid": _("Enter an email address, like name@school.org.uk."),
        },
    )

    EMAIL_INTERVAL_SECONDS = 5 * 60

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Written now, sent by the task worker: a request that waited for the mail server
        only when the address has an account would say, by how long it took, that it has."""
        from django.template import loader

        from .tasks import email_send

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        user = context.get("user")
        email_send.enqueue(
            subject=subject,
            body=body,
            from_email=from_email,
            to=[to_email],
            person=user.pk if user is not None else None,
        )

    def get_users(self, email):
        from django.core.cache import cache

        from .roles import Role, roles_of

        if not cache.add(
            f"upstander-password-reset:{email.casefold()}", 1, self.EMAIL_INTERVAL_SECONDS
        ):
            return
        for user in super().get_users(email):
            if (
                Role.PUPIL not in roles_of(user)
                and not self._emailed_just_now(user)
                and self._email_claimed(user)
            ):
                yield user

    def _email_claimed(self, user) -> bool:
        """Whether this ask is the one that emails `user`: one UPDATE, which the database
        runs for one ask at a time, so of two at the same moment (the cache down, neither
        email in the task queue yet) only the first finds the last email old enough."""
        from django.db.models import Q

        from .models import User

        now = timezone.now()
        since = now - timedelta(seconds=self.EMAIL_INTERVAL_SECONDS)
        return bool(
            User.objects.filter(pk=user.pk)
            .filter(
                Q(password_reset_emailed_at__isnull=True) | Q(password_reset_emailed_at__lt=since)
            )
            .update(password_reset_emailed_at=now)
        )

    def _emailed_just_now(self, user) -> bool:
        """Whether the database's task queue holds an email to `user` from the last few
        minutes. A cache that cannot be reached (Redis down) answers every `add` as an empty
        cache would, and so would let every ask send another email."""
        from .tasks import email_send

        if not apps.is_installed("django_tasks_db"):
            return False
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        if not isinstance(email_send.get_backend(), DatabaseBackend):
            return False
        since = timezone.now() - timedelta(seconds=self.EMAIL_INTERVAL_SECONDS)
        return DBTaskResult.objects.filter(
            task_path=email_send.module_path,
            enqueued_at__gte=since,
            args_kwargs__kwargs__person=user.pk,
        ).exists()


class SchoolSetUpForm(forms.ModelForm):
    """An administrator sets up a new school with its first safeguarding lead, in one go.
    The school's own fields are checked as the model checks them (a URN used by another
    school is refused); the lead's email must not be anyone's sign-in already."""

    lead_first_name = forms.CharField(label=_("First name"), max_length=150)
    lead_last_name = forms.CharField(label=_("Last name"), max_length=150)
    lead_email = forms.EmailField(
        label=_("Work email address"),
        help_text=_("They sign in with it, and the link to choose a password goes to it."),
        # It becomes their username, which Django limits to 150 characters (an address may
        # have 254): a longer one would not be saved.
        max_length=150,
        error_messages={
            "max_length": _(
                "The lead signs in with this address, so it can be at most %(limit_value)d "
                "characters (it has %(show_value)d). Use a shorter one."
            )
        },
    )

    class Meta:
        model = School
        fields = ["name", "urn", "nation"]

    def school_fields(self):
        return [self[name] for name in self.Meta.fields]

    def clean_name(self):
        # A name pasted from a letterhead may hold line breaks or tabs: the school's name is
        # one line, as lists and documents show it and an email's subject must have it.
        return " ".join(self.cleaned_data["name"].split())

    def lead_fields(self):
        return [self[name] for name in ("lead_first_name", "lead_last_name", "lead_email")]

    def clean_lead_email(self):
        from django.db.models import Q

        from .models import User

        email = self.cleaned_data["lead_email"].strip().lower()
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise forms.ValidationError(
                _(
                    "Someone already has an account with this address. Use another, or give "
                    "that person the safeguarding lead's role in Users."
                )
            )
        return email
