"""The contract for activity blocks: content in a module that the learner must complete.

Scenario, quiz and H5P blocks subclass `ActivityBlock`. Each names the field holding its
content object (`content_field`) and the activity kind; the content object has a stable
`uuid`, so the block's activity IRI is `activity_iri(kind, uuid)` (see xapi/identity.py).
A module counts as complete when every activity block in its body has a Completion for the
learner (records/models.py), however it got there: the player, H5P content or an external
tool posting to the LRS.
"""

from collections import defaultdict

from wagtail import blocks

from xapi.identity import activity_iri


class ActivityBlock(blocks.StructBlock):
    """Base class for required activities in a module body."""

    activity_kind: str = ""
    content_field: str = ""

    def content_object(self, value):
        return value.get(self.content_field)

    def activity_iri(self, value) -> str | None:
        """The IRI whose completion completes this block, or None if no content is chosen."""
        obj = self.content_object(value)
        if obj is None:
            return None
        return activity_iri(self.activity_kind, obj.uuid)

    def is_required(self, value) -> bool:
        return value.get("required", True)

    def is_available(self, value) -> bool:
        """Is the content there for learners? A scenario or quiz unpublished after the module
        was published is not, and cannot be started (a learner part-way through a scenario
        may still finish it: an attempt keeps the revision it started on)."""
        obj = self.content_object(value)
        return obj is not None and getattr(obj, "live", True) is not False

    def never_completed_because(self, value) -> str | None:
        """Why learners could never complete the chosen content, for the editor, or None.
        Scenarios and quizzes always can be; H5P content that never says a learner finished
        it cannot."""
        return None

    def teaching_context(self, value) -> dict:
        """What the teaching view (courses/blocks/activity_teaching.html) needs beyond the
        content object, e.g. where to preview it. Nothing by default."""
        return {}


def required_activity_iris(stream_value) -> list[str]:
    """The activity IRIs a module body requires, in page order, without duplicates. Content
    unpublished since the module was published does not hold the module back: nobody could
    complete it."""
    return _required_iris((child.block, child.value) for child in stream_value)


def required_activity_iris_of(modules) -> dict[int, list[str]]:
    """`required_activity_iris` of many modules' bodies, by module id, reading their content
    in one query per kind of activity rather than one per module (a course's modules, each
    time a learner finishes an activity in one of them)."""
    modules = list(modules)
    # Each activity block of every body, as stored: (module id, position, raw value), by type.
    stored = defaultdict(list)
    blocks = {}
    for module in modules:
        body = module.body
        for position, item in enumerate(body.raw_data):
            block = body.stream_block.child_blocks.get(item["type"])
            if isinstance(block, ActivityBlock):
                blocks[item["type"]] = block
                stored[item["type"]].append((module.pk, position, item["value"]))
    found = defaultdict(list)
    for type_name, items in stored.items():
        block = blocks[type_name]
        values = block.bulk_to_python([value for _pk, _position, value in items])
        for (pk, position, _raw), value in zip(items, values, strict=True):
            found[pk].append((position, block, value))
    return {
        module.pk: _required_iris(
            (block, value)
            for _position, block, value in sorted(found[module.pk], key=lambda f: f[0])
        )
        for module in modules
    }


def _required_iris(blocks_and_values) -> list[str]:
    iris: list[str] = []
    for block, value in blocks_and_values:
        if (
            isinstance(block, ActivityBlock)
            and block.is_required(value)
            and block.is_available(value)
        ):
            iri = block.activity_iri(value)
            if iri and iri not in iris:
                iris.append(iri)
    return iris
