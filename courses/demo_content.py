"""The words of the three flagship demo courses, written for Upstander from the case studies.

Facts, organisations, dates and phone numbers come from the source documents in
../shared/case-studies/ (each case study block cites them); the text is our own. Pupil text
is kept at Flesch-Kincaid grade 7 or below (tests/courses/test_demo_content.py measures it).
Rich-text values are HTML strings; the page builder in demo.py turns them into blocks.
"""

from .models import Audience, KeyStage

# The five source documents, as the case-study blocks cite them.
SOURCE_WELSH_MINISTER = {
    "organisation": "Deeside.com",
    "title": (
        "Education minister 'appalled and deeply troubled' by the recent trend of targeting "
        "teachers on TikTok (report of the Welsh education minister's written statement)"
    ),
    "date": "Not dated",
    "url": "",
}
SOURCE_ASCL_COMPLAINTS = {
    "organisation": "Association of School and College Leaders (ASCL), as reported in the press",
    "title": "Untitled press report of ASCL's complaints from staff abused on TikTok",
    "date": "Not dated",
    "url": "",
}
SOURCE_ASCL_NAHT_STATEMENT = {
    "organisation": "ASCL and NAHT",
    "title": "Statement on meeting with TikTok about posts abusing teachers",
    "date": "15 November 2021",
    "url": "",
}
SOURCE_INEQE_ALERT = {
    "organisation": "INEQE Safeguarding Group",
    "title": "Untitled safeguarding alert on the online targeting of teachers and school staff",
    "date": "Not dated",
    "url": "",
}
SOURCE_NAHT_GUIDE = {
    "organisation": "NAHT",
    "title": "Social media, TikTok and mobile phones in schools: an essential guide",
    "date": "Not dated",
    "url": "",
}

CATALOGUES = [
    {
        "slug": "pupils",
        "title": "Courses for pupils",
        "audience": Audience.PUPILS,
        "intro": "<p>PSHE lessons about being safe and kind online.</p>",
    },
    {
        "slug": "staff",
        "title": "Courses for staff",
        "audience": Audience.STAFF,
        "intro": "<p>Continuing professional development on privacy and conduct online.</p>",
    },
    {
        "slug": "safeguarding-leads",
        "title": "Courses for safeguarding leads and senior leaders",
        "audience": Audience.SAFEGUARDING_LEADS,
        "intro": "<p>Responding to incidents, escalating them and supporting your community.</p>",
    },
]


def _text(html: str) -> tuple:
    return ("text", html)


def _callout(heading: str, html: str = "", signposting: str = "") -> tuple:
    return ("callout", {"heading": heading, "text": html, "signposting": signposting})


def _case(title: str, summary: str, body: str, sources: list[dict]) -> tuple:
    return (
        "case_study",
        {"title": title, "summary": summary, "body": body, "sources": sources},
    )


def _reflection(prompt: str, hint: str = "") -> tuple:
    return ("reflection", {"prompt": prompt, "hint": hint})


def _teacher_notes(heading: str, html: str, minutes: int | None = None, disclosure=False):
    return (
        "teacher_notes",
        {"heading": heading, "minutes": minutes, "text": html, "disclosure": disclosure},
    )


def _checklist(title: str, intro: str, platforms: dict[str, list[str]]) -> tuple:
    return (
        "checklist",
        {
            "title": title,
            "intro": intro,
            "platforms": [{"platform": name, "items": items} for name, items in platforms.items()],
        },
    )


