"""The shared layout's newsroom parts: navigation and the sidebar."""

from django import template

from clarion.core.models import PaperSettings
from clarion.newsroom.archive import archive_months
from clarion.newsroom.models import Article, Category

register = template.Library()

SIDEBAR_LATEST = 7
SIDEBAR_MONTHS = 12


@register.inclusion_tag("newsroom/includes/nav.html", takes_context=True)
def site_nav(context):
    return {"request": context["request"], "categories": list(Category.objects.all())}


@register.inclusion_tag("newsroom/includes/sidebar.html", takes_context=True)
def sidebar(context):
    request = context["request"]
    return {
        "request": request,
        "paper": PaperSettings.for_request(request),
        "latest": Article.objects.readable().newest().for_listing()[:SIDEBAR_LATEST],
        "months": archive_months()[:SIDEBAR_MONTHS],
    }


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
