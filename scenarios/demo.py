"""The three demo scenarios, and where they sit in the demo courses.

Faithful to the case studies in the shared folder (ASCL, NAHT, INEQE, the Welsh minister's
statement, 2021), written in our own words. Pupils' text is kept short and simple.
`demo_content_load()` is idempotent: it publishes a new revision only when the text changed.
"""

# ruff: noqa: E501 - course text reads better as whole sentences than split strings

import uuid

from django.db import transaction

from .engine import Choice, Condition, Effect, Graph, Node, Op, Outcome, Variable, validate
from .models import Scenario
from .services import scenario_save_graph

NAMESPACE = uuid.UUID("6f1c0b1e-2f57-4a0e-9a55-5c3e7d1f4b21")


def _c(choice_id, label, target, feedback="", score=0, sets=None, when=None):
    return Choice(
        id=choice_id,
        label=label,
        target=target,
        feedback=feedback,
        score=score,
        effects=tuple(Effect(k, v) for k, v in (sets or {}).items()),
        conditions=tuple(Condition(k, Op.EQ, v) for k, v in (when or {}).items()),
    )


CREST_ACCOUNT = Graph(
    start="break-time",
    variables=(Variable("has_screenshot", False),),
    nodes=(
        Node(
            "break-time",
            title="At break",
            text=(
                "At break, your friend Sam shows you a TikTok account on their phone. "
                "It uses the school crest as its picture and the school's name.\n\n"
                "The newest video makes fun of Mr Evans, your science teacher. "
                "It already has hundreds of likes."
            ),
            choices=(
                _c(
                    "like",
                    "Like the video",
                    "liked",
                    "A like tells the app to show the video to more people.",
                    -1,
                ),
                _c(
                    "comment",
                    "Write a funny comment",
                    "commented",
                    "Your comment has your name on it, and it joins in with the mocking.",
                    -2,
                ),
                _c(
                    "share",
                    "Share it to your group chat",
                    "shared",
                    "Sharing spreads the video further, even in a private chat.",
                    -2,
                ),
                _c(
                    "screenshot",
                    "Take a screenshot, just for you",
                    "screenshot",
                    "A screenshot can be useful evidence, if you only show it to an adult who can help. Never screenshot a nude or sexual picture, though: tell an adult where you saw it.",
                    0,
                    sets={"has_screenshot": True},
                ),
                _c(
                    "report",
                    "Report the account",
                    "reported",
                    "Reporting asks the app to check the account against its rules. An adult can help too.",
                    2,
                ),
                _c(
                    "tell",
                    "Tell an adult you trust",
                    "tell-adult",
                    "Telling an adult is always OK. You are not getting anyone into trouble by asking for help.",
                    2,
                ),
            ),
        ),
        Node(
            "liked",
            title="One more like",
            text=(
                "You tap like. The video now shows up for your followers too. "
                'Someone in your class comments: "Even you liked it!"'
            ),
            choices=(
                _c(
                    "unlike-report",
                    "Unlike it and report the account",
                    "reported",
                    "Good. It is never too late to change your mind.",
                    2,
                ),
                _c(
                    "leave",
                    "Leave it and go to your lesson",
                    "lesson-photo",
                    "The video keeps spreading.",
                    -1,
                ),
            ),
        ),
        Node(
            "commented",
            title="The comments",
            text=(
                "You post a joke in the comments. Other people reply, and the jokes turn "
                "nastier. Some are about how Mr Evans looks. Some say things about him "
                "that are not true."
            ),
            content_warning="This part mentions unkind and untrue comments about a teacher.",
            skip_to="lesson-photo",
            choices=(
                _c(
                    "delete-report",
                    "Delete your comment and report the account",
                    "reported",
                    "Deleting helps, but screenshots of your comment may already exist.",
                    1,
                ),
                _c(
                    "keep-going",
                    "Keep joining in",
                    "ending-worse",
                    "Untrue comments about a real person can be very serious.",
                    -3,
                ),
            ),
        ),
        Node(
            "shared",
            title="In the group chat",
            text=(
                "You share the video. Within minutes it has been forwarded to other chats "
                "you are not in. You cannot get it back."
            ),
            choices=(
                _c(
                    "ask-delete",
                    "Ask the group to delete it, then tell an adult",
                    "tell-adult",
                    "Owning up and asking for help is the brave thing to do.",
                    1,
                ),
                _c("nothing", "Do nothing", "ending-worse", "The video keeps spreading.", -2),
            ),
        ),
        Node(
            "screenshot",
            title="A screenshot",
            text=(
                "You take a screenshot. It shows the account name, the video and the date. "
                "Your friends ask you to send it to them."
            ),
            choices=(
                _c(
                    "send",
                    "Send it to your friends",
                    "shared",
                    "Sending a screenshot spreads the video just like sharing it.",
                    -2,
                ),
                _c(
                    "keep",
                    "Keep it to show an adult",
                    "tell-adult",
                    "Good. Keep it private and show it to someone who can help.",
                    2,
                ),
            ),
        ),
        Node(
            "reported",
            title="You reported it",
            text=(
                "You report the account to TikTok for bullying and for pretending to be "
                "the school. TikTok does not tell you straight away what happens next."
            ),
            choices=(
                _c(
                    "tell-too",
                    "Tell an adult as well",
                    "tell-adult",
                    "Reporting and telling an adult together work best.",
                    1,
                ),
                _c(
                    "done",
                    "That's enough, go to your lesson",
                    "lesson-photo",
                    "Reporting helps. An adult in school can do more.",
                    0,
                ),
            ),
        ),
        Node(
            "tell-adult",
            title="Telling your form tutor",
            text=(
                "You find your form tutor, Ms Price, after registration. She thanks you and "
                "asks what you saw."
            ),
            choices=(
                _c(
                    "show",
                    "Show her your screenshot",
                    "lesson-photo",
                    "The screenshot shows the school exactly which account it is.",
                    2,
                    when={"has_screenshot": True},
                ),
                _c(
                    "describe",
                    "Tell her the account name and what the video showed",
                    "lesson-photo",
                    "That is enough for the school to act.",
                    1,
                ),
            ),
        ),
        Node(
            "lesson-photo",
            title="In the lesson",
            text=(
                "Later, in science, someone holds their phone under the desk and takes a "
                'photo of Mr Evans. They whisper: "This is going on the account."'
            ),
            choices=(
                _c(
                    "laugh",
                    "Laugh along",
                    "ending-photo",
                    "Taking and posting photos of people without asking can hurt them, and breaks school rules.",
                    -2,
                ),
                _c(
                    "ignore",
                    "Say nothing",
                    "ending-mixed",
                    "Staying out of it is understandable, but the photo may still be posted.",
                    0,
                ),
                _c(
                    "speak-up",
                    "Quietly tell Mr Evans or another teacher after the lesson",
                    "ending-upstander",
                    "You did the right thing, without making a scene.",
                    3,
                ),
            ),
        ),
        Node(
            "ending-upstander",
            title="You were an upstander",
            text="The school gets the account and the photo removed. Mr Evans thanks the class for their help.",
            outcome=Outcome.GOOD,
            debrief=(
                "Accounts like this hurt real people. In 2021 school leaders had more than "
                "50 complaints from staff about posts like these. Not liking, not sharing, "
                "reporting and telling an adult all help stop them. Taking photos of people "
                "in class without asking is not OK."
            ),
        ),
        Node(
            "ending-mixed",
            title="It carried on for a while",
            text="The photo was posted, but the school found the account a week later and it was removed.",
            outcome=Outcome.MIXED,
            debrief=(
                "You did not make things worse, but you could have helped sooner. Next time, "
                "report the account and tell an adult you trust. You will not be in trouble "
                "for telling."
            ),
        ),
        Node(
            "ending-photo",
            title="The photo went up",
            text=(
                "That evening the photo of Mr Evans is on the account with a cruel caption, "
                "and it goes round the year group. The pupil who took it is found and "
                "suspended. Mr Evans asks the class why nobody said anything."
            ),
            outcome=Outcome.POOR,
            debrief=(
                "Many of the posts about teachers in 2021 used photos taken in class on a "
                "phone. Laughing along tells the person taking one that it is OK. Taking or "
                "posting a photo of someone without asking can hurt them badly and breaks "
                "school rules. You can stop it without making a scene: tell a teacher after "
                "the lesson."
            ),
        ),
        Node(
            "ending-worse",
            title="It got worse",
            text=(
                "The account grew. Mr Evans was upset and off work. The pupils who ran the "
                "account were excluded, and the police were asked to look at the untrue comments."
            ),
            outcome=Outcome.POOR,
            debrief=(
                "Likes, comments and shares make posts like this spread. Posting things that "
                "are untrue or hateful about someone can lead to exclusion or even the police. "
                "It is never too late to stop, report it and tell an adult."
            ),
        ),
    ),
)


