"""What the player shows for an attempt: the node, its choices, the path so far, feedback,
and at an ending the debrief with signposting. Used by the block, the page and the JS."""

from __future__ import annotations

from django.template import engines
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from config.jinja2 import render_helpers
from schools.models import School

from .engine import SKIP, State, available_choices, can_skip, current_node
from .engine.validation import is_web_link
from .models import Scenario, ScenarioAttempt
from .selectors import _shortened, graph_for_revision

# Message ids, translated where they are shown (`signposts()`; the player's template
# translates them with the rest of its text).
SIGNPOSTS = {
    Scenario.Audience.PUPILS: [
        gettext_noop(
            "Talk to a trusted adult: a parent or carer, your form tutor, or any teacher."
        ),
        gettext_noop(
            "Childline: call 0800 1111 or chat at childline.org.uk. It is free and private."
        ),
        gettext_noop(
            "If an adult online is making you feel unsafe, report it to CEOP at ceop.police.uk."
        ),
    ],
    Scenario.Audience.STAFF: [
        gettext_noop("Tell your Designated Safeguarding Lead and your line manager."),
        gettext_noop(
            "Professionals Online Safety Helpline (POSH): 0344 381 4772, "
            "helpline@saferinternet.org.uk."
        ),
        gettext_noop(
            "Consider contacting the police where there are threats, hate crime, sexual "
            "content or upskirting (101, or 999 in an emergency)."
        ),
    ],
}


# In Wales the role is the Designated Safeguarding Person (School.safeguarding_lead_title).
_STAFF_FIRST_IN_WALES = gettext_noop(
    "Tell your Designated Safeguarding Person and your line manager."
)


def signposts(audience: str, *, nation: str = "") -> list[str]:
    """Where to get help, for a scenario's audience (and, for staff, the nation of their
    school, which names the safeguarding role), in the active language."""
    return [gettext(message) for message in _signpost_ids(audience, nation=nation)]


def _signpost_ids(audience: str, *, nation: str = "") -> list[str]:
    ids = SIGNPOSTS.get(audience, SIGNPOSTS[Scenario.Audience.PUPILS])
    if audience == Scenario.Audience.STAFF and nation == School.Nation.WALES:
        return [_STAFF_FIRST_IN_WALES, *ids[1:]]
    return ids


def _nation_of(learner_id: int) -> str:
    return (
        School.objects.filter(people__pk=learner_id).values_list("nation", flat=True).first() or ""
    )


def player_message_tag(scenario: Scenario) -> str:
    """The tag of a message for this scenario's player, shown in it rather than at the top
    of the page (templates/base.html leaves out messages tagged "scenario-...")."""
    return f"scenario-{scenario.uuid}"


def player_context(
    *, scenario: Scenario, attempt: ScenarioAttempt | None, module=None, notice: str = ""
) -> dict:
    context = {
        "scenario": scenario,
        "attempt": attempt,
        "module": module,
        "notice": notice,
        "signposts": _signpost_ids(scenario.audience),
        "playable": bool(scenario.live and scenario.live_revision_id),
    }
    if attempt is None:
        return context
    graph = graph_for_revision(attempt.revision_id)
    state = State.from_dict(attempt.state)
    node = current_node(graph, state)
    path = []
    for node_id, choice_id in state.path:
        step_node = graph.node(node_id)
        choice = step_node.choice(choice_id) if step_node else None
        if step_node is None:
            label = node_id
        elif step_node.title:
            label = step_node.title
        elif choice_id == SKIP and step_node.content_warning:
            # Not the opening of the text the learner chose not to read: its warning, which
            # they were shown.
            label = gettext("Content warning: %(warning)s") % {"warning": step_node.content_warning}
        else:
            label = _shortened(step_node.text)
        path.append(
            {
                "node": label,
                "choice": gettext("Skipped this part")
                if choice_id == SKIP
                else (choice.label if choice else choice_id),
            }
        )
    if state.finished and scenario.audience == Scenario.Audience.STAFF:
        # Staff endings name the safeguarding role as the learner's school does (one read,
        # at a staff scenario's ending only).
        context["signposts"] = _signpost_ids(
            scenario.audience, nation=_nation_of(attempt.learner_id)
        )
    context.update(
        {
            "node": node,
            "image": node_image(node) if node is not None else None,
            # Only a web link: a scenario published before links were checked could hold
            # a `javascript:` one, which would run in the learner's page.
            "media": node.media if node is not None and is_web_link(node.media) else "",
            "choices": available_choices(graph, state),
            "can_skip": can_skip(graph, state),
            "path": path,
            "last": attempt.state.get("last"),
            "finished": state.finished,
            "score": state.score,
            "step": attempt.step,
        }
    )
    return context


def node_image(node) -> dict | None:
    """The node's picture as the player shows it (a rendition sized for the page), or None
    if it has none or the image was deleted from the library."""
    if node.image_id is None:
        return None
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=node.image_id).first()
    if image is None:
        return None
    rendition = image.get_rendition("max-960x720")
    return {
        "url": rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": node.image_alt,
    }


def player_html(context: dict) -> SafeString:
    """The player as HTML, from `player_context()` plus `csrf_token`, `return_to` and
    optionally `hide_title`. A Jinja2 template (config/jinja2.py says why), rendered with the
    environment's own template rather than Django's wrapper (no request is passed)."""
    template = engines["jinja2"].env.get_template("scenarios/player.html")
    return SafeString(template.render({**context, **render_helpers()}))
