from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("courses/<int:course_id>/start/", views.course_start, name="course_start"),
    path("courses/<int:course_id>/lesson/", views.class_lesson, name="class_lesson"),
    path("lessons/record/", views.class_lesson_pick, name="class_lesson_pick"),
    path("lessons/<int:lesson_id>/delete/", views.class_lesson_delete, name="class_lesson_delete"),
    path("modules/<int:module_id>/read/", views.module_read, name="module_read"),
    path(
        "modules/<int:module_id>/checklists/<str:block_id>/",
        views.checklist_save,
        name="checklist_save",
    ),
    path(
        "modules/<int:module_id>/reflections/<str:block_id>/",
        views.reflection_submit,
        name="reflection_save",
    ),
]
