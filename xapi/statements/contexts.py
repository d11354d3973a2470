"""Contexts: xAPI 1.0.3 Part Two 4.1.6 "Context", and xAPI 2.0.0's contextAgents and
contextGroups (IEEE 9274.1.1, 4.2.2.6)."""

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictStr, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from .activities import Activity
from .agents import Actor, Agent, Group
from .base import IRI, Extensions, LanguageTag, UUIDStr, XapiModel


def _as_list(value: Any) -> Any:
    # 4.1.6.2: "Every value in the contextActivities Object MUST be either a single
    # Activity Object or an array of Activity Objects"; we read both as an array.
    return [value] if isinstance(value, dict) else value


ActivityList = Annotated[list[Activity], BeforeValidator(_as_list)]
# 2.0.0: "relevantTypes", when given, is "a collection of 1 or more Relevant Type(s)".
RelevantTypes = Annotated[list[IRI], Field(min_length=1)]


class ContextActivities(XapiModel):
    """4.1.6.2: activities that give the statement context (parent, grouping, ...)."""

    parent: ActivityList | None = None
    grouping: ActivityList | None = None
    category: ActivityList | None = None
    other: ActivityList | None = None

    @model_validator(mode="after")
    def _not_empty(self):
        # 4.1.6.2: "contextActivities" holds one or more of parent, grouping, category, other.
        if all(v is None for v in (self.parent, self.grouping, self.category, self.other)):
            raise PydanticCustomError(
                "context_activities",
                "contextActivities needs at least one of parent, grouping, category or other",
            )
        return self


class StatementRef(XapiModel):
    """4.1.4.3 "Statement Reference": points to another statement by id."""

    objectType: Literal["StatementRef"]
    id: UUIDStr


class ContextAgent(XapiModel):
    """2.0.0: an Agent related to the statement, with why (relevantTypes)."""

    objectType: Literal["contextAgent"]
    agent: Agent
    relevantTypes: RelevantTypes | None = None


class ContextGroup(XapiModel):
    """2.0.0: a Group related to the statement, with why (relevantTypes)."""

    objectType: Literal["contextGroup"]
    group: Group
    relevantTypes: RelevantTypes | None = None


class Context(XapiModel):
    """Where and why: registration, instructor, team, contextActivities, language, ..."""

    registration: UUIDStr | None = None
    instructor: Actor | None = None
    team: Group | None = None
    contextActivities: ContextActivities | None = None
    contextAgents: list[ContextAgent] | None = None
    contextGroups: list[ContextGroup] | None = None
    revision: StrictStr | None = None
    platform: StrictStr | None = None
    language: LanguageTag | None = None
    statement: StatementRef | None = None
    extensions: Extensions | None = None

    @model_validator(mode="after")
    def _version_2_only(self, info: ValidationInfo):
        version = (info.context or {}).get("version", "2.0.0")
        if not version.startswith("2.") and (self.contextAgents or self.contextGroups):
            raise PydanticCustomError(
                "version",
                "contextAgents and contextGroups need xAPI 2.0.0 "
                "(send X-Experience-API-Version: 2.0.0)",
            )
        return self
