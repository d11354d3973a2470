from django.urls import path

import config.converters  # noqa: F401 (registers <id:...>)

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("courses/<id:course_id>/start/", views.course_start, name="course_start"),
    path("courses/<id:course_id>/lesson/", views.class_lesson, name="class_lesson"),
    path("lessons/record/", views.class_lesson_pick, name="class_lesson_pick"),
    path("lessons/<id:lesson_id>/delete/", views.class_lesson_delete, name="class_lesson_delete"),
    path("modules/<id:module_id>/read/", views.module_read, name="module_read"),
    path(
        "modules/<id:module_id>/checklists/<str:block_id>/",
        views.checklist_save,
        name="checklist_save",
    ),
    path(
        "modules/<id:module_id>/reflections/<str:block_id>/",
        views.reflection_submit,
        name="reflection_save",
    ),
]
