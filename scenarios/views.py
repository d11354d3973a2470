"""Player, classroom and analytics views. Thin: the work is in services and selectors.

Without JavaScript every action is a form POST answered by a redirect (POST/redirect/GET).
With JavaScript (static/js/scenario.js) the same POSTs carry `X-Requested-With`, and the
answer is the player fragment, so the page is not reloaded.
"""

import re
import uuid
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from wagtail.models import Page

from config.auth import login_required_for_post, path_on_this_site
from config.spreadsheets import csv_response

from .engine import PlayError
from .engine.validation import is_web_link
from .models import ClassroomSession, Scenario, ScenarioAttempt
from .player import node_image, player_context, player_html, player_message_tag, signposts
from .selectors import (
    MIN_LEARNERS,
    attempt_current,
    classroom_history,
    classroom_runs,
    classroom_sessions_of,
    graph_for_revision,
    scenario_for_player,
    scenario_group_analytics,
    scenario_open_to,
    scenarios_played_by,
)
from .services import (
    ScenarioUnavailable,
    SessionKept,
    StaleRestart,
    StaleSubmission,
    VoteError,
    classroom_node_skip,
    classroom_session_end,
    classroom_session_remove,
    classroom_session_start,
    classroom_step_back,
    classroom_votes_record,
    module_still_open,
    scenario_attempt_start,
    scenario_choice_make,
    scenario_node_skip,
)


def _learner(request):
    """The signed-in user itself. `request.user` is a lazy proxy that forwards every
    attribute read, and a step reads the learner's fields many times."""
    user = request.user
    if not user.is_authenticated:  # also loads the user behind the proxy
        raise PermissionDenied
    return getattr(user, "_wrapped", user)


def _is_fetch(request) -> bool:
    return request.META.get("HTTP_X_REQUESTED_WITH") == "fetch"


def _return_to(request, fallback) -> str:
    """Where the player sits: the page the form came from, given as a path on this site (the
    player sends `get_full_path()`), else `fallback()` (worked out only when needed: the forms
    always send it). A URL with a host is never followed, so there is no host to check."""
    target = request.POST.get("return_to") or request.GET.get("return_to") or ""
    if target and path_on_this_site(target):
        return target
    return fallback()


def _page_holding(scenario: Scenario, page_id: str | None):
    """The page the player's form names, published or not, if it really contains this
    scenario (a module page), else None."""
    if not page_id:
        return None
    try:
        page = Page.objects.get(pk=int(page_id)).specific
    except (ValueError, Page.DoesNotExist):
        return None
    body = getattr(page, "body", None)
    if body is None:
        return None
    for child in body:
        value = child.value
        chosen = value.get("scenario") if hasattr(value, "get") else None
        if chosen is not None and chosen.pk == scenario.pk:
            return page
    return None


def _fragment_csrf_token(request) -> str:
    """The CSRF token for the fragment's forms: the one this POST carried, which the CSRF
    middleware has just accepted (the fragment's forms replace the forms it came from).

    Django masks a token afresh for every page it renders, against BREACH, a compression
    attack that needs many responses an attacker can cause to be sent; these fragments answer
    only POSTs that carried a valid token. Masking costs 32 calls to the system's random
    source, about a sixteenth of a step (docs/benchmarks.md). A token sent unmasked (Django
    accepts the bare secret) is never echoed: the fragment gets a masked one.
    """
    sent = request.POST.get("csrfmiddlewaretoken", "")
    if len(sent) == CSRF_TOKEN_LENGTH:
        return sent
    return get_token(request)


_FRAGMENT_TYPE = "text/html; charset=utf-8"


def _respond(request, *, scenario, attempt, module, notice=""):
    def fallback():
        return scenario_url(scenario, module)

    if _is_fetch(request):
        context = player_context(scenario=scenario, attempt=attempt, module=module, notice=notice)
        context["return_to"] = _return_to(request, fallback)
        # On the scenario's own page its title is the page's heading (play.html), so the
        # player's is for screen readers only, as when the page was rendered.
        context["hide_title"] = urlsplit(context["return_to"]).path == scenario_url(scenario)
        # Rendered without the request: the fragment needs only the CSRF token, and the
        # site's context processors would cost queries on every step.
        context["csrf_token"] = _fragment_csrf_token(request)
        return HttpResponse(player_html(context).encode(), content_type=_FRAGMENT_TYPE)
    target = _return_to(request, fallback)
    if (
        module is not None
        and attempt is not None
        and urlsplit(target).path == module.url
        and not module_still_open(module, learner=_learner(request))
    ):
        # The lesson was taken off the site (or out of the learner's reach) part-way
        # through: the redirect would lead to "Page not found" where it was. (Sent from the
        # scenario's own page, where the learner is offered to carry on, it leads there.)
        from courses.views import module_unavailable

        return module_unavailable(request, module, scenario=scenario, attempt=attempt)
    if notice:
        # Said in the player the redirect leads to (the scenario_player tag), where the page
        # opens: the top of a long module page is out of sight there.
        messages.warning(request, notice, extra_tags=player_message_tag(scenario))
    return HttpResponseRedirect(target + f"#scenario-{scenario.uuid}")


