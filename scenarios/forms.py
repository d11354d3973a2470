"""The scenario edit form: drafts may be saved with problems; publishing may not."""

from django.core.exceptions import ValidationError
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .engine import Issue
from .engine.graph import default_choice_id

# The fields a scenario's graph is read from.
GRAPH_FIELDS = ("start_node", "variables", "nodes")


class ScenarioAdminForm(WagtailAdminModelForm):
    """Refuses publishing while the graph has problems, each shown beside its node; offers
    the scenario's node ids where an author types a target (static/js/scenario-admin.js)."""

    class Media:
        js = ["js/scenario-admin.js"]

    def clean(self):
        cleaned = super().clean()
        if "nodes" not in self.errors and cleaned.get("nodes") is not None:
            self._keep_choice_ids(cleaned["nodes"])
        publishing = bool(self.data.get("action-publish"))
        if not publishing:
            return cleaned
        # The graph is checked even where its own fields are wrong (a node's Situation left
        # blank, say), from what was typed, so every problem is said the first time.
        graph = {name: self._graph_field_value(name, cleaned) for name in GRAPH_FIELDS}
        from .models import Scenario

        if cleaned.get("audience") == Scenario.Audience.STAFF:
            self._refuse_staff_in_pupils_lessons()

        candidate = Scenario(title=cleaned.get("title", ""), **graph)
        try:
            problems = candidate.problems()
        except (TypeError, ValueError):
            # What was typed in a field that failed cannot be read as a graph: its own
            # error is shown, and the graph is checked once it is fixed.
            return cleaned
        index_of: dict[str, int] = {}
        for index, child in enumerate(candidate.nodes):
            index_of.setdefault((child.value.get("node_id") or "").strip(), index)
        # Each node's problems by the field they are said beside, and its choices' by theirs.
        per_node: dict[int, dict[str, list[str]]] = {}
        per_choice: dict[int, dict[int, dict[str, list[str]]]] = {}
        per_variable: dict[int, dict[str, list[str]]] = {}
        general: list[str] = []
        for problem in problems:
            # Two nodes may share an id: the problem is beside the one it is about.
            index = problem.index
            if index is None and problem.node_id is not None:
                index = index_of.get(problem.node_id)
            if problem.code == "unknown_start":
                # Typed in its own field, so said there.
                self.add_error("start_node", problem.message)
            elif problem.variable is not None:
                fields = per_variable.setdefault(problem.variable, {})
                fields.setdefault(problem.beside or "name", []).append(problem.message)
            elif index is None:
                general.append(problem.message)
            elif problem.choice is not None:
                fields = per_choice.setdefault(index, {}).setdefault(problem.choice, {})
                fields.setdefault(problem.beside or "label", []).append(problem.message)
            else:
                fields = per_node.setdefault(index, {})
                fields.setdefault(problem.beside or "node_id", []).append(problem.message)
        if not problems:
            return cleaned
        if per_node or per_choice or general:
            self._add_stream_error(
                "nodes",
                StreamBlockValidationError(
                    block_errors={
                        index: _node_errors(per_node.get(index, {}), per_choice.get(index, {}))
                        for index in sorted({*per_node, *per_choice})
                    },
                    non_block_errors=general,
                ),
            )
        if per_variable:
            self._add_stream_error(
                "variables",
                StreamBlockValidationError(
                    block_errors={
                        place: _node_errors(fields, {})
                        for place, fields in sorted(per_variable.items())
                    }
                ),
            )
        self.add_error(
            None,
            _(
                "This scenario cannot be published until the problems marked below are fixed. "
                "You can still save it as a draft."
            ),
        )
        return cleaned

    def _graph_field_value(self, name, cleaned):
        if name in cleaned and name not in self.errors:
            return cleaned[name]
        field = self.fields[name]
        return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))

    def _add_stream_error(self, name: str, error: StreamBlockValidationError) -> None:
        """Say the graph's problems beside the fields of the nodes (or variables), together
        with any errors those fields already have (a required field left blank, say)."""
        if name not in self.errors:
            self.add_error(name, error)
            return
        existing = self.errors[name].as_data()[0]
        if not isinstance(existing, StreamBlockValidationError):
            self.add_error(name, error)
            return
        for index, node_error in error.block_errors.items():
            if index in existing.block_errors:
                _merge_block_errors(existing.block_errors[index], node_error)
            else:
                existing.block_errors[index] = node_error
        existing.non_block_errors.extend(error.non_block_errors.as_data())
        self.errors[name] = self.error_class([existing])

    def _keep_choice_ids(self, nodes) -> None:
        """Give each choice left without an id the one it had in the version being edited,
        or a new one no choice of its node has had in any version (a deleted one's may have
        been played): an id made from the choice's place would pass to another choice when
        one is added above it, and the group analytics, which count by id, would add the two
        together. A choice is known by the id of its
        place in the list (Wagtail's), which the form posts back and moving keeps. Stored
        versions with blank ids keep the ids their places gave them, as their records do."""
        before: dict[str, str] = {}
        for child in self.instance.nodes or []:
            node_id = (child.value.get("node_id") or "").strip()
            for index, item in enumerate(_choice_items(child.value), start=1):
                choice_id = (item.value.get("choice_id") or "").strip()
                before[item.id] = choice_id or default_choice_id(node_id, index)
        used_before = _choice_ids_used(self.instance)
        for child in nodes:
            node_id = (child.value.get("node_id") or "").strip()
            items = _choice_items(child.value)
            taken = {(i.value.get("choice_id") or "").strip() for i in items} - {""}
            new = []
            for item in items:
                if (item.value.get("choice_id") or "").strip():
                    continue
                kept = before.get(item.id)
                if kept and kept not in taken:
                    item.value["choice_id"] = kept
                    taken.add(kept)
                else:
                    new.append(item)
            taken |= used_before.get(node_id, set())
            number = 0
            for item in new:
                number += 1
                while default_choice_id(node_id, number) in taken:
                    number += 1
                item.value["choice_id"] = default_choice_id(node_id, number)
                taken.add(item.value["choice_id"])

    def _refuse_staff_in_pupils_lessons(self) -> None:
        if self.instance.pk is None:
            return
        problem = pupils_lessons_problem(self.instance)
        if problem:
            self.add_error("audience", problem)


