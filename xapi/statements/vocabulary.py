"""The verbs and activity types Upstander uses: ADL's where one fits, our profile's otherwise.

ADL vocabulary: http://adlnet.gov/expapi/verbs/ and http://adlnet.gov/expapi/activities/.
Our own terms live under `{SITE_URL}/xapi/profile/` (see `profile.py`); they are functions
because SITE_URL is read from settings when needed, never at import time.
"""

from dataclasses import dataclass

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"


@dataclass(frozen=True)
class VerbTerm:
    """A verb IRI and its English display."""

    iri: str
    display: str

    def as_verb(self) -> dict:
        return {"id": self.iri, "display": {"en-GB": self.display}}


LAUNCHED = VerbTerm(ADL_VERBS + "launched", "launched")
EXPERIENCED = VerbTerm(ADL_VERBS + "experienced", "experienced")
COMPLETED = VerbTerm(ADL_VERBS + "completed", "completed")
PASSED = VerbTerm(ADL_VERBS + "passed", "passed")
FAILED = VerbTerm(ADL_VERBS + "failed", "failed")
ANSWERED = VerbTerm(ADL_VERBS + "answered", "answered")
PROGRESSED = VerbTerm(ADL_VERBS + "progressed", "progressed")
VOIDED = VerbTerm(ADL_VERBS + "voided", "voided")

COURSE = ADL_ACTIVITIES + "course"
MODULE = ADL_ACTIVITIES + "module"
ASSESSMENT = ADL_ACTIVITIES + "assessment"
INTERACTION = ADL_ACTIVITIES + "cmi.interaction"
SIMULATION = ADL_ACTIVITIES + "simulation"
PROFILE = ADL_ACTIVITIES + "profile"