def scenario_url(scenario: Scenario, module=None) -> str:
    from django.urls import reverse

    if module is not None:
        return module.url
    return reverse("scenarios:play", args=[scenario.uuid])


@login_required
def play(request, scenario_uuid):
    """A scenario on a page of its own (also how editors and staff try one out).

    Once taken off the site it is still shown to a learner who has played it: an attempt
    keeps the revision it started on, so a choice sent from this page is kept, and leads
    back here (the player refuses to start it again, and says so)."""
    scenario = get_object_or_404(Scenario, uuid=scenario_uuid)
    if not scenario_open_to(user=request.user, scenario=scenario):
        raise Http404
    if not scenario.live and attempt_current(learner=request.user, scenario=scenario) is None:
        raise Http404
    return render(request, "scenarios/play.html", {"scenario": scenario})


@require_POST
@login_required_for_post(anchor="scenario-{scenario_uuid}")
def start(request, scenario_uuid):
    scenario = scenario_for_player(scenario_uuid)
    if scenario is None:
        raise Http404
    learner = _learner(request)
    if not scenario_open_to(user=learner, scenario=scenario):
        raise Http404
    named = _page_holding(scenario, request.POST.get("module"))
    # The live module the player sits in, if the learner may take its course (staff see
    # pupils' lessons only in the teaching view); else the scenario is played on its own.
    module = named if named is not None and module_still_open(named, learner=learner) else None
    if (
        named is not None
        and module is None
        and not _is_fetch(request)
        and urlsplit(_return_to(request, lambda: "")).path == named.url
    ):
        # Sent from the lesson's page after the lesson was taken off the site (or out of
        # the learner's reach): the redirect would lead to "Page not found" where it was.
        from courses.views import module_unavailable

        return module_unavailable(request, named, scenario=scenario)
    try:
        attempt = scenario_attempt_start(
            learner=learner,
            scenario=scenario,
            module=module,
            restart=request.POST.get("restart") == "1",
            restart_from=request.POST.get("restart_from") or None,
        )
    except ScenarioUnavailable as error:
        # Sent from a player shown before the scenario was taken off the site: the refusal is
        # said where the learner is (their attempt keeps its revision), not on a start screen.
        current = (
            attempt_current(learner=learner, scenario=scenario, module=module)
            if request.POST.get("restart") == "1"
            else None
        )
        return _respond(
            request, scenario=scenario, attempt=current, module=module, notice=str(error)
        )
    except StaleRestart as stale:
        return _respond(
            request, scenario=scenario, attempt=stale.attempt, module=module, notice=str(stale)
        )
    return _respond(request, scenario=scenario, attempt=attempt, module=module)


def _move(request, attempt_uuid, *, action):
    notice = ""
    try:
        step = int(request.POST.get("step", ""))
    except ValueError:
        step = -1
    node_id = request.POST.get("node", "")
    learner = _learner(request)
    attempt = None
    try:
        if action == "skip":
            result = scenario_node_skip(
                learner=learner, attempt_uuid=attempt_uuid, node_id=node_id, step=step
            )
        else:
            choice_id = request.POST.get("choice", "")
            if not choice_id:
                raise PlayError("no choice")
            result = scenario_choice_make(
                learner=learner,
                attempt_uuid=attempt_uuid,
                node_id=node_id,
                step=step,
                choice_id=choice_id,
            )
        attempt = result.attempt
    except ScenarioAttempt.DoesNotExist as error:
        raise Http404 from error
    except StaleRestart as stale:
        notice, attempt = str(stale), stale.attempt
    except StaleSubmission as error:
        notice = str(error)
    except PlayError:
        notice = gettext("Please pick one of the options offered.")
    if attempt is None:
        attempt = get_object_or_404(
            ScenarioAttempt.objects.select_related("scenario"),
            uuid=attempt_uuid,
            learner=learner,
        )
    module = attempt.module.specific if attempt.module_id else None
    return _respond(
        request, scenario=attempt.scenario, attempt=attempt, module=module, notice=notice
    )


