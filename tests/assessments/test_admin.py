"""Editors build quizzes in the Wagtail admin: drafts, publishing, validation and preview."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from assessments.models import Quiz
from tests.assessments.conftest import make_quiz

pytestmark = pytest.mark.django_db


def listblock(values):
    data = {str(i): {"value": v, "deleted": "", "order": str(i)} for i, v in enumerate(values)}
    data["count"] = str(len(values))
    return data


def quiz_form(*, correct=(False, True), **extra):
    return nested_form_data(
        {
            "title": "Reporting quiz",
            "intro": "",
            "pass_mark": "80",
            "max_attempts": "3",
            "time_estimate_minutes": "",
            "questions": streamfield(
                [
                    (
                        "single_choice",
                        {
                            "prompt": "What should you do first?",
                            "options": listblock(
                                [
                                    {"text": "Reply", "correct": correct[0], "feedback": "No."},
                                    {
                                        "text": "Tell an adult",
                                        "correct": correct[1],
                                        "feedback": "",
                                    },
                                ]
                            ),
                            "explanation": rich_text("<p>Tell someone.</p>"),
                        },
                    ),
                    (
                        "ordering",
                        {
                            "prompt": "Order these.",
                            "items": listblock(["First", "Second"]),
                            "explanation": rich_text(""),
                        },
                    ),
                ]
            ),
            **extra,
        }
    )


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_publishes_a_new_quiz(admin_client):
    url = reverse("wagtailsnippets_assessments_quiz:add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, quiz_form(**{"action-publish": "action-publish"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    quiz = Quiz.objects.get(title="Reporting quiz")
    assert quiz.live
    questions = quiz.question_list()
    assert [q.kind for q in questions] == ["single_choice", "ordering"]
    assert questions[0].key().correct == questions[0].choices[1].id
    assert quiz.revisions.count() == 1


def test_a_draft_edit_does_not_change_what_learners_see(admin_client):
    quiz = make_quiz(title="Live title")
    url = reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])
    response = admin_client.post(url, quiz_form())
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.title == "Live title"
    assert quiz.has_unpublished_changes
    assert quiz.latest_revision.as_object().title == "Reporting quiz"


def test_a_choice_question_without_a_correct_option_is_refused(admin_client):
    url = reverse("wagtailsnippets_assessments_quiz:add")
    response = admin_client.post(
        url, quiz_form(correct=(False, False), **{"action-publish": "action-publish"})
    )
    assert response.status_code == 200
    assert "Mark exactly one option correct." in response.content.decode()
    assert not Quiz.objects.exists()


def test_a_pass_mark_over_100_is_refused(admin_client):
    url = reverse("wagtailsnippets_assessments_quiz:add")
    data = quiz_form()
    data["pass_mark"] = "120"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not Quiz.objects.exists()


@pytest.mark.parametrize(("mode", "expected"), [("", "Submit my answers"), ("answers", "Why")])
def test_editors_preview_a_quiz_as_learners_see_it_and_with_answers(admin_client, mode, expected):
    quiz = make_quiz()
    url = reverse("wagtailsnippets_assessments_quiz:preview_on_edit", args=[quiz.pk])
    assert admin_client.post(url, quiz_form()).json()["is_valid"] is True
    response = admin_client.get(url, {"mode": mode})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Reporting quiz" in text
    assert expected in text


def test_the_quiz_list_shows_which_quizzes_are_live(admin_client):
    make_quiz(title="Published quiz")
    draft = Quiz(title="Unpublished quiz", questions=make_quiz().questions, live=False)
    draft.save()
    draft.save_revision()
    html = admin_client.get(reverse("wagtailsnippets_assessments_quiz:list")).content.decode()
    row = html[html.index("Unpublished quiz") :]
    assert re.match(r'.*?<span class="w-status[^"]*">\s*draft', row, re.S)
    row = html[html.index("Published quiz") :]
    assert re.match(r'.*?<span class="w-status[^"]*">\s*live', row, re.S)


def _one_question_form(block_type, value):
    return nested_form_data(
        {
            "title": "Look-alike quiz",
            "intro": "",
            "pass_mark": "80",
            "max_attempts": "3",
            "time_estimate_minutes": "",
            "questions": streamfield([(block_type, value)]),
            "action-publish": "action-publish",
        }
    )


def _ordering(*steps):
    """An ordering question whose steps are `steps`, in the right order."""
    return {"prompt": "Order these.", "items": listblock(list(steps)), "explanation": rich_text("")}


def _matching(*pairs):
    """A matching question pairing each (prompt, answer) of `pairs`, with no distractors."""
    return {
        "prompt": "Who can help?",
        "pairs": listblock([{"prompt": prompt, "answer": answer} for prompt, answer in pairs]),
        "distractors": listblock([]),
        "explanation": rich_text(""),
    }


@pytest.mark.parametrize(
    ("block_type", "value", "message"),
    [
        (
            "single_choice",
            {
                "prompt": "What should you do first?",
                "options": listblock(
                    [
                        {"text": "Tell an adult", "correct": True, "feedback": ""},
                        {"text": "tell an  adult ", "correct": False, "feedback": ""},
                    ]
                ),
                "explanation": rich_text(""),
            },
            "Give each option different words",
        ),
        (
            "multiple_response",
            {
                "prompt": "Which help?",
                "options": listblock(
                    [
                        {"text": "Report it", "correct": True, "feedback": ""},
                        {"text": "Report it", "correct": False, "feedback": ""},
                    ]
                ),
                "explanation": rich_text(""),
            },
            "Give each option different words",
        ),
        (
            "ordering",
            _ordering("Tell an adult", "Block them", "Tell an adult"),
            "Give each step different words",
        ),
        (
            "matching",
            _matching(("Someone online", "CEOP"), ("Someone online", "Childline")),
            "Give each prompt different words",
        ),
    ],
)
def test_options_a_learner_cannot_tell_apart_are_refused(admin_client, block_type, value, message):
    """Two options (or steps, or prompts) with the same words look the same to a learner,
    yet only one of them is marked right: the learner could only guess."""
    url = reverse("wagtailsnippets_assessments_quiz:add")
    response = admin_client.post(url, _one_question_form(block_type, value))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Quiz.objects.exists()


def test_a_copied_quiz_does_not_reuse_the_original_questions_activity_ids(admin_client):
    """A question's xAPI activity id is made from its block's id, and its options' ids from
    theirs. Wagtail's "Copy" filled the new quiz's form with the original's blocks, ids and
    all, which the form posts back: the copy's questions answered under the original's
    activity ids, so an LRS merged the two quizzes' questions and gave the original's the
    copy's wording once it was edited. The copy's questions and options now have ids of
    their own."""
    quiz = make_quiz(title="Reporting quiz")
    ids = [child.id for child in quiz.questions]
    ids += [
        item.id
        for child in quiz.questions
        for name in ("options", "items", "pairs")
        if name in child.value
        for item in child.value[name].bound_blocks
    ]
    assert len(ids) > len(quiz.questions)
    edit = admin_client.get(reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk]))
    assert all(block_id in edit.text for block_id in ids)
    copy = admin_client.get(reverse("wagtailsnippets_assessments_quiz:copy", args=[quiz.pk]))
    assert copy.status_code == 200
    assert "You find a post about you. What should you do first?" in copy.text
    assert [block_id for block_id in ids if block_id in copy.text] == []
    quiz.refresh_from_db()
    assert [child.id for child in quiz.questions] == ids[: len(quiz.questions)]


def _options(count):
    return listblock(
        [{"text": f"Option {n}", "correct": n == 0, "feedback": ""} for n in range(count)]
    )


@pytest.mark.parametrize(
    ("block_type", "value", "message"),
    [
        (
            "single_choice",
            {"prompt": "Which?", "options": _options(1), "explanation": rich_text("")},
            "Add at least two options.",
        ),
        (
            "multiple_response",
            {"prompt": "Which?", "options": _options(1), "explanation": rich_text("")},
            "Add at least two options.",
        ),
        (
            "ordering",
            _ordering("One"),
            "Add at least two steps.",
        ),
        (
            "ordering",
            _ordering(*(f"Step {n}" for n in range(9))),
            "Give no more than eight steps.",
        ),
        (
            "matching",
            _matching(("Someone online", "CEOP")),
            "Add at least two pairs.",
        ),
    ],
)
def test_a_question_with_too_few_or_too_many_items_says_so_in_plain_words(
    admin_client, block_type, value, message
):
    """Not Wagtail's "The minimum number of items is 2", which names no option or step."""
    url = reverse("wagtailsnippets_assessments_quiz:add")
    response = admin_client.post(url, _one_question_form(block_type, value))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Quiz.objects.exists()


