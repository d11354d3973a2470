"""Scenarios inside demo course modules: the block plays there, and an ending completes
the scenario activity, the module and (with no other activities left) the course."""

import pytest
from django.urls import reverse

from scenarios.models import Scenario, ScenarioAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_module(home_page):
    from courses.demo import demo_content_load as courses_demo_load
    from courses.models import ModulePage
    from scenarios.demo import demo_content_load

    courses_demo_load()
    scenarios = demo_content_load()
    module = ModulePage.objects.get(slug="staff-privacy-if-targeted")
    return module, scenarios["a-post-about-you"]


def test_demo_loading_places_each_scenario_in_its_module_once(demo_module):
    from courses.models import ModulePage
    from scenarios.demo import demo_content_load

    demo_content_load()  # again: idempotent
    module, scenario = demo_module
    module = ModulePage.objects.get(pk=module.pk)
    blocks = [c for c in module.body if c.block_type == "scenario"]
    assert [b.value["scenario"].pk for b in blocks] == [scenario.pk]


def test_the_module_page_shows_the_player(client, teacher, demo_module):
    module, scenario = demo_module
    client.force_login(teacher)
    html = client.get(module.url).content.decode()
    assert f'id="scenario-{scenario.uuid}"' in html
    assert f'name="module" value="{module.pk}"' in html
    assert "Start the scenario" in html


def test_reaching_an_ending_in_a_module_completes_the_activity_and_the_module(
    client, teacher, demo_module
):
    from records.selectors import completed_activity_iris
    from xapi.identity import activity_iri
    from xapi.models import Statement

    module, scenario = demo_module
    client.force_login(teacher)
    response = client.post(
        reverse("scenarios:start", args=[scenario.uuid]),
        {"module": module.pk, "return_to": module.url},
    )
    assert response["Location"].startswith(module.url)
    attempt = ScenarioAttempt.objects.get(learner=teacher)
    assert attempt.module_id == module.pk and attempt.registration
    url = reverse("scenarios:choose", args=[attempt.uuid])
    client.post(url, {"node": "the-link", "step": 0, "choice": "reply"})
    iri = activity_iri("scenario", scenario.uuid)
    assert completed_activity_iris(learner=teacher, activity_iris=[iri]) == {iri}
    statement = Statement.objects.filter(object_iri=iri).order_by("pk").last()
    context = statement.data["context"]
    assert context["registration"] == str(attempt.registration)
    assert context["contextActivities"]["parent"][0]["id"] == module.activity_iri
    # Only the scenarios' demo loader ran, so the scenario is the module's one activity.
    assert module.required_activity_iris() == [iri]
    assert module.activity_iri in completed_activity_iris(
        learner=teacher, activity_iris=[module.activity_iri]
    )


def _started_from_the_module(client, learner, module, scenario):
    """Sign the learner in and start the module's scenario from its page; return the
    attempt."""
    client.force_login(learner)
    client.post(
        reverse("scenarios:start", args=[scenario.uuid]),
        {"module": module.pk, "return_to": module.url},
    )
    return ScenarioAttempt.objects.get(learner=learner)


@pytest.mark.parametrize("taken_off", ["module", "course"])
def test_an_ending_reached_after_the_module_was_unpublished_does_not_complete_it(
    client, teacher, demo_module, taken_off
):
    """As with a quiz under way: a module (or its course) unpublished while a learner was
    half-way through its scenario is not completed by the ending they reach afterwards."""
    from records.selectors import completed_activity_iris

    module, scenario = demo_module
    attempt = _started_from_the_module(client, teacher, module, scenario)
    (module if taken_off == "module" else module.course).unpublish()
    client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "the-link", "step": 0, "choice": "reply"},
    )
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    course_iri = module.course.activity_iri
    assert not completed_activity_iris(
        learner=teacher, activity_iris=[module.activity_iri, course_iri]
    )


def _eyebrow(html: str) -> str:
    start = html.index('class="scenario-block__eyebrow"')
    return html[start : html.index("</p>", start)]


def test_the_block_says_the_module_needs_the_scenario_and_when_it_is_done(
    client, teacher, demo_module
):
    module, scenario = demo_module
    client.force_login(teacher)
    eyebrow = _eyebrow(client.get(module.url).content.decode())
    assert "Scenario" in eyebrow and "Required" in eyebrow and "Completed" not in eyebrow
    client.post(reverse("scenarios:start", args=[scenario.uuid]), {"module": module.pk})
    attempt = ScenarioAttempt.objects.get(learner=teacher)
    client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "the-link", "step": 0, "choice": "reply"},
    )
    assert "Completed" in _eyebrow(client.get(module.url).content.decode())


