"""Twee 3 (Twine) import and export. Pure Python; the conventions are in docs/twee.md.

A passage is a node (its name is the node id), a link is a choice, a tag `ending-good`,
`ending-mixed` or `ending-poor` makes the passage an ending. Lines starting with `@` carry
what Twine has no place for: before the first link they describe the node (`@title`,
`@warning`, `@skip`, `@media`, `@debrief`); after a link they describe that choice
(`@id`, `@feedback`, `@score`, `@set`, `@if`). Variables are declared one per line in a
passage called `StoryVariables`.

Import never half-succeeds: any malformed line makes it raise `TweeError`, which lists
every problem with its line number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .engine import Choice, Graph, Node, Outcome, Variable
from .engine.expressions import (
    ExpressionError,
    format_conditions,
    format_effects,
    parse_conditions,
    parse_effects,
)
from .engine.graph import ID_MAX, SCORE_MAX, default_choice_id, format_value, parse_value

SPECIAL = {"StoryTitle", "StoryData", "StoryVariables"}
# Scenario.Audience's values (this module does without Django).
AUDIENCES = ("pupils", "staff")
IGNORED_TAGS = {"script", "stylesheet", "widget"}
NODE_DIRECTIVES = {"title", "warning", "skip", "media", "debrief"}
CHOICE_DIRECTIVES = {"id", "feedback", "score", "set", "if"}
# Given at most once for a node or a choice (the others add up: paragraphs, effects, conditions).
SINGLE_DIRECTIVES = {"title", "warning", "skip", "media", "id", "score"}
_HEADER = re.compile(r"^::\s*(?P<rest>.*)$")
# What the scenario's fields hold (scenarios.blocks): node ids (passage names), the nodes
# links go to and choice ids ID_MAX (60) characters, titles and link labels 255.
LABEL_MAX = 255
# A longer header, link, `@` line (but `@feedback` and `@debrief`) or variable is refused
# before it is read: they are read with regexes, which can be slow on a long line. A line of
# text is only kept, so it may be as long as the file: a paragraph of a node's text, its
# feedback or debrief, or the introduction in StoryData is exported on one line.
LINE_MAX = 10_000
PARAGRAPH_DIRECTIVES = {"feedback", "debrief"}


def _too_long(value: str, limit: int, what: str, line_no: int, errors: list[str]) -> None:
    if len(value) > limit:
        errors.append(
            f"Line {line_no}: {what} is {len(value)} characters long; Upstander keeps it to "
            f"{limit}. Shorten it (“{value[:40]}…”)."
        )


def _kept(value: str, what: str, line_no: int, errors: list[str]) -> bool:
    """Can `value`, read from StoryData's JSON, be kept? Its escapes can make a NUL
    (`\\u0000`, which PostgreSQL cannot store) or half of a surrogate pair (`\\ud83d` alone,
    which is not text, and no database takes): either is refused, and not repeated in the
    message, which could not be shown with it."""
    if "\x00" in value or any("\ud800" <= character <= "\udfff" for character in value):
        errors.append(
            f"Line {line_no}: StoryData's {what} has a character that cannot be kept, "
            "written as an escape: \\u0000 (a NUL), or one half of a pair such as "
            "\\ud83d\\ude00 written alone. Take it out, or type the character itself."
        )
        return False
    return True


def _text_setting(ours: dict, what: str, line_no: int, errors: list[str]) -> str:
    """StoryData's setting `what` (`"start"`, or one of its `"upstander"` settings): text,
    or "" when it is missing or null.
    Anything else is refused: `str()` would make a list the text "['…']"."""
    value = ours.get(what)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(f"Line {line_no}: StoryData's {what} is not text; write it in double quotes.")
        return ""
    return value


def _line_too_long(line: str, line_no: int, errors: list[str]) -> bool:
    if len(line) > LINE_MAX:
        errors.append(
            f"Line {line_no}: the line is {len(line)} characters long; break it into "
            f"lines of at most {LINE_MAX}."
        )
        return True
    return False


def _lines(text: str) -> list[str]:
    """`text`'s lines, broken at newlines only, as editors and Twine count them (not also at
    U+2028, form feeds and the other breaks `str.splitlines` knows, which would put every
    line number after one out). Empty text has no lines, as with `str.splitlines`."""
    if not text:
        return []
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _links(line: str) -> tuple[list[str], str]:
    r"""What is inside each `[[...]]` of `line`, and the line without them. One pass, where a
    regex such as `\[\[(.*?)\]\]` looks for the end from every `[[` (a 1 MB file of
    brackets took a minute)."""
    inners: list[str] = []
    outside: list[str] = []
    position = 0
    while (opening := line.find("[[", position)) != -1:
        closing = line.find("]]", opening + 2)
        if closing == -1:
            break
        outside.append(line[position:opening])
        inners.append(line[opening + 2 : closing])
        position = closing + 2
    outside.append(line[position:])
    return inners, "".join(outside)


class TweeError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class TweeStory:
    title: str
    graph: Graph
    ifid: str = ""
    # Upstander's own story settings, kept in StoryData under "upstander" (Twine keeps what
    # it does not know): who the scenario is for, and its introduction.
    audience: str = ""
    introduction: str = ""


@dataclass
class _Passage:
    name: str
    tags: list[str]
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)


def _escaped(text: str, index: int) -> bool:
    """Is the character at `index` escaped, by an odd number of backslashes before it?"""
    start = index
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return (index - start) % 2 == 1


def _split_header(rest: str, line_no: int, errors: list[str]) -> tuple[str, list[str]]:
    # `Name [tag tag] {"position": "..."}`; the name may contain escaped \[ \] \{ \}, and
    # Twine writes a space at either end of it as "\ " (a link such as `[[Go -> Next]]` makes
    # a passage " Next"). The metadata and tags end the line, so they are found from the end
    # with str methods: regexes anchored at the end try every position, which is slow on a
    # long header. What precedes them is not trimmed before the name is unescaped, so an
    # escaped space at its end stays escaped.
    trimmed = rest.rstrip()
    opening = trimmed.rfind("{", 0, len(trimmed) - 1) if trimmed.endswith("}") else -1
    # Metadata's brace is not escaped (Twine escapes the braces of a name: "Set \{x\}").
    if opening != -1 and "}" not in trimmed[opening + 1 : -1] and not _escaped(rest, opening):
        metadata = trimmed[opening:]
        try:
            json.loads(metadata)
        except ValueError:
            errors.append(f"Line {line_no}: the passage metadata {metadata} is not valid JSON.")
        rest = rest[:opening]
    # An unescaped "{" with no "}" after it is metadata that lost its closing brace (Twine
    # escapes a name's braces): kept, it would become part of the node id.
    opening = rest.rfind("{")
    while opening != -1 and _escaped(rest, opening):
        opening = rest.rfind("{", 0, opening)
    if opening != -1 and "}" not in rest[opening:]:
        errors.append(
            f"Line {line_no}: the passage metadata (from “{{” after the name) is not closed "
            "with “}”."
        )
        rest = rest[:opening]
    tags: list[str] = []
    trimmed = rest.rstrip()
    opening = -1
    if trimmed.endswith("]") and not _escaped(trimmed, len(trimmed) - 1):
        # The first unescaped "[" after the last "]" before the closing one.
        opening = trimmed.find("[", trimmed.rfind("]", 0, len(trimmed) - 1) + 1)
        while opening != -1 and _escaped(trimmed, opening):
            opening = trimmed.find("[", opening + 1)
    if opening != -1:
        tags = trimmed[opening + 1 : -1].split()
        rest = rest[:opening]
    elif "[" in rest.replace("\\[", "") and "]" not in rest.replace("\\]", ""):
        errors.append(f"Line {line_no}: the tag list is not closed with “]”.")
    # Upstander reads a link's passage without the spaces round it, so a name is read so too.
    name = re.sub(r"\\(.)", r"\1", rest).strip()
    return name, tags


def _passages(text: str, errors: list[str]) -> list[_Passage]:
    passages: list[_Passage] = []
    current: _Passage | None = None
    for line_no, line in enumerate(_lines(text), start=1):
        header = _HEADER.match(line)
        if header and _line_too_long(line, line_no, errors):
            # Not read; its lines are not put in the passage before it (nor refused one by
            # one as text before the first passage).
            current = _Passage(name="", tags=[], line=line_no)
            continue
        if header:
            name, tags = _split_header(header.group("rest"), line_no, errors)
            if not name:
                errors.append(f"Line {line_no}: a passage header “::” needs a name.")
            _too_long(name, ID_MAX, "the passage name", line_no, errors)
            current = _Passage(name=name, tags=tags, line=line_no)
            passages.append(current)
            continue
        if current is None:
            if line.strip():
                errors.append(
                    f"Line {line_no}: text before the first passage. Every passage starts "
                    "with a line like “:: Passage name”."
                )
            continue
        current.body.append((line_no, line))
    return passages


def _parse_link(inner: str) -> tuple[str, str]:
    if "->" in inner:
        label, target = inner.rsplit("->", 1)
    elif "<-" in inner:
        target, label = inner.split("<-", 1)
    elif "|" in inner:
        label, target = inner.split("|", 1)
    else:
        label = target = inner
    return label.strip(), target.strip()


def _node(passage: _Passage, errors: list[str]) -> Node:
    outcome = None
    for tag in passage.tags:
        if tag.startswith("ending-"):
            try:
                tagged = Outcome(tag.removeprefix("ending-"))
            except ValueError:
                errors.append(
                    f"Line {passage.line}: unknown tag “{tag}”. Endings are tagged "
                    "ending-good, ending-mixed or ending-poor."
                )
                continue
            if outcome is not None and tagged != outcome:
                errors.append(
                    f"Line {passage.line}: the passage is tagged as two endings "
                    f"(ending-{outcome.value} and {tag}); keep one."
                )
            outcome = outcome or tagged
    text_lines: list[str] = []
    node_fields = {"title": "", "warning": "", "skip": "", "media": "", "debrief": []}
    choices: list[dict] = []
    # The line each single directive of the node was given on.
    node_lines: dict[str, int] = {}
    for line_no, raw in passage.body:
        line = raw.rstrip()
        if line.startswith("\\"):
            # An escaped line is text, whatever it starts with.
            text_lines.append(line[1:])
            continue
        if line.startswith("@"):
            key, _sep, value = line[1:].partition(":")
            # A paragraph's line keeps its indent: only the space the export writes after the
            # colon is dropped (the text's first and last lines are trimmed when joined).
            paragraph_line = value.removeprefix(" ")
            key, value = key.strip().lower(), value.strip()
            if key not in PARAGRAPH_DIRECTIVES and _line_too_long(line, line_no, errors):
                continue
            if key not in NODE_DIRECTIVES | CHOICE_DIRECTIVES:
                # Most often text: a username starting a line of a post ("@maya_x: …").
                errors.append(
                    f"Line {line_no}: unknown “@{key}”. Known: "
                    + ", ".join(f"@{k}" for k in sorted(NODE_DIRECTIVES | CHOICE_DIRECTIVES))
                    + f". If the line is text, begin it with a backslash: “\\{line}”."
                )
                continue
            if not _sep:
                errors.append(f"Line {line_no}: “{line}” needs a colon, like “@{key}: …”.")
                continue
            if choices and key in CHOICE_DIRECTIVES:
                given = choices[-1]["lines"]
            else:
                given = node_lines if key in NODE_DIRECTIVES and not choices else {}
            if key in SINGLE_DIRECTIVES and key in given:
                # The second would replace the first without a word.
                errors.append(
                    f"Line {line_no}: a second “@{key}” (the first is on line {given[key]}); "
                    "keep one."
                )
                continue
            given[key] = line_no
            if choices and key in CHOICE_DIRECTIVES:
                choice = choices[-1]
                if key == "score":
                    if not re.fullmatch(r"[+-]?[0-9]+", value):
                        errors.append(f"Line {line_no}: the score “{value}” is not a whole number.")
                    # Python reads no whole number of more than 4,300 digits: a long one
                    # is out of range before it is read.
                    elif (
                        len(value.lstrip("+-").lstrip("0")) > len(str(SCORE_MAX))
                        or not -SCORE_MAX <= int(value) <= SCORE_MAX
                    ):
                        shown = value if len(value) <= 40 else value[:40] + "…"
                        errors.append(
                            f"Line {line_no}: the score “{shown}” is out of range; a choice's "
                            f"score change is between -{SCORE_MAX} and {SCORE_MAX}."
                        )
                    else:
                        choice["score"] = int(value)
                elif key == "set":
                    try:
                        choice["effects"] += parse_effects(value)
                    except ExpressionError as error:
                        errors.append(f"Line {line_no}: {error}")
                elif key == "if":
                    try:
                        choice["conditions"] += parse_conditions(value)
                    except ExpressionError as error:
                        errors.append(f"Line {line_no}: {error}")
                elif key == "feedback":
                    choice["feedback"].append(paragraph_line)
                else:
                    _too_long(value, ID_MAX, "the choice id", line_no, errors)
                    choice["id"] = value
            elif key in NODE_DIRECTIVES and not choices:
                if key == "debrief":
                    node_fields["debrief"].append(paragraph_line)
                else:
                    if key in ("skip", "title"):
                        limit = ID_MAX if key == "skip" else LABEL_MAX
                        _too_long(value, limit, f"“@{key}”", line_no, errors)
                    node_fields[key] = value
            elif key in CHOICE_DIRECTIVES:
                errors.append(
                    f"Line {line_no}: “@{key}” describes a choice, so it must come after a link."
                )
            else:
                errors.append(
                    f"Line {line_no}: “@{key}” describes the passage, so it must come "
                    "before the first link."
                )
            continue
        if "[[" in line or "]]" in line:
            if _line_too_long(line, line_no, errors):
                continue
            inners, stripped = _links(line)
            if "[[" in stripped or "]]" in stripped:
                errors.append(
                    f"Line {line_no}: a link is not closed; links look like [[Label->Passage]]."
                )
                continue
            if stripped.strip():
                errors.append(
                    f"Line {line_no}: put each link on a line of its own (found text "
                    f"“{stripped.strip()}” beside it)."
                )
                continue
            for inner in inners:
                label, target = _parse_link(inner)
                if not target:
                    errors.append(f"Line {line_no}: the link [[{inner}]] has no passage to go to.")
                _too_long(target, ID_MAX, "the passage the link goes to", line_no, errors)
                _too_long(label, LABEL_MAX, "the link's text", line_no, errors)
                choices.append(
                    {
                        "id": "",
                        "label": label,
                        "target": target,
                        "feedback": [],
                        "score": 0,
                        "effects": (),
                        "conditions": (),
                        "lines": {},
                    }
                )
            continue
        if choices and line.strip():
            errors.append(
                f"Line {line_no}: text after the links. Put the situation before the links, "
                "or use @feedback for words shown after a choice."
            )
            continue
        text_lines.append(line)
    return Node(
        id=passage.name,
        title=node_fields["title"],
        text="\n".join(text_lines).strip(),
        media=node_fields["media"],
        content_warning=node_fields["warning"],
        skip_to=node_fields["skip"],
        outcome=outcome,
        debrief="\n".join(node_fields["debrief"]).strip(),
        choices=tuple(
            Choice(
                id=c["id"] or default_choice_id(passage.name, index),
                label=c["label"],
                target=c["target"],
                feedback="\n".join(c["feedback"]).strip(),
                score=c["score"],
                effects=c["effects"],
                conditions=c["conditions"],
            )
            for index, c in enumerate(choices, start=1)
        ),
    )


def _is_twine_html(text: str) -> bool:
    """What Twine 2 writes as HTML: "Publish to File", or a story in a library archive. Told
    by how the file opens: a Twee passage may name or mention <tw-storydata> in its words."""
    opening = text.lstrip()[:200].lower()
    return opening.startswith(("<tw-storydata", "<!doctype html", "<html"))


def twee_parse(text: str) -> TweeStory:
    """Parse a Twee 3 story into a title and an engine Graph; raises TweeError."""
    errors: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    if _is_twine_html(text):
        raise TweeError(
            [
                "This is a Twine HTML file (a published story or a library archive), not "
                "Twee. In Twine, open the story and choose Build → Export as Twee, then "
                "import that file."
            ]
        )
    passages = _passages(text, errors)
    if not passages and not errors:
        errors.append("Line 1: the file has no passages. Is it a Twee 3 file?")
    title, ifid, start, audience, introduction = "", "", "", "", ""
    variables: list[Variable] = []
    nodes: list[Node] = []
    seen: dict[str, int] = {}
    for passage in passages:
        if passage.name in seen:
            errors.append(
                f"Line {passage.line}: a second passage called “{passage.name}” "
                f"(the first is on line {seen[passage.name]})."
            )
            continue
        seen[passage.name] = passage.line
        if passage.name == "StoryTitle":
            # Escaped as passage text is (a title may start with "::", which would otherwise
            # begin a passage). A title is one line, as Twine writes it: the admin's title
            # field would join the lines into one word the first time the scenario is saved.
            written = [(n, line) for n, line in passage.body if line.strip()]
            if len(written) > 1:
                errors.append(
                    f"Line {written[1][0]}: the story's title goes on over more than one "
                    "line. Put the title on one line."
                )
            elif written:
                line_no, line = written[0]
                title = line.strip().removeprefix("\\")
                _too_long(title, LABEL_MAX, "the story's title", line_no, errors)
        elif passage.name == "StoryData":
            written = "\n".join(line for _n, line in passage.body)
            try:
                data = json.loads(written) if written.strip() else {}
                if not isinstance(data, dict):
                    raise ValueError
            except json.JSONDecodeError as error:
                # Said at the line the JSON goes wrong on, not at the passage's header.
                errors.append(
                    f"Line {passage.body[error.lineno - 1][0]}: StoryData is not valid JSON "
                    f"({error.msg})."
                )
                continue
            except ValueError:
                errors.append(f"Line {passage.line}: StoryData is not a valid JSON object.")
                continue
            ifid = str(data.get("ifid", ""))
            # Refused when not text, as Upstander's own settings are: `str()` made a list the
            # node "['…']", and `false` silently started at the first passage.
            start = _text_setting(data, "start", passage.line, errors).strip()
            if _kept(start, "start", passage.line, errors):
                _too_long(start, ID_MAX, "the start passage in StoryData", passage.line, errors)
            ours = data.get("upstander")
            if isinstance(ours, dict):
                audience = _text_setting(ours, "audience", passage.line, errors)
                introduction = _text_setting(ours, "introduction", passage.line, errors)
                _kept(introduction, "introduction", passage.line, errors)
                known = audience in ("", *AUDIENCES)
                if _kept(audience, "audience", passage.line, errors) and not known:
                    errors.append(
                        f"Line {passage.line}: StoryData's audience “{audience}” is not one "
                        f"of {', '.join(AUDIENCES)}."
                    )
        elif passage.name == "StoryVariables":
            for line_no, line in passage.body:
                if not line.strip() or _line_too_long(line, line_no, errors):
                    continue
                name, sep, value = line.partition("=")
                if not sep or not re.fullmatch(r"\$?[A-Za-z_][A-Za-z0-9_]*", name.strip()):
                    errors.append(f"Line {line_no}: declare a variable like “reported = false”.")
                    continue
                name, initial = name.strip().lstrip("$"), parse_value(value)
                # The admin's variable fields hold 60 characters (scenarios.blocks).
                _too_long(name, ID_MAX, "the variable name", line_no, errors)
                _too_long(
                    format_value(initial),
                    ID_MAX,
                    "the starting value of the variable",
                    line_no,
                    errors,
                )
                variables.append(Variable(name, initial))
        elif IGNORED_TAGS & set(passage.tags):
            continue
        else:
            nodes.append(_node(passage, errors))
    if passages and not nodes:
        # Imported, it was a draft with nothing in it (a story saved before its first passage
        # was written, say).
        errors.append(
            "Line 1: the story has no passages for the scenario (StoryTitle, StoryData and "
            "StoryVariables describe the story; script, stylesheet and widget passages are "
            "left out). Add one, like “:: Start”."
        )
    if errors:
        raise TweeError(errors)
    if not start and nodes:
        start = nodes[0].id
    return TweeStory(
        title=title or "Imported scenario",
        ifid=ifid,
        audience=audience,
        introduction=introduction,
        graph=Graph(start=start, nodes=tuple(nodes), variables=tuple(variables)),
    )


def _escape_name(name: str) -> str:
    return re.sub(r"([\[\]{}\\])", r"\\\1", name)


def _escape_text(line: str) -> str:
    if line.startswith(("::", "@", "\\")) or "[[" in line or "]]" in line:
        return "\\" + line
    return line


def twee_export(
    *,
    title: str,
    graph: Graph,
    ifid: str,
    audience: str = "",
    introduction: str = "",
    unread: Mapping[tuple[int, int, str], str] | None = None,
) -> str:
    """A Twee 3 story for `graph`, which `twee_parse` reads back to the same graph (and the
    same audience and introduction).

    `unread` is a draft's condition or effect text that could not be read, by the node's
    place, the choice's place and "conditions" or "effects": it is written as typed, so the
    typo comes back to be fixed (importing says where), not lost from the story."""
    unread = unread or {}
    # On one line, as the import reads it (a title imported before that was checked may
    # hold a line break).
    one_line = " ".join(line.strip() for line in _lines(title) if line.strip())
    out = [":: StoryTitle", _escape_text(one_line), ""]
    data = {
        "ifid": ifid.upper(),
        "format": "Harlowe",
        "format-version": "3.3.9",
        "start": graph.start,
    }
    if audience or introduction:
        data["upstander"] = {"audience": audience, "introduction": introduction}
    out += [":: StoryData", json.dumps(data, indent=2, ensure_ascii=False), ""]
    if graph.variables:
        out.append(":: StoryVariables")
        out += [f"{v.name} = {format_value(v.initial)}" for v in graph.variables]
        out.append("")
    for place, node in enumerate(graph.nodes):
        tags = f" [ending-{node.outcome.value}]" if node.outcome else ""
        out.append(f":: {_escape_name(node.id)}{tags}")
        for key, value in (
            ("title", node.title),
            ("warning", node.content_warning),
            ("skip", node.skip_to),
            ("media", node.media),
        ):
            if value:
                out.append(f"@{key}: {value}")
        for line in _lines(node.debrief):
            out.append(f"@debrief: {line}")
        out += [_escape_text(line) for line in _lines(node.text)]
        for index, choice in enumerate(node.choices, start=1):
            # A link is split at its last "->" (here and in Twine), and node ids hold none, so
            # arrows in the words stay as they are. "]]" would end the link early: the
            # validator refuses it, but a draft with one is still exported, as a link.
            label = choice.label.replace("]]", "] ]")
            out.append(f"[[{label}->{choice.target}]]")
            if choice.id != default_choice_id(node.id, index):
                out.append(f"@id: {choice.id}")
            for line in _lines(choice.feedback):
                out.append(f"@feedback: {line}")
            if choice.score:
                out.append(f"@score: {choice.score}")
            effects = unread.get((place, index - 1, "effects")) or format_effects(choice.effects)
            if effects:
                out.append(f"@set: {effects}")
            conditions = unread.get((place, index - 1, "conditions")) or format_conditions(
                choice.conditions
            )
            if conditions:
                out.append(f"@if: {conditions}")
        out.append("")
    return "\n".join(out)
