"""Shared pieces of the statement models: the strict base class and the scalar types.

xAPI 1.0.3 (and IEEE 9274.1.1 / xAPI 2.0.0) Part Two, section 4 "Data Types" and 2.2
"Formatting Requirements": IRIs, language maps, UUIDs, ISO 8601 timestamps and durations.
"""

import re
import uuid
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic_core import PydanticCustomError

# 4.2.6 "Internationalized Resource Identifiers": a scheme, a colon and something after it.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
# RFC 5646 language tags, loosely (a primary subtag, then subtags of 1-8 alphanumerics).
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
# 4.6 "ISO 8601 Durations": PnYnMnDTnHnMnS (seconds may be decimal) or PnW.
_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
# ISO 8601 date-time as RFC 3339 profiles it (2.0.0 4.5: "MUST be formatted per RFC 3339").
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+\-]\d{2}(:?\d{2})?)?$"
)
_UNKNOWN_OFFSET = re.compile(r"-00(:?00)?$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")


def _iri(value: str) -> str:
    if not _IRI.match(value):
        raise PydanticCustomError("iri", "must be an absolute IRI (e.g. https://example.org/x)")
    return value


def _uuid(value: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise PydanticCustomError("uuid", "must be a UUID") from None
    # 4.5 "UUIDs": "[RFC 4122] variant 2" only.
    if parsed.variant != uuid.RFC_4122:
        raise PydanticCustomError("uuid", "must be an RFC 4122 UUID")
    return str(parsed)


def _lang(value: str) -> str:
    if not _LANG.match(value):
        raise PydanticCustomError("language", "must be an RFC 5646 language tag (e.g. en-GB)")
    return value


def _duration(value: str) -> str:
    if not _DURATION.match(value):
        raise PydanticCustomError("duration", "must be an ISO 8601 duration (e.g. PT1M30S)")
    return value


def _timestamp(value: str) -> str:
    if not _TIMESTAMP.match(value):
        raise PydanticCustomError(
            "timestamp", "must be an ISO 8601 timestamp (e.g. 2025-01-31T09:00:00Z)"
        )
    # 2.0.0 4.5: "A Timestamp MUST NOT use the '-00:00' offset" (RFC 3339 "unknown offset"),
    # however it is written: -00:00, -0000 or -00.
    if _UNKNOWN_OFFSET.search(value):
        raise PydanticCustomError("timestamp", "must not use the -00:00 offset")
    from datetime import datetime

    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise PydanticCustomError("timestamp", "is not a real date and time") from None
    return value


def _sha1(value: str) -> str:
    if not _SHA1.match(value):
        raise PydanticCustomError("sha1", "must be a hex SHA-1 (40 characters)")
    return value


def _sha2(value: str) -> str:
    if not _SHA2.match(value):
        raise PydanticCustomError("sha2", "must be a hex SHA-2 hash")
    return value


IRI = Annotated[StrictStr, AfterValidator(_iri)]
UUIDStr = Annotated[StrictStr, AfterValidator(_uuid)]
LanguageTag = Annotated[StrictStr, AfterValidator(_lang)]
Duration = Annotated[StrictStr, AfterValidator(_duration)]
Timestamp = Annotated[StrictStr, AfterValidator(_timestamp)]
Sha1 = Annotated[StrictStr, AfterValidator(_sha1)]
Sha2 = Annotated[StrictStr, AfterValidator(_sha2)]
Number = StrictInt | StrictFloat
Bool = StrictBool


def _language_map(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        _lang(key)
    return value


# 4.2.7 "Language Maps": keys are RFC 5646 tags, values strings.
LanguageMap = Annotated[dict[StrictStr, StrictStr], AfterValidator(_language_map)]


def _extensions(value: dict[str, Any]) -> dict[str, Any]:
    # 4.1.10 "Extensions": "The LRS MUST reject any Statement where a key of an extensions
    # map is not an IRI."
    for key in value:
        _iri(key)
    return value


Extensions = Annotated[dict[StrictStr, Any], AfterValidator(_extensions)]


class XapiModel(BaseModel):
    """Every statement part: unknown properties are refused (1.0.3 2.2: "The LRS MUST reject
    Statements ... with any additional properties" beyond those the spec allows)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # A property that is present must have a value: "null" is not a valid value of any
        # statement property (1.0.3 2.2 "Formatting Requirements").
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None:
                    raise PydanticCustomError(
                        "null", "must not be null (leave it out instead)", {"key": key}
                    )
        return data
