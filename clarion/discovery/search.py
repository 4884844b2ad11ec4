"""Full-text search of articles, with filters. Wagtail's search index does the matching:
PostgreSQL full-text search (a GIN-indexed tsvector) on PostgreSQL, FTS5 on SQLite."""

import datetime

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone

from clarion.editions.models import EditionPage
from clarion.newsroom.archive import FIRST_YEAR, LAST_YEAR
from clarion.newsroom.models import Article, ArticleAuthor, ArticleTopic, Author, Category, Topic

from .highlight import WORD, article_text, query_terms, snippet

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
SORTS = [("relevance", "Most relevant first"), ("date", "Newest first")]
NARROWING = ("category", "topic", "author", "edition", "date_from", "date_to")


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", required=False)
    category = forms.ModelChoiceField(
        Category.objects.all(), to_field_name="slug", required=False, empty_label="Any category"
    )
    topic = forms.CharField(label="Topic", required=False, max_length=200)
    author = forms.ModelChoiceField(
        Author.objects.all(), to_field_name="slug", required=False, empty_label="Any author"
    )
    edition = forms.IntegerField(label="Issue number", required=False, min_value=1, max_value=10**7)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label="Order", choices=SORTS, required=False)

    def _clean_day(self, name):
        day = self.cleaned_data[name]
        # The archive's years; year 1 or 9999 would also overflow time-zone arithmetic.
        if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
        return day

    def clean_date_from(self):
        return self._clean_day("date_from")

    def clean_date_to(self):
        return self._clean_day("date_to")

    def clean_topic(self):
        slug = self.cleaned_data["topic"]  # its address (slug) or its name
        if not slug:
            return None
        topic = Topic.objects.filter(Q(slug=slug) | Q(name__iexact=slug.strip())).first()
        if topic is None:
            raise forms.ValidationError("There is no topic with that name.")
        return topic

    def clean_edition(self):
        number = self.cleaned_data["edition"]
        if number is None:
            return None
        edition = EditionPage.objects.filter(number=number).first()
        if edition is None:
            raise forms.ValidationError("There is no issue with that number.")
        return edition

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


def start_of_day(day):
    """Midnight at the start of `day` on the paper's clock (the search index filters on
    plain comparisons, not on a date extracted from the time)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_articles(filters):
    """Readable articles narrowed by the valid filters; invalid ones are left out (and the
    form says why)."""
    articles = Article.objects.readable().select_related("category")
    if filters.get("category"):
        articles = articles.filter(category=filters["category"])
    if filters.get("topic"):
        linked = ArticleTopic.objects.filter(topic=filters["topic"]).values("article_id")
        articles = articles.filter(pk__in=linked)
    if filters.get("author"):
        credited = ArticleAuthor.objects.filter(author=filters["author"]).values("article_id")
        articles = articles.filter(pk__in=credited)
    if filters.get("edition"):
        articles = articles.filter(edition=filters["edition"])
    if filters.get("date_from"):
        articles = articles.filter(date__gte=start_of_day(filters["date_from"]))
    if filters.get("date_to"):
        next_day = filters["date_to"] + datetime.timedelta(days=1)
        articles = articles.filter(date__lt=start_of_day(next_day))
    return articles


def search(request):
    form = SearchForm(request.GET)
    form.is_valid()  # errors are shown beside their fields; valid filters still apply
    filters = {name: value for name, value in form.cleaned_data.items() if value}
    raw_query = " ".join(str(form.cleaned_data.get("q") or "").split())
    query = raw_query[:MAX_QUERY_LENGTH]
    sort = filters.get("sort") or ("relevance" if query else "date")
    articles = filtered_articles(filters)
    narrowed = any(k in filters for k in NARROWING)
    # Only the words go to the search backend: quotes, brackets and operators mean
    # different things (or syntax errors) to PostgreSQL's and SQLite's full-text parsers.
    words = " ".join(WORD.findall(query))

    if words:
        if sort == "date":
            results = articles.order_by("-date").search(words, order_by_relevance=False)
        else:
            results = articles.search(words, operator="and")
    elif query:
        results = Article.objects.none()  # nothing searchable in it, e.g. only punctuation
    elif narrowed:
        results = articles.newest()
    else:
        results = Article.objects.none()

    page, past_the_end = page_of(results, request.GET.get("page", "1"))
    terms = query_terms(query)
    hits = [(article, snippet(article_text(article), terms)) for article in page] if page else []
    return TemplateResponse(
        request,
        "discovery/search.html",
        {
            "form": form,
            "query": query,
            "shortened": len(raw_query) > MAX_QUERY_LENGTH,
            "searched": bool(query or narrowed),
            "narrowed": narrowed,
            "sort": sort,
            "results": page,
            "hits": hits,
            "past_the_end": past_the_end,
        },
    )


def page_of(results, raw_number):
    """(page, past_the_end): a bad page number gives the first page, one past the end none."""
    paginator = Paginator(results, RESULTS_PER_PAGE)
    number = int(raw_number) if raw_number.isascii() and raw_number.isdigit() else 1
    number = max(1, min(number, 10**6))
    try:
        return paginator.page(number), False
    except EmptyPage:
        return None, number > 1
