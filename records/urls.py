from django.urls import path

import config.converters  # noqa: F401 (registers <id:...>)

from . import views

app_name = "records"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/courses.csv", views.overview_csv, name="overview_csv"),
    path("dashboard/groups.csv", views.groups_csv, name="groups_csv"),
    path("dashboard/training-record.pdf", views.training_record_pdf, name="training_record_pdf"),
    path("dashboard/matrix/", views.matrix, name="matrix"),
    path("dashboard/matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("dashboard/people/<id:pk>/", views.person, name="person"),
    path("dashboard/people/<id:pk>/record.csv", views.person_csv, name="person_csv"),
    path("dashboard/people/<id:pk>/export.json", views.person_export, name="person_export"),
    path("dashboard/people/<id:pk>/erase/", views.person_erase, name="person_erase"),
    path("dashboard/people/<id:pk>/left/", views.person_left, name="person_left"),
    path("dashboard/people/<id:pk>/remind/", views.person_remind, name="person_remind"),
    path("dashboard/chase/", views.chase, name="chase"),
    path("dashboard/assignments/", views.assignments, name="assignments"),
    path("dashboard/left/", views.leavers, name="leavers"),
    path("dashboard/data-protection/", views.data_protection, name="data_protection"),
    path("dashboard/data-protection.csv", views.data_protection_csv, name="data_protection_csv"),
    path("dashboard/assignments.csv", views.assignments_csv, name="assignments_csv"),
    path(
        "dashboard/assignments/<id:pk>/change/",
        views.assignment_change,
        name="assignment_change",
    ),
    path(
        "dashboard/assignments/<id:pk>/delete/",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path("cpd/", views.my_cpd, name="my_cpd"),
    path("cpd/log.csv", views.cpd_log_csv, name="cpd_log_csv"),
    path("cpd/log.pdf", views.cpd_log_pdf, name="cpd_log_pdf"),
    path("cpd/certificates/<uuid:statement_id>.pdf", views.certificate, name="certificate"),
    path("verify/", views.verify, name="verify"),
    path("pshe/", views.my_pshe, name="my_pshe"),
    path("pshe/classes/", views.pshe_groups, name="pshe_groups"),
    path("pshe/classes/<id:pk>/", views.pshe_class, name="pshe_class"),
    path("pshe/classes/<id:pk>.csv", views.pshe_class_csv, name="pshe_class_csv"),
]
