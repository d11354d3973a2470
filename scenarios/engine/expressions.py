"""The small text language authors use for conditions and effects.

Conditions: `reported == true`, `warnings >= 2`, several joined by `and` (or `&&`).
Effects: `reported = true`, several separated by `;` or `,`.
The same text appears in the admin, in Twee files and in exports, so it round-trips.
"""

from __future__ import annotations

import re

from .graph import Condition, Effect, Op, format_value, parse_value

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_CONDITION = re.compile(rf"^\$?({_NAME})\s*(==|!=|<=|>=|<|>|=|is not|is)\s*(.+)$")
_EFFECT = re.compile(rf"^\$?({_NAME})\s*(?:=|to)\s*(.+)$")
_OPS = {"=": Op.EQ, "is": Op.EQ, "is not": Op.NE}


class ExpressionError(ValueError):
    """Text that is not a condition or effect; the message says what was expected."""


def _split(text: str, separator: str) -> list[str]:
    """`text` split where `separator` (a regex) stands outside "quoted text": a text value
    may hold a comma, a semicolon or the word "and"."""
    parts, start = [], 0
    for match in re.finditer(rf'"[^"]*"|(?P<sep>{separator})', text):
        if match.group("sep") is not None:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def parse_conditions(text: str) -> tuple[Condition, ...]:
    text = (text or "").strip()
    if not text:
        return ()
    conditions = []
    for part in _split(text, r"\s+and\s+|\s*&&\s*"):
        match = _CONDITION.match(part.strip())
        if not match:
            raise ExpressionError(
                f"“{part.strip()}” is not a condition. Write it like “reported == true” "
                "or “warnings >= 2”."
            )
        name, op, value = match.groups()
        conditions.append(Condition(name, _OPS.get(op) or Op(op), parse_value(value)))
    return tuple(conditions)


def parse_effects(text: str) -> tuple[Effect, ...]:
    text = (text or "").strip()
    if not text:
        return ()
    effects = []
    for part in _split(text, r"\s*[;,]\s*"):
        if not part.strip():
            continue
        match = _EFFECT.match(part.strip())
        if not match:
            raise ExpressionError(
                f"“{part.strip()}” is not an effect. Write it like “reported = true”."
            )
        name, value = match.groups()
        effects.append(Effect(name, parse_value(value)))
    return tuple(effects)


def format_conditions(conditions: tuple[Condition, ...]) -> str:
    return " and ".join(str(c) for c in conditions)


def format_effects(effects: tuple[Effect, ...]) -> str:
    return "; ".join(f"{e.variable} = {format_value(e.value)}" for e in effects)