LOCK_IT_DOWN = Graph(
    start="sunday-evening",
    variables=(Variable("profile_private", False),),
    nodes=(
        Node(
            "sunday-evening",
            title="Sunday evening",
            text=(
                "A colleague mentions that pupils at a nearby school found teachers' personal "
                "profiles and used their photos in mocking TikTok videos. You open your own "
                "Instagram and Facebook."
            ),
            choices=(
                _c(
                    "check",
                    "Check your privacy settings now",
                    "settings",
                    "Checking regularly is just what INEQE's safeguarding alert recommends.",
                    2,
                ),
                _c(
                    "later",
                    "It'll be fine; leave it for now",
                    "week-later",
                    "INEQE's alert found that some photos used to mock teachers were taken from their own social media profiles.",
                    -1,
                ),
            ),
        ),
        Node(
            "week-later",
            title="A week later",
            text=(
                "A Year 9 pupil mentions your holiday photos in class, and the room laughs. "
                "Your Instagram is public."
            ),
            choices=(
                _c(
                    "lock-now",
                    "Lock your accounts down tonight",
                    "settings",
                    "Better late than never.",
                    0,
                ),
                _c("ignore", "Shrug it off", "ending-exposed", "Your photos stay public.", -2),
            ),
        ),
        Node(
            "settings",
            title="Your settings",
            text=(
                "Your Instagram account is public. Your Facebook profile lists the school as "
                "your workplace, and anyone can see your friends list and tagged photos."
            ),
            choices=(
                _c(
                    "private",
                    "Make Instagram private, hide your workplace and friends list, limit old posts",
                    "friend-request",
                    "That closes the main ways pupils find and reuse staff photos.",
                    3,
                    sets={"profile_private": True},
                ),
                _c(
                    "picture-only",
                    "Just change your profile picture",
                    "friend-request",
                    "A new picture helps a little, but everything else is still public.",
                    0,
                ),
            ),
        ),
        Node(
            "friend-request",
            title="A friend request",
            text="A friend request arrives on your personal Facebook from Jordan, a Year 10 pupil you teach.",
            choices=(
                _c(
                    "accept",
                    "Accept: it's harmless",
                    "accepted",
                    "Staff guidance is clear: don't accept requests from past or present pupils.",
                    -2,
                ),
                _c(
                    "decline",
                    "Decline it, and don't reply from your personal account",
                    "declined",
                    "Right. Keep contact with pupils to school systems.",
                    2,
                ),
            ),
        ),
        Node(
            "accepted",
            title="Connected",
            text=(
                "Jordan can now see your posts, photos and friends. Other pupils start sending "
                "requests too."
            ),
            choices=(
                _c(
                    "undo",
                    "Remove the connection and mention it to your DSL (DSP in Wales)",
                    "removed",
                    "Good: telling the DSL (DSP in Wales) protects you and the pupil.",
                    1,
                ),
                _c(
                    "leave",
                    "Leave it",
                    "ending-exposed",
                    "This may breach your code of conduct.",
                    -2,
                ),
            ),
        ),
        Node(
            "removed",
            title="Connection removed",
            text=(
                "You remove Jordan from your friends. Your DSL (DSP in Wales) thanks you for telling them and "
                "makes a note, in case pupils keep trying to contact you on personal accounts."
            ),
            choices=(_c("continue", "Carry on", "tagged-photo"),),
        ),
        Node(
            "declined",
            title="Declined",
            text=(
                "You decline. You make a note to tell your DSL (DSP in Wales) if pupils keep trying to "
                "contact you on personal accounts."
            ),
            choices=(_c("continue", "Carry on", "tagged-photo"),),
        ),
        Node(
            "tagged-photo",
            title="A tagged photo",
            text=(
                "A friend tags you in photos from a night out. Your name is a link to your profile."
            ),
            choices=(
                _c(
                    "untag",
                    "Remove the tag and turn on tag review",
                    "public-view",
                    "Tag review means nothing appears on your profile until you approve it.",
                    2,
                ),
                _c(
                    "leave-tag",
                    "Leave it: it's only friends",
                    "tag-left",
                    "Your friend's post may be public even if yours are not.",
                    -1,
                ),
            ),
        ),
        Node(
            "tag-left",
            title="Shared further",
            text="Your friend's post is public. A pupil finds it by searching your name.",
            choices=(
                _c(
                    "ask-friend",
                    "Ask your friend to remove it, then turn on tag review",
                    "public-view",
                    "Talking to friends and family about their settings matters too.",
                    1,
                ),
                _c("leave-it", "Leave it", "ending-partly"),
            ),
        ),
        Node(
            "public-view",
            title="Check what the public sees",
            text='Finally, you use the "view as" tool to see your profiles as a stranger would.',
            choices=(
                _c(
                    "view-private",
                    "Look at your profile as the public",
                    "ending-locked",
                    "Only your name and picture show. Well done.",
                    2,
                    when={"profile_private": True},
                ),
                _c(
                    "view-public",
                    "Look at your profile as the public",
                    "still-public",
                    "Your photos are all still there.",
                    0,
                    when={"profile_private": False},
                ),
            ),
        ),
        Node(
            "still-public",
            title="Still public",
            text="Your account is still public: your photos, your family and where you work are all visible.",
            choices=(
                _c(
                    "fix",
                    "Make everything private now",
                    "ending-locked",
                    "Done. Check again every few months: apps change their settings.",
                    1,
                    sets={"profile_private": True},
                ),
                _c("leave-public", "Leave it for another day", "ending-partly", "", -1),
            ),
        ),
        Node(
            "ending-locked",
            title="Locked down",
            text="Your profiles show strangers almost nothing, and nobody can tag you without your say-so.",
            outcome=Outcome.GOOD,
            debrief=(
                "Strict privacy settings, checked regularly; no friend requests from pupils; "
                "and friends and family asked to be careful too. NAHT's guide asks this of "
                "every member of staff, and INEQE's alert asks schools to make sure staff keep "
                "strict privacy settings and check them. Tag review goes a step further: NAHT warns "
                "that being tagged in someone else's post can harm your reputation, and tag "
                "review lets you stop that before it happens."
            ),
        ),
        Node(
            "ending-partly",
            title="Partly protected",
            text="Some of your photos and details can still be found by pupils.",
            outcome=Outcome.MIXED,
            debrief=(
                "You took some good steps. Finish the job: make accounts private, hide your "
                "workplace and friends list, turn on tag review, and check again regularly."
            ),
        ),
        Node(
            "ending-exposed",
            title="Exposed",
            text="Your photos are shared in a pupils' group chat, and one ends up in a mocking video.",
            outcome=Outcome.POOR,
            debrief=(
                "In 2021 some of the photos used to target teachers were taken on pupils' "
                "phones, and some were harvested from the teachers' own social media "
                "profiles. Lock accounts down, decline pupils' friend requests and tell "
                "your DSL (DSP in Wales) about unwanted contact."
            ),
        ),
    ),
)


