"""Seed a large paper and measure the server time of each public page type, uncached.

    .venv/bin/python benchmarks/pages.py --articles 100000
    .venv/bin/python benchmarks/pages.py --articles 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/clarion_bench

Seeding is skipped when the database already holds the articles (it is resumable: the same
command finishes an interrupted seed). Requests go through Django's full request handling
in-process (middleware, routing, queries, templates), so the figures are server time without
network or worker overhead. Each URL is requested once to warm up, then timed."""

import argparse
import os

from common import add_database_arguments, print_header, setup_django, time_urls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--samples", type=int, default=20, help="different URLs per page type")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per URL")
    args = parser.parse_args()
    os.environ["CLARION_PAGE_CACHE"] = "false"  # server time of rendering, not of a hit
    setup_django(args)

    from clarion.newsroom.models import Article, Topic

    print_header(
        f"{Article.objects.count():,} articles; {args.samples} URLs per page type, "
        f"{args.repeat} timed requests each"
    )
    for kind, urls in sample_urls(Article, Topic, args.samples).items():
        time_urls(kind, urls, args.repeat)


def sample_urls(Article, Topic, count):
    from clarion.newsroom.archive import archive_months

    live = Article.objects.live()
    total = live.count()
    step = max(1, total // count)
    articles = [a.url for a in live.order_by("pk").only("url_path")[::step][:count]]
    busy_topics = Topic.objects.order_by("pk")[:count]
    months = archive_months()[:count]
    return {
        "home": ["/"] * count,
        "article": articles,
        "topic": [t.get_absolute_url() for t in busy_topics],
        "archive": [f"/archive/{m:%Y/%m}/" for m in months],
        "category": [
            f"/category/{slug}/"
            for slug in ["international", "workplace", "campaigns", "youth", "editorial"]
        ],
        "news list": [f"/news/?page={n}" for n in range(1, count + 1)],
    }


if __name__ == "__main__":
    main()
