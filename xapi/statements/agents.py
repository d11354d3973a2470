"""Agents and Groups: xAPI 1.0.3 Part Two 4.1.2 "Actor".

"An Agent MUST be identified by one (1) of the four types of Inverse Functional Identifiers"
(4.1.2.3), so each identifier form is its own class and an Agent is their union; a dict with
no identifier or with two is refused with a message that says so.
"""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, StrictStr, Tag, model_validator
from pydantic_core import PydanticCustomError

from .base import IRI, Sha1, XapiModel

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def _mailto(value: str) -> str:
    # 4.1.2.3: "mbox ... MUST be in the form 'mailto:email address'".
    if not value.startswith("mailto:") or "@" not in value:
        raise PydanticCustomError("mbox", "must be a mailto: IRI (mailto:name@example.org)")
    return value


# The mbox of an Agent or an identified Group.
Mailto = Annotated[StrictStr, AfterValidator(_mailto)]


def _home_page(value: str) -> str:
    # RFC 3987 has no unescaped "|" in an IRI, and an account is keyed by its homePage and
    # name joined with one (`xapi.identity.actor_key`): with a "|" in its homePage, two
    # different accounts would be one agent.
    if "|" in value:
        raise PydanticCustomError("iri", 'must be an IRI, which has no unescaped "|" (%7C)')
    return value


class Account(XapiModel):
    """4.1.2.4 "Account Object": an id on some system (our pupils: the site and a UUID)."""

    homePage: Annotated[IRI, AfterValidator(_home_page)]
    name: StrictStr


class _AgentBase(XapiModel):
    objectType: Literal["Agent"] | None = None
    name: StrictStr | None = None


class AgentMbox(_AgentBase):
    """An Agent known by an email address (`mailto:` IRI)."""

    mbox: Mailto


class AgentMboxSha1(_AgentBase):
    """An Agent known by the SHA-1 of its `mailto:` IRI."""

    mbox_sha1sum: Sha1


class AgentOpenId(_AgentBase):
    """An Agent known by an OpenID URI."""

    openid: IRI


class AgentAccount(_AgentBase):
    """An Agent known by an account on a system: how every Upstander learner appears."""

    account: Account


class _Missing(XapiModel):
    """Placeholder the discriminator picks for a dict without exactly one identifier."""

    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError("object", "must be an object")
        found = [key for key in IFI_KEYS if data.get(key) is not None]
        if not found:
            raise PydanticCustomError(
                "ifi",
                "needs exactly one identifier (mbox, mbox_sha1sum, openid or account); none given",
            )
        raise PydanticCustomError(
            "ifi",
            "needs exactly one identifier (mbox, mbox_sha1sum, openid or account); got {found}",
            {"found": ", ".join(found)},
        )


def _ifi_tag(data: Any) -> str:
    if isinstance(data, dict):
        found = [key for key in IFI_KEYS if data.get(key) is not None]
    else:
        found = [key for key in IFI_KEYS if getattr(data, key, None) is not None]
    return f"~{found[0]}" if len(found) == 1 else "~missing"


Agent = Annotated[
    Annotated[AgentMbox, Tag("~mbox")]
    | Annotated[AgentMboxSha1, Tag("~mbox_sha1sum")]
    | Annotated[AgentOpenId, Tag("~openid")]
    | Annotated[AgentAccount, Tag("~account")]
    | Annotated[_Missing, Tag("~missing")],
    Discriminator(_ifi_tag),
]


class _GroupBase(XapiModel):
    objectType: Literal["Group"]
    name: StrictStr | None = None
    # 4.1.2.2: "member ... Agent Objects"; a Group MUST NOT contain Group Objects.
    member: list[Agent] | None = None


class AnonymousGroup(_GroupBase):
    """4.1.2.2 "Anonymous Group": no identifier, identified by its members."""

    @model_validator(mode="after")
    def _needs_members(self):
        if not self.member:
            raise PydanticCustomError("group", "an anonymous Group needs a member list")
        return self


class IdentifiedGroupMbox(_GroupBase):
    mbox: Mailto


class IdentifiedGroupMboxSha1(_GroupBase):
    mbox_sha1sum: Sha1


class IdentifiedGroupOpenId(_GroupBase):
    openid: IRI


class IdentifiedGroupAccount(_GroupBase):
    account: Account


class _TwoIfis(XapiModel):
    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, data: Any) -> Any:
        raise PydanticCustomError(
            "ifi", "an identified Group needs exactly one identifier; got more than one"
        )


def _group_tag(data: Any) -> str:
    if not isinstance(data, dict):
        return "~anonymous"
    found = [key for key in IFI_KEYS if data.get(key) is not None]
    if len(found) > 1:
        return "~many"
    return f"~{found[0]}" if found else "~anonymous"


Group = Annotated[
    Annotated[AnonymousGroup, Tag("~anonymous")]
    | Annotated[IdentifiedGroupMbox, Tag("~mbox")]
    | Annotated[IdentifiedGroupMboxSha1, Tag("~mbox_sha1sum")]
    | Annotated[IdentifiedGroupOpenId, Tag("~openid")]
    | Annotated[IdentifiedGroupAccount, Tag("~account")]
    | Annotated[_TwoIfis, Tag("~many")],
    Discriminator(_group_tag),
]


def _actor_tag(data: Any) -> str:
    kind = data.get("objectType") if isinstance(data, dict) else getattr(data, "objectType", None)
    return "~group" if kind == "Group" else "~agent"


Actor = Annotated[
    Annotated[Agent, Tag("~agent")] | Annotated[Group, Tag("~group")],
    Discriminator(_actor_tag),
]
