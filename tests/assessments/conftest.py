"""A published quiz of all five question kinds, placed in a module of a pupil course."""

import pytest

from assessments.demo import choice, matching, ordering, true_false
from assessments.models import Quiz
from courses.models import Audience, CourseIndexPage, CoursePage, KeyStage, ModulePage

QUESTIONS = [
    choice(
        "t:first",
        "You find a post about you. What should you do first?",
        [("Reply", False, "Replying makes it worse."), ("Tell an adult", True, "Yes.")],
        "Tell an adult you trust.",
    ),
    true_false(
        "t:joke", "A joke post can't get you into trouble.", False, "It can.", "Right.", "Why."
    ),
    choice(
        "t:good",
        "Which are good things to do?",
        [("Report it", True, ""), ("Tell an adult", True, ""), ("Share it", False, "No.")],
        "",
        multiple=True,
    ),
    ordering("t:steps", "Put these in order.", ["Stop", "Screenshot", "Tell"], ""),
    matching(
        "t:help",
        "Who can help?",
        [("Talk privately", "Childline"), ("Unsafe adult online", "CEOP")],
        ["Nobody"],
        "",
    ),
]


def make_quiz(*, title="Check what you know", max_attempts=2, pass_mark=80, **fields) -> Quiz:
    quiz = Quiz(
        title=title,
        questions=QUESTIONS,
        max_attempts=max_attempts,
        pass_mark=pass_mark,
        live=False,
        **fields,
    )
    quiz.save()
    quiz.save_revision().publish()
    return Quiz.objects.get(pk=quiz.pk)


def make_course(home_page, *, audience=Audience.PUPILS, slug="respect-online", quiz=None):
    index = CourseIndexPage(title=f"Courses {slug}", slug=f"catalogue-{slug}", audience=audience)
    home_page.add_child(instance=index)
    course = CoursePage(
        title="Respect online",
        slug=slug,
        audience=audience,
        summary="Be kind online.",
        estimated_minutes=30,
        key_stage=KeyStage.KS3 if audience == Audience.PUPILS else "",
        learning_outcomes="Say what to do",
    )
    index.add_child(instance=course)
    course.save_revision().publish()
    module = ModulePage(
        title="If you see it",
        slug=f"{slug}-module",
        summary="What to do.",
        estimated_minutes=10,
        body=[("text", "<p>Read this.</p>"), ("quiz", {"quiz": quiz, "required": True})],
    )
    course.add_child(instance=module)
    module.save_revision().publish()
    return ModulePage.objects.get(pk=module.pk)


@pytest.fixture
def quiz(db):
    return make_quiz()


@pytest.fixture
def quiz_module(home_page, quiz):
    return make_course(home_page, quiz=quiz)


def right_answers(attempt) -> dict:
    """Form data answering every question of the attempt correctly."""
    from assessments.questions import field_name
    from assessments.scoring import Kind

    data = {}
    for question in attempt.question_list():
        if question.kind in (Kind.SINGLE_CHOICE, Kind.TRUE_FALSE, Kind.MULTIPLE_RESPONSE):
            data[field_name(question)] = [c.id for c in question.choices if c.correct]
        elif question.kind == Kind.ORDERING:
            for choice in question.choices:
                position = question.correct_order.index(choice.id) + 1
                data[field_name(question, choice)] = [str(position)]
        else:
            for choice in question.choices:
                data[field_name(question, choice)] = [choice.match]
    return data


def wrong_answers(attempt) -> dict:
    """Form data answering every question wrongly (no credit anywhere)."""
    from assessments.questions import field_name
    from assessments.scoring import Kind

    data = {}
    for question in attempt.question_list():
        if question.kind in (Kind.SINGLE_CHOICE, Kind.TRUE_FALSE, Kind.MULTIPLE_RESPONSE):
            data[field_name(question)] = [c.id for c in question.choices if not c.correct][:1]
        elif question.kind == Kind.ORDERING:
            count = len(question.correct_order)
            for choice in question.choices:
                position = question.correct_order.index(choice.id)
                data[field_name(question, choice)] = [str((position + 1) % count + 1)]
        else:
            wrong = [t.id for t in question.targets]
            for choice in question.choices:
                data[field_name(question, choice)] = [next(t for t in wrong if t != choice.match)]
    return data