A_POST_ABOUT_YOU = Graph(
    start="the-link",
    variables=(Variable("have_evidence", False),),
    nodes=(
        Node(
            "the-link",
            title="The link",
            text=(
                "A colleague sends you a link. A TikTok account using the school crest has "
                "posted a video of you taken in your classroom, with a caption making a false "
                "allegation about you. It has thousands of views."
            ),
            choices=(
                _c(
                    "reply",
                    "Reply in the comments to set the record straight",
                    "ending-replied",
                    "Replying publicly feeds the account and spreads the post.",
                    -3,
                ),
                _c(
                    "screenshot",
                    "Take screenshots, including the username, date and time",
                    "evidence",
                    "Evidence first: posts can vanish.",
                    2,
                    sets={"have_evidence": True},
                ),
                _c(
                    "confront",
                    "Find the pupils you suspect and tell them to take it down",
                    "confronted",
                    "Acting alone can make things worse and puts you at risk.",
                    -1,
                ),
                _c(
                    "manager",
                    "Go straight to your line manager",
                    "line-manager",
                    "Telling your manager quickly is right, but take screenshots first: posts can vanish.",
                    1,
                ),
            ),
        ),
        Node(
            "confronted",
            title="Confronted",
            text=(
                "The pupils deny everything. That evening the account posts again, saying you "
                '"interrogated" them.'
            ),
            choices=(
                _c(
                    "reply-again",
                    "Reply to the new post",
                    "ending-replied",
                    "Replying publicly is what the account wants.",
                    -3,
                ),
                _c(
                    "evidence-now",
                    "Take screenshots and go to your line manager",
                    "evidence",
                    "Back on the right route.",
                    1,
                    sets={"have_evidence": True},
                ),
            ),
        ),
        Node(
            "evidence",
            title="Evidence",
            text=(
                "You save screenshots showing the account name, the video, the caption and "
                "the comments, with the date and time."
            ),
            choices=(
                _c(
                    "tell-manager",
                    "Tell your line manager and the DSL (DSP in Wales)",
                    "line-manager",
                    "",
                    1,
                ),
            ),
        ),
        Node(
            "line-manager",
            title="Your line manager",
            text=(
                "Your line manager and the DSL (DSP in Wales) take it seriously. They will follow the school's "
                "behaviour policy for the pupils involved and ask what you have done so far."
            ),
            choices=(
                _c(
                    "platform",
                    "Report the post to TikTok",
                    "platform",
                    "Reporting to the platform is an important step.",
                    1,
                ),
                _c(
                    "posh",
                    "Contact the Professionals Online Safety Helpline (POSH)",
                    "posh",
                    "POSH can escalate directly to the platforms.",
                    2,
                ),
            ),
        ),
        Node(
            "platform",
            title="Reported to the platform",
            text="You report the video through TikTok's tools. A day later it is still up.",
            choices=(
                _c(
                    "then-posh",
                    "Contact POSH",
                    "posh",
                    "TikTok's own advice is that contacting POSH is the shortest route to "
                    "getting content taken down from TikTok.",
                    1,
                ),
            ),
        ),
        Node(
            "posh",
            title="Calling POSH",
            text=(
                "You call POSH on 0344 381 4772. The adviser asks what evidence you have of "
                "the posts."
            ),
            choices=(
                _c(
                    "send",
                    "Send them your screenshots",
                    "new-comments",
                    "With clear evidence, POSH can ask the platform to act quickly.",
                    2,
                    when={"have_evidence": True},
                ),
                _c(
                    "go-back",
                    "Say you'll take screenshots and call back",
                    "call-back",
                    "Without evidence, nobody can act. Take screenshots before anything is removed.",
                    0,
                    sets={"have_evidence": True},
                    when={"have_evidence": False},
                ),
            ),
        ),
        Node(
            "call-back",
            title="Calling back",
            text=(
                "You save screenshots showing the account name, the video, the caption and "
                "the comments, with the date and time, and call POSH back."
            ),
            choices=(
                _c(
                    "send-late",
                    "Send them your screenshots",
                    "new-comments",
                    "Next time, take screenshots first: posts can vanish before anyone acts.",
                    1,
                ),
            ),
        ),
        Node(
            "new-comments",
            title="New comments",
            text=(
                'Before the video comes down, new comments appear. One says people will "wait '
                'for you after school". Others are sexual remarks about you.'
            ),
            content_warning="This part describes a threat and sexual comments aimed at a teacher.",
            skip_to="police-decision",
            choices=(_c("next", "Decide what to do", "police-decision"),),
        ),
        Node(
            "police-decision",
            title="Threats and sexual content",
            text="The posts now include a threat and sexual content.",
            choices=(
                _c(
                    "police",
                    "With your DSL (DSP in Wales), report it to the police, with your evidence",
                    "ending-route",
                    "Right: NAHT says to consider the police where there are threats, hate "
                    "crime or sexual content; INEQE adds upskirting.",
                    3,
                ),
                _c(
                    "wait",
                    "Leave it to POSH and the platform",
                    "ending-partial",
                    "POSH and the platform can get it removed, but NAHT says to consider the "
                    "police too where there are threats, hate crime or sexual content; INEQE "
                    "adds upskirting.",
                    0,
                ),
            ),
        ),
        Node(
            "ending-route",
            title="You followed the reporting route",
            text="The video and the account are removed. The police speak to the pupils involved, and the school supports you.",
            outcome=Outcome.GOOD,
            debrief=(
                "Don't respond. Keep evidence with usernames, dates and times. Tell your line "
                "manager and DSL (DSP in Wales). Report to the platform and contact POSH. Consider the police "
                "where there are threats, hate crime, sexual content or upskirting. Your "
                "employer has a duty of care to you."
            ),
        ),
        Node(
            "ending-partial",
            title="Taken down, but not finished",
            text="The post is removed, but the threats were never reported to the police.",
            outcome=Outcome.MIXED,
            debrief=(
                "You did most things right. Consider the police as well where there are "
                "threats, hate crime, allegations of abuse, sexualised harassment or "
                "upskirting, as INEQE advises, and look after your wellbeing."
            ),
        ),
        Node(
            "ending-replied",
            title="Drawn in",
            text=(
                "Your reply is screenshotted and shared. More accounts pile in, and the post "
                "reaches far more people."
            ),
            outcome=Outcome.POOR,
            debrief=(
                "Replying publicly, however tempting, amplifies the post. The route that works: "
                "don't respond; take screenshots; tell your line manager; report to the "
                "platform; contact POSH (0344 381 4772); consider the police where there are "
                "threats, hate crime, sexual content or upskirting."
            ),
        ),
    ),
)


