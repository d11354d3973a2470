"""The admin's person chooser lists people by name whatever a surname's capitals ("de Souza"
among the Ds), as the other lists of people do."""

from django.urls import reverse

from schools.roles import Role
from tests.factories import UserFactory


def test_the_person_chooser_lists_people_by_surname_whatever_its_capitals(admin_client, klass):
    for username, last_name in [("p1", "Evans"), ("p2", "de Souza"), ("p3", "Adams")]:
        UserFactory(
            school=klass.school,
            username=username,
            first_name="Sam",
            last_name=last_name,
            roles=[Role.PUPIL],
        )

    html = admin_client.get(reverse("person_chooser:choose_results"), {"group": klass.pk}).content
    html = html.decode()

    positions = [html.index(f"Sam {name}") for name in ("Adams", "de Souza", "Evans")]
    assert positions == sorted(positions)
