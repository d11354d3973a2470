"""Demo quizzes for the three flagship courses, drawn from the case studies.

Sources (in /work/shared/case-studies/, all written in our own words): the INEQE alert on the
online targeting of teachers (don't respond; screenshots with usernames; tell your line
manager; report to the platform; when to involve the police), the NAHT guide (sequential
steps after malicious posts, POSH 0344 381 4772, police and the LADO, staff privacy), the
ASCL reports (consequences for pupils: exclusion, police) and the Welsh education minister's
statement (care not to amplify a viral trend; report through POSH).

`demo_content_load()` is idempotent: quizzes have fixed UUIDs and their questions and options
fixed ids, so running it again updates the same quizzes (a new revision only when something
changed) and xAPI history keeps one IRI per question.
"""

import json
import uuid

from django.db import transaction

from .models import Quiz

NAMESPACE = uuid.UUID("5b0e2d8e-6c43-4a1e-9d8b-0b7f3f0a9c11")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def _rich(text: str) -> str:
    return f"<p>{text}</p>" if text else ""


def _options(key: str, options: list[tuple[str, bool, str]]) -> list[dict]:
    return [
        {
            "type": "item",
            "id": _id(key, "option", str(n)),
            "value": {"text": text, "correct": correct, "feedback": feedback},
        }
        for n, (text, correct, feedback) in enumerate(options)
    ]


def _items(key: str, name: str, values: list) -> list[dict]:
    return [
        {"type": "item", "id": _id(key, name, str(n)), "value": value}
        for n, value in enumerate(values)
    ]


def choice(key, prompt, options, explanation, *, multiple=False) -> dict:
    return {
        "type": "multiple_response" if multiple else "single_choice",
        "id": _id(key),
        "value": {
            "prompt": prompt,
            "options": _options(key, options),
            "explanation": _rich(explanation),
        },
    }


def true_false(key, prompt, answer: bool, feedback_true, feedback_false, explanation) -> dict:
    return {
        "type": "true_false",
        "id": _id(key),
        "value": {
            "prompt": prompt,
            "answer": "true" if answer else "false",
            "feedback_true": feedback_true,
            "feedback_false": feedback_false,
            "explanation": _rich(explanation),
        },
    }


def ordering(key, prompt, steps, explanation) -> dict:
    return {
        "type": "ordering",
        "id": _id(key),
        "value": {
            "prompt": prompt,
            "items": _items(key, "step", steps),
            "explanation": _rich(explanation),
        },
    }


def matching(key, prompt, pairs, distractors, explanation) -> dict:
    return {
        "type": "matching",
        "id": _id(key),
        "value": {
            "prompt": prompt,
            "pairs": _items(key, "pair", [{"prompt": p, "answer": a} for p, a in pairs]),
            "distractors": _items(key, "distractor", distractors),
            "explanation": _rich(explanation),
        },
    }


