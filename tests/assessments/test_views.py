"""The quiz player through plain HTTP (as without JavaScript): POST/redirect/GET."""

import pytest
from django.urls import reverse

from assessments.models import Attempt
from courses.models import Audience
from tests.assessments.conftest import make_course, make_quiz, right_answers, wrong_answers
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def detail_url(module, quiz):
    return reverse("assessments:quiz_detail", args=[module.pk, quiz.uuid])


def start_url(module, quiz):
    return reverse("assessments:quiz_start", args=[module.pk, quiz.uuid])


def signed_in(client, user):
    client.force_login(user)
    return client


def start(client, module, quiz) -> Attempt:
    response = client.post(start_url(module, quiz))
    assert response.status_code == 302
    attempt = Attempt.objects.filter(quiz=quiz).order_by("-started_at").first()
    assert response["Location"] == reverse("assessments:attempt_take", args=[attempt.uuid])
    return attempt


def test_the_start_page_shows_the_quiz_at_a_glance(client, pupil, quiz, quiz_module):
    response = signed_in(client, pupil).get(detail_url(quiz_module, quiz))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Check what you know" in text
    assert "80%" in text
    assert "0 of 2 used" in text
    assert "Start the quiz" in text


def test_signed_out_visitors_are_sent_to_sign_in(client, quiz, quiz_module):
    response = client.get(detail_url(quiz_module, quiz))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_pupil_cannot_open_a_quiz_in_a_staff_course(client, pupil, home_page):
    quiz = make_quiz(title="Staff quiz")
    module = make_course(home_page, quiz=quiz, audience=Audience.STAFF, slug="staff-course")
    assert signed_in(client, pupil).get(detail_url(module, quiz)).status_code == 404
    assert client.post(start_url(module, quiz)).status_code == 404
    assert not Attempt.objects.exists()


def test_a_quiz_is_only_reachable_through_a_module_that_holds_it(
    client, pupil, quiz, quiz_module, home_page
):
    other = make_quiz(title="Other quiz")
    assert signed_in(client, pupil).get(detail_url(quiz_module, other)).status_code == 404


def test_the_questions_page_has_a_fieldset_and_legend_per_question(
    client, pupil, quiz, quiz_module
):
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    text = client.get(reverse("assessments:attempt_take", args=[attempt.uuid])).content.decode()
    assert text.count("<fieldset") == 5
    assert text.count("<legend") == 5
    assert "correct" not in text.lower().replace("correct_order", "")


def test_unanswered_questions_come_back_with_an_error_summary_and_keep_the_answers(
    client, pupil, quiz, quiz_module
):
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    first = attempt.question_list()[0]
    chosen = first.choices[0].id
    response = client.post(
        reverse("assessments:attempt_take", args=[attempt.uuid]), {f"q-{first.id}": chosen}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert text.count('class="field__error"') == 4
    assert f'value="{chosen}" checked' in text
    attempt.refresh_from_db()
    assert not attempt.is_submitted
    assert not Statement.objects.exists()


def test_fail_review_retry_and_pass(client, pupil, quiz, quiz_module):
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    take = reverse("assessments:attempt_take", args=[attempt.uuid])
    response = client.post(take, wrong_answers(attempt))
    result_url = reverse("assessments:attempt_result", args=[attempt.uuid])
    assert response.status_code == 302 and response["Location"] == result_url

    text = client.get(result_url).content.decode()
    assert "Not passed yet" in text
    assert "You scored 0%" in text
    assert text.count('class="review ') == 5
    assert "Replying makes it worse." in text  # per-option feedback for the chosen option
    assert "Tell an adult you trust." in text  # the explanation
    assert "You have 1 attempt left." in text
    assert "Try again" in text

    retry = start(client, quiz_module, quiz)
    assert retry.number == 2
    response = client.post(
        reverse("assessments:attempt_take", args=[retry.uuid]), right_answers(retry)
    )
    text = client.get(response["Location"]).content.decode()
    assert "You passed" in text
    assert "You scored 100%" in text


def test_a_resent_submission_changes_nothing(client, pupil, quiz, quiz_module):
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    take = reverse("assessments:attempt_take", args=[attempt.uuid])
    client.post(take, right_answers(attempt))
    count = Statement.objects.count()
    response = client.post(take, wrong_answers(attempt))
    assert response.status_code == 302
    assert Statement.objects.count() == count
    attempt.refresh_from_db()
    assert attempt.passed is True


def test_after_the_last_attempt_there_is_no_retry(client, pupil, quiz, quiz_module):
    signed_in(client, pupil)
    for _ in range(2):
        attempt = start(client, quiz_module, quiz)
        client.post(
            reverse("assessments:attempt_take", args=[attempt.uuid]), wrong_answers(attempt)
        )
    text = client.get(reverse("assessments:attempt_result", args=[attempt.uuid])).content.decode()
    assert "You have used all your attempts" in text
    assert "Try again" not in text
    response = client.post(start_url(quiz_module, quiz), follow=True)
    assert "You have used all 2 attempts at this quiz." in response.content.decode()
    assert Attempt.objects.count() == 2


def test_another_learners_attempt_is_never_shown(client, pupil, teacher, quiz, quiz_module):
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    client.logout()
    signed_in(client, teacher)
    for page in ("attempt_take", "attempt_result"):
        response = client.get(reverse(f"assessments:{page}", args=[attempt.uuid]))
        assert response.status_code == 302
        assert attempt.uuid.hex not in response["Location"].replace("-", "")
    response = client.post(
        reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt)
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert not attempt.is_submitted


def test_the_module_page_shows_the_quiz_card_with_the_learners_standing(
    client, pupil, quiz, quiz_module
):
    signed_in(client, pupil)
    text = client.get(quiz_module.url).content.decode()
    assert "Check what you know" in text
    assert detail_url(quiz_module, quiz) in text
    attempt = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt))
    text = client.get(quiz_module.url).content.decode()
    assert "Passed with 100%" in text
    assert "You have completed this module" in text