def _player_anchor(attempt_uuid) -> str:
    """Where a choice or a skip sent after the sign-in ended leads back to: the attempt's
    player on its page (an attempt's id is known only to the person who played it)."""
    scenario_uuid = (
        ScenarioAttempt.objects.filter(uuid=attempt_uuid)
        .values_list("scenario__uuid", flat=True)
        .first()
    )
    return f"scenario-{scenario_uuid}" if scenario_uuid else ""


@require_POST
@login_required_for_post(anchor=_player_anchor)
def choose(request, attempt_uuid):
    return _move(request, attempt_uuid, action="choose")


@require_POST
@login_required_for_post(anchor=_player_anchor)
def skip(request, attempt_uuid):
    return _move(request, attempt_uuid, action="skip")


# --- classroom mode ---


def _staff_required(request):
    from schools.selectors import groups_taught_by

    if not groups_taught_by(request.user).exists():
        raise PermissionDenied


def _by_audience(scenarios) -> list[tuple[str, list[Scenario]]]:
    """Scenarios for a menu: pupils' first (classes are pupils), then staff's."""
    return [
        (label, [s for s in scenarios if s.audience == audience])
        for audience, label in (
            (Scenario.Audience.PUPILS, gettext("For pupils")),
            (Scenario.Audience.STAFF, gettext("For staff")),
        )
    ]


def _chosen(queryset, value):
    """The row of `queryset` a form's select named by primary key, or None when the value is
    missing, not a number, or not one of the rows (a tampered or stale form)."""
    try:
        pk = int(value or 0)
    except (TypeError, ValueError):
        return None
    return queryset.filter(pk=pk).first() if pk > 0 else None


def _start_id(value) -> uuid.UUID | None:
    """The start form's own id, or None when missing or malformed (a new session then)."""
    try:
        return uuid.UUID(value) if value else None
    except (TypeError, ValueError):
        return None


@login_required
def classroom_start(request):
    """A teacher picks one of their classes and a scenario to project."""
    from schools.models import Group
    from schools.selectors import groups_taught_by

    _staff_required(request)
    groups = groups_taught_by(request.user).order_by("name")
    scenarios = Scenario.objects.filter(live=True).order_by("title")
    if not groups.filter(kind=Group.Kind.STAFF_TEAM).exists():
        # Those that need one (Scenario.needs_staff_team) are not offered.
        scenarios = scenarios.exclude(audience=Scenario.Audience.STAFF)
    # Each problem against the field to put right, as the error summary links to it.
    errors = {}
    if request.method == "POST":
        group = _chosen(groups, request.POST.get("group"))
        scenario = _chosen(scenarios, request.POST.get("scenario"))
        if group is None:
            errors["group"] = gettext("Choose one of your classes.")
        if scenario is None:
            errors["scenario"] = gettext("Choose a scenario.")
        if not errors:
            try:
                session = classroom_session_start(
                    teacher=request.user,
                    group=group,
                    scenario=scenario,
                    start_id=_start_id(request.POST.get("start")),
                )
            except ScenarioUnavailable as refused:
                errors["scenario"] = str(refused)
            else:
                return redirect("scenarios:classroom", session.uuid)
    scenario_groups = _by_audience(scenarios)
    selected_group = request.POST.get("group") or request.GET.get("group", "")
    named = request.GET.get("scenario", "")
    if request.method != "POST" and not selected_group and named:
        # A staff scenario named in the address ("Run this scenario with a class") runs only
        # with a staff team: the first the teacher leads, not the first class in the list,
        # which the browser would show chosen, for the start to be refused.
        scenario = next((s for s in scenarios if str(s.uuid) == named), None)
        if scenario is not None and scenario.needs_staff_team:
            team = groups.filter(kind=Group.Kind.STAFF_TEAM).first()
            selected_group = str(team.pk) if team else ""
    return render(
        request,
        "scenarios/classroom_start.html",
        {
            "groups": groups,
            "scenario_groups": scenario_groups,
            "errors": errors,
            "selected_group": selected_group,
            # The one the address names ("Run it again") until the form has chosen one: both
            # selected, the browser would show the last, not necessarily the one chosen.
            "selected_scenario": ""
            if request.method == "POST"
            else request.GET.get("scenario", ""),
            "selected_scenario_pk": request.POST.get("scenario", ""),
            "sessions": classroom_sessions_of(teacher=request.user),
            # Names this rendering of the form: sent twice, it starts one session.
            "start_id": uuid.uuid4(),
        },
    )