PUPIL_COURSE = {
    "key": "pupil-2021",
    "slug": "respect-online",
    "topics": ["phone-use", "reporting"],
    "page": {
        "title": "Respect online: when posts target teachers",
        "audience": Audience.PUPILS,
        "summary": (
            "In 2021 some pupils made fake school accounts to make fun of teachers. Find out "
            "what happened, why it hurts, and what you can do."
        ),
        "intro": (
            "<p>This lesson has three short parts. Take your time. You can stop and come back "
            "later. Your place is saved.</p>"
        ),
        "estimated_minutes": 40,
        "cpd_minutes": None,
        "key_stage": KeyStage.KS3_KS4,
        "learning_outcomes": (
            "Say what happened in 2021 and why it hurt real people\n"
            "Explain why you need to ask before you take or share a photo of someone\n"
            "Say what to do if you see a post like this\n"
            "Name people you can talk to and where to get help"
        ),
        "content_warning": (
            "This lesson talks about mean posts about teachers. Some of those posts were "
            "rude or told lies."
        ),
    },
    "modules": [
        {
            "slug": "pupil-2021-what-happened",
            "title": "What happened in 2021",
            "summary": "Fake school accounts made fun of teachers. Real people were hurt.",
            "estimated_minutes": 15,
            "content_warning": (
                "This part talks about posts that were cruel, rude or untrue. We do not show "
                "any of the posts."
            ),
            "body": [
                _teacher_notes(
                    "Before you start: ground rules",
                    "<p>This lesson is about real teachers who were abused online, and pupils "
                    "may know of accounts like these at your own school. Agree some ground "
                    "rules with the class before you begin:</p>"
                    "<ul><li>Nobody names or describes a real member of staff or pupil, from "
                    "this school or any other.</li>"
                    "<li>Anyone may pass on a question.</li>"
                    "<li>Challenge the idea, not the person.</li>"
                    "<li>What is said here stays here, unless someone is at risk of harm.</li>"
                    "</ul>"
                    "<p>Tell the class who they can talk to afterwards, and that nobody is in "
                    "trouble for telling you about an account they have seen.</p>",
                    minutes=5,
                    disclosure=True,
                ),
                _text(
                    "<h2>A trend that went too far</h2>"
                    "<p>In the autumn of 2021, some pupils across the UK made new accounts on "
                    "TikTok. The accounts used the name and badge of a real school. They looked "
                    "like the school's own page, but they were fake.</p>"
                    "<p>The posts named real teachers. Some used photos of them. Many made fun "
                    "of them. Some told lies about them. Some were rude about who the teachers "
                    "were or who they loved.</p>"
                    "<p>Some pupils may have made the posts as a joke. It did not feel like a "
                    "joke to the teachers.</p>"
                ),
                _case(
                    "Fake school accounts on TikTok",
                    "Pupils set up accounts with school badges to mock named teachers. School "
                    "leaders got more than 50 reports in a few weeks.",
                    "<p>The accounts had a school badge as the picture. The name of the school "
                    "was in the account name. Posts showed teachers and said cruel things "
                    "about them.</p>"
                    "<p>A group for school leaders, ASCL, said it had more than 50 reports "
                    "from staff in a few weeks. It said many posts were rude and some told "
                    "lies. Some made hateful comments about people being gay.</p>"
                    '<p>The Welsh education minister, Jeremy Miles, said he was "appalled '
                    'and deeply troubled". He told his officials to ask TikTok to take the '
                    "posts down. TikTok said a team was working to remove them.</p>",
                    [SOURCE_WELSH_MINISTER, SOURCE_ASCL_COMPLAINTS],
                ),
                _text(
                    "<h2>Why it hurts</h2>"
                    "<p>A teacher is a real person. They have a family and friends. They read "
                    "what is said about them, just like you would.</p>"
                    "<p>The staff who were named were very upset. The hurt can last a "
                    "long time. A post can be seen by lots of people very fast. It can be hard to "
                    "get it taken down.</p>"
                    "<p>A lie can stick to a person. Even when it is gone, people may still "
                    "remember it.</p>"
                ),
                _teacher_notes(
                    "Discussion",
                    "<p>Ask the class why someone might make or share a post like this as a "
                    "joke, and who it was not a joke for. Draw out three points: the teachers "
                    "were named and recognisable; a post spreads faster than it can be taken "
                    "down; and a lie can follow someone after the post has gone.</p>"
                    "<p>The question below is private: pupils write their answer for "
                    "themselves and nobody else sees it, so do not ask them to read it out.</p>",
                    minutes=10,
                ),
                _reflection(
                    "How would you feel if a post like this was about you or someone you love?",
                    "There is no right answer. Write as much or as little as you like.",
                ),
                _callout(
                    "If this has upset you",
                    "<p>It is OK to feel upset. You can talk to someone.</p>",
                    "pupils",
                ),
            ],
        },
        {
            "slug": "pupil-2021-phones-photos-consent",
            "title": "Phones, photos and consent in school",
            "summary": "Why you ask first before you take or share a photo of someone.",
            "estimated_minutes": 12,
            "body": [
                _text(
                    "<h2>Ask first</h2>"
                    "<p>Many of the posts used photos of teachers. Some were taken in class on "
                    "a phone. Others were copied from the teacher's own pages.</p>"
                    "<p>Consent means a person says yes. If you take a photo of someone, ask "
                    "them first. If you want to share it, ask them again. If they say no, the "
                    "answer is no.</p>"
                ),
                _case(
                    "Photos taken in class",
                    "A safety group warned schools that pupils took photos of staff in class "
                    "and posted them to mock them.",
                    "<p>INEQE is a group that helps keep schools safe. It told schools about "
                    "posts on TikTok and Instagram that made fun of staff.</p>"
                    "<p>Pupils took many of the photos on their phones in class. Some photos "
                    "came from the staff's own social media. Some posts shared private facts "
                    "about staff. A few were sexual. One kind, called upskirting, is a crime.</p>"
                    "<p>The group said it may start as a prank. But it can harm the teacher "
                    "for a long time. It can also get the pupil in big trouble.</p>",
                    [SOURCE_INEQE_ALERT],
                ),
                _teacher_notes(
                    "Your school's rules",
                    "<p>Have your school's mobile phone policy to hand, and read out what it "
                    "says about taking and sharing photos or videos of staff and pupils, so "
                    "the class hears the actual rule rather than a guess.</p>"
                    "<p>If the talk turns to sexual images or upskirting, keep it general and "
                    "do not ask for examples. A pupil who has been affected, or who has "
                    "an image on their phone, should speak to you afterwards.</p>",
                    minutes=5,
                    disclosure=True,
                ),
                _text(
                    "<h2>Your school's phone rules</h2>"
                    "<p>There is no UK law that bans phones in school. Each school makes its "
                    "own rules. Some ban phones. Some use them in lessons.</p>"
                    "<p>Find out what your school's rules say. They are there to keep everyone "
                    "safe, staff and pupils too.</p>"
                    "<ul><li>Do not take photos or videos of staff or pupils without a yes.</li>"
                    "<li>Do not share a photo of someone without a yes.</li>"
                    "<li>Never take a photo up someone's skirt or clothes. It is a crime.</li>"
                    "</ul>"
                ),
                _reflection(
                    "Think of a photo of you that you would not want shared. What would you "
                    "want a friend to do?",
                ),
                _callout(
                    "Talk to someone",
                    "<p>If someone has shared a photo of you, or asked you to, tell an adult "
                    "you trust.</p>",
                    "pupils",
                ),
            ],
        },
        {
            "slug": "pupil-2021-if-you-see-it",
            "title": "What to do if you see it",
            "summary": (
                "Don't share it, report it, tell someone. What can happen to those who post."
            ),
            "estimated_minutes": 13,
            "body": [
                _text(
                    "<h2>If you see a post like this</h2>"
                    "<ol>"
                    "<li><strong>Do not share it.</strong> Sharing helps it spread.</li>"
                    "<li><strong>Do not like it or comment.</strong> Each like or comment "
                    "helps more people see it.</li>"
                    "<li><strong>Take a screenshot</strong> if you can. Show it only to an "
                    "adult who can help, never to friends. If it is a nude or sexual picture, "
                    "do not screenshot or save it: tell an adult where you saw it.</li>"
                    "<li><strong>Tell an adult you trust</strong>, like a teacher or someone at "
                    "home.</li>"
                    "<li><strong>Report it</strong> to the app. Each app has a report "
                    "button.</li>"
                    "</ol>"
                    "<p>You do not have to say who made it. You are not in trouble for "
                    "telling.</p>"
                ),
                _case(
                    "What can happen to those who post",
                    "School leaders warned that pupils who post abuse can be excluded, and in "
                    "bad cases the police can look into it.",
                    "<p>The group for school leaders, ASCL, said the posts upset the staff. It "
                    "warned that the pupils who made them could be excluded from school. In "
                    "the worst cases, the police could look into it.</p>"
                    "<p>Some posts can be a crime, such as threats, hate, or sexual photos.</p>"
                    "<p>A safety group, INEQE, said the same. A post made as a joke can still "
                    "lead to a school ban or to the police.</p>",
                    [SOURCE_ASCL_COMPLAINTS, SOURCE_INEQE_ALERT],
                ),
                _text(
                    "<h2>Be an upstander</h2>"
                    "<p>A bystander sees something bad and does nothing. An upstander does "
                    "something to help. You can be an upstander. You do not need to be brave "
                    "in public. You can report it and tell someone.</p>"
                ),
                _reflection("What is one thing you would do if you saw a post like this?"),
                _teacher_notes(
                    "Playing the scenario with the class",
                    "<p>You can play the scenario below together. \u201cRun this scenario with "
                    "a class\u201d opens classroom mode on the projector: read each situation "
                    "aloud, take a show of hands for each option and type in the numbers. Only "
                    "the class's totals are kept, never who chose what.</p>"
                    "<p>Before you reveal the feedback, ask why someone might choose to share "
                    "or comment, and what reporting and telling an adult would do instead. "
                    "Finish with who can help, at the bottom of this page.</p>",
                    minutes=15,
                    disclosure=True,
                ),
                _callout(
                    "Who can help",
                    "<p>You can always get help. It is never too late to tell someone.</p>",
                    "pupils",
                ),
            ],
        },
    ],
}