def test_an_optional_scenario_is_not_marked_required(client, teacher, demo_module):
    module, _scenario = demo_module
    body = module.body.raw_data
    for block in body:
        if block["type"] == "scenario":
            block["value"]["required"] = False
    module.body = body
    module.save_revision().publish()
    client.force_login(teacher)
    eyebrow = _eyebrow(client.get(module.url).content.decode())
    assert "Scenario" in eyebrow and "Required" not in eyebrow


def test_a_scenario_not_in_the_module_cannot_borrow_its_context(client, teacher, demo_module):
    from scenarios.demo import demo_scenarios_ensure

    module, _scenario = demo_module
    other = demo_scenarios_ensure()["crest-account"]
    client.force_login(teacher)
    client.post(reverse("scenarios:start", args=[other.uuid]), {"module": module.pk})
    assert ScenarioAttempt.objects.get(learner=teacher).module_id is None


def test_a_module_the_learner_may_not_take_lends_no_context(client, teacher, demo_module):
    # A member of staff can play the pupils' scenario on its own page, but a form claiming it
    # sits in the pupils' module (which they only see in the teaching view) completes nothing
    # there for them.
    from courses.models import ModulePage
    from scenarios.demo import demo_content_load

    crest = demo_content_load()["crest-account"]
    pupil_module = ModulePage.objects.get(slug="pupil-2021-if-you-see-it")
    client.force_login(teacher)
    client.post(reverse("scenarios:start", args=[crest.uuid]), {"module": pupil_module.pk})
    assert ScenarioAttempt.objects.get(learner=teacher, scenario=crest).module_id is None


def test_staff_see_classroom_and_analytics_links_beside_the_player(
    client, teacher, pupil, demo_module
):
    module, _scenario = demo_module
    pupil_module = module.__class__.objects.get(slug="pupil-2021-if-you-see-it")
    client.force_login(teacher)
    html = client.get(pupil_module.url).content.decode()
    assert "Run this scenario with a class" in html
    client.force_login(pupil)
    html = client.get(pupil_module.url).content.decode()
    assert "Start the scenario" in html
    assert "Run this scenario with a class" not in html


def test_a_staff_scenario_is_offered_for_classroom_mode_only_to_a_staff_team_lead(
    client, teacher, school, demo_module
):
    from schools.models import Group, Membership
    from tests.factories import GroupFactory

    module, scenario = demo_module  # "A post about you", for staff
    play = reverse("scenarios:play", args=[scenario.uuid])
    client.force_login(teacher)  # teaches a class of pupils only
    for url in (module.url, play):
        html = client.get(url).content.decode()
        assert "See a group's choices" in html
        assert "Run this scenario with a class" not in html
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.TEACHER)
    for url in (module.url, play):
        assert "Run this scenario with a class" in client.get(url).content.decode()


def test_classroom_mode_is_offered_only_to_those_who_teach_a_group(
    client, teacher, safeguarding_lead, demo_module
):
    module, scenario = demo_module
    play = reverse("scenarios:play", args=[scenario.uuid])
    client.force_login(safeguarding_lead)  # teaches no group: classroom mode would refuse them
    for url in (module.url, play):
        html = client.get(url).content.decode()
        assert "See a group's choices" in html
        assert "Run this scenario with a class" not in html
    client.force_login(teacher)
    # A teacher of a class is offered it for the pupils' scenario, not for this staff one.
    assert "Run this scenario with a class" not in client.get(play).content.decode()
    crest = Scenario.objects.get(title="The crest account")
    crest_play = reverse("scenarios:play", args=[crest.uuid])
    assert "Run this scenario with a class" in client.get(crest_play).content.decode()


def _play_route(client, learner, scenario, route):
    """Sign the learner in, start the scenario and make each (node, choice) in turn; return
    the attempt as it stands afterwards."""
    client.force_login(learner)
    client.post(reverse("scenarios:start", args=[scenario.uuid]))
    attempt = ScenarioAttempt.objects.get(learner=learner, scenario=scenario)
    for step, (node, choice) in enumerate(route):
        client.post(
            reverse("scenarios:choose", args=[attempt.uuid]),
            {"node": node, "step": step, "choice": choice},
        )
    attempt.refresh_from_db()
    return attempt


# "A post about you" as far as the teacher's decision on the police, once POSH has helped.
POST_ABOUT_YOU_TO_POLICE_DECISION = [
    ("the-link", "screenshot"),
    ("evidence", "tell-manager"),
    ("line-manager", "posh"),
    ("posh", "send"),
    ("new-comments", "next"),
]
# "Lock it down" to its "Locked down" ending.
LOCK_IT_DOWN_TO_LOCKED_DOWN = [
    ("sunday-evening", "check"),
    ("settings", "private"),
    ("friend-request", "decline"),
    ("declined", "continue"),
    ("tagged-photo", "untag"),
    ("public-view", "view-private"),
]


