"""The Jinja2 environment, for the few templates rendered on a hot path.

Most templates are Django templates. The scenario player is rendered for every choice a
learner makes, and Jinja2 compiles a template to Python code, so it renders that fragment in
about a third of the time (docs/benchmarks.md). The environment offers what those templates
need from Django: translations (`_()`, from the project's catalogues), `url()`, and the
`linebreaks` and `linebreaksbr` filters, each giving what Django's own would, more cheaply:

- `_()` remembers each message's translation per language. Django's `gettext` walks the
  whole chain of catalogues (the project's, Django's, every Wagtail app's) on each call, and
  the catalogues do not change while the process runs.
- `url()` remembers recent reversals for the current URLconf, script prefix and language.
- `render_helpers()` gives a render its own `_()` and `url()`, bound to the language, URLconf
  and script prefix in force when it starts: each of those is a per-request (thread- and
  task-local) setting, costly to look up on every call.
- the filters escape with the standard library rather than through Django's lazy wrappers.

Autoescaping is always on; a translation is escaped like any other text, as Django's
`{% translate %}` does.
"""

import html
import re
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse, set_script_prefix
from django.utils.safestring import SafeData
from django.utils.translation import get_language, gettext, override
from jinja2 import Environment
from markupsafe import Markup

# (language, message) -> translation. Bounded by the messages in the Jinja2 templates times
# the site's languages.
_translations: dict[tuple[str | None, str], str] = {}


def translate(message: str) -> str:
    """`gettext(message)` in the active language, remembered."""
    key = (get_language(), message)
    try:
        return _translations[key]
    except KeyError:
        translated = _translations[key] = gettext(message)
        return translated


def _translator(language: str | None):
    """`_()` for one language."""

    def translate_in(message: str) -> str:
        try:
            return _translations[(language, message)]
        except KeyError:
            # In the bound language, whichever is active by now.
            with override(language):
                translated = _translations[(language, message)] = gettext(message)
            return translated

    return translate_in


@lru_cache(maxsize=2048)
def _reverse(urlconf, prefix: str, language: str | None, name: str, args: tuple) -> str:
    # Reversed under the script prefix and in the language of the key (a URL may start with
    # either), whichever are in force by now.
    current = get_script_prefix()
    set_script_prefix(prefix)
    try:
        with override(language):
            return reverse(name, urlconf=urlconf, args=args)
    finally:
        set_script_prefix(current)


def url(name: str, *args) -> str:
    """`reverse(name, args=args)`. The player links to the same attempt at every step, so a
    recent answer is reused."""
    return _reverse(get_urlconf(), get_script_prefix(), get_language(), name, args)


def render_helpers() -> dict:
    """`_` and `url` for one render, in the active language, URLconf and script prefix (pass
    them in the context: they take the place of the environment's globals)."""
    language, urlconf, prefix = get_language(), get_urlconf(), get_script_prefix()

    def url_in(name: str, *args) -> str:
        return _reverse(urlconf, prefix, language, name, args)

    return {"_": _translator(language), "url": url_in}


_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def _normalised(value) -> tuple[str, bool]:
    """The text with newlines normalised, and whether it still needs escaping."""
    safe = isinstance(value, SafeData | Markup)
    return str(value).replace("\r\n", "\n").replace("\r", "\n"), not safe


def linebreaks(value) -> Markup:
    """Django's `linebreaks` filter: paragraphs at blank lines, `<br>` at single newlines."""
    text, escape = _normalised(value)
    paragraphs = _PARAGRAPH_BREAK.split(text)
    if escape:
        paragraphs = [html.escape(p).replace("\n", "<br>") for p in paragraphs]
    else:
        paragraphs = [p.replace("\n", "<br>") for p in paragraphs]
    # Safe: each paragraph was escaped above unless it was marked safe already.
    return Markup("\n\n".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S704


def linebreaksbr(value) -> Markup:
    """Django's `linebreaksbr` filter: `<br>` at each newline."""
    text, escape = _normalised(value)
    # Safe: escaped here unless it was marked safe already.
    return Markup((html.escape(text) if escape else text).replace("\n", "<br>"))  # noqa: S704


def environment(**options) -> Environment:
    # Django's backend turns autoescaping on already; say so here too, and never allow it off.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals["_"] = translate
    env.globals["url"] = url
    env.filters["linebreaks"] = linebreaks
    env.filters["linebreaksbr"] = linebreaksbr
    from scenarios.contacts import contact_links

    env.filters["contact_links"] = contact_links
    return env
