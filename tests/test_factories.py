from schools.roles import Role
from tests.factories import PupilFactory, StaffFactory


def test_pupil_and_staff_factories_give_their_roles(db):
    assert PupilFactory().roles == {Role.PUPIL}
    assert StaffFactory().roles == {Role.STAFF}
    assert StaffFactory(roles=[Role.STAFF, Role.SAFEGUARDING_LEAD]).roles == {
        Role.STAFF,
        Role.SAFEGUARDING_LEAD,
    }