@require_POST
@login_required
def classroom_remove(request, session_uuid):
    """Remove a session started by mistake, from the teacher's list of sessions."""
    try:
        session = classroom_session_remove(session_uuid=session_uuid, teacher=request.user)
    except ClassroomSession.DoesNotExist as error:
        raise Http404 from error
    except SessionKept as kept:
        messages.error(request, str(kept))
    else:
        messages.success(
            request,
            gettext("Session removed: %(scenario)s with %(group)s.")
            % {"scenario": session.scenario.title, "group": session.group.name},
        )
    return redirect("scenarios:classroom_start")


def _classroom_context(session, *, viewer, errors=None, counts=None):
    from courses.selectors import module_open_to, modules_using

    from .engine import State, available_choices, can_skip, current_node

    graph = graph_for_revision(session.revision_id)
    state = State.from_dict(session.state)
    node = current_node(graph, state)
    history = classroom_history(graph, state, session.votes.all())
    return {
        "session": session,
        "scenario": session.scenario,
        "node": node,
        "image": node_image(node) if node is not None else None,
        # Only a web link, as in the pupil's player (scenarios/player.py says why).
        "media": node.media if node is not None and is_web_link(node.media) else "",
        "choices": available_choices(graph, state),
        "finished": state.finished,
        # A staff team's run (CPD) counts colleagues, not pupils.
        "staff_team": session.group.kind == session.group.Kind.STAFF_TEAM,
        # Ended by a teacher where the class got to, before an ending: nothing more to do.
        "ended_early": session.finished_at is not None and not state.finished,
        "last": session.state.get("last"),
        "history": history,
        "can_skip": node is not None and can_skip(graph, state),
        "errors": errors or [],
        "counts": counts or {},
        "signposts": signposts(session.scenario.audience, nation=session.group.school.nation),
        # At the end, the way back to the lessons the scenario is part of: those the teacher
        # looking at the page can open (a module of a course withdrawn from the site is no way
        # back). Not the one who started the run: a colleague may end it, once they have left.
        "lessons": [
            module
            for module in modules_using(session.scenario)
            if module_open_to(user=viewer, module=module)
        ]
        if state.finished
        else [],
    }


_COUNT = re.compile(r"[+-]?\d+")


def _vote_counts(
    data, *, staff_team: bool = False
) -> tuple[dict[str, int], list[str], tuple[str, ...]]:
    """The count entered for each option (blank is 0), what could not be read, and the
    options whose counts those were. A staff team counts colleagues, not pupils."""
    counts: dict[str, int] = {}
    errors: list[str] = []
    unread: list[str] = []
    for key, raw in data.items():
        if not key.startswith("count-"):
            continue
        raw = raw.strip() or "0"
        try:
            # Digits only (a sign is kept, for the range check to refuse): Python would read
            # "1_5", a slip of the keyboard, as fifteen.
            if not _COUNT.fullmatch(raw):
                raise ValueError(raw)
            counts[key.removeprefix("count-")] = int(raw)
        except ValueError:
            message = (
                gettext("“%(value)s” is not a number of people.")
                if staff_team
                else gettext("“%(value)s” is not a number of pupils.")
            )
            errors.append(message % {"value": raw})
            unread.append(key.removeprefix("count-"))
    return counts, errors, tuple(unread)


def _form_number(value) -> int:
    """A whole number a form sent, or -1 (matching nothing) when missing or malformed."""
    try:
        return int(value or "")
    except (TypeError, ValueError):
        return -1


