"""Background work for courses: bringing learners' progress up to date after an edit."""

from django_tasks import task

from .services import course_completions_catch_up, module_completions_catch_up


@task()
def module_completions_catch_up_run(module_id: int) -> int:
    """Complete a module just published, or whose scenario or quiz was just unpublished,
    for whoever has now finished what it requires."""
    return module_completions_catch_up(module_id=module_id)


@task()
def course_completions_catch_up_run(course_id: int) -> int:
    """Complete a course for whoever has now completed every module of it still published."""
    return course_completions_catch_up(course_id=course_id)
