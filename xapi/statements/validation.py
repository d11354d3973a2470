"""Validating incoming statements, turning pydantic's errors into field paths.

`statement_validate()` is what `xapi.services.record()` and the LRS call; it checks one
statement dict against the models in this package for the given xAPI version.
"""

from typing import Any

from pydantic import ValidationError

from .errors import StatementValidationError
from .statement import Statement


def _path(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, str) and item.startswith("~"):
            continue  # a union tag, not a field
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts)


def _message(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "is not an allowed property"
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        return f"must be {error.get('ctx', {}).get('expected', 'one of the allowed values')}"
    return error["msg"]


def errors_from(exc: ValidationError) -> list[tuple[str, str]]:
    """(path, message) pairs for a pydantic ValidationError, one per problem."""
    seen = []
    for error in exc.errors(include_url=False):
        path = _path(error["loc"])
        if error["type"] == "null":
            # Raised by the model holding the key, so name the key itself.
            key = error["ctx"]["key"]
            path = f"{path}.{key}" if path else key
        item = (path, _message(error))
        if item not in seen:
            seen.append(item)
    return seen


def statement_validate(data: Any, *, version: str = "2.0.0") -> Statement:
    """Check one statement; raise StatementValidationError naming every wrong field."""
    if not isinstance(data, dict):
        raise StatementValidationError([("", "a statement must be a JSON object")])
    try:
        return Statement.model_validate(data, context={"version": version})
    except ValidationError as exc:
        raise StatementValidationError(errors_from(exc)) from None


def statements_validate(items: Any, *, version: str = "2.0.0") -> list[Statement]:
    """Check a batch; error paths start with the statement's index, e.g. `[3].verb.id`."""
    if not isinstance(items, list):
        raise StatementValidationError([("", "expected a statement or an array of statements")])
    errors: list[tuple[str, str]] = []
    models = []
    for index, item in enumerate(items):
        try:
            models.append(statement_validate(item, version=version))
        except StatementValidationError as exc:
            errors += exc.prefixed(f"[{index}]").errors
    if errors:
        raise StatementValidationError(errors)
    return models
