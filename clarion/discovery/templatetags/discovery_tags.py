"""Social meta tags and JSON-LD structured data for the <head> of every page.

    {% load discovery_tags %}
    {% social_meta %}                     site-wide Open Graph defaults (base.html)
    {% site_structured_data %}            WebSite JSON-LD, on the home page only (base.html)
    {% article_social_meta page authors topics %}      the article page's own
    {% article_structured_data page authors topics %}  NewsArticle + BreadcrumbList

JSON-LD is data, not script: <script type="application/ld+json"> is never executed, so the
site's Content-Security-Policy (script-src 'self') allows it, and its JSON is escaped so
that nothing in a headline can close the element."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from clarion.discovery.structured_data import (
    ArticleFacts,
    default_social_meta,
    home_structured_data,
    json_for_script,
)

register = template.Library()


@register.filter
def json_ld(data):
    """A dict (or a list of them, one element each) as <script type="application/ld+json">."""
    items = data if isinstance(data, list | tuple) else [data]
    return format_html_join(
        "\n",
        '<script type="application/ld+json">{}</script>',
        ((mark_safe(json_for_script(item)),) for item in items if item),
    )


def meta_tags(tags):
    return format_html_join(
        "\n", '<meta {}="{}" content="{}">', ((kind, name, value) for kind, name, value in tags)
    )


@register.simple_tag(takes_context=True)
def social_meta(context):
    return meta_tags(default_social_meta(context))


@register.simple_tag(takes_context=True)
def site_structured_data(context):
    return json_ld(home_structured_data(context))


def _article_facts(context, page, authors, topics):
    return ArticleFacts.of(
        page,
        context["request"],
        context.get("authors", []) if authors is None else authors,
        context.get("topics", []) if topics is None else topics,
    )


@register.simple_tag(takes_context=True)
def article_social_meta(context, page, authors=None, topics=None):
    return meta_tags(_article_facts(context, page, authors, topics).social_meta())


@register.simple_tag(takes_context=True)
def article_structured_data(context, page, authors=None, topics=None):
    return json_ld(_article_facts(context, page, authors, topics).structured_data())
