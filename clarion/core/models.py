"""Site-wide settings an editor changes in the admin, and the plain content page."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import OrganiserContactBlock, SocialAccountBlock


@register_setting(icon="site")
class PaperSettings(BaseSiteSetting):
    """One set per site (publication): its name, calls to action and contacts.
    Lists are StreamFields so the whole block costs one query per page view."""

    paper_name = models.CharField(max_length=120, default="The Clarion")
    organisation_name = models.CharField(
        max_length=120, blank=True, help_text="The movement behind the paper, e.g. 'Workers Party'"
    )
    tagline = models.CharField(max_length=200, blank=True)

    join_url = models.CharField("join link", max_length=300, blank=True)
    subscribe_url = models.CharField("subscribe link", max_length=300, blank=True)
    donate_url = models.CharField("donate link", max_length=300, blank=True)
    call_to_action = models.CharField(
        max_length=300,
        blank=True,
        default="Why not join us, or donate to keep the paper going?",
        help_text="Shown under every article, with the join and donate links.",
    )

    national_phone = models.CharField("national office phone", max_length=40, blank=True)
    text_to_join_number = models.CharField(max_length=40, blank=True)
    text_to_join_keyword = models.CharField(
        max_length=40,
        blank=True,
        default="JOIN",
        help_text="Readers text this word, name and postcode",
    )
    locator_url = models.CharField("branch locator link", max_length=300, blank=True, default="")
    regional_organisers = StreamField(
        [("organiser", OrganiserContactBlock())], blank=True, use_json_field=True
    )
    social_accounts = StreamField(
        [("account", SocialAccountBlock())], blank=True, use_json_field=True
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("paper_name"), FieldPanel("organisation_name"), FieldPanel("tagline")],
            heading="The paper",
        ),
        MultiFieldPanel(
            [
                FieldPanel("join_url"),
                FieldPanel("subscribe_url"),
                FieldPanel("donate_url"),
                FieldPanel("call_to_action"),
            ],
            heading="Calls to action",
        ),
        MultiFieldPanel(
            [
                FieldPanel("national_phone"),
                FieldPanel("text_to_join_number"),
                FieldPanel("text_to_join_keyword"),
                FieldPanel("locator_url"),
                FieldPanel("regional_organisers"),
            ],
            heading="Contact block",
        ),
        FieldPanel("social_accounts"),
    ]

    class Meta:
        verbose_name = "paper settings"


class StandardPage(Page):
    """A plain page: 'About us', 'Join', a page imported from an old site."""

    intro = models.CharField(max_length=500, blank=True)
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]


class ContentVersion(models.Model):
    """A single row whose number goes up on every publishing change (see content_version)."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.number}"
