"""The Jinja2 environment's helpers give what Django's own would (no database)."""

from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.urls import reverse, set_script_prefix
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from config.jinja2 import environment, linebreaks, render_helpers, translate, url
from config.jinja2 import linebreaksbr as jinja_linebreaksbr

# Text as authors type it: letters, markup characters and every kind of line break.
TEXT = st.text(alphabet=st.sampled_from(list("ab <>&'\"\n\r\t")), max_size=40)


@given(TEXT)
def test_linebreaks_matches_djangos_filter(text):
    assert linebreaks(text) == linebreaks_filter(text, autoescape=True)
    assert isinstance(linebreaks(text), Markup)


@given(TEXT)
def test_linebreaksbr_matches_djangos_filter(text):
    assert jinja_linebreaksbr(text) == linebreaksbr(text, autoescape=True)


def test_safe_text_is_not_escaped_again():
    safe = mark_safe("<em>one</em>\n\ntwo")
    assert linebreaks(safe) == linebreaks_filter(safe, autoescape=True)
    assert linebreaks(safe) == "<p><em>one</em></p>\n\n<p>two</p>"
    assert jinja_linebreaksbr(Markup("<b>x</b>\ny")) == "<b>x</b><br>y"


def test_a_template_escapes_text_and_translations():
    env = environment(loader=None)
    template = env.from_string('{{ _("Content warning:") }} {{ text|linebreaksbr }}')
    assert template.render(text="<script>\nx") == "Content warning: &lt;script&gt;<br>x"


def test_translations_follow_the_active_language():
    message = "This field is required."
    with translation.override("de"):
        german = translation.gettext(message)
        assert german != message
        assert translate(message) == german
    with translation.override("en-gb"):
        assert translate(message) == message
    with translation.override("de"):
        assert translate(message) == german


def test_url_reverses_as_django_does_under_any_script_prefix():
    args = ("0f8fad5b-d9cb-469f-a165-70867728950e",)
    assert url("scenarios:choose", *args) == reverse("scenarios:choose", args=args)
    try:
        set_script_prefix("/school/")
        assert url("scenarios:choose", *args) == reverse("scenarios:choose", args=args)
        assert url("scenarios:choose", *args).startswith("/school/")
    finally:
        set_script_prefix("/")
    assert url("scenarios:choose", *args) == reverse("scenarios:choose", args=args)


def test_render_helpers_keep_the_language_and_script_prefix_a_render_started_in():
    message = "This field is required."
    args = ("0f8fad5b-d9cb-469f-a165-70867728950e",)
    template = environment(loader=None).from_string('{{ _(m) }}|{{ url("scenarios:choose", a) }}')
    with translation.override("de"):
        german = translation.gettext(message)
        try:
            set_script_prefix("/school/")
            helpers = render_helpers()
        finally:
            set_script_prefix("/")
    # Rendered after both have changed back: the helpers still say what they said then.
    with translation.override("en-gb"):
        assert helpers["_"](message) == german
        assert template.render(m=message, a=args[0], **helpers) == (
            f"{german}|/school{reverse('scenarios:choose', args=args)}"
        )
        # Without them, the environment's own helpers use the language and prefix of now.
        assert template.render(m=message, a=args[0]) == (
            f"{message}|{reverse('scenarios:choose', args=args)}"
        )