def test_a_post_about_you_left_to_posh_says_allegations_of_abuse_are_for_the_police(
    client, teacher, demo_module
):
    """The posts in this scenario already make a false allegation, so "allegations" alone
    told staff every such post is a police matter. INEQE's alert, which the module cites,
    names "allegations of abuse" (with threats, hate crime, sexualised harassment and
    upskirting) as the aggravating factors; the ending the teacher reads must say so."""
    from django.utils.html import strip_tags

    _module, scenario = demo_module
    attempt = _play_route(
        client, teacher, scenario, [*POST_ABOUT_YOU_TO_POLICE_DECISION, ("police-decision", "wait")]
    )
    assert attempt.outcome == "mixed"
    page = client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode()
    text = " ".join(strip_tags(page).split())
    assert "Taken down, but not finished" in text
    assert "threats, hate crime, allegations of abuse, sexualised harassment" in text


def test_lock_it_down_credits_each_recommendation_to_the_guidance_that_makes_it(
    client, teacher, demo_module
):
    """The "Locked down" ending said NAHT and INEQE both ask staff to turn down pupils' friend
    requests and talk to friends and family about their settings. Only NAHT's guide says
    that; INEQE's alert asks schools to make sure staff keep strict privacy settings and
    check them regularly."""
    from html import unescape

    from django.utils.html import strip_tags

    scenario = Scenario.objects.get(title="Lock it down")
    attempt = _play_route(client, teacher, scenario, LOCK_IT_DOWN_TO_LOCKED_DOWN)
    assert attempt.outcome == "good"
    page = unescape(client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode())
    text = " ".join(strip_tags(page).split())
    assert "NAHT's guide asks this of every member of staff" in text
    assert "INEQE's alert asks schools to make sure staff keep strict privacy settings" in text


def test_staff_are_told_the_same_times_to_consider_the_police_in_scenario_and_module(
    client, teacher, demo_module
):
    """A scenario's ending told staff to report "threats, hate or sexual content" to the
    police, leaving out upskirting, which the module's own signposting (and INEQE's alert)
    name; both now say, as INEQE and NAHT do, to consider the police, for the same things."""
    from html import unescape

    from django.utils.html import strip_tags

    module, _ = demo_module
    scenario = Scenario.objects.get(title="Lock it down")
    _play_route(client, teacher, scenario, LOCK_IT_DOWN_TO_LOCKED_DOWN)
    ending = unescape(client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode())
    module_page = unescape(client.get(module.url).content.decode())
    police = "consider contacting the police where there are threats, hate crime, sexual content "
    police += "or upskirting"
    for page, list_class in ((ending, "scenario-signposts"), (module_page, "signposts")):
        signposts = page.split(f'<ul class="{list_class}">')[-1].split("</ul>")[0]
        assert police in " ".join(strip_tags(signposts).split()).lower()


def test_a_post_about_you_reported_to_the_police_names_upskirting_in_its_debrief(
    client, teacher, demo_module
):
    """The ending where the teacher goes to the police summed up when to do so as "threats,
    hate or sexual content", without the upskirting that INEQE's alert and the staff
    signposting on the same page name."""
    from html import unescape

    from django.utils.html import strip_tags

    _module, scenario = demo_module
    attempt = _play_route(
        client,
        teacher,
        scenario,
        [*POST_ABOUT_YOU_TO_POLICE_DECISION, ("police-decision", "police")],
    )
    assert attempt.outcome == "good"
    page = unescape(client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode())
    debrief = page.split("What to take away</h4>", 1)[1].split("</p>")[0]
    text = " ".join(strip_tags(debrief).split())
    assert "where there are threats, hate crime, sexual content or upskirting" in text


def _a_post_about_you_played(client, teacher, scenario, route):
    from html import unescape

    from django.utils.html import strip_tags

    _play_route(client, teacher, scenario, route)
    page = unescape(client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode())
    return page, " ".join(strip_tags(page).split())


def test_a_post_about_you_drawn_in_ending_gives_the_police_advice_the_other_endings_give(
    client, teacher, demo_module
):
    """The "Drawn in" ending summed up the route as "the police for threats, hate or sexual
    content": no upskirting, and in its own voice, where INEQE's alert and NAHT's guide (and
    the scenario's other endings) say to consider the police, upskirting among the reasons."""
    _module, scenario = demo_module
    page, _text = _a_post_about_you_played(client, teacher, scenario, [("the-link", "reply")])
    assert "Drawn in" in page
    debrief = page.split("What to take away</h4>", 1)[1].split("</p>")[0]
    debrief = " ".join(debrief.split())
    assert "consider the police where there are threats, hate crime, sexual content or " in (
        debrief.lower()
    )
    assert "upskirting" in debrief


