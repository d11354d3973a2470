"""Attachment metadata: xAPI 1.0.3 Part Two 4.1.11 "Attachments"."""

from typing import Annotated

from pydantic import Field, StrictInt

from .base import IRI, LanguageMap, MediaType, Sha2, XapiModel


class Attachment(XapiModel):
    """Describes a file sent with the statement (or at `fileUrl`), identified by its SHA-2."""

    usageType: IRI
    display: LanguageMap
    description: LanguageMap | None = None
    contentType: MediaType
    length: Annotated[StrictInt, Field(ge=0)]  # octets
    sha2: Sha2
    fileUrl: IRI | None = None
