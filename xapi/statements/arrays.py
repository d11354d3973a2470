"""Context activities as arrays: Part Two 4.1.6.2 lets a statement give a single Activity
where an array is expected, and says "the LRS MUST return single Activity Objects as an Array
of length one containing the same Activity". Pure functions on statement dicts."""


def _context_listed(context) -> dict | None:
    """The context with each contextActivities value an array, or None if it already is."""
    if not isinstance(context, dict):
        return None
    activities = context.get("contextActivities")
    if not isinstance(activities, dict) or not any(
        isinstance(value, dict) for value in activities.values()
    ):
        return None
    return {
        **context,
        "contextActivities": {
            key: [value] if isinstance(value, dict) else value for key, value in activities.items()
        },
    }


def context_activities_listed(statement: dict) -> dict:
    """`statement` with every contextActivities value an array, in its context and in a
    SubStatement's. The same dict when nothing needs changing; otherwise a copy that shares
    every part it did not change (the input is never modified)."""
    out = statement
    context = _context_listed(statement.get("context"))
    if context is not None:
        out = {**out, "context": context}
    obj = statement.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        context = _context_listed(obj.get("context"))
        if context is not None:
            out = {**out, "object": {**obj, "context": context}}
    return out