def _unfinished_choice(correct):
    return {
        "prompt": "What should you do first?",
        "options": listblock(
            [
                {"text": "Reply", "correct": correct[0], "feedback": ""},
                {"text": "Tell an adult", "correct": correct[1], "feedback": ""},
            ]
        ),
        "explanation": rich_text(""),
    }


@pytest.mark.parametrize(
    ("block_type", "value", "message"),
    [
        (
            "single_choice",
            _unfinished_choice((False, False)),
            "Mark exactly one option correct.",
        ),
        (
            "single_choice",
            _unfinished_choice((True, True)),
            "Mark exactly one option correct.",
        ),
        (
            "multiple_response",
            _unfinished_choice((False, False)),
            "Mark at least one option correct.",
        ),
        (
            "ordering",
            _ordering("Tell an adult", "Tell an adult"),
            "Give each step different words",
        ),
        (
            "matching",
            _matching(("Someone online", "CEOP"), ("someone online", "Childline")),
            "Give each prompt different words",
        ),
    ],
)
def test_a_half_written_question_may_be_saved_as_a_draft_but_not_published(
    admin_client, block_type, value, message
):
    """A draft may be unfinished, as Wagtail's own required fields are (docs/authoring.md,
    "Preview, drafts and publishing"): which option is right, and words that repeat, are
    checked when the quiz is published."""
    data = _one_question_form(block_type, value)
    del data["action-publish"]
    response = admin_client.post(reverse("wagtailsnippets_assessments_quiz:add"), data)
    assert response.status_code == 302, message
    quiz = Quiz.objects.get(title="Look-alike quiz")
    assert not quiz.live

    edit = reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])
    response = admin_client.post(edit, {**data, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert message in response.content.decode()
    quiz.refresh_from_db()
    assert not quiz.live


def test_a_quiz_preview_has_no_inline_script_the_sites_policy_would_refuse(admin_client):
    """The preview runs under the site's Content-Security-Policy (script-src 'self'), which
    refuses inline event handlers: the browser reports each one and ignores it."""
    from html.parser import HTMLParser

    class Handlers(HTMLParser):
        found: list[tuple[str, str]] = []

        def handle_starttag(self, tag, attrs):
            self.found += [(tag, name) for name, _value in attrs if name.startswith("on")]

    quiz = make_quiz()
    url = reverse("wagtailsnippets_assessments_quiz:preview_on_edit", args=[quiz.pk])
    assert admin_client.post(url, quiz_form()).json()["is_valid"] is True
    response = admin_client.get(url, {"mode": ""})
    assert "script-src 'self'" in response["Content-Security-Policy"]
    parser = Handlers()
    parser.found = []
    parser.feed(response.content.decode())
    assert parser.found == []
