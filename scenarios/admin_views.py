"""Admin views: import a Twine (Twee 3) story as a draft scenario, export one to Twee 3."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Scenario
from .services import scenario_import_twee
from .twee import TweeError, twee_export

MAX_TWEE_BYTES = 1_000_000


class TweeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Twee 3 file"),
        help_text=_("From Twine: Build → Export as Twee. See the conventions in docs/twee.md."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TWEE_BYTES:
            raise forms.ValidationError(_("The file is too big (1 MB at most)."))
        data = upload.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            # Said with its line, as every other problem is: one "£" or curly quote saved by
            # an editor in another encoding is otherwise hunted for through the whole story.
            line = data[: error.start].count(b"\n") + 1
            raise forms.ValidationError(
                _(
                    "Line %(line)d is not UTF-8 text: the file was saved in another encoding. "
                    "Save it as UTF-8 (as Twine's Build → Export as Twee does) and import it "
                    "again."
                )
                % {"line": line}
            ) from error
        if "\x00" in text:
            # Not something Twine writes, and the database cannot keep it.
            line = text[: text.index("\x00")].count("\n") + 1
            raise forms.ValidationError(
                _("Line %(line)d has a NUL character in it: a Twee file is plain text.")
                % {"line": line}
            )
        return text


def twee_import(request):
    if not request.user.has_perm("scenarios.add_scenario"):
        raise PermissionDenied
    errors: list[str] = []
    form = TweeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = scenario_import_twee(text=form.cleaned_data["file"], user=request.user)
        except TweeError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                _("Imported “%(title)s” as a draft. Check it and publish it when ready.")
                % {"title": scenario.title},
            )
            return redirect("wagtailsnippets_scenarios_scenario:edit", scenario.pk)
    return TemplateResponse(
        request,
        "scenarios/admin/twee_import.html",
        {
            "form": form,
            "errors": errors,
            # The page's first-level heading (Wagtail's header); without it, it is empty.
            "page_title": _("Import a Twine story"),
            "header_icon": "upload",
        },
    )


def twee_export_view(request, pk: int):
    if not request.user.has_perm("scenarios.change_scenario"):
        raise PermissionDenied
    scenario = get_object_or_404(Scenario, pk=pk)
    latest = scenario.get_latest_revision_as_object() if scenario.latest_revision_id else scenario
    graph, issues = latest.graph_and_parse_issues()
    # A draft's conditions or effects with a typo go out as typed (the graph has left them
    # out), so the author fixes them rather than losing them.
    unread = {
        (issue.index, issue.choice, issue.beside): latest.nodes[issue.index].value["choices"][
            issue.choice
        ][issue.beside]
        for issue in issues
        if issue.code == "expression"
    }
    text = twee_export(
        title=latest.title,
        graph=graph,
        ifid=str(scenario.uuid),
        audience=latest.audience,
        introduction=latest.introduction,
        unread=unread,
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = slugify(latest.title) or "scenario"
    response["Content-Disposition"] = f'attachment; filename="{filename}.twee"'
    return response
