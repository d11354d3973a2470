"""Verbs: xAPI 1.0.3 Part Two 4.1.3 "Verb"."""

from .base import IRI, LanguageMap, XapiModel


class Verb(XapiModel):
    """What the actor did: an IRI and, optionally, how to display it per language."""

    id: IRI
    display: LanguageMap | None = None
