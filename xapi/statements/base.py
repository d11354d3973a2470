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
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

# 4.2.6 "Internationalized Resource Identifiers": a scheme, a colon and something after it.
# \Z, not $: $ also matches before a final newline, which would let "...\n" through.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+\Z")
# RFC 5646 2.1 "Syntax": language[-script][-region]*(-variant)*(-extension)[-privateuse], a
# private-use tag, or one of the grandfathered tags (2.2.8).
_LANG = re.compile(
    r"""^(?:
        (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})     # language, with extended subtags
        (?:-[a-z]{4})?                                  # script
        (?:-(?:[a-z]{2}|[0-9]{3}))?                     # region
        (?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)
        (?P<extensions>(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*)
        (?:-x(?:-[a-z0-9]{1,8})+)?                      # private use
      | x(?:-[a-z0-9]{1,8})+
    )\Z""",
    re.IGNORECASE | re.VERBOSE,
)
_GRANDFATHERED_TAGS = (
    "en-gb-oed i-ami i-bnn i-default i-enochian i-hak i-klingon i-lux i-mingo i-navajo i-pwn "
    "i-tao i-tay i-tsu sgn-be-fr sgn-be-nl sgn-ch-de art-lojban cel-gaulish no-bok no-nyn "
    "zh-guoyu zh-hakka zh-min zh-min-nan zh-xiang"
)
_GRANDFATHERED = frozenset(_GRANDFATHERED_TAGS.split())
# 4.6 "ISO 8601 Durations": the format of ISO 8601:2004(E) 4.4.3.2, PnYnMnDTnHnMnS (seconds
# may be decimal) or PnW: weeks alone, never with other units (P1W2D is not a duration).
_DURATION = re.compile(
    r"^P(?:\d+(\.\d+)?W|(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?)\Z"
)
_DURATION_NUMBER = re.compile(r"[0-9.]+")
# ISO 8601 date-time as RFC 3339 profiles it (2.0.0 4.5: "MUST be formatted per RFC 3339").
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?P<sep>[T ])\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+\-]\d{2}(:?\d{2})?)?\Z"
)
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
# RFC 2046 media types: type/subtype, then any parameters.
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?\Z")
_UNKNOWN_OFFSET = re.compile(r"-00(:?00)?$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}\Z")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}\Z|^[0-9a-fA-F]{64}\Z|^[0-9a-fA-F]{96}\Z|^[0-9a-fA-F]{128}\Z")


def _iri(value: str) -> str:
    if not _IRI.match(value):
        raise PydanticCustomError("iri", "must be an absolute IRI (e.g. https://example.org/x)")
    return value


def _uuid(value: str) -> str:
    # 4.5 "UUIDs": in their standard string form, 8-4-4-4-12 hexadecimal digits (not braced,
    # not a urn:uuid: and not without hyphens, all of which Python's UUID would read).
    if not _UUID.match(value):
        raise PydanticCustomError("uuid", "must be a UUID (8-4-4-4-12 hexadecimal digits)")
    parsed = uuid.UUID(value)
    # 4.5 "UUIDs": "[RFC 4122] variant 2" only.
    if parsed.variant != uuid.RFC_4122:
        raise PydanticCustomError("uuid", "must be an RFC 4122 UUID")
    return str(parsed)


def language_tag_valid(value: str) -> bool:
    """Whether `value` is a well-formed RFC 5646 language tag (2.2.9), which also means no
    variant and no extension singleton appears twice."""
    if value.lower() in _GRANDFATHERED:
        return True
    match = _LANG.match(value)
    if not match:
        return False
    variants = (match["variants"] or "").lower().split("-")[1:]
    singletons = [
        part for part in (match["extensions"] or "").lower().split("-")[1:] if len(part) == 1
    ]
    return len(set(variants)) == len(variants) and len(set(singletons)) == len(singletons)


def _lang(value: str) -> str:
    if not language_tag_valid(value):
        raise PydanticCustomError("language", "must be an RFC 5646 language tag (e.g. en-GB)")
    return value


def _duration(value: str) -> str:
    # ISO 8601:2004(E) 4.4.3.2: "the lowest order components may have a decimal fraction",
    # the others not (P1.5Y2M is no duration), so only the last number may have one.
    numbers = _DURATION_NUMBER.findall(value)
    if not _DURATION.match(value) or any("." in number for number in numbers[:-1]):
        raise PydanticCustomError("duration", "must be an ISO 8601 duration (e.g. PT1M30S)")
    return value


def _timestamp(value: str, version: str = "2.0.0") -> str:
    match = _TIMESTAMP.match(value)
    # RFC 3339 5.6 lets a date-time put a space between the date and the time, so 2.0.0
    # (whose timestamps are RFC 3339's) takes one; 1.0.3's ISO 8601 extended format needs
    # the 'T'.
    if not match or (match["sep"] == " " and not version.startswith("2.")):
        raise PydanticCustomError(
            "timestamp", "must be an ISO 8601 timestamp (e.g. 2025-01-31T09:00:00Z)"
        )
    # 2.0.0 4.5: "A Timestamp MUST NOT use the '-00:00' offset" (RFC 3339 "unknown offset"),
    # however it is written: -00:00, -0000 or -00.
    if _UNKNOWN_OFFSET.search(value):
        raise PydanticCustomError("timestamp", "must not use the -00:00 offset")
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise PydanticCustomError("timestamp", "is not a real date and time") from None
    if moment.tzinfo is not None:
        # 2.0.0 4.2.7: the LRS converts timestamps to UTC, which must stay within years
        # 1 to 9999 (0001-01-01T00:00:00+01:00 is in the year 0 in UTC).
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise PydanticCustomError(
                "timestamp", "is outside the years 1 to 9999 once converted to UTC"
            ) from None
    return value


def _media_type(value: str) -> str:
    if not _MEDIA_TYPE.match(value):
        raise PydanticCustomError("media_type", "must be a media type (e.g. application/pdf)")
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


def _timestamp_of_the_request(value: str, info: ValidationInfo) -> str:
    return _timestamp(value, (info.context or {}).get("version", "2.0.0"))


Timestamp = Annotated[StrictStr, AfterValidator(_timestamp_of_the_request)]
Sha1 = Annotated[StrictStr, AfterValidator(_sha1)]
MediaType = Annotated[StrictStr, AfterValidator(_media_type)]
Sha2 = Annotated[StrictStr, AfterValidator(_sha2)]
Number = StrictInt | StrictFloat
Bool = StrictBool


def _language_map(value: dict[str, str]) -> dict[str, str]:
    # 4.2.7 "Language Maps": at least one language, each under a tag.
    if not value:
        raise PydanticCustomError("language_map", "must give the text in at least one language")
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
