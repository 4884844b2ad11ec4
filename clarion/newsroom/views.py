"""Listings of articles by category, topic, author and month, and the A–Z of topics.
Served as routes of the home page (see clarion.home); the short link is a plain view."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from clarion.core.pagination import paginate

from .archive import archive_months, month_bounds
from .models import Article, Author, Topic, category_tree


def _listing(request, template, articles, **context):
    context["articles"] = paginate(request, articles.for_listing())
    return TemplateResponse(request, template, context)


def category_page(request, page, slug):
    tree = category_tree()
    category = tree.by_slug.get(slug)
    if category is None:
        raise Http404
    articles = Article.objects.readable().filter(category__in=tree.family(category)).newest()
    return _listing(
        request,
        "newsroom/category.html",
        articles,
        page=page,
        category=category,
        ancestors=tree.ancestors(category),
        subcategories=tree.children(category),
    )


def topic_page(request, page, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.readable().on_topic(topic)
    return _listing(request, "newsroom/topic.html", articles, page=page, topic=topic)


def author_page(request, page, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = Article.objects.readable().by_author(author)
    return _listing(request, "newsroom/author.html", articles, page=page, author=author)


def month_page(request, page, year, month):
    start, end = month_bounds(year, month)
    articles = Article.objects.readable().in_month(start, end).newest()
    return _listing(request, "newsroom/month.html", articles, page=page, month=start)


def archive_index(request, page):
    return TemplateResponse(
        request, "newsroom/archive.html", {"page": page, "months": archive_months()}
    )


def topics_a_to_z(request, page):
    """The A–Z listing: letters that have topics, and the topics under the chosen one."""
    letters = list(Topic.objects.order_by("initial").values_list("initial", flat=True).distinct())
    letter = request.GET.get("letter")
    if letter is None:
        letter = letters[0] if letters else ""
    elif letter not in letters:
        raise Http404("No topics are listed under that letter.")
    topics = Topic.objects.filter(initial=letter).order_by("name")
    return TemplateResponse(
        request,
        "newsroom/topics.html",
        {
            "page": page,
            "letters": letters,
            "letter": letter,
            "topics": paginate(request, topics, 200),
        },
    )


def short_link(request, article_id):
    """/a/<id>/: a short permanent link that follows the article wherever it moves."""
    article = Article.objects.readable().filter(pk=article_id).first()
    if article is None:
        raise Http404("No published article has that number.")
    return redirect(article.get_url(request), permanent=True)
