"""EXPLAIN ANALYZE every list query of the public pages on a large paper, and say which index
each one reads (newest first by category, topic, author, edition and month, and the latest
news). Meant for PostgreSQL:

    .venv/bin/python benchmarks/explain.py \
        --database-url postgres://postgres@127.0.0.1:5432/clarion_bench

A query that reads a whole table (a sequential scan of the articles or of their topic or
author links) or takes over 20 ms is reported as a problem, and the exit status is 1."""

import argparse
import re
import sys

from common import add_database_arguments, setup_django

SLOW_MS = 20
BIG_TABLES = "newsroom_article|newsroom_articletopic|newsroom_articleauthor|wagtailcore_page"
WHOLE_TABLE = re.compile(rf"Seq Scan on ({BIG_TABLES})\b")


def list_queries():
    """(name, queryset) for each list a public page shows, on its busiest subject."""
    from django.db.models import Count

    from clarion.editions.models import EditionPage
    from clarion.newsroom.archive import month_bounds
    from clarion.newsroom.models import Article, ArticleAuthor, ArticleTopic, Category

    def busiest(links, field):
        return links.values(field).annotate(n=Count("id")).order_by("-n")[0][field]

    def rarest_category():
        return Category.objects.annotate(n=Count("articles")).order_by("n").first()

    readable = Article.objects.readable()
    newest = readable.newest().for_listing()
    latest_date = Article.objects.live().order_by("-date").values_list("date", flat=True)[0]
    month = month_bounds(latest_date.year, latest_date.month)
    topic = busiest(ArticleTopic.objects, "topic")
    author = busiest(ArticleAuthor.objects, "author")
    edition = EditionPage.objects.live().order_by("-number").first()
    return [
        ("latest news", newest[:20]),
        ("busiest category", newest.filter(category=busiest(Article.objects, "category"))[:20]),
        ("rarest category", newest.filter(category=rarest_category())[:20]),
        ("busiest topic", readable.on_topic(topic).for_listing()[:20]),
        ("busiest author", readable.by_author(author).for_listing()[:20]),
        ("an edition's contents", edition.articles.readable().order_by("edition_position")),
        ("latest month", newest.in_month(*month)[:20]),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--plans", action="store_true", help="print each whole plan")
    args = parser.parse_args()
    setup_django(args)

    from clarion.newsroom.models import Article

    print(f"\n{Article.objects.count():,} articles; EXPLAIN ANALYZE of each list query\n")
    problems = 0
    for name, queryset in list_queries():
        plan = queryset.explain(analyze=True)
        milliseconds = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
        indexes = sorted(set(re.findall(r"Index (?:Only )?Scan (?:Backward )?using (\w+)", plan)))
        whole = WHOLE_TABLE.findall(plan)
        verdict = "ok"
        if whole or milliseconds > SLOW_MS:
            verdict = "PROBLEM: " + (f"reads all of {', '.join(whole)}" if whole else "slow")
            problems += 1
        print(f"{name:24} {milliseconds:8.2f} ms  {verdict:8}  indexes: {', '.join(indexes)}")
        if args.plans:
            print(plan, "\n")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