PUPIL_QUIZ = {
    "uuid": "0b6f4c1e-5d0a-4c47-9a57-5f1d9d3a7a01",
    "course": "pupil-2021",
    "module": "pupil-2021-if-you-see-it",
    "title": "Check what you know: if you see it",
    "intro": "Five questions about what to do if you see a post that targets you or someone "
    "else. You can try again if you don't pass first time.",
    "pass_mark": 80,
    "max_attempts": 3,
    "shuffle_options": True,
    "questions": [
        choice(
            "pupil:first",
            "You find a post about you. What should you do first?",
            [
                (
                    "Reply and tell them to take it down",
                    False,
                    "Replying can make things worse, and it gives the person the reaction "
                    "they wanted.",
                ),
                (
                    "Take a screenshot and tell an adult you trust",
                    True,
                    "Yes. A screenshot keeps the evidence, and an adult you trust can help "
                    "you get it taken down. But if it is a nude or sexual picture, do not "
                    "screenshot it: tell the adult where you saw it.",
                ),
                (
                    "Share it with your friends so they know",
                    False,
                    "Sharing spreads the post further, even if you mean well.",
                ),
                (
                    "Ignore it and keep it to yourself",
                    False,
                    "You don't have to deal with it alone. Telling someone is the best next step.",
                ),
            ],
            "Don't reply. Keep a screenshot that shows the username, time and date, then "
            "tell an adult you trust: a parent or carer, a teacher, or Childline on 0800 1111. "
            "Never screenshot or save a nude or sexual picture of a young person, even to "
            "show an adult: keeping one is a crime. Tell an adult where you saw it and "
            "report it to the app.",
        ),
        true_false(
            "pupil:joke",
            "If a post about a teacher is only meant as a joke, it can't get you into trouble.",
            False,
            "Not true. In 2021 school leaders warned that pupils who made accounts like this "
            "could be excluded from school, or in the worst cases investigated by the police.",
            "Right. A joke that hurts or lies about someone can still lead to serious trouble.",
            "Posts that mock teachers or make false claims about them hurt real people. School "
            "leaders warned in 2021 that pupils who made them could be excluded or even "
            "investigated by the police.",
        ),
        choice(
            "pupil:friend",
            "A friend shows you an account that uses your school's badge to make fun of a "
            "teacher. Which of these are good things to do?",
            [
                ("Report the account to the app", True, "Yes. Reporting helps get it removed."),
                (
                    "Tell a teacher or another adult you trust",
                    True,
                    "Yes. Adults at school know how to get accounts like this taken down.",
                ),
                (
                    "Like the video so your friend is happy",
                    False,
                    "Likes push the video to more people, which makes the harm bigger.",
                ),
                (
                    "Send the link to your group chat",
                    False,
                    "Sharing the link spreads it further.",
                ),
                (
                    "Don't comment on it or share it",
                    True,
                    "Yes. Not joining in stops it spreading.",
                ),
            ],
            "Don't join in: no likes, comments or shares. Report the account and tell an "
            "adult you trust.",
            multiple=True,
        ),
        ordering(
            "pupil:steps",
            "Put these steps in order for when you see a post that targets someone.",
            [
                "Stop: don't reply or share it",
                "Take a screenshot",
                "Tell an adult you trust",
                "Report it to the app",
            ],
            "Stop first so you don't make it worse, keep the evidence, then get help from an "
            "adult and report it. If it is a nude or sexual picture, skip the screenshot: "
            "saving one is a crime. Tell an adult and report it.",
        ),
        matching(
            "pupil:help",
            "Who can help? Match each situation to where to get help.",
            [
                ("You want to talk to someone in private about something online", "Childline"),
                ("An adult online is making you feel unsafe", "CEOP"),
                ("A post at school is making fun of a teacher", "A teacher you trust"),
            ],
            ["Reply in the comments"],
            "Childline (0800 1111) is free and private. CEOP is where to report an adult "
            "online who is making you feel unsafe. A teacher you trust can deal with posts "
            "about your school.",
        ),
    ],
}

