"""The Jinja2 environment, for the few templates rendered on a hot path.

Most templates are Django templates. The scenario player is rendered for every choice a
learner makes, and Jinja2 compiles a template to Python code, so it renders that fragment in
about a third of the time (docs/benchmarks.md). The environment offers what those templates
need from Django: translations (`_()`, from the project's catalogues), `url()`, and the
`linebreaks` and `linebreaksbr` filters.
"""

from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from jinja2 import Environment


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def environment(**options) -> Environment:
    # Django's backend turns autoescaping on already; say so here too, and never allow it off.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals["url"] = url
    # Django's own filters, escaping their input as they do in Django templates.
    env.filters["linebreaks"] = lambda value: linebreaks_filter(value, autoescape=True)
    env.filters["linebreaksbr"] = lambda value: linebreaksbr(value, autoescape=True)
    return env
