"""The shared layout's newsroom parts: navigation and the sidebar. Both are the same on every
page of a site, so they are rendered once per content version and kept in the cache."""

import time

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.models import Site

from clarion.core.content_version import cached, cached_many
from clarion.core.models import PaperSettings
from clarion.newsroom.archive import archive_months
from clarion.newsroom.models import Article, Category

register = template.Library()

SIDEBAR_LATEST = 7
SIDEBAR_MONTHS = 12
SIDEBAR_SECONDS = 300


@register.simple_tag
def site_nav():
    def render_nav():
        categories = list(Category.objects.all())
        return render_to_string("newsroom/includes/nav.html", {"categories": categories})

    return mark_safe(cached("site-nav", render_nav))  # noqa: S308 - our own template's output


@register.simple_tag(takes_context=True)
def sidebar(context):
    site = Site.find_for_request(context["request"])

    def render_sidebar():
        return render_to_string(
            "newsroom/includes/sidebar.html",
            {
                "paper": PaperSettings.for_site(site),
                "latest": Article.objects.readable().newest().for_listing()[:SIDEBAR_LATEST],
                "months": archive_months()[:SIDEBAR_MONTHS],
            },
        )

    # Coming meetings drop off as they happen, with no content change: a new sidebar every
    # few minutes even when nothing is published.
    period = int(time.time() // SIDEBAR_SECONDS)
    key = f"sidebar:{site.pk if site else 0}:{period}"
    return mark_safe(cached(key, render_sidebar, SIDEBAR_SECONDS))  # noqa: S308


@register.simple_tag(takes_context=True)
def article_cards(context, articles, show_category=False, compact=False):
    """The cards of a list of articles. A card is the same in every list that shows it
    (home, category, topic, author, month), so each is rendered once per content version and
    kept in the cache: a whole list costs one cache read."""
    articles = list(articles)
    request = context["request"]
    site = Site.find_for_request(request)
    card = {"request": request, "show_category": show_category, "compact": compact}

    def render_cards(ids):
        return {
            article.pk: render_to_string(
                "newsroom/includes/article_card.html", {**card, "article": article}
            )
            for article in articles
            if article.pk in ids
        }

    variant = f"card:{site.pk if site else 0}:{int(show_category)}{int(compact)}"
    html = cached_many(variant, [article.pk for article in articles], render_cards)
    return mark_safe("".join(html[article.pk] for article in articles))  # noqa: S308


@register.inclusion_tag("newsroom/includes/share_links.html", takes_context=True)
def share_links(context, page):
    from urllib.parse import quote

    request = context["request"]
    url = quote(request.build_absolute_uri(page.get_url(request)), safe="")
    title = quote(page.title, safe="")
    return {
        "links": [
            ("Email", f"mailto:?subject={title}&body={url}"),
            ("Telegram", f"https://t.me/share/url?url={url}&text={title}"),
            ("WhatsApp", f"https://wa.me/?text={title}%20{url}"),
            ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
            ("X", f"https://x.com/intent/post?url={url}&text={title}"),
            ("VK", f"https://vk.com/share.php?url={url}&title={title}"),
        ]
    }


@register.simple_tag(takes_context=True)
def absolute_short_link(context, page):
    from django.urls import reverse

    return context["request"].build_absolute_uri(reverse("short_link", args=[page.pk]))
