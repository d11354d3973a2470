"""The small text language authors use for conditions and effects.

Conditions: `reported == true`, `warnings >= 2`, several joined by `and` (or `&&`).
Effects: `reported = true`, several separated by `;` or `,`.
The same text appears in the admin, in Twee files and in exports, so it round-trips.
"""

from __future__ import annotations

import re

from .graph import Condition, Effect, Op, Value, format_value, parse_value

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# "is", "is not" and "to" as whole words: "status is notified" compares with "notified".
# The value does not start with "=", "<" or ">": "told ==" is a condition with no value, not
# "told = =" (which was then called more than one condition). Nor is "told is not" `told is`
# the text "not": it too has no value (`told is "not"` compares with the word).
_CONDITION = re.compile(
    rf"^\$?({_NAME})\s*(==|!=|<=|>=|<|>|=|is\s+not\b|is\b(?!\s+not$))\s*([^\s=<>].*)$"
)
_EFFECT = re.compile(rf"^\$?({_NAME})\s*(?:=|\bto\b)\s*(.+)$")
_OPS = {"=": Op.EQ, "is": Op.EQ, "is not": Op.NE}
# Unquoted text holding these is a second condition or a slip ("told == true or ...",
# "warnings == 2" as an effect), not text: read as text, it would never hold, unnoticed.
_NOT_TEXT = re.compile(r"[=<>]|&&|\|\||\b(?:and|or)\b", re.IGNORECASE)


def _value(text: str) -> Value | None:
    """The value `text` stands for, or None when it is unquoted text that looks like more
    than a value."""
    text = text.strip()
    quoted = len(text) >= 2 and text[0] == text[-1] == '"'
    if not quoted and _NOT_TEXT.search(text):
        return None
    return parse_value(text)


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
        name, op, text = match.groups()
        value = _value(text)
        if value is None:
            raise ExpressionError(
                f"“{part.strip()}” is more than one condition. Join conditions with “and” "
                "(“or” is not understood), and put text in double quotes."
            )
        op = " ".join(op.split())
        conditions.append(Condition(name, _OPS.get(op) or Op(op), value))
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
        name, text = match.groups()
        value = _value(text)
        if value is None:
            raise ExpressionError(
                f"“{part.strip()}” is more than one effect. Set a variable with a single “=”, "
                "separate effects with “;”, and put text in double quotes."
            )
        effects.append(Effect(name, value))
    return tuple(effects)


def format_conditions(conditions: tuple[Condition, ...]) -> str:
    return " and ".join(str(c) for c in conditions)


def format_effects(effects: tuple[Effect, ...]) -> str:
    return "; ".join(f"{e.variable} = {format_value(e.value)}" for e in effects)
