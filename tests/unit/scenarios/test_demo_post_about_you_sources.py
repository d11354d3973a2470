"""The "A post about you" scenario credits its advice to the source that gives it (no
database)."""

from scenarios.demo import A_POST_ABOUT_YOU


def test_the_shortest_route_to_removal_is_given_as_tiktoks_own_advice():
    """The one source that calls POSH "the shortest route to getting content taken down" is
    TikTok's advice, quoted in NAHT's guide, about content on TikTok. The feedback after a
    report to TikTok stalls stated it as a fact about POSH, for any platform."""
    then_posh = next(c for c in A_POST_ABOUT_YOU.node("platform").choices if c.id == "then-posh")
    assert then_posh.feedback == (
        "TikTok's own advice is that contacting POSH is the shortest route to getting "
        "content taken down from TikTok."
    )


def test_the_police_advice_credits_upskirting_to_ineqe_alone():
    """NAHT's guide says to consider the police where material is sexual, threatening,
    abusive or a hate crime; only INEQE's alert adds upskirting. The feedback on the police
    choices credited all four to both."""
    police = A_POST_ABOUT_YOU.node("police-decision")
    for choice in police.choices:
        assert "INEQE and NAHT" not in choice.feedback
        if "upskirting" in choice.feedback:
            assert "INEQE adds upskirting" in choice.feedback
