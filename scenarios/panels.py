"""An admin panel that shows the scenario's graph as a picture."""

from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail.admin.panels import Panel


class GraphPanel(Panel):
    """Shows the saved version's graph (nodes, choices, endings coloured by outcome)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "scenarios/admin/graph_panel.html"

        def get_context_data(self, parent_context=None):
            from .forms import publishing_issues
            from .graph_svg import graph_outline, graph_svg

            context = super().get_context_data(parent_context)
            instance = self.instance
            if instance is not None and instance.pk:
                context["export_url"] = reverse("scenarios_twee:export", args=[instance.pk])
                # All that stops publishing, a pupils' lesson using a staff scenario too.
                problems = publishing_issues(instance)
                context["problems"] = problems
                graph = instance.graph()
                problem_nodes = {p.node_id for p in problems if p.node_id}
                context["svg"] = mark_safe(  # noqa: S308 - built from escaped text only
                    graph_svg(graph, problem_nodes=problem_nodes)
                )
                context["outline"] = graph_outline(graph, problem_nodes=problem_nodes)
            return context