STAFF_COURSE = {
    "key": "staff-privacy",
    "slug": "protecting-your-professional-reputation",
    "topics": ["privacy-settings", "reporting"],
    "page": {
        "title": "Protecting your professional reputation online",
        "audience": Audience.STAFF,
        "summary": (
            "Lock down your privacy settings, know what to do if you are targeted online, and "
            "keep a clear line between your professional and private life."
        ),
        "intro": (
            "<p>In 2021 pupils across the UK set up social media accounts to mock and make "
            "allegations about named teachers, often using photos taken in class or copied "
            "from staff profiles. This course takes you through what you can do beforehand, "
            "and what to do if it happens to you.</p>"
        ),
        "estimated_minutes": 45,
        "cpd_minutes": 45,
        "key_stage": "",
        "learning_outcomes": (
            "Check and tighten privacy settings on the main platforms, and review them "
            "regularly\n"
            "Respond to online abuse in the recommended order: don't respond, capture "
            "evidence, tell your line manager, report, contact POSH\n"
            "Recognise when the police should be involved\n"
            "Apply professional-conduct expectations to friend requests, contact details and "
            "school trips"
        ),
        "content_warning": (
            "This course describes online abuse of school staff, including homophobic and "
            "sexualised content and false allegations."
        ),
    },
    "modules": [
        {
            "slug": "staff-privacy-settings",
            "title": "Privacy settings on the main platforms",
            "summary": "Check who can see and share your content, platform by platform.",
            "estimated_minutes": 15,
            "body": [
                _text(
                    "<h2>Why it matters</h2>"
                    "<p>Some of the 2021 posts used photos taken on pupils' phones in school; "
                    "others used photos harvested from staff members' own social media. "
                    "Stringent privacy settings, checked regularly, make that "
                    "much harder. Platforms change their settings and defaults often, so a "
                    "check you did last year may no longer hold.</p>"
                    "<p>Your reputation can also be harmed by what others share: a friend "
                    "tagging you in a photo, or a public comment on a relative's post. Talk to "
                    "close family and friends about their settings too.</p>"
                ),
                _case(
                    "Photos taken from staff profiles",
                    "A safeguarding alert found that posts targeting teachers used photos "
                    "taken in class or taken from staff members' own profiles.",
                    "<p>INEQE Safeguarding Group was alerted to incidents in which pupils "
                    "posted content ridiculing or harassing staff on TikTok and Instagram. The "
                    "photographs were either taken on pupils' phones in school or harvested "
                    "from staff members' personal profiles. Some posts exposed personal "
                    "information.</p>"
                    "<p>Its first recommendation to schools was that staff have stringent "
                    "privacy settings on social media and check them regularly.</p>",
                    [SOURCE_INEQE_ALERT],
                ),
                _checklist(
                    "Check your privacy settings",
                    "<p>Open each app you use and tick each setting once you have checked it. "
                    "Your ticks are saved, so you can come back to finish.</p>",
                    {
                        "Facebook": [
                            "Set who can see your future posts to Friends (or narrower)",
                            "Limit the audience of your past posts",
                            "Turn on review of posts and tags before they appear on your profile",
                            "Stop search engines linking to your profile",
                            "Check your profile and cover photos, which are always public",
                        ],
                        "Instagram": [
                            "Make your account private",
                            "Choose who can tag and mention you",
                            "Hide your activity status",
                            "Review your followers and remove anyone you do not know",
                        ],
                        "TikTok": [
                            "Make your account private",
                            "Turn off 'Suggest your account to others'",
                            "Limit who can duet, stitch and download your videos",
                            "Limit who can comment and send you messages",
                        ],
                        "X (Twitter)": [
                            "Protect your posts",
                            "Turn off photo tagging, or limit it to people you follow",
                            "Stop people finding you by your email address or phone number",
                        ],
                        "Everywhere": [
                            "Search for your own name and check what a pupil could find",
                            "Password-protect your phone and other devices",
                            "Put a reminder in your calendar to check these again each term",
                        ],
                    },
                ),
                _callout(
                    "Need help with a setting?",
                    "<p>The UK Safer Internet Centre publishes guidance on professional "
                    "reputation and privacy settings, and its helpline can advise.</p>",
                    "staff",
                ),
            ],
        },
        {
            "slug": "staff-privacy-if-targeted",
            "title": "If you are targeted",
            "summary": "The steps to take, in order, and when to involve the police.",
            "estimated_minutes": 15,
            "content_warning": "This module describes homophobic and sexualised abuse of staff.",
            "body": [
                _text(
                    "<h2>What to do, in order</h2>"
                    "<ol>"
                    "<li><strong>Don't respond</strong> to the post or to whoever made it.</li>"
                    "<li><strong>Take screenshots</strong> as evidence, making sure they show "
                    "usernames and the time and date.</li>"
                    "<li><strong>Tell your line manager</strong> as soon as possible, and your "
                    "designated safeguarding lead (in Wales, the designated safeguarding "
                    "person).</li>"
                    "<li><strong>Report the content to the platform</strong>, citing the "
                    "community guideline it breaks.</li>"
                    "<li><strong>Contact the Professionals Online Safety Helpline "
                    "(POSH)</strong>: 0344 381 4772 or helpline@saferinternet.org.uk. POSH can "
                    "escalate to platforms directly.</li>"
                    "</ol>"
                    "<h2>When to involve the police</h2>"
                    "<p>Consider reporting to the police where there are threats, hate crime, "
                    "allegations of abuse, sexualised harassment or upskirting; where the "
                    "harassment is affecting your wellbeing, reputation or working "
                    "relationships; or where it is persistent, anonymous and the platform is "
                    "not removing it.</p>"
                ),
                _case(
                    "More than 50 complaints in a few weeks",
                    "Staff reported homophobic and defamatory posts; schools found the "
                    "platform often slow to act on reports.",
                    "<p>More than 50 members of staff complained to the Association of School "
                    "and College Leaders (ASCL) about what its general secretary, Geoff "
                    'Barton, called "disgraceful abuse". Posts were often offensive and '
                    "defamatory, some homophobic; in some, teachers were falsely labelled as "
                    "paedophiles. Schools told ASCL that TikTok frequently failed to respond "
                    "to removal requests.</p>"
                    "<p>On 15 November 2021 ASCL and NAHT met TikTok. TikTok said it had "
                    "removed hundreds of pieces of content and banned accounts and hashtags, "
                    "but the unions reported a mismatch: members were still seeing posts, and "
                    "some were told there was no breach of community guidelines.</p>"
                    "<p>That gap is why the route through POSH matters: the UK Safer Internet "
                    "Centre, which runs POSH, is part of TikTok's Community Partner Channel, so "
                    "reports made through it reach the team that can act.</p>",
                    [SOURCE_ASCL_COMPLAINTS, SOURCE_ASCL_NAHT_STATEMENT, SOURCE_NAHT_GUIDE],
                ),
                _reflection(
                    "Where would you find your school's procedure for reporting online abuse, "
                    "and who is your first contact?",
                    "Private to you. Use it to plan, not to record any incident.",
                ),
                _callout(
                    "You are not on your own",
                    "<p>Your employer has a duty of care to you. Your senior leadership team, "
                    "HR and your union can all support you.</p>",
                    "staff",
                ),
            ],
        },
        {
            "slug": "staff-privacy-professional-conduct",
            "title": "Professional conduct online",
            "summary": "Friend requests, personal contact details and phones on school trips.",
            "estimated_minutes": 15,
            "body": [
                _text(
                    "<h2>Keep a clear line</h2>"
                    "<ul>"
                    "<li><strong>Friend requests:</strong> do not accept requests from past or "
                    "present pupils.</li>"
                    "<li><strong>Contact details:</strong> do not give pupils your personal "
                    "phone number, email address or social media accounts.</li>"
                    "<li><strong>School trips:</strong> ask for a school mobile phone rather "
                    "than using your own.</li>"
                    "<li><strong>Email:</strong> use your school address for school business "
                    "and your personal address for private life.</li>"
                    "<li><strong>Devices:</strong> do not leave computers logged in when "
                    "unattended; password-protect your phone in case it is lost or stolen.</li>"
                    "<li><strong>Conduct:</strong> some behaviour online could breach your "
                    "employer's code of conduct, even in a private account.</li>"
                    "</ul>"
                ),
                _case(
                    "What a school leaders' union advises",
                    "NAHT's guide sets out what staff should do to protect themselves and "
                    "their school.",
                    "<p>NAHT's guide for school leaders advises starting with a social media "
                    "policy within the school's safeguarding policies, overseen by its "
                    "designated safeguarding lead (DSL; in Wales, the designated safeguarding "
                    "person) and senior leadership team, and says staff should understand "
                    "it.</p>"
                    "<p>It lists what staff should do: know the privacy settings of the apps "
                    "they use and keep them up to date; turn down friend requests from pupils, "
                    "current or former; keep their personal phone number, email and accounts to "
                    "themselves; take a school phone, not their own, on trips; and keep school "
                    "and personal email separate.</p>",
                    [SOURCE_NAHT_GUIDE],
                ),
                _reflection(
                    "Is there anything in your own online life you would change after this module?",
                ),
                _callout(
                    "Questions about your school's policy?",
                    "<p>Ask your line manager or designated safeguarding lead (in Wales, the "
                    "designated safeguarding person).</p>",
                    "staff",
                ),
            ],
        },
    ],
}

