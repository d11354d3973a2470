"""How people and activities are named in statements (DESIGN.md, identity and IRIs).

Pupils are an `account` whose `homePage` is the site and whose `name` is their opaque
`learner_id`; never a name, email or UPN. Staff likewise unless their school chose `mbox`.
"""

import uuid

from django.conf import settings


def activity_iri(kind: str, activity_uuid: uuid.UUID | str) -> str:
    """`{SITE_URL}/xapi/activities/<kind>/<uuid>`: stable across renames."""
    return f"{settings.SITE_URL}/xapi/activities/{kind}/{activity_uuid}"


def is_own_activity(iri) -> bool:
    """Is this one of Upstander's own activities (a course, module, scenario, checklist,
    quiz or question, all named by `activity_iri`)?"""
    return isinstance(iri, str) and iri.startswith(f"{settings.SITE_URL}/xapi/activities/")


def actor_for(user) -> dict:
    """The xAPI Agent for a signed-in person."""
    from schools.models import School
    from schools.roles import Role, roles_of

    school = user.school
    if (
        school is not None
        and school.staff_xapi_identity == School.StaffIdentity.MBOX
        and Role.PUPIL not in roles_of(user)
        and user.email
    ):
        return {"objectType": "Agent", "mbox": f"mailto:{user.email.lower()}"}
    return account_actor(user)


def account_actor(user) -> dict:
    """The Agent naming a person by their opaque learner id: how pupils always appear."""
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(user.learner_id)},
    }


def actor_key(actor: dict) -> str | None:
    """A string that identifies an Agent, for matching statements to learners."""
    account = actor.get("account")
    if account:
        return f"account:{account.get('homePage')}|{account.get('name')}"
    if actor.get("mbox"):
        return f"mbox:{actor['mbox'].lower()}"
    # The other identifier forms (xAPI 1.0.3 Part Two 4.1.2.3), for statements that external
    # tools send to the built-in LRS.
    if actor.get("mbox_sha1sum"):
        return f"mbox_sha1sum:{actor['mbox_sha1sum'].lower()}"
    if actor.get("openid"):
        return f"openid:{actor['openid']}"
    members = actor.get("member")
    if actor.get("objectType") == "Group" and members:
        # An anonymous Group is identified by its members (4.1.2.2).
        keys = sorted(filter(None, (actor_key(m) for m in members if isinstance(m, dict))))
        return "group:" + ",".join(keys)
    return None
