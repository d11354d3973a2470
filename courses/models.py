"""Wagtail pages for the course catalogue."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: a short welcome and the way in to sign-in or My learning."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    max_count = 1

    class Meta:
        verbose_name = _("home page")
