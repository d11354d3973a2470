"""The statement itself: xAPI 1.0.3 Part Two 4.1 "Statement Properties"."""

import re

from pydantic import StrictStr, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .activities import Activity
from .agents import Actor, AnonymousGroup
from .attachments import Attachment
from .base import Timestamp, UUIDStr, XapiModel
from .contexts import Context, StatementRef
from .objects import StatementObject, SubStatement
from .results import Result
from .verbs import Verb

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
_VERSION = re.compile(r"^(1\.0|2\.0)(\.\d+)?\Z")


class Statement(XapiModel):
    """One learning event: who (actor) did what (verb) to what (object), with context."""

    id: UUIDStr | None = None
    actor: Actor
    verb: Verb
    object: StatementObject
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    stored: Timestamp | None = None
    authority: Actor | None = None
    version: StrictStr | None = None
    attachments: list[Attachment] | None = None

    @field_validator("version")
    @classmethod
    def _version_of_the_request(cls, value, info: ValidationInfo):
        # 1.0.3 Part Two 4.1.10: a 1.0 request's statements are 1.0.x (Part Three 3.3).
        request_version = (info.context or {}).get("version", "2.0.0")
        if value.startswith("2.") and not request_version.startswith("2."):
            raise PydanticCustomError(
                "version",
                "a statement of version 2.0 needs a 2.0.0 request (X-Experience-API-Version)",
            )
        return value

    @field_validator("authority")
    @classmethod
    def _authority(cls, value):
        # 4.1.9 "authority": "MUST be an Agent, except in 3-legged OAuth, where it MUST be a
        # Group with two Agents" (an anonymous one: the application and the user together).
        oauth_pair = isinstance(value, AnonymousGroup) and len(value.member) == 2
        if value is not None and value.objectType == "Group" and not oauth_pair:
            raise PydanticCustomError(
                "authority",
                "authority must be an Agent, or an anonymous Group of exactly two Agents",
            )
        return value

    @model_validator(mode="after")
    def _rules(self):
        # 4.1.10 "version": "Starts with 1.0." (1.0.3) or "2.0." (2.0.0).
        if self.version is not None and not _VERSION.match(self.version):
            raise PydanticCustomError("version", "version must be 1.0.x or 2.0.x")
        # 4.1.6: "revision"/"platform" "MUST only be used if the Statement's Object is an
        # Activity" (and the same inside a SubStatement).
        _check_revision_platform(self.context, self.object)
        if isinstance(self.object, SubStatement):
            _check_revision_platform(self.object.context, self.object.object)
        # 4.3 "Voided": a voiding statement's object MUST be a StatementRef.
        if self.verb.id == VOIDED and not isinstance(self.object, StatementRef):
            raise PydanticCustomError(
                "voiding", "a voiding statement's object must be a StatementRef"
            )
        return self


def _check_revision_platform(context, obj) -> None:
    if context is None or isinstance(obj, Activity):
        return
    if context.revision is not None or context.platform is not None:
        raise PydanticCustomError(
            "context",
            "context.revision and context.platform are only allowed when the object is an Activity",
        )
