"""The `format` parameter of GET Statements (xAPI 1.0.3 Part Three 2.1.3): exact, ids,
canonical."""

import copy

from ..statements.arrays import context_activities_listed
from .signatures import without_signature

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def _agent_ids(agent: dict) -> dict:
    out = {"objectType": agent.get("objectType", "Agent")}
    for key in IFI_KEYS:
        if key in agent:
            out[key] = agent[key]
    if out["objectType"] == "Group" and not any(k in agent for k in IFI_KEYS):
        # Anonymous Group: "the minimum information needed to identify each member".
        out["member"] = [_agent_ids(m) for m in agent.get("member", [])]
    return out


def _object_ids(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return {"objectType": "Activity", "id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "SubStatement":
        return _statement_ids(obj)
    return obj


def _context_ids(context: dict) -> dict:
    context = dict(context)
    for key in ("instructor", "team"):
        if key in context:
            context[key] = _agent_ids(context[key])
    if "contextActivities" in context:
        context["contextActivities"] = {
            key: [_object_ids(a) for a in (v if isinstance(v, list) else [v])]
            for key, v in context["contextActivities"].items()
        }
    for key, inner in (("contextAgents", "agent"), ("contextGroups", "group")):
        if key in context:
            context[key] = [{**item, inner: _agent_ids(item[inner])} for item in context[key]]
    return context


def _statement_ids(statement: dict) -> dict:
    out = dict(statement)
    out["actor"] = _agent_ids(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _object_ids(statement["object"])
    if "context" in statement:
        out["context"] = _context_ids(statement["context"])
    if "authority" in statement:
        out["authority"] = _agent_ids(statement["authority"])
    return out


def _accepted_languages(header: str) -> tuple[list[str], list[str]]:
    """The language ranges of an Accept-Language header, most wanted first, and those it
    refuses (quality 0: "not acceptable", RFC 9110 12.5.4), lower-cased."""
    languages = []
    refused = []
    for part in (header or "").split(","):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if not tag:
            continue
        if quality <= 0:
            refused.append(tag)
        else:
            languages.append((quality, tag))
    return [tag for _q, tag in sorted(languages, key=lambda x: -x[0])], refused


def _refused(key: str, refused: list[str]) -> bool:
    """Whether a refused language range matches the tag `key` (RFC 4647 basic filtering)."""
    return any(key == tag or key.startswith(tag + "-") for tag in refused if tag != "*")


def _one_language(language_map: dict, accepted: tuple[list[str], list[str]]) -> dict:
    if not language_map:
        return language_map
    languages, refused = accepted
    lowered = {key.lower(): key for key in language_map if not _refused(key.lower(), refused)}
    for tag in languages:
        if tag == "*":
            break
        for candidate in (tag, tag.split("-")[0]):
            if candidate in lowered:
                key = lowered[candidate]
                return {key: language_map[key]}
        for low, key in lowered.items():
            if low.split("-")[0] == tag.split("-")[0]:
                return {key: language_map[key]}
    # The first the client does not refuse; one language even if it refuses them all.
    key = next(iter(lowered.values()), None) or next(iter(language_map))
    return {key: language_map[key]}


def _canonical(value, languages, parent_key=""):
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            if key == "extensions":
                out[key] = inner
            elif key in ("display", "name", "description") and isinstance(inner, dict):
                out[key] = _one_language(inner, languages)
            else:
                out[key] = _canonical(inner, languages, key)
        return out
    if isinstance(value, list):
        return [_canonical(v, languages, parent_key) for v in value]
    return value


def _activities(statement: dict) -> list[dict]:
    """The Activity Objects of a statement (context activities as arrays): its object, its
    context activities and those of a SubStatement object."""
    found = []
    obj = statement.get("object") or {}
    if obj.get("objectType", "Activity") == "Activity":
        found.append(obj)
    elif obj.get("objectType") == "SubStatement":
        found += _activities(obj)
    for activities in ((statement.get("context") or {}).get("contextActivities") or {}).values():
        found += activities
    return found


def activity_iris(statement: dict) -> list[str]:
    """The ids of the activities `statement_format` gives canonical definitions to."""
    return [a["id"] for a in _activities(context_activities_listed(statement)) if "id" in a]


def statement_format(
    statement: dict, fmt: str, accept_language: str = "", definitions: dict | None = None
) -> dict:
    """The statement as the client asked for it. `definitions` (canonical format): the LRS's
    canonical definition of each activity that has one, by activity id."""
    if fmt == "ids":
        return _statement_ids(statement)
    # Statements are stored with their context activities as arrays; this covers any stored
    # before that was so.
    statement = context_activities_listed(statement)
    if fmt == "canonical":
        # "Activity Objects ... populated with the canonical definition of the Activity
        # Objects ... as determined by the LRS" (Part Three 2.1.3), then one language each.
        statement = copy.deepcopy(statement)
        for activity in _activities(statement):
            if activity.get("id") in (definitions or {}):
                activity["definition"] = copy.deepcopy(definitions[activity["id"]])
        return _canonical(statement, _accepted_languages(accept_language))
    return statement


def statement_versioned(statement: dict, version: str) -> dict:
    """`statement` as a client or a forwarding target speaking `version` takes it. A 1.0.3
    LRS "MUST reject all Statements with a version specified that does not start with 1.0."
    (xAPI 1.0.3 Part Two 2.4.10), so one recorded under 2.0.0 goes to it as 1.0.0, the
    version a 1.0.3 LRS gives a statement itself. A signature still matches: the version is
    something the LRS sets, which comparing statements leaves out
    (`services.COMPARE_IGNORED`).

    The Statement Resource answers a 1.0.x reader the same way: TinCanPython, for one, cannot
    read a context with contextAgents.

    1.0.3 has no contextAgents or contextGroups (2.0.0 Part Two 4.2.2.6 added them) and its
    LRS "SHOULD* reject Statements containing additional properties" (1.0.3 Part Two 2.2),
    so they are left out, in the statement and in a SubStatement object; a signature, which
    covered them, no longer matches and is left out too."""
    if not version.startswith("1."):
        return statement
    out = statement
    if not str(statement.get("version", "1.0.")).startswith("1.0."):
        out = {**out, "version": "1.0.0"}
    trimmed = _without_context_agents(out)
    obj = trimmed.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        inner = _without_context_agents(obj)
        if inner is not obj:
            trimmed = {**trimmed, "object": inner}
    if trimmed is not out:
        return without_signature(trimmed)
    return out


TWO_ZERO_CONTEXT = ("contextAgents", "contextGroups")


def _without_context_agents(data: dict) -> dict:
    """`data` without its context's 2.0.0-only properties (the same dict when it has none);
    a context left with nothing in it is left out."""
    context = data.get("context")
    if not isinstance(context, dict) or not any(key in context for key in TWO_ZERO_CONTEXT):
        return data
    kept = {key: value for key, value in context.items() if key not in TWO_ZERO_CONTEXT}
    out = {key: value for key, value in data.items() if key != "context"}
    if kept:
        out["context"] = kept
    return out