@pytest.mark.parametrize("choice", ["police", "wait"])
def test_a_post_about_you_police_choice_feedback_says_to_consider_the_police(
    client, teacher, demo_module, choice
):
    """At "Threats and sexual content" the feedback told staff the police are to be
    involved ("reasons to involve the police"; "should be reported to the police too"),
    where the sources (INEQE's alert, NAHT's guide) and the endings say to consider them."""
    _module, scenario = demo_module
    route = [*POST_ABOUT_YOU_TO_POLICE_DECISION, ("police-decision", choice)]
    page, _text = _a_post_about_you_played(client, teacher, scenario, route)
    feedback = page.split('class="scenario-feedback', 1)[1].split("</div>")[0]
    from django.utils.html import strip_tags

    feedback = " ".join(strip_tags(feedback).split()).lower()
    assert "consider" in feedback
    assert "upskirting" in feedback


@pytest.fixture
def pupils_lesson(home_page):
    """A pupils' lesson (module) whose one activity is a small scenario."""
    from tests.courses.conftest import module_page, pupils_course
    from tests.scenarios.helpers import published_scenario

    scenario = published_scenario(title="The crest account")
    course = pupils_course(home_page, "Respect online", "respect-online")
    module = module_page(
        course, "lesson", title="What happened", body=[("scenario", {"scenario": scenario})]
    )
    return module, scenario


@pytest.mark.parametrize("taken_off", ["module", "course"])
def test_a_choice_sent_without_javascript_after_the_lesson_was_unpublished_says_why(
    client, pupil, pupils_lesson, taken_off
):
    """The pupil is part-way through the lesson's scenario when an editor takes the lesson
    (or its course) off the site. Their next choice is kept, as before, but they are not led
    to a bare "Page not found" where the lesson was: they are told the lesson is no longer
    available, and offered the scenario on its own page to finish it."""
    module, scenario = pupils_lesson
    attempt = _started_from_the_module(client, pupil, module, scenario)
    course = module.course
    (module if taken_off == "module" else course).unpublish()
    response = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "start", "step": 0, "choice": "report", "return_to": module.url},
        follow=True,
    )
    text = response.content.decode()
    assert response.status_code == 404
    assert "This lesson is no longer available" in text
    assert "Page not found" not in text
    assert "Your choice was saved" in text
    play = reverse("scenarios:play", args=[scenario.uuid])
    assert f'href="{play}"' in text
    expected = course.url if taken_off == "module" else reverse("home")
    assert f'href="{expected}"' in text
    attempt.refresh_from_db()
    assert attempt.step == 1
    # The scenario's own page carries on where the pupil is.
    carry_on = client.get(play).content.decode()
    assert 'name="node" value="reported"' in carry_on
    # ...and the choices made there lead back there, to the ending's debrief.
    response = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "reported", "step": 1, "choice": "tell", "return_to": play},
    )
    assert response["Location"] == f"{play}#scenario-{scenario.uuid}"
    attempt.refresh_from_db()
    assert attempt.finished_at is not None


def test_an_ending_reached_without_javascript_after_the_lesson_was_unpublished_leads_to_it(
    client, pupil, pupils_lesson
):
    """The last choice, made on the lesson's page once it was taken off the site, leads to
    the ending's debrief and signposting on the scenario's own page."""
    module, scenario = pupils_lesson
    client.force_login(pupil)
    client.post(reverse("scenarios:start", args=[scenario.uuid]), {"module": module.pk})
    attempt = ScenarioAttempt.objects.get(learner=pupil)
    choose = reverse("scenarios:choose", args=[attempt.uuid])
    client.post(choose, {"node": "start", "step": 0, "choice": "share"})
    module.unpublish()
    response = client.post(choose, {"node": "shared", "step": 1, "choice": "oops"})
    assert response.status_code == 404
    text = response.content.decode()
    assert "See how The crest account ended" in text
    assert f'href="{reverse("scenarios:play", args=[scenario.uuid])}"' in text


def test_starting_without_javascript_after_the_lesson_was_unpublished_says_why(
    client, pupil, pupils_lesson
):
    """The pupil opened the lesson before an editor took it off the site, then pressed
    "Start the scenario": they are told the lesson is no longer available and offered the
    scenario on its own page, not led to a bare "Page not found"; nothing is started."""
    module, scenario = pupils_lesson
    client.force_login(pupil)
    module.unpublish()
    response = client.post(
        reverse("scenarios:start", args=[scenario.uuid]),
        {"module": module.pk, "return_to": module.url},
        follow=True,
    )
    text = response.content.decode()
    assert response.status_code == 404
    assert "This lesson is no longer available" in text
    assert "Page not found" not in text
    assert f'href="{reverse("scenarios:play", args=[scenario.uuid])}"' in text
    assert not ScenarioAttempt.objects.exists()