STAFF_QUIZ = {
    "uuid": "0b6f4c1e-5d0a-4c47-9a57-5f1d9d3a7a02",
    "course": "staff-privacy",
    "module": "staff-privacy-if-targeted",
    "title": "Check your understanding: if you are targeted",
    "intro": "Five questions on protecting yourself and what to do if pupils target you "
    "online. It counts towards your CPD record.",
    "pass_mark": 80,
    "max_attempts": 3,
    "shuffle_options": True,
    "questions": [
        choice(
            "staff:first",
            "A pupil has posted a mocking video of you on TikTok. What should you do first?",
            [
                (
                    "Reply in the comments to set the record straight",
                    False,
                    "Don't respond: replies escalate things and draw more attention.",
                ),
                (
                    "Take screenshots showing the username, time and date, then tell your "
                    "line manager",
                    True,
                    "Yes. Keep the evidence first and involve your line manager as soon as "
                    "possible.",
                ),
                (
                    "Ask the pupil in class to delete it",
                    False,
                    "Leave this to the school's procedure so it is handled fairly and safely.",
                ),
                (
                    "Delete all your own social media accounts",
                    False,
                    "Not needed: check your privacy settings instead, and keep the evidence.",
                ),
            ],
            "INEQE's safeguarding alert is clear: don't reply to the abuse; keep screenshots that "
            "show the usernames; tell your line manager straight away; and report what was "
            "posted to the platform.",
        ),
        choice(
            "staff:police",
            "When should you consider reporting online abuse to the police?",
            [
                ("It includes threats", True, "Yes: threats are an aggravating factor."),
                (
                    "It is a hate crime, such as homophobic abuse",
                    True,
                    "Yes: INEQE's alert and NAHT's guide both say to consider the police for "
                    "hate crime, and a government spokesperson said online abuse should be "
                    "reported to the police straight away.",
                ),
                (
                    "It includes sexualised content or 'upskirting' photos",
                    True,
                    "Yes: upskirting is a criminal offence.",
                ),
                (
                    "The abuse is persistent, anonymous and the platform will not remove it",
                    True,
                    "Yes: persistent abuse that stays up is a reason to involve the police.",
                ),
                (
                    "A parent leaves a critical but polite comment about homework",
                    False,
                    "Criticism alone isn't a police matter; follow the school's complaints "
                    "procedure.",
                ),
            ],
            "Consider the police where there are threats, hate crime, allegations of abuse, "
            "sexualised harassment or upskirting, or where abuse is persistent, anonymous and "
            "not removed, or is harming your wellbeing.",
            multiple=True,
        ),
        true_false(
            "staff:posh",
            "The Professionals Online Safety Helpline (POSH) can escalate reports of harmful "
            "content directly to TikTok.",
            True,
            "Right. The UK Safer Internet Centre, which runs POSH, is part of TikTok's "
            "Community Partner Channel.",
            "It can. POSH (0344 381 4772) is often the shortest route to getting content "
            "taken down.",
            "POSH, run by the UK Safer Internet Centre, is free for people working with "
            "children. The centre agreed an escalation route with TikTok in 2021 for abuse "
            "reported through POSH: call 0344 381 4772 "
            "or email helpline@saferinternet.org.uk.",
        ),
        ordering(
            "staff:steps",
            "Put these steps after a malicious post in order.",
            [
                "Take screenshots with the username, time and date",
                "Tell your line manager",
                "Report the content to the platform",
                "Contact POSH, which can escalate it to the platform",
            ],
            "Evidence first, then your line manager, then report it to the platform and "
            "contact POSH too, without waiting for the platform: TikTok called POSH the "
            "shortest route to getting content taken down.",
        ),
        matching(
            "staff:settings",
            "Match each risk to the setting or habit that helps most.",
            [
                ("Pupils finding your personal profile", "Make your accounts private"),
                ("Friends tagging you in photos", "Review tags before they appear"),
                ("A friend request from a former pupil", "Decline it"),
            ],
            ["Share your location on posts"],
            "Keep privacy settings strict and check them regularly, review tags, and never "
            "accept friend requests from past or present pupils (NAHT guidance).",
        ),
    ],
}

