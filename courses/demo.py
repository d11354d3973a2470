"""Build the demo catalogue: the page tree and the three flagship courses.

`demo_content_load()` is idempotent: run again, it updates the pages' text (keeping any
activity blocks other apps added) and publishes a new revision only when something changed.
Other apps add their activities with `activity_block_ensure(module_slug=..., ...)`, using the
module slugs in `DEMO_MODULE_SLUGS`.
"""

import importlib
import json
import logging

from django.db import transaction
from wagtail.models import Page

from .activity import ActivityBlock
from .blocks import ModuleBodyBlock
from .demo_content import CATALOGUES, COURSES
from .models import CourseIndexPage, CoursePage, HomePage, ModulePage, Topic

logger = logging.getLogger(__name__)

# Every demo module's slug, per course, in order. Slugs are unique across the whole site so
# other apps' demo loaders can name a module on its own.
DEMO_MODULE_SLUGS: dict[str, list[str]] = {
    course["key"]: [module["slug"] for module in course["modules"]] for course in COURSES
}

# The apps whose demo loaders run after ours: each adds its activities to our modules, and
# the records app assigns the courses in the demo school.
ACTIVITY_DEMO_LOADERS = ["scenarios.demo", "assessments.demo", "h5p.demo", "records.demo"]


# The block types other apps own; reloading our text keeps them.
ACTIVITY_TYPES = {
    name
    for name, block in ModuleBodyBlock().child_blocks.items()
    if isinstance(block, ActivityBlock)
}


class DemoContentError(LookupError):
    """The demo content asked for something that is not there."""


def _body_block() -> ModuleBodyBlock:
    return ModulePage._meta.get_field("body").stream_block


def _prep(block_type: str, value) -> dict:
    """A block's value as stored JSON, so two values can be compared."""
    child_block = _body_block().child_blocks[block_type]
    return json.loads(json.dumps(child_block.get_prep_value(child_block.normalize(value))))


def _insert_position(body) -> int:
    """Where a new activity goes: after the content, before the closing signposting."""
    position = len(body)
    while position > 0 and body[position - 1].block_type == "callout":
        position -= 1
    return position


def _publish(page) -> None:
    page.save_revision().publish()


@transaction.atomic
def activity_block_ensure(*, module_slug: str, block_type: str, value: dict) -> None:
    """Add an activity block to a demo module unless an equal block is already there, and
    publish the module. E.g. `block_type="scenario"`, `value={"scenario": s, "required": True}`.
    """
    child_block = _body_block().child_blocks.get(block_type)
    if child_block is None or not isinstance(child_block, ActivityBlock):
        raise DemoContentError(f"{block_type!r} is not an activity block of module bodies")
    live = _demo_module(module_slug)
    if live is None:
        raise DemoContentError(f"No demo module {module_slug!r}; run load_demo_content first")
    module = live.get_latest_revision_as_object()
    wanted = _prep(block_type, value)
    for child in module.body:
        if child.block_type == block_type and _prep(block_type, child.value) == wanted:
            return
    module.body.insert(_insert_position(module.body), (block_type, child_block.normalize(value)))
    _publish(module)


def _demo_module(module_slug: str) -> ModulePage | None:
    """The demo module with this slug, in its demo course and catalogue: a copy an editor
    made of a demo course (or module) keeps its modules' slugs elsewhere in the tree."""
    spec = next((c for c in COURSES if any(m["slug"] == module_slug for m in c["modules"])), None)
    home = HomePage.objects.first()
    if spec is None or home is None:
        return None
    audience = spec["page"]["audience"]
    catalogue_slug = next(c["slug"] for c in CATALOGUES if c["audience"] == audience)
    catalogue = _child(home, CourseIndexPage, catalogue_slug)
    course = catalogue and _child(catalogue, CoursePage, spec["slug"])
    return course and _child(course, ModulePage, module_slug)