DEMO_SCENARIOS = [
    # (stable key, title, audience, introduction, graph, course key, module index)
    (
        "crest-account",
        "The crest account",
        Scenario.Audience.PUPILS,
        "A friend shows you a TikTok account using your school's crest. What do you do?",
        CREST_ACCOUNT,
        "pupil-2021",
        "pupil-2021-if-you-see-it",
    ),
    (
        "lock-it-down",
        "Lock it down",
        Scenario.Audience.STAFF,
        "Check and fix your privacy settings, and handle a friend request and a tagged photo.",
        LOCK_IT_DOWN,
        "staff-privacy",
        "staff-privacy-settings",
    ),
    (
        "a-post-about-you",
        "A post about you",
        Scenario.Audience.STAFF,
        "A video of you appears on an account using the school crest. Follow the reporting route.",
        A_POST_ABOUT_YOU,
        "staff-privacy",
        "staff-privacy-if-targeted",
    ),
]


def demo_uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


@transaction.atomic
def demo_scenarios_ensure() -> dict[str, Scenario]:
    """Create or update the three demo scenarios (published). Idempotent."""
    scenarios = {}
    for key, title, audience, intro, graph, _course, _module in DEMO_SCENARIOS:
        problems = validate(graph)
        if problems:
            raise ValueError(f"Demo scenario {key} is invalid: {problems}")
        scenario = Scenario.objects.filter(uuid=demo_uuid(key)).first()
        if scenario is None:
            scenario = Scenario(uuid=demo_uuid(key), title=title)
        unchanged = (
            scenario.pk
            and scenario.live
            and not scenario.has_unpublished_changes
            and scenario.title == title
            and scenario.audience == audience
            and scenario.introduction == intro
            and scenario.graph() == graph
        )
        if not unchanged:
            scenario.audience = audience
            scenario.introduction = intro
            scenario_save_graph(scenario=scenario, graph=graph, title=title, publish=True)
        scenarios[key] = scenario
    return scenarios


