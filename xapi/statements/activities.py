"""Activities and their definitions: xAPI 1.0.3 Part Two 4.1.4.1 "When the Object is an
Activity", including the cmi.interaction definitions (4.1.4.1, "Interaction Activities")."""

from typing import Literal

from pydantic import StrictStr, model_validator
from pydantic_core import PydanticCustomError

from .base import IRI, Extensions, LanguageMap, XapiModel

INTERACTION_TYPES = (
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
)
# Which component lists each interaction type may carry ("Interaction Components").
COMPONENTS_BY_TYPE = {
    "choice": {"choices"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "matching": {"source", "target"},
    "performance": {"steps"},
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


class InteractionComponent(XapiModel):
    """One choice, scale point, source, target or step of an interaction."""

    id: StrictStr
    description: LanguageMap | None = None

    @model_validator(mode="after")
    def _id_not_blank(self):
        if not self.id.strip():
            raise PydanticCustomError("component", "id must not be empty")
        return self


class ActivityDefinition(XapiModel):
    """What an activity is: name, description, type, and for interactions their shape."""

    name: LanguageMap | None = None
    description: LanguageMap | None = None
    type: IRI | None = None
    moreInfo: IRI | None = None
    extensions: Extensions | None = None
    interactionType: Literal[INTERACTION_TYPES] | None = None
    correctResponsesPattern: list[StrictStr] | None = None
    choices: list[InteractionComponent] | None = None
    scale: list[InteractionComponent] | None = None
    source: list[InteractionComponent] | None = None
    target: list[InteractionComponent] | None = None
    steps: list[InteractionComponent] | None = None

    @model_validator(mode="after")
    def _interaction_shape(self):
        present = {name for name in COMPONENT_LISTS if getattr(self, name) is not None}
        if self.interactionType is None:
            if present or self.correctResponsesPattern is not None:
                raise PydanticCustomError(
                    "interaction",
                    "interaction properties ({names}) need an interactionType",
                    {"names": ", ".join(sorted(present) or ["correctResponsesPattern"])},
                )
            return self
        allowed = COMPONENTS_BY_TYPE.get(self.interactionType, set())
        wrong = present - allowed
        if wrong:
            raise PydanticCustomError(
                "interaction",
                "interactionType {kind} cannot have {names}",
                {"kind": self.interactionType, "names": ", ".join(sorted(wrong))},
            )
        for name in present:
            ids = [c.id for c in getattr(self, name)]
            if len(ids) != len(set(ids)):
                raise PydanticCustomError(
                    "interaction", "{name} ids must be unique", {"name": name}
                )
        return self


class Activity(XapiModel):
    """An activity: "objectType" is optional and, if given, "Activity"."""

    objectType: Literal["Activity"] | None = None
    id: IRI
    definition: ActivityDefinition | None = None