DSL_QUIZ = {
    "uuid": "0b6f4c1e-5d0a-4c47-9a57-5f1d9d3a7a03",
    "course": "dsl-response",
    "module": "dsl-response-escalation",
    "title": "Check your understanding: responding and escalating",
    "intro": "Five questions on supporting staff, escalation and not amplifying a trend.",
    "pass_mark": 80,
    "max_attempts": 3,
    "shuffle_options": True,
    "questions": [
        choice(
            "dsl:first",
            "A teacher tells you an account using the school crest is posting false claims "
            "about them. What is the best first response?",
            [
                (
                    "Support them, secure screenshots with the time and date, and report it",
                    True,
                    "Yes. Look after the member of staff and keep the evidence before it "
                    "disappears.",
                ),
                (
                    "Warn every pupil about the account by name in assembly",
                    False,
                    "Naming it can advertise it. Take care not to promote a harmful trend "
                    "by accident.",
                ),
                (
                    "Ask the teacher to sort it out with the platform themselves",
                    False,
                    "The school has a duty of care: no-one should be left to deal with this alone.",
                ),
                (
                    "Wait a week to see whether it stops",
                    False,
                    "Posts spread quickly; act now while the evidence is there.",
                ),
            ],
            "Report and seek support, take screenshots with the time and date, then follow "
            "the school's procedures. Employers have a duty of care to staff.",
        ),
        choice(
            "dsl:police",
            "In which of these cases should you consider contacting the police?",
            [
                ("The material is threatening", True, "Yes."),
                ("It contains upskirting images", True, "Yes: this is a criminal offence."),
                ("It is homophobic or another hate crime", True, "Yes."),
                (
                    "A parent posts a negative review of the school",
                    False,
                    "Unwelcome but not criminal: use the complaints procedure.",
                ),
            ],
            "NAHT guidance: if material is sexual, sexist, threatening, abusive or a hate "
            "crime, consider contacting the police.",
            multiple=True,
        ),
        true_false(
            "dsl:lado",
            "NAHT's guide says that if you think a colleague has used their own phone or "
            "another personal device to commit a crime, you must tell both the police and "
            "the LADO.",
            True,
            "Right. NAHT's guide says both must be told.",
            "It is true: NAHT's guide says the police and the LADO must both be told.",
            "The NAHT guide says you must contact the police and inform the Local Authority "
            "Designated Officer (LADO) in that case. If your local safeguarding procedures "
            "name another officer, tell them.",
        ),
        ordering(
            "dsl:steps",
            "Put the school's steps after malicious online posts in order.",
            [
                "Report it and seek support from an appropriate lead",
                "Take screenshots and record the time and date",
                "If those responsible are known, explain why it is unacceptable and ask them "
                "to remove it",
                "If they refuse, report it to the platform or seek legal advice",
            ],
            "These are the sequential steps in the NAHT guide for school leaders.",
        ),
        matching(
            "dsl:who",
            "Match each service to what it offers.",
            [
                (
                    "Professionals Online Safety Helpline (POSH)",
                    "Advice and escalation to platforms for people working with children",
                ),
                (
                    "LADO",
                    "Told, with the police, when you believe a colleague has committed a crime "
                    "on a personal device",
                ),
                ("Childline", "Free, confidential support for children and young people"),
            ],
            ["Removing any post from any platform on request"],
            "POSH: 0344 381 4772. NAHT's guide says the police and the LADO are both to be "
            "told when you believe a colleague has used a personal device to commit a crime; "
            "tell the officer your local safeguarding procedures name if it is not the LADO. "
            "Childline: 0800 1111. No service can remove anything on demand.",
        ),
    ],
}

DEMO_QUIZZES = [PUPIL_QUIZ, STAFF_QUIZ, DSL_QUIZ]
FIELDS = ["title", "intro", "pass_mark", "max_attempts", "shuffle_options"]


def _quiz_sync(spec: dict) -> Quiz:
    """Create the quiz, or update it if anything differs, and publish it."""
    quiz = Quiz.objects.filter(uuid=spec["uuid"]).first()
    created = quiz is None
    quiz = Quiz(uuid=spec["uuid"]) if created else quiz.get_latest_revision_as_object()
    changed = created or not quiz.live
    for name in FIELDS:
        if getattr(quiz, name) != spec[name]:
            setattr(quiz, name, spec[name])
            changed = True
    wanted = json.dumps(spec["questions"], sort_keys=True)
    if created or json.dumps(list(quiz.questions.raw_data), sort_keys=True) != wanted:
        quiz.questions = spec["questions"]
        changed = True
    if created:
        quiz.live = False
        quiz.save()
    if changed:
        quiz.save_revision().publish()
    return Quiz.objects.get(pk=quiz.pk)


@transaction.atomic
def demo_content_load() -> list[Quiz]:
    """Create or update the demo quizzes and place each in its flagship course's module."""
    from courses.demo import DEMO_MODULE_SLUGS, activity_block_ensure

    quizzes = []
    for spec in DEMO_QUIZZES:
        if spec["module"] not in DEMO_MODULE_SLUGS.get(spec["course"], []):
            raise LookupError(f"demo module {spec['module']!r} is not in the demo courses")
        quiz = _quiz_sync(spec)
        activity_block_ensure(
            module_slug=spec["module"],
            block_type="quiz",
            value={"quiz": quiz, "required": True},
        )
        quizzes.append(quiz)
    return quizzes