def test_an_editor_without_a_school_sees_the_quiz_but_cannot_start_it(
    client, editor, quiz, quiz_module
):
    signed_in(client, editor)
    text = client.get(detail_url(quiz_module, quiz)).content.decode()
    assert "Editors can check a quiz with Preview in the admin." in text
    response = client.post(start_url(quiz_module, quiz))
    assert response.status_code == 302
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("shuffle_options", [False, True])
def test_a_matching_question_does_not_give_its_answers_away_in_the_page(
    client, pupil, home_page, shuffle_options
):
    """The page carries the answers' ids and their order: neither may say which prompt an
    answer matches."""
    quiz = make_quiz(shuffle_options=shuffle_options)
    module = make_course(home_page, quiz=quiz)
    client.force_login(pupil)
    client.post(reverse("assessments:quiz_start", args=[module.pk, quiz.uuid]))
    attempt = Attempt.objects.get(learner=pupil)
    html = client.get(reverse("assessments:attempt_take", args=[attempt.uuid])).text
    [matching] = [q for q in attempt.question_list() if q.kind == "matching"]
    for prompt in matching.choices:
        assert f'name="q-{matching.id}-{prompt.id}"' in html
        assert prompt.id not in prompt.match
    # Marking still works: the right answers pass.
    response = client.post(
        reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt)
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed


def test_a_matching_questions_wrong_answers_cannot_be_told_apart_by_their_ids(
    client, pupil, quiz, quiz_module
):
    """The page carries every answer's id: an extra wrong answer's must look like the
    matching answers' (the same kind of keyed hash), or it says which one to leave out."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    [matching] = [q for q in attempt.question_list() if q.kind == "matching"]
    matched = {prompt.match for prompt in matching.choices}
    [distractor] = [t for t in matching.targets if t.id not in matched]
    assert distractor.text == "Nobody"
    shapes = {(len(t.id), t.id.isalnum()) for t in matching.targets}
    assert len(shapes) == 1


def test_a_required_quiz_unpublished_after_the_module_no_longer_holds_it_back(
    client, pupil, quiz, quiz_module
):
    """An editor unpublishes a quiz a live module requires: the pupil is told it is not
    available, and completes the module (and so the course) by saying they have read it."""
    quiz.unpublish()
    signed_in(client, pupil)
    text = client.get(quiz_module.url).content.decode()
    assert "This activity is not available yet." in text
    assert detail_url(quiz_module, quiz) not in text
    assert reverse("courses:module_read", args=[quiz_module.pk]) in text
    response = client.post(reverse("courses:module_read", args=[quiz_module.pk]), follow=True)
    assert "You have completed this module" in response.content.decode()
    assert Statement.objects.filter(
        verb_iri="http://adlnet.gov/expapi/verbs/completed",
        object_iri=quiz_module.course.activity_iri,
    ).exists()


def test_a_module_whose_other_required_activity_was_unpublished_completes_when_opened(
    client, pupil, home_page, quiz
):
    """The pupil passed the quiz while the module also required a scenario; once the
    scenario is unpublished, what is left is done, and opening the module completes it (no
    "I've read this" to press)."""
    from scenarios.models import Scenario

    scenario = Scenario.objects.create(title="The crest account", live=True)
    module = make_course(home_page, quiz=quiz, slug="two-activities")
    module.body.append(("scenario", {"scenario": scenario, "required": True}))
    module.save_revision().publish()
    module.refresh_from_db()
    signed_in(client, pupil)
    attempt = start(client, module, quiz)
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt))
    assert "You have completed this module" not in client.get(module.url).content.decode()
    scenario.unpublish()
    text = client.get(module.url).content.decode()
    assert "You have completed this module" in text
    assert reverse("courses:module_read", args=[module.pk]) not in text


def test_a_failed_retake_after_a_pass_says_the_quiz_is_still_passed(
    client, pupil, quiz, quiz_module
):
    """A pupil who passed and takes the quiz again for practice is not told to see their
    teacher about a quiz they have passed."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt))
    retake = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[retake.uuid]), wrong_answers(retake))

    text = client.get(reverse("assessments:attempt_result", args=[retake.uuid])).content.decode()
    assert "You scored 0%" in text
    assert "You have already passed this quiz" in text
    assert "You have used all your attempts" not in text
    assert "Talk to your teacher" not in text
    assert "Not passed yet" not in text


def test_a_pass_on_the_last_attempt_is_not_followed_by_used_all_your_attempts(
    client, pupil, quiz, quiz_module
):
    """The quiz page of a pupil who passed at the last try does not send them to their
    teacher as though they had run out of attempts without passing."""
    signed_in(client, pupil)
    first = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[first.uuid]), wrong_answers(first))
    last = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[last.uuid]), right_answers(last))

    text = client.get(detail_url(quiz_module, quiz)).content.decode()
    assert "You passed this quiz with 100%." in text
    assert "You have used all your attempts" not in text
    assert "Talk to your teacher" not in text


@pytest.mark.parametrize("view", ["quiz_detail", "quiz_start"])
def test_a_module_number_too_big_for_a_page_id_is_not_found(client, pupil, quiz, view):
    """A mistyped or tampered address answers 404, not a server error."""
    signed_in(client, pupil)
    url = reverse(f"assessments:{view}", args=[1, quiz.uuid]).replace("/1/", f"/{2**64}/")
    response = client.post(url) if view == "quiz_start" else client.get(url)
    assert response.status_code == 404


def test_every_quiz_page_title_names_its_course_too(client, pupil, quiz, quiz_module):
    """As a module page's title does: two courses may each have a "Check what you know", and
    the browser tab, history and a screen reader's first words tell them apart."""
    signed_in(client, pupil)
    detail = client.get(detail_url(quiz_module, quiz)).content.decode()
    assert "<title>Check what you know \u2013 Respect online · Upstander</title>" in detail

    attempt = start(client, quiz_module, quiz)
    take_url = reverse("assessments:attempt_take", args=[attempt.uuid])
    take = client.get(take_url).content.decode()
    assert "<title>Check what you know \u2013 Respect online · Upstander</title>" in take
    incomplete = client.post(take_url, {}).content.decode()
    assert "<title>Error: Check what you know \u2013 Respect online · Upstander</title>" in (
        incomplete
    )

    client.post(take_url, right_answers(attempt))
    result = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    assert (
        "<title>Your results: Check what you know \u2013 Respect online · Upstander</title>"
        in result.content.decode()
    )


