"""Upstander's own xAPI profile: the verbs, activity types and extensions we define.

Published as a JSON-LD document (xAPI Profiles 1.0, Part Two) at `{SITE_URL}/xapi/profile/`.
Every statement we build carries the profile IRI in `context.contextActivities.category`, as
the profiles spec recommends, so an LRS can tell which rules our statements follow.
"""

from django.conf import settings

from . import vocabulary


def profile_iri() -> str:
    return f"{settings.SITE_URL}/xapi/profile/"


def term_iri(kind: str, name: str) -> str:
    """`{SITE_URL}/xapi/profile/<kind>/<name>` (kind: verbs, activity-types, extensions)."""
    return f"{profile_iri()}{kind}/{name}"


def verb_chose() -> vocabulary.VerbTerm:
    """A learner picked one of the choices at a scenario node."""
    return vocabulary.VerbTerm(term_iri("verbs", "chose"), "chose")


def type_checklist() -> str:
    return term_iri("activity-types", "checklist")


def type_scenario() -> str:
    return term_iri("activity-types", "scenario")


def ext(name: str) -> str:
    return term_iri("extensions", name)


# Extensions: name -> (where it goes, what it means).
EXTENSIONS = {
    "node-id": ("ResultExtension", "The id of the scenario node the learner was on."),
    "choice-id": ("ResultExtension", "The id of the choice the learner made."),
    "choice-label": ("ResultExtension", "The text of the choice, as the learner saw it."),
    "path": ("ResultExtension", "The node ids visited so far in this attempt, in order."),
    "outcome": ("ResultExtension", "The outcome of the scenario ending reached."),
    "ticked": ("ResultExtension", "How many checklist items are ticked."),
    "total": ("ResultExtension", "How many items the checklist has."),
    "class-lesson": (
        "ContextExtension",
        "The lesson a teacher led with the learner's class, in which the learner took this "
        "module: its id in the school's records (who led it is kept there, not here).",
    ),
}
VERBS = {"chose": "Chose one of the options offered at a point in a branching scenario."}
ACTIVITY_TYPES = {
    "checklist": "A list of steps (such as privacy settings) the learner ticks off.",
    "scenario": "A branching scenario: a graph of situations and choices with endings.",
}


def profile_document() -> dict:
    """The JSON-LD profile document (xAPI Profiles 1.0 "Profile" object)."""
    base = profile_iri()
    concepts = []
    for name, definition in VERBS.items():
        concepts.append(
            {
                "id": term_iri("verbs", name),
                "type": "Verb",
                "inScheme": f"{base}v1",
                "prefLabel": {"en": name},
                "definition": {"en": definition},
            }
        )
    for name, definition in ACTIVITY_TYPES.items():
        concepts.append(
            {
                "id": term_iri("activity-types", name),
                "type": "ActivityType",
                "inScheme": f"{base}v1",
                "prefLabel": {"en": name},
                "definition": {"en": definition},
            }
        )
    for name, (kind, definition) in EXTENSIONS.items():
        concepts.append(
            {
                "id": ext(name),
                "type": kind,
                "inScheme": f"{base}v1",
                "prefLabel": {"en": name},
                "definition": {"en": definition},
            }
        )
    return {
        "@context": "https://w3id.org/xapi/profiles/context",
        "id": base,
        "type": "Profile",
        "conformsTo": "https://w3id.org/xapi/profiles#1.0",
        "prefLabel": {"en": "Upstander online-safety training"},
        "definition": {
            "en": (
                "Statements recorded by Upstander: course and module progress, branching "
                "scenario choices and endings, quiz answers and results, and checklists. "
                "Learners appear only as an account with an opaque id."
            )
        },
        "author": {"type": "Organization", "name": "Upstander"},
        "versions": [{"id": f"{base}v1", "generatedAtTime": "2026-01-01T00:00:00Z"}],
        "concepts": concepts,
    }