def demo_content_load() -> dict[str, Scenario]:
    """Called by the courses app's load_demo_content: scenarios, placed in their modules."""
    from courses.demo import DEMO_MODULE_SLUGS, activity_block_ensure

    scenarios = demo_scenarios_ensure()
    for key, _title, _audience, _intro, _graph, course, module_slug in DEMO_SCENARIOS:
        if module_slug not in DEMO_MODULE_SLUGS.get(course, []):
            raise LookupError(f"Demo module {module_slug!r} is not in course {course!r}")
        activity_block_ensure(
            module_slug=module_slug,
            block_type="scenario",
            value={"scenario": scenarios[key], "required": True},
        )
    return scenarios


def demo_content_after_load() -> int:
    """Called by load_demo_content once every app has placed its activities: the classmates
    play only after the lesson's quiz is in it, so playing does not complete a module whose
    quiz they never took."""
    crest = Scenario.objects.get(uuid=demo_uuid("crest-account"))
    return demo_class_plays_ensure(crest, module_slug="pupil-2021-if-you-see-it")


# The longest play-through a classmate makes; the demo graphs end well before it.
_MAX_MOVES = 40


def demo_class_plays_ensure(scenario: Scenario, *, module_slug: str) -> int:
    """The demo school's classmates (load_demo_data.DEMO_CLASSMATES) play `scenario` in its
    lesson, once each, through the player's services, so a class's scenario choices have
    something to show. Each picks among the choices on offer at random, better-scored ones
    more often, seeded by their username, so every load makes the same plays. Nothing
    happens before load_demo_data has made them, or for one who has played already.
    Returns how many played."""
    import random

    from courses.models import ModulePage
    from schools.management.commands.load_demo_data import DEMO_CLASSMATES, DEMO_SCHOOL_URN
    from schools.models import User

    from .engine import available_choices
    from .engine.play import State
    from .models import ScenarioAttempt
    from .selectors import graph_for_revision
    from .services import scenario_attempt_start, scenario_choice_make

    module = ModulePage.objects.live().filter(slug=module_slug).first()
    classmates = User.objects.filter(
        school__urn=DEMO_SCHOOL_URN, username__in=[c[0] for c in DEMO_CLASSMATES]
    ).order_by("username")
    played = 0
    for learner in classmates:
        if ScenarioAttempt.objects.filter(learner=learner, scenario=scenario).exists():
            continue
        rng = random.Random(learner.username)  # noqa: S311 - demo choices, not secrets
        attempt = scenario_attempt_start(learner=learner, scenario=scenario, module=module)
        graph = graph_for_revision(attempt.revision_id)
        for _move in range(_MAX_MOVES):
            state = State.from_dict(attempt.state)
            offered = available_choices(graph, state)
            if state.finished or not offered:
                break
            attempt = scenario_choice_make(
                learner=learner,
                attempt_uuid=attempt.uuid,
                node_id=state.node_id,
                step=attempt.step,
                choice_id=rng.choices(offered, weights=[2.0**c.score for c in offered])[0].id,
            ).attempt
        played += 1
    return played
