"""factory_boy factories shared by the whole suite."""

import factory

from schools.models import Group, Membership, School, User
from schools.roles import Role, role_assign


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    nation = School.Nation.ENGLAND


class UserFactory(factory.django.DjangoModelFactory):
    """A person. Pass `roles=[Role.PUPIL]` etc. to give roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    school = factory.SubFactory(SchoolFactory)
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            role_assign(user=self, role=role)


class PupilFactory(UserFactory):
    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or [Role.PUPIL]:
            role_assign(user=self, role=role)


class StaffFactory(UserFactory):
    email = factory.LazyAttribute(lambda o: f"{o.username}@school.invalid")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or [Role.STAFF]:
            role_assign(user=self, role=role)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = Group.Kind.CLASS


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