@login_required
def classroom(request, session_uuid):
    from schools.selectors import groups_taught_by

    session = get_object_or_404(
        ClassroomSession.objects.select_related("scenario", "group__school"), uuid=session_uuid
    )
    if not groups_taught_by(request.user).filter(pk=session.group_id).exists():
        if session.teacher_id != request.user.pk:
            raise Http404
        # Taken off the class since starting: its votes are its current teachers' to record,
        # whoever started the run.
        raise PermissionDenied(
            gettext("You no longer teach %(group)s, so you cannot carry on with it here.")
            % {"group": session.group.name}
        )
    if request.method == "POST":
        # The skip, back and end buttons send the part's position only; the vote form the
        # counts.
        skipping, backing, ending = (name in request.POST for name in ("skip", "back", "end"))
        counts, errors, wrong = (
            ({}, [], ())
            if skipping or backing or ending
            else _vote_counts(
                request.POST, staff_team=session.group.kind == session.group.Kind.STAFF_TEAM
            )
        )
        fields = {"counts"} if errors else set()
        tied: tuple[str, ...] = ()
        # Where the form was shown: its part, its step and its turn (a step comes round again).
        step, turn = (_form_number(request.POST.get(name)) for name in ("step", "turn"))
        if not errors:
            # Where the form was: a submission from a part the class has left is refused.
            at = {
                "session_uuid": session.uuid,
                "teacher": request.user,
                "node_id": request.POST.get("node", ""),
                "step": step,
                "turn": turn,
            }
            try:
                if backing:
                    classroom_step_back(**at)
                    messages.info(
                        request,
                        gettext("The last step was taken back and its votes deleted: vote again."),
                    )
                elif skipping:
                    classroom_node_skip(**at)
                elif ending:
                    classroom_session_end(**at)
                else:
                    classroom_votes_record(
                        **at, counts=counts, tie_break=request.POST.get("tie_break", "")
                    )
                return redirect("scenarios:classroom", session.uuid)
            except (VoteError, StaleSubmission) as error:
                errors.append(str(error))
                fields.add(getattr(error, "field", ""))
                tied = getattr(error, "tied", ())
                wrong = getattr(error, "wrong", ())
        session.refresh_from_db()
        # Counts typed for a part the class has since left (the form sent twice) are not put
        # into the boxes of the part it is at, to be followed there by mistake.
        here = (step, turn) == (session.step, session.turn) and request.POST.get(
            "node"
        ) == session.state.get("node_id")
        context = _classroom_context(
            session, viewer=request.user, errors=errors, counts=request.POST if here else None
        )
        # The option to follow in a tie, as chosen, so it need not be chosen again.
        context["tie_break"] = request.POST.get("tie_break", "") if here else ""
        # A warned part stays behind "Show this part" unless its own form was sent: one the
        # class has only just reached (the form before sent twice) is not shown unasked.
        context["reveal"] = here
        # Where each problem is put right: the error summary links there, and marks it.
        # A refusal that is about no box (the class has moved on, nothing to undo) marks none.
        context["error_field"] = next((f for f in ("tie_break", "counts") if f in fields), "")
        # A tie is broken with one of the tied options: the summary links to the first of them.
        # A count that cannot be used is put right in its own box: the summary links there.
        context["error_target"] = next(
            (f"tie-{i}" for i, c in enumerate(context["choices"], 1) if c.id in tied),
            next(
                (f"count-{i}" for i, c in enumerate(context["choices"], 1) if c.id in wrong),
                "tie-1" if context["error_field"] == "tie_break" else "count-1",
            ),
        )
        return render(request, "scenarios/classroom.html", context, status=400)
    return render(
        request, "scenarios/classroom.html", _classroom_context(session, viewer=request.user)
    )


# --- analytics ---


def _analytics_choice(request):
    """The groups the person may see, the live scenarios, and the group and scenario chosen
    in the query (None where missing, malformed or not theirs)."""
    from schools.selectors import groups_listed_for

    groups = groups_listed_for(request.user)
    if not groups.exists():
        raise PermissionDenied
    scenarios = Scenario.objects.filter(live=True).order_by("title")
    group = _chosen(groups, request.GET.get("group"))
    scenario = None
    try:
        if request.GET.get("scenario"):
            scenario = scenarios.filter(uuid=request.GET["scenario"]).first()
    except ValidationError:
        scenario = None
    return groups, scenarios, group, scenario


# Classroom runs listed on the choices page, newest first.
RUNS_SHOWN = 10


