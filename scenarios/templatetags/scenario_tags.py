"""`{% scenario_player scenario %}`: the player for the signed-in learner, inside a page."""

from django import template
from django.contrib.messages import get_messages

from ..contacts import contact_links as linked_contacts
from ..player import player_context, player_html, player_message_tag
from ..selectors import attempt_current

register = template.Library()


@register.simple_tag(takes_context=True)
def scenario_player(context, scenario, module=None, hide_title=False):
    request = context.get("request")
    user = getattr(request, "user", None)
    attempt = None
    if module is not None and module.pk is None:
        # A module previewed before it is first saved: nobody has played anything in it.
        module = None
    elif scenario is not None and user is not None and user.is_authenticated:
        attempt = attempt_current(learner=user, scenario=scenario, module=module)
    notice = ""
    if request is not None and scenario is not None:
        # What a move sent without JavaScript was answered with (scenarios.views._respond).
        tag = player_message_tag(scenario)
        notice = " ".join(str(m) for m in get_messages(request) if m.extra_tags == tag)
    data = player_context(scenario=scenario, attempt=attempt, module=module, notice=notice)
    data.update({"csrf_token": context.get("csrf_token"), "hide_title": hide_title})
    if request is not None:
        data["return_to"] = request.get_full_path()
    return player_html(data)


@register.filter
def contact_links(text):
    """Signposting text with its phone numbers, email addresses and websites linked."""
    return linked_contacts(str(text))


@register.simple_tag(takes_context=True)
def classroom_offered(context, scenario) -> bool:
    """Offer to run `scenario` with a class? Only to someone who teaches a group it may run
    with: a staff team for a staff scenario (`Scenario.needs_staff_team`), any for the rest.
    Asks the database through the context's lazy answers (schools.context_processors)."""
    asks = context.get("leads_a_staff_team" if scenario.needs_staff_team else "teaches_a_group")
    return bool(asks and asks())