DSL_COURSE = {
    "key": "dsl-response",
    "slug": "responding-to-online-abuse-of-staff",
    "topics": ["reporting", "phone-use"],
    "page": {
        "title": "Responding to online abuse of staff",
        "audience": Audience.SAFEGUARDING_LEADS,
        "summary": (
            "For designated safeguarding leads and senior leaders: the steps after malicious "
            "posts, how to escalate, and how to support staff and pupils without amplifying "
            "a trend."
        ),
        "intro": (
            "<p>When pupils target staff online, the school's response in the first hours "
            "matters. This course sets out the sequence, the escalation routes that work, and "
            "the policy that prevents a repeat.</p>"
        ),
        "estimated_minutes": 50,
        "cpd_minutes": 50,
        "key_stage": "",
        "learning_outcomes": (
            "Lead the sequential steps after malicious posts about a member of staff\n"
            "Escalate through the platform's own reporting, POSH, the LADO and the police, as "
            "appropriate\n"
            "Support the staff member and the pupils involved\n"
            "Communicate about a viral trend without amplifying it"
        ),
        "content_warning": (
            "This course describes online abuse of staff, including homophobic, sexualised "
            "and defamatory content."
        ),
    },
    "modules": [
        {
            "slug": "dsl-response-sequential-steps",
            "title": "The steps after malicious posts",
            "summary": "What to do, in order, when you learn of malicious content about staff.",
            "estimated_minutes": 15,
            "body": [
                _text(
                    "<h2>The sequence</h2>"
                    "<ol>"
                    "<li>Make sure the incident is reported to an appropriate lead or manager, "
                    "and that the member of staff is supported from the start.</li>"
                    "<li>Take screenshots of the content, recording the time and date and the "
                    "usernames. Store them securely and handle them privately.</li>"
                    "<li>If the offender is a pupil or colleague, apply mediation or "
                    "disciplinary procedures. If an adult, such as a parent, invite them to "
                    "meet a senior member of staff.</li>"
                    "<li>If those responsible are known, make sure they understand why the "
                    "material is unacceptable and ask them to remove it.</li>"
                    "<li>If they refuse, or are not known, report it to the platform and seek "
                    "advice from POSH or from the legal team of your local authority or other "
                    "relevant body, such as your academy trust.</li>"
                    "<li>Consider the police where the material is sexual, sexist, "
                    "threatening, abusive or a hate crime.</li>"
                    "</ol>"
                    "<p>Be cautious with screenshots: do nothing unlawful with them, and "
                    "consult any third party involved before using them, for example before "
                    "showing them to parents.</p>"
                ),
                _case(
                    "A union's sequence for school leaders",
                    "NAHT sets out the sequential steps a school should take when it becomes "
                    "aware of malicious online activity.",
                    "<p>NAHT's essential guide says that when leaders are aware of malicious "
                    "online activity they must take several sequential steps: report and seek "
                    "support, capture screenshots with the time and date, apply mediation or "
                    "discipline, ask known authors to remove the material, then report to the "
                    "platform or take legal advice, and consider the police for criminal "
                    "content. It reminds employers of their duty of care to staff.</p>",
                    [SOURCE_NAHT_GUIDE],
                ),
                _reflection(
                    "Walk through your own school's procedure. Which of these steps does it "
                    "not yet cover?",
                ),
                _callout("Advice on a live incident", "", "staff"),
            ],
        },
        {
            "slug": "dsl-response-escalation",
            "title": "Escalation: POSH, the LADO and the police",
            "summary": "The routes that get content removed and when to involve other agencies.",
            "estimated_minutes": 15,
            "body": [
                _text(
                    "<h2>Getting content removed</h2>"
                    "<p>Report the content through the platform's own tools, but do not rely "
                    "on that alone. In 2021 schools told ASCL that TikTok often did not respond "
                    "to requests to remove posts, and ASCL and NAHT heard from members who had "
                    "been told there was no breach of community guidelines. The Professionals "
                    "Online Safety Helpline (POSH) is run by the UK Safer Internet Centre, "
                    "which is part of TikTok's Community Partner Channel, the route that handles "
                    "escalations from the education community. TikTok's own advice was that "
                    "contacting POSH is the shortest route to getting content taken down. POSH "
                    "also works with other "
                    "platforms' safety and policy teams.</p>"
                    "<h2>The LADO and the police</h2>"
                    "<p>NAHT's guide says that if you think a colleague has used their own "
                    "phone or another personal device to commit a crime, you must contact the "
                    "police and inform the Local Authority Designated Officer (LADO). The "
                    "guidance this course draws on names no other officer for this: if your "
                    "local safeguarding procedures name another officer, tell them.</p>"
                    "<p>Consider the police for pupils' posts where there are threats, hate "
                    "crime, allegations of abuse, sexualised harassment or upskirting, or "
                    "where abuse is persistent, anonymous and not being removed.</p>"
                ),
                _case(
                    "What the platform promised, and what schools saw",
                    "After meeting TikTok, ASCL and NAHT reported a mismatch between the "
                    "platform's action and members' experience.",
                    "<p>The Welsh education minister told his officials to contact TikTok "
                    "directly and ask for offensive content to be removed. The report of his "
                    "statement adds that the UK Safer Internet Centre had agreed an "
                    "escalation process with TikTok for abusive content reported through "
                    "POSH. He urged staff who experienced abuse to report it to POSH.</p>"
                    "<p>On 15 November 2021, ASCL and NAHT met TikTok. TikTok said it had "
                    "taken down hundreds of pieces of content and banned accounts and "
                    "hashtags. The unions said members were still seeing offensive and "
                    "defamatory posts, and some had been told there was no breach. They "
                    "proposed a staffed education portal for schools.</p>",
                    [SOURCE_WELSH_MINISTER, SOURCE_ASCL_NAHT_STATEMENT],
                ),
                _callout(
                    "Escalation contacts",
                    "<p>Keep with your procedure the contact details of your LADO (or the "
                    "officer your local safeguarding procedures name) and how to reach your "
                    "local police.</p>",
                    "staff",
                ),
            ],
        },
        {
            "slug": "dsl-response-support-and-policy",
            "title": "Support, policy, and not amplifying a trend",
            "summary": "Look after staff and pupils, fix the policy, and talk about it carefully.",
            "estimated_minutes": 20,
            "body": [
                _text(
                    "<h2>Supporting staff</h2>"
                    "<p>Those targeted may suffer high levels of stress and anxiety, with "
                    "long-term effects. Make sure they know how to access support: the senior "
                    "team, HR, their union and POSH. No one should feel victimised at "
                    "work.</p>"
                    "<h2>Supporting pupils</h2>"
                    "<p>Pupils who posted may face exclusion or police involvement. INEQE "
                    "notes that such posts may be meant as a prank or joke: help pupils "
                    "understand the harm, and address what led to it. Pupils who saw the posts "
                    "need to know how to report without being blamed.</p>"
                    "<h2>Policy</h2>"
                    "<ul>"
                    "<li>A social media and mobile phone policy within your safeguarding "
                    "policies, overseen by the designated safeguarding lead (in Wales, the "
                    "designated safeguarding person) and senior team, covering taking photos "
                    "of staff in class and on school property.</li>"
                    "<li>A clear standard: no member of the school community posts or shares "
                    "threatening, hurtful or abusive content.</li>"
                    "<li>A process staff know to follow if they are targeted.</li>"
                    "<li>Training for pupils and staff on social media, with credible case "
                    "studies.</li>"
                    "</ul>"
                    "<h2>Don't amplify the trend</h2>"
                    "<p>Warnings meant well can backfire: the Welsh education minister "
                    "pointed to research finding that such coverage has sometimes raised "
                    "interest in a viral trend. Talk to pupils about respect, reporting and "
                    "consequences, not about the trend's name or where to find it, and avoid "
                    "whole-school alerts that advertise it.</p>"
                ),
                _case(
                    "Care and caution in communication",
                    "The Welsh education minister urged schools not to promote a harmful "
                    "trend by accident.",
                    "<p>In his written statement, Jeremy Miles pointed schools to guidance "
                    'asking them to "exercise care and caution" so that they do not promote '
                    "a harmful viral trend by accident, since research shows that coverage "
                    "meant well has sometimes raised interest in such trends. He encouraged "
                    "affected staff to draw on support from their school, trade union and "
                    "POSH.</p>"
                    "<p>INEQE's alert asked schools to make sure their policies cover phones "
                    "and photos in class, that staff know the process if targeted, and that "
                    "pupils and staff are trained using credible case studies.</p>",
                    [SOURCE_WELSH_MINISTER, SOURCE_INEQE_ALERT],
                ),
                _reflection(
                    "How would you tell pupils about this kind of incident without advertising it?",
                ),
                _callout("Support for your staff", "", "staff"),
            ],
        },
    ],
}

COURSES = [PUPIL_COURSE, STAFF_COURSE, DSL_COURSE]