@pytest.mark.parametrize("unpublished", ["course", "module"])
def test_an_attempt_cannot_be_finished_once_its_course_or_module_is_unpublished(
    client, pupil, quiz, quiz_module, unpublished
):
    """A course's modules and their quizzes are open only while both are published (as the
    quiz's start page and the H5P relay already say): an attempt started before, submitted
    after, must not complete the module and the course."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    page = quiz_module.course if unpublished == "course" else quiz_module
    page.unpublish()
    take = reverse("assessments:attempt_take", args=[attempt.uuid])
    assert client.get(take).status_code == 404
    assert client.post(take, right_answers(attempt)).status_code == 404
    attempt.refresh_from_db()
    assert not attempt.is_submitted
    assert not Statement.objects.exists()


def test_the_quiz_page_starts_the_attempts_afresh_once_the_course_requires_renewal(
    client, teacher, home_page
):
    """A member of staff who used every attempt is asked to take the course again: the
    quiz's own page (a link kept from before, the result page's "Back") counts their
    attempts afresh, as starting it does, rather than say they have none left."""
    from records.services import course_renewal_require

    quiz = make_quiz(title="Staff quiz")
    module = make_course(home_page, quiz=quiz, audience=Audience.STAFF, slug="staff-course")
    signed_in(client, teacher)
    for _ in range(2):
        attempt = start(client, module, quiz)
        client.post(
            reverse("assessments:attempt_take", args=[attempt.uuid]), wrong_answers(attempt)
        )
    course_renewal_require(course_page_id=module.course.pk, reason="The law changed.")
    text = client.get(detail_url(module, quiz)).content.decode()
    assert "You have used all your attempts" not in text
    assert "0 of 2 used" in text
    assert start(client, module, quiz).number == 1


def test_answers_sent_after_the_sign_in_ended_are_said_not_to_be_saved(
    client, pupil, quiz, quiz_module
):
    """A pupil signed out after a while without a request (or in another tab) submits their
    answers: the sign-in page says they were not saved, and leads back to the questions."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    take = reverse("assessments:attempt_take", args=[attempt.uuid])
    client.logout()
    response = client.post(take, right_answers(attempt), HTTP_REFERER=f"http://testserver{take}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={take}"
    text = client.get(response["Location"]).content.decode()
    assert "You were signed out, so that was not saved. Sign in to carry on." in text
    attempt.refresh_from_db()
    assert not attempt.is_submitted


@pytest.mark.parametrize("unpublished", ["course", "quiz"])
def test_the_results_offer_no_retry_once_the_course_or_quiz_is_unpublished(
    client, pupil, quiz, quiz_module, unpublished
):
    """Trying again would only lead to "not found", and the attempts are not used up."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), wrong_answers(attempt))
    (quiz_module.course if unpublished == "course" else quiz).unpublish()
    text = client.get(reverse("assessments:attempt_result", args=[attempt.uuid])).text
    assert "Your results" in text
    assert start_url(quiz_module, quiz) not in text
    assert "Try again" not in text
    assert "You have used all your attempts" not in text


def test_the_quiz_page_offers_no_carry_on_when_an_attempt_from_before_renewal_cannot_be_carried_on(
    client, teacher, home_page
):
    """An attempt left unfinished before the course required renewal, and every attempt of
    the new go used: starting would say "You have used all attempts", so the page says so
    too, rather than offer to carry on."""
    from django.utils import timezone

    from courses.services import course_registration
    from records.services import course_renewal_require

    quiz = make_quiz(title="Staff quiz")
    module = make_course(home_page, quiz=quiz, audience=Audience.STAFF, slug="staff-course")
    signed_in(client, teacher)
    left = start(client, module, quiz)
    course_renewal_require(course_page_id=module.course.pk, reason="The law changed.")
    registration = course_registration(learner=teacher, course=module.course)
    assert registration != left.registration
    for number in (1, 2):
        Attempt.objects.create(
            quiz=quiz,
            learner=teacher,
            module=module,
            registration=registration,
            number=number,
            state=Attempt.State.SUBMITTED,
            questions=left.questions,
            pass_mark=quiz.pass_mark,
            score_raw=0,
            score_max=5,
            score_scaled=0,
            passed=False,
            submitted_at=timezone.now(),
        )
    text = client.get(detail_url(module, quiz)).content.decode()
    assert "Carry on with the quiz" not in text
    assert "You have used all your attempts" in text
    response = client.post(start_url(module, quiz), follow=True)
    assert "You have used all 2 attempts" in response.content.decode()


def test_the_results_from_before_a_renewal_do_not_say_every_attempt_is_used(
    client, teacher, home_page
):
    """Once the course requires renewal the attempts start afresh (as the quiz's own page
    says): the results of the last attempt before it must not send the member of staff to
    their safeguarding lead for having none left."""
    from records.services import course_renewal_require

    quiz = make_quiz(title="Staff quiz")
    module = make_course(home_page, quiz=quiz, audience=Audience.STAFF, slug="staff-course")
    signed_in(client, teacher)
    for _ in range(2):
        attempt = start(client, module, quiz)
        client.post(
            reverse("assessments:attempt_take", args=[attempt.uuid]), wrong_answers(attempt)
        )
    course_renewal_require(course_page_id=module.course.pk, reason="The law changed.")
    text = client.get(reverse("assessments:attempt_result", args=[attempt.uuid])).text
    assert "Your results" in text
    assert "You have used all your attempts" not in text
    assert "You have 2 attempts left." in text


def test_the_results_of_an_attempt_followed_by_one_under_way_do_not_say_none_are_left(
    client, pupil, quiz, quiz_module
):
    """A pupil fails, presses "Try again" (which starts their last attempt), then goes back
    to the results: they are offered to carry on with that attempt, so the page must not
    also tell them to try again with 0 attempts left."""
    signed_in(client, pupil)
    first = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[first.uuid]), wrong_answers(first))
    assert start(client, quiz_module, quiz).number == 2

    text = client.get(reverse("assessments:attempt_result", args=[first.uuid])).text
    assert "Carry on with your next attempt" in text
    assert "You have 0 attempts left." not in text
    assert "Read the review below, then carry on with your next attempt." in text


def test_the_quiz_card_does_not_offer_a_retry_once_every_attempt_is_used(
    client, pupil, quiz, quiz_module
):
    """The module page said "Try the quiz again" to a pupil who had failed every attempt,
    though the quiz's own page then told them they had none left."""
    signed_in(client, pupil)
    for _ in range(2):
        attempt = start(client, quiz_module, quiz)
        client.post(
            reverse("assessments:attempt_take", args=[attempt.uuid]), wrong_answers(attempt)
        )
    assert "You have used all your attempts" in client.get(detail_url(quiz_module, quiz)).text

    text = client.get(quiz_module.url).text
    assert "Last score 0%: not passed yet" in text
    assert "Try the quiz again" not in text
    assert "See your result" in text


@pytest.mark.parametrize("required", [True, False])
def test_the_results_say_a_pass_counts_towards_the_module_only_when_the_module_requires_it(
    client, pupil, home_page, quiz, required
):
    """A quiz placed for practice (Required unticked) counts for nothing in the module, so
    its results must not say that it now counts towards completing the module."""
    module = make_course(home_page, quiz=quiz, slug="practice-quiz")
    module.body = [("text", "<p>Read this.</p>"), ("quiz", {"quiz": quiz, "required": required})]
    module.save_revision().publish()
    signed_in(client, pupil)
    attempt = start(client, module, quiz)
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt))

    text = client.get(reverse("assessments:attempt_result", args=[attempt.uuid])).text
    assert "You passed" in text
    says_it_counts = "This quiz now counts towards completing the module." in text
    assert says_it_counts is required
    module_complete = "You have completed this module" in client.get(module.url).text
    assert module_complete is required