@login_required
def analytics(request):
    """Choose a group and a scenario; only groups the person may see are offered."""
    groups, scenarios, group, scenario = _analytics_choice(request)
    result = played = runs = None
    more_runs = False
    if group is not None and scenario is not None:
        result = scenario_group_analytics(scenario=scenario, group=group)
        # The latest few on the page; the download has every one.
        runs = classroom_runs(scenario=scenario, group=group, limit=RUNS_SHOWN + 1)
        runs, more_runs = runs[:RUNS_SHOWN], len(runs) > RUNS_SHOWN
    elif group is not None:
        # Arriving from the group ("Scenario choices for 8R"): what the group has played.
        played = scenarios_played_by(group=group)
    # A site administrator who belongs to no school sees every school's groups: two schools'
    # "8R" are told apart.
    listed = list(groups.select_related("school"))
    several_schools = len({g.school_id for g in listed}) > 1
    group_options = [
        (g, f"{g.name} ({g.school.name})" if several_schools else g.name) for g in listed
    ]
    return render(
        request,
        "scenarios/analytics.html",
        {
            "groups": groups,
            "group_options": group_options,
            "scenario_groups": _by_audience(scenarios),
            "group": group,
            "scenario": scenario,
            "result": result,
            "played": played,
            "runs": runs,
            "more_runs": more_runs,
            "runs_shown": RUNS_SHOWN,
            "minimum": MIN_LEARNERS,
        },
    )


ANALYTICS_CSV_HEADER = ("Section", "Part", "Option", "Outcome", "Count", "Share (%)", "Followed")


def _analytics_rows(result, runs):
    """The choices page as rows: the group's endings and choices on their own (when enough
    learners played), then each classroom run's totals, with the same minimum as the page."""
    own = gettext("Played on their own")
    if not result.enough:
        yield [own, "", gettext("Not enough learners to show"), "", result.learners, "", ""]
    too_few = gettext("fewer than %(minimum)s learners") % {"minimum": MIN_LEARNERS}
    # Shown, with a group within this one's, the difference would single out a few.
    withheld = gettext(
        "not shown: a group within this one would single out fewer than %(minimum)s"
    ) % {"minimum": MIN_LEARNERS}
    if result.enough and result.endings_withheld:
        yield [own, gettext("Endings"), withheld, "", "", "", ""]
    elif result.enough and not result.endings_enough:
        yield [own, gettext("Endings"), too_few, "", "", "", ""]
    for ending in result.endings:
        yield [own, ending.title, "", ending.outcome_label, ending.learners, ending.percent, ""]
    for node in result.nodes:
        if node.withheld:
            yield [own, node.title, withheld, "", "", "", ""]
        elif not node.enough:
            yield [own, node.title, too_few, "", "", "", ""]
        for choice in node.choices:
            yield [own, node.title, choice.label, "", choice.learners, choice.percent, ""]
    sections: dict[str, int] = {}
    for run in runs:
        section = gettext("Run in classroom mode on %(when)s") % {
            "when": date_format(localtime(run.session.started_at), "j M Y H:i")
        }
        if run.session.teacher is not None:
            teacher = run.session.teacher
            section += f" ({teacher.get_full_name() or teacher.username})"
        # Two runs started in the same minute by the same teacher: keep their rows apart.
        sections[section] = sections.get(section, 0) + 1
        if sections[section] > 1:
            section += f" [{sections[section]}]"
        for step in run.steps:
            if step.skipped or not step.enough:
                reason = (
                    gettext("skipped")
                    if step.skipped
                    else gettext("fewer than %(minimum)s voted") % {"minimum": MIN_LEARNERS}
                )
                yield [section, step.title, reason, "", "", "", ""]
                continue
            if step.only_option:
                yield [section, step.title, step.only_option, "", "", "", gettext("yes")]
            for vote in step.votes:
                followed = gettext("yes") if vote["chosen"] else ""
                yield [section, step.title, vote["label"], "", vote["count"], "", followed]
        if run.cut:
            continue
        if run.finished:
            yield [section, run.place, "", run.outcome_label, "", "", ""]
        else:
            # Where the class is, as the page says: its last part is not where the run ended.
            yield [section, run.place, "", gettext("Not finished"), "", "", ""]


@login_required
def analytics_csv(request):
    """The choices page for one group and scenario as CSV, for a safeguarding lead's or a
    teacher's records; the same people see it, with the same minimum."""
    _groups, _scenarios, group, scenario = _analytics_choice(request)
    if group is None or scenario is None:
        raise Http404
    result = scenario_group_analytics(scenario=scenario, group=group)
    runs = classroom_runs(scenario=scenario, group=group)
    filename = f"scenario-choices-{slugify(group.name)}-{slugify(scenario.title)}.csv"
    return csv_response(filename, list(ANALYTICS_CSV_HEADER), _analytics_rows(result, runs))