def _child(parent, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _sync_page(parent, model, slug: str, fields: dict, *, topics=None):
    """Create the page under `parent`, or update it if its fields differ; publish if changed."""
    page = _child(parent, model, slug)
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        if topics is not None:
            page.topics.set(topics)
        _publish(page)
        return page
    page = page.get_latest_revision_as_object()
    changed = False
    for name, value in fields.items():
        if name == "body":
            # Keep the activity blocks other apps added; replace only our own content.
            activities = [
                (c.block_type, c.value) for c in page.body if c.block_type in ACTIVITY_TYPES
            ]
            before = _body_json(page.body)
            ours = [c for c in page.body if c.block_type not in ACTIVITY_TYPES]
            page.body = value
            _ids_kept(ours, page.body)
            for block_type, block_value in activities:
                page.body.insert(_insert_position(page.body), (block_type, block_value))
            changed |= _body_json(page.body) != before
        elif getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    if topics is not None and set(page.topics.all()) != set(topics):
        page.topics.set(topics)
        changed = True
    if changed or not page.live:
        _publish(page)
    return page


def _ids_kept(old, new) -> None:
    """Give the blocks of `new` the ids of `old`'s, the first of a type the first's and so on,
    and a checklist's items theirs by place: learners' ticks and reflections are kept by
    these ids (and a checklist's xAPI activity is named by its), so reloading the demo text
    over a module learners have used leaves what they did there in place."""
    by_type: dict[str, list] = {}
    for child in old:
        by_type.setdefault(child.block_type, []).append(child)
    for child in new:
        before = by_type.get(child.block_type)
        if not before:
            continue
        was = before.pop(0)
        child.id = was.id
        if child.block_type == "checklist":
            for platform, old_platform in zip(
                child.value["platforms"].bound_blocks,
                was.value["platforms"].bound_blocks,
                strict=False,
            ):
                platform.id = old_platform.id
                items = platform.value["items"].bound_blocks
                old_items = old_platform.value["items"].bound_blocks
                for item, old_item in zip(items, old_items, strict=False):
                    item.id = old_item.id


def _body_json(body) -> str:
    """A body as stored JSON without block ids, so regenerated ids don't count as changes."""
    blocks = [(child.block_type, _prep(child.block_type, child.value)) for child in body]

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list | tuple):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(blocks), sort_keys=True, default=str)


def _home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    from wagtail.models import Site

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Upstander", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Upstander"},
    )
    return home


@transaction.atomic
def demo_content_load() -> dict[str, CoursePage]:
    """Build (or update) the catalogues, the three courses and their modules."""
    home = _home_page()
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in [
            ("privacy-settings", "Privacy settings"),
            ("phone-use", "Phone use"),
            ("reporting", "Reporting"),
        ]
    }
    catalogues = {}
    for catalogue in CATALOGUES:
        catalogues[catalogue["audience"]] = _sync_page(
            home,
            CourseIndexPage,
            catalogue["slug"],
            {
                "title": catalogue["title"],
                "audience": catalogue["audience"],
                "intro": catalogue["intro"],
            },
        )
    courses = {}
    for spec in COURSES:
        fields = {k: v for k, v in spec["page"].items()}
        course = _sync_page(
            catalogues[fields["audience"]],
            CoursePage,
            spec["slug"],
            fields,
            topics=[topics[slug] for slug in spec["topics"]],
        )
        for module in spec["modules"]:
            _sync_page(
                course,
                ModulePage,
                module["slug"],
                {
                    "title": module["title"],
                    "summary": module["summary"],
                    "estimated_minutes": module["estimated_minutes"],
                    "content_warning": module.get("content_warning", ""),
                    "body": module["body"],
                },
            )
        courses[spec["key"]] = course
    return courses


def activity_demos_load() -> list[str]:
    """Run the other apps' demo loaders that exist, then their `demo_content_after_load`
    where they have one; return the ones that ran."""
    ran = []
    modules = []
    for dotted in ACTIVITY_DEMO_LOADERS:
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError as error:
            if error.name != dotted:
                raise
            continue
        loader = getattr(module, "demo_content_load", None)
        if loader is None:
            continue
        loader()
        ran.append(dotted)
        modules.append(module)
    # Then what needs every app's activities in place, e.g. demo learners playing a lesson
    # whose quiz, added by another app, must not count as done for them.
    for module in modules:
        after = getattr(module, "demo_content_after_load", None)
        if after is not None:
            after()
    return ran
