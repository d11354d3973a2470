"""The permissions each role's auth group is given by `roles_sync`."""

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission

from schools.roles import AUTH_GROUP_NAMES, Role, roles_sync

pytestmark = pytest.mark.django_db

# Learners' own data in the content apps: attempts, answers, ticks and class results.
LEARNER_DATA_MODELS = [
    ("courses", "enrolment"),
    ("courses", "checklistprogress"),
    ("courses", "reflection"),
    ("courses", "classlesson"),
    ("scenarios", "scenarioattempt"),
    ("scenarios", "scenariochoicerecord"),
    ("scenarios", "classroomsession"),
    ("scenarios", "classroomvote"),
    ("assessments", "attempt"),
]


def _editors():
    return AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.EDITOR])


def _learner_data_permissions():
    return Permission.objects.filter(
        content_type__app_label__in={app for app, _model in LEARNER_DATA_MODELS},
        content_type__model__in={model for _app, model in LEARNER_DATA_MODELS},
    )


def test_editors_hold_no_permission_over_learners_data():
    """Editors build content; nothing they do needs pupils' reflections, attempts or
    results, so their role does not carry permission to view, change or delete them."""
    roles_sync()
    held = _editors().permissions.filter(pk__in=_learner_data_permissions())
    assert list(held.values_list("codename", flat=True)) == []


def test_an_existing_installation_takes_learner_data_permissions_back_from_editors():
    """Installations set up before kept what earlier versions granted until the next
    `migrate` (which runs `roles_sync`)."""
    roles_sync()
    editors = _editors()
    editors.permissions.add(*_learner_data_permissions())
    roles_sync()
    assert not editors.permissions.filter(pk__in=_learner_data_permissions()).exists()


def test_editors_keep_the_permissions_for_the_content_they_build():
    roles_sync()
    held = {
        f"{app}.{codename}"
        for app, codename in _editors().permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    for wanted in [
        "scenarios.add_scenario",
        "scenarios.change_scenario",
        "scenarios.publish_scenario",
        "assessments.change_quiz",
        "assessments.publish_quiz",
        "h5p.add_h5pactivity",
        "courses.change_topic",
        "wagtailadmin.access_admin",
    ]:
        assert wanted in held
