"""The courses records report on, read once per request from the page tree.

Records know courses only by their activity IRIs; this module turns live CoursePage and
ModulePage rows into plain values (title, IRI, audience, CPD minutes, modules) in two
queries, so dashboards never touch a page per row.
"""

from dataclasses import dataclass, field

STAFF_AUDIENCES = ("staff", "safeguarding_leads")


# The course audiences everyone with a role can take (as `courses.selectors.audiences_for`
# lets them): a course for another audience assigned to them could never be done.
AUDIENCES_FOR_ROLE = {
    "pupil": {"pupils"},
    "staff": {"staff"},
    "safeguarding_lead": {"staff", "safeguarding_leads"},
}


def assignment_fits(*, audience: str, staff_team: bool | None = None, role: str = "") -> bool:
    """Could the people a course is assigned to take a course for `audience`? A group's
    members are pupils unless it is a staff team (`staff_team`); a role's, as above."""
    if staff_team is not None:
        return audience in STAFF_AUDIENCES if staff_team else audience == "pupils"
    return audience in AUDIENCES_FOR_ROLE.get(role, set())


@dataclass(frozen=True)
class ModuleInfo:
    page_id: int
    title: str
    iri: str
    url: str = ""
    # The page's place in the tree, for its privacy (a module private to some groups).
    path: str = ""


@dataclass(frozen=True)
class CourseInfo:
    page_id: int
    title: str
    iri: str
    audience: str
    cpd_minutes: int
    url: str
    modules: tuple[ModuleInfo, ...] = field(default=())
    # The page's place in the tree, for its privacy (a course private to some groups).
    path: str = ""

    @property
    def is_staff_course(self) -> bool:
        return self.audience in STAFF_AUDIENCES

    @property
    def is_pupil_course(self) -> bool:
        return self.audience == "pupils"

    @property
    def link(self) -> str:
        """The course's absolute address, for emails and PDFs."""
        from django.conf import settings

        if self.url.startswith(("http://", "https://")):
            return self.url
        return f"{settings.SITE_URL}{self.url}"


def _course_models():
    from courses.models import CoursePage, ModulePage

    return CoursePage, ModulePage


def courses_catalogue(*, audiences=None, page_ids=None, withdrawn=False) -> list[CourseInfo]:
    """Live courses (optionally only some audiences or pages) with their live modules.

    `withdrawn` adds the courses and modules an editor has unpublished, without an address,
    for what a learner has already done (a CPD record, a certificate): withdrawing a course
    does not undo training done on it."""
    try:
        CoursePage, ModulePage = _course_models()
    except ImportError:  # the courses app's pages are not installed: nothing to report on
        return []
    courses = CoursePage.objects.all() if withdrawn else CoursePage.objects.live()
    courses = courses.order_by("path")
    if audiences is not None:
        courses = courses.filter(audience__in=list(audiences))
    if page_ids is not None:
        courses = courses.filter(pk__in=list(page_ids))
    courses = list(courses)
    if not courses:
        return []
    by_path = {c.path: c for c in courses}
    # Page.url, worked out once per course
    urls = {c.pk: (c.url or "") if c.live else "" for c in courses}
    modules: dict[int, list[ModuleInfo]] = {c.pk: [] for c in courses}
    module_rows = (
        (ModulePage.objects.all() if withdrawn else ModulePage.objects.live())
        .filter(depth__in={c.depth + 1 for c in courses})
        .order_by("path")
        .only("pk", "title", "slug", "path", "activity_uuid", "live")
    )
    steplen = ModulePage.steplen
    for module in module_rows:
        parent = by_path.get(module.path[:-steplen])
        if parent is not None:
            # A module's address is its course's and its slug (no query per module).
            url = f"{urls[parent.pk]}{module.slug}/" if urls[parent.pk] and module.live else ""
            modules[parent.pk].append(
                ModuleInfo(module.pk, module.title, module.activity_iri, url, module.path)
            )
    return [
        CourseInfo(
            page_id=c.pk,
            title=c.title,
            iri=c.activity_iri,
            audience=c.audience,
            cpd_minutes=c.cpd_minutes or 0,
            url=urls[c.pk],
            modules=tuple(modules[c.pk]),
            path=c.path,
        )
        for c in courses
    ]


def course_info(page_id: int) -> CourseInfo | None:
    found = courses_catalogue(page_ids=[page_id])
    return found[0] if found else None