def test_a_score_just_under_the_pass_mark_is_not_shown_as_reaching_it(client, pupil, home_page):
    """5.2798 out of 6 is 87.996%: below a pass mark of 88%, so not passed. The results
    must not say "You scored 88%" beside "The pass mark is 88%" and "Not passed yet"."""
    from assessments.demo import matching, true_false
    from assessments.models import Quiz
    from assessments.questions import field_name

    questions = [true_false(f"r:tf{n}", f"Statement {n}.", True, "", "", "") for n in range(3)]
    for size in (6, 7, 8):
        pairs = [(f"Prompt {size}-{n}", f"Answer {size}-{n}") for n in range(size)]
        questions.append(matching(f"r:m{size}", f"Match {size}.", pairs, ["Nobody"], ""))
    quiz = Quiz(title="Close to the mark", questions=questions, pass_mark=88, live=False)
    quiz.save()
    quiz.save_revision().publish()
    quiz = Quiz.objects.get(pk=quiz.pk)
    module = make_course(home_page, quiz=quiz, slug="close-to-the-mark")
    signed_in(client, pupil)
    attempt = start(client, module, quiz)
    # Right answers everywhere except the last prompts of each matching question: 5 of 6,
    # 4 of 7 and 7 of 8 pairs right.
    right_pairs = {6: 5, 7: 4, 8: 7}
    data = right_answers(attempt)
    for question in attempt.question_list():
        if question.kind == "matching":
            [nobody] = [t.id for t in question.targets if t.text == "Nobody"]
            for prompt in question.choices[right_pairs[len(question.choices)] :]:
                data[field_name(question, prompt)] = [nobody]
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), data)
    attempt.refresh_from_db()
    assert attempt.passed is False

    text = client.get(reverse("assessments:attempt_result", args=[attempt.uuid])).text
    assert "Not passed yet" in text
    assert "The pass mark is 88%." in text
    assert "You scored 88%" not in text
    assert "You scored 87%" in text


