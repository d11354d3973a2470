"""The object of a statement: xAPI 1.0.3 Part Two 4.1.4 "Object".

An Activity (the default when objectType is absent), an Agent or Group, a Statement
Reference, or a Sub-Statement (which may not itself contain a Sub-Statement, 4.1.4.3).
"""

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, model_validator
from pydantic_core import PydanticCustomError

from .activities import Activity
from .agents import Actor, Agent, Group
from .attachments import Attachment
from .base import Timestamp, XapiModel
from .contexts import Context, StatementRef
from .results import Result
from .verbs import Verb


def _object_tag(data: Any) -> str:
    kind = data.get("objectType") if isinstance(data, dict) else getattr(data, "objectType", None)
    return {
        None: "~activity",
        "Activity": "~activity",
        "Agent": "~agent",
        "Group": "~group",
        "StatementRef": "~ref",
        "SubStatement": "~sub",
    }.get(kind, "~unknown")


class _UnknownObjectType(XapiModel):
    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, data: Any) -> Any:
        raise PydanticCustomError(
            "object_type",
            "objectType must be Activity, Agent, Group, StatementRef or SubStatement",
        )


class _NoNestedSubStatement(XapiModel):
    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, data: Any) -> Any:
        raise PydanticCustomError(
            "object_type", "a SubStatement must not contain another SubStatement"
        )


def _sub_object_tag(data: Any) -> str:
    tag = _object_tag(data)
    return "~nested" if tag == "~sub" else tag


SubStatementObject = Annotated[
    Annotated[Activity, Tag("~activity")]
    | Annotated[Agent, Tag("~agent")]
    | Annotated[Group, Tag("~group")]
    | Annotated[StatementRef, Tag("~ref")]
    | Annotated[_NoNestedSubStatement, Tag("~nested")]
    | Annotated[_UnknownObjectType, Tag("~unknown")],
    Discriminator(_sub_object_tag),
]


class SubStatement(XapiModel):
    """4.1.4.3: a statement inside a statement, e.g. "I planned to do X". It has no id,
    stored, version or authority of its own (those keys are refused)."""

    objectType: Literal["SubStatement"]
    actor: Actor
    verb: Verb
    object: SubStatementObject
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    attachments: list[Attachment] | None = None


StatementObject = Annotated[
    Annotated[Activity, Tag("~activity")]
    | Annotated[Agent, Tag("~agent")]
    | Annotated[Group, Tag("~group")]
    | Annotated[StatementRef, Tag("~ref")]
    | Annotated[SubStatement, Tag("~sub")]
    | Annotated[_UnknownObjectType, Tag("~unknown")],
    Discriminator(_object_tag),
]