def _choice_ids_used(scenario) -> dict[str, set[str]]:
    """Node id -> the ids its choices have had in this version and every saved one: a
    choice deleted in an earlier version may have been played, and a new choice given its
    id would be counted with it in the group analytics."""
    versions = [scenario]
    if scenario.pk is not None:
        versions += [revision.as_object() for revision in scenario.revisions.all()]
    used: dict[str, set[str]] = {}
    for version in versions:
        for node in version.graph().nodes:
            used.setdefault(node.id, set()).update(choice.id for choice in node.choices)
    return used


def _merge_block_errors(into, more) -> None:
    """Add the errors in `more` to those in `into` (both of a struct or a list block)."""
    for key, error in more.block_errors.items():
        held = into.block_errors.get(key)
        if held is None:
            into.block_errors[key] = error
        elif hasattr(held, "block_errors") and hasattr(error, "block_errors"):
            _merge_block_errors(held, error)
        else:
            into.block_errors[key] = ValidationError([*held.messages, *error.messages])


def _node_errors(fields, choices) -> StructBlockValidationError:
    """A node's problems as Wagtail shows them: each beside its field, a choice's beside
    that choice's field."""
    errors = {name: ValidationError(messages) for name, messages in fields.items()}
    if choices:
        errors["choices"] = ListBlockValidationError(
            block_errors={
                place: StructBlockValidationError(
                    block_errors={
                        name: ValidationError(messages) for name, messages in choice.items()
                    }
                )
                for place, choice in sorted(choices.items())
            }
        )
    return StructBlockValidationError(block_errors=errors)


def _choice_items(node) -> list:
    """A node's choices with the ids of their places in the list."""
    choices = node.get("choices")
    return list(choices.bound_blocks) if choices is not None else []


def pupils_lessons_problem(scenario) -> str | None:
    """Pupils are never let play a staff scenario (scenarios.selectors.scenario_open_to), so
    publishing one "for staff" while a pupils' lesson uses it (live, or scheduled or awaiting
    approval to go live) would leave that lesson impossible to complete: what to say, or None
    when no pupils' lesson uses it."""
    from courses.models import Audience
    from courses.selectors import modules_going_live_using, modules_using

    # Lessons live, and lessons on their way there (scheduled, or awaiting approval).
    lessons = {}
    for module in [*modules_using(scenario), *modules_going_live_using(scenario)]:
        if module.pk not in lessons and module.course.audience == Audience.PUPILS:
            lessons[module.pk] = module
    lessons = list(lessons.values())
    if not lessons:
        return None
    return str(
        _(
            "Pupils' lessons use this scenario (%(modules)s), and pupils cannot play "
            "a scenario for staff. Take it out of those modules first."
        )
        % {"modules": get_text_list([f"“{m.title}”" for m in lessons], _("and"))}
    )


def publishing_problems(scenario) -> list[str]:
    """What stops this version of a scenario (a revision's, say) being published now, as
    its edit form would say: problems in its graph, and pupils' lessons using it when it is
    for staff."""
    return [issue.message for issue in publishing_issues(scenario)]


def publishing_issues(scenario) -> list[Issue]:
    """`publishing_problems` as issues, for the map and the preview, which name the node each
    is about."""
    from .models import Scenario

    issues = scenario.problems()
    if scenario.pk is not None and scenario.audience == Scenario.Audience.STAFF:
        problem = pupils_lessons_problem(scenario)
        if problem:
            issues.append(Issue(None, "pupils_lessons", problem))
    return issues