def test_the_quiz_pages_give_the_pass_mark_of_the_attempt_under_way(
    client, pupil, quiz, quiz_module
):
    """An editor lowers the pass mark while a pupil is part-way through: their attempt is
    still marked at the pass mark it started with (as its questions page says), so the
    quiz's page and its card in the module must not promise the new one."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    quiz.pass_mark = 60
    quiz.save_revision().publish()

    take = client.get(reverse("assessments:attempt_take", args=[attempt.uuid])).text
    assert "You need 80% to pass." in take
    detail = client.get(detail_url(quiz_module, quiz)).text
    assert "<dt>Pass mark</dt><dd>80%</dd>" in detail
    assert "pass mark 80%" in client.get(quiz_module.url).text


def test_a_score_with_a_half_mark_is_shown_as_learners_write_it(client, pupil, quiz, quiz_module):
    """Two questions right and half of a third: "2.5 out of 5", not "2.50 out of 5"."""
    from assessments.questions import field_name

    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    right, data = right_answers(attempt), wrong_answers(attempt)
    for question in attempt.question_list():
        name = field_name(question)
        if question.kind in ("single_choice", "true_false"):
            data[name] = right[name]
        elif question.kind == "multiple_response":
            data[name] = right[name][:1]  # one of the two correct options: half a mark
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), data)
    attempt.refresh_from_db()
    assert attempt.score_raw == 2.5

    text = client.get(reverse("assessments:attempt_result", args=[attempt.uuid])).text
    assert "You scored 50% (2.5 out of 5)." in text


@pytest.mark.parametrize("page", ["attempt_take", "attempt_result"])
def test_the_next_pupil_on_a_shared_device_is_brought_to_their_own_quiz(
    client, pupil, school, klass, quiz, quiz_module, page
):
    """Pupil A's quiz was open when their sign-in ended; pupil B signs in at the same tab
    (the sign-in page leads back to A's attempt). B lands on the quiz's own page, where
    their own attempts are, not on "Page not found", and sees nothing of A's attempt."""
    from schools.models import Membership
    from schools.roles import Role
    from tests.factories import UserFactory

    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    if page == "attempt_result":
        client.post(
            reverse("assessments:attempt_take", args=[attempt.uuid]), wrong_answers(attempt)
        )
    client.logout()
    classmate = UserFactory(school=school, username="pupil2", roles=[Role.PUPIL])
    Membership.objects.create(group=klass, user=classmate)
    signed_in(client, classmate)

    response = client.get(reverse(f"assessments:{page}", args=[attempt.uuid]))
    assert response.status_code == 302
    assert response["Location"] == detail_url(quiz_module, quiz)
    text = client.get(response["Location"]).text
    assert "someone else" in text
    assert "0 of 2 used" in text  # the classmate's own standing, not pupil A's
    attempt.refresh_from_db()
    assert attempt.learner == pupil


def test_someone_elses_attempt_at_a_quiz_they_cannot_take_leads_to_the_home_page(
    client, pupil, quiz, quiz_module, home_page
):
    """Someone signing in where another's quiz was open, in a course not open to them, goes
    to the home page (their dashboard), not to that quiz."""
    from tests.factories import UserFactory

    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    client.logout()
    signed_in(client, UserFactory(username="elsewhere"))
    response = client.get(reverse("assessments:attempt_take", args=[attempt.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_an_attempt_that_does_not_exist_is_not_found(client, pupil):
    import uuid

    signed_in(client, pupil)
    missing = uuid.uuid4()
    assert client.get(reverse("assessments:attempt_take", args=[missing])).status_code == 404
    assert client.get(reverse("assessments:attempt_result", args=[missing])).status_code == 404


def test_the_quiz_page_never_says_more_attempts_used_than_allowed(client, pupil, quiz, quiz_module):
    """An editor lowers the limit from 3 to 2 after a pupil has used 3: the page says all 2
    are used (as starting again says), not "3 of 2 used"."""
    quiz.max_attempts = 3
    quiz.save_revision().publish()
    signed_in(client, pupil)
    for _ in range(3):
        attempt = start(client, quiz_module, quiz)
        client.post(
            reverse("assessments:attempt_take", args=[attempt.uuid]), wrong_answers(attempt)
        )
    quiz.max_attempts = 2
    quiz.save_revision().publish()
    text = client.get(detail_url(quiz_module, quiz)).text
    assert "<dt>Attempts</dt><dd>2 of 2 used</dd>" in text
    assert "You have used all your attempts" in text


def test_a_submission_whose_write_took_too_long_says_so_and_can_be_sent_again(
    client, pupil, quiz, quiz_module, settings
):
    """A write that outlasts XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS stores nothing (docs/xapi.md):
    the learner is told their answers were not saved, not shown a server error, and the
    attempt is still open for the same answers to be sent again."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    take = reverse("assessments:attempt_take", args=[attempt.uuid])
    settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS = 0  # every write now takes too long
    response = client.post(take, right_answers(attempt))
    assert response.status_code == 503
    assert "was not saved" in response.content.decode()
    attempt.refresh_from_db()
    assert not attempt.is_submitted

    settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS = 120
    response = client.post(take, right_answers(attempt))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed is True


def test_answers_sent_after_the_module_was_unpublished_say_why_and_where_to_go(
    client, pupil, quiz, quiz_module
):
    """A pupil answering while an editor takes the lesson off the site is told, in plain
    words, that it is no longer available and that their answers were not saved, and is led
    to their course rather than shown a bare "Page not found"."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    quiz_module.unpublish()
    response = client.post(
        reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt)
    )
    text = response.content.decode()
    assert response.status_code == 404
    assert "This lesson is no longer available" in text
    assert "Your answer was not saved" in text
    assert "Page not found" not in text
    assert f'href="{quiz_module.course.url}"' in text


@pytest.mark.parametrize("unpublished", ["course", "module"])
def test_starting_a_quiz_in_a_lesson_taken_off_the_site_says_why_and_where_to_go(
    client, pupil, quiz, quiz_module, unpublished
):
    """A pupil on the quiz's page presses Start after an editor took the lesson (or its
    course) off the site: they are told it is no longer available and that the quiz was not
    started, as for a scenario, not shown a bare "Page not found"; nothing is started."""
    signed_in(client, pupil)
    assert client.get(detail_url(quiz_module, quiz)).status_code == 200
    (quiz_module.course if unpublished == "course" else quiz_module).unpublish()
    response = client.post(start_url(quiz_module, quiz))
    text = response.content.decode()
    assert response.status_code == 404
    assert "This lesson is no longer available" in text
    assert "The quiz was not started" in text
    assert "Page not found" not in text
    if unpublished == "module":
        assert f'href="{quiz_module.course.url}"' in text
    assert not Attempt.objects.exists()
    assert not Statement.objects.exists()


def test_starting_a_quiz_in_a_lesson_never_published_is_not_found(client, pupil, quiz, home_page):
    """A lesson no learner ever saw stays unknown: no page says it was taken off the site."""
    module = make_course(home_page, slug="never-shown", quiz=quiz)
    module.unpublish()
    type(module).objects.filter(pk=module.pk).update(first_published_at=None)
    signed_in(client, pupil)
    response = client.post(start_url(module, quiz))
    assert response.status_code == 404
    assert "This lesson is no longer available" not in response.content.decode()


@pytest.mark.parametrize("unpublished", ["course", "module"])
def test_the_results_lead_nowhere_not_found_once_the_lesson_is_taken_off_the_site(
    client, pupil, quiz, quiz_module, unpublished
):
    """A pupil reading their results (or coming back to them) after an editor took the
    lesson or its course off the site is not offered links to pages that are gone: back to
    the course while it is still open to them, else to My learning."""
    signed_in(client, pupil)
    attempt = start(client, quiz_module, quiz)
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt))
    course = quiz_module.course
    (course if unpublished == "course" else quiz_module).unpublish()
    text = client.get(reverse("assessments:attempt_result", args=[attempt.uuid])).text
    assert "Your results" in text
    assert f'href="{quiz_module.url}' not in text
    if unpublished == "module":
        assert f'href="{course.url}"' in text
    else:
        assert f'href="{course.url}"' not in text
        assert "Back to My learning" in text
