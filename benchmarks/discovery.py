"""Server time of search, feeds and sitemaps on a large paper.

    .venv/bin/python benchmarks/discovery.py --database-url \
        postgres://postgres@127.0.0.1:5432/clarion_bench

Seeds like benchmarks/pages.py when the database holds fewer articles. Search needs the
search index: run `clarion update_index` against the same database once after seeding
(the runner says so when the index is empty). Each URL is requested once to warm up, then
timed; figures are Django's whole request handling in-process."""

import argparse
import os
import re

from common import add_database_arguments, print_header, setup_django, time_urls

# A fixed set of searches: common and rare words, two-word queries, Cyrillic, filters, sort.
SEARCHES = [
    "q=strike",
    "q=workers+union",
    "q=council+budget",
    "q=pensions",
    "q=rent+tenants",
    "q=police+arrest",
    "q=hospital+safety",
    "q=забастовка",
    "q=солидарность+митинг",
    "q=depot",
    "q=strike&sort=date",
    "q=union&category=workplace",
    "q=wages&date_from=2020-01-01&date_to=2020-12-31",
    "q=picket+ballot+offer",
    "q=winter+march",
    "q=nonexistentword",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per URL")
    args = parser.parse_args()
    os.environ["CLARION_PAGE_CACHE"] = "false"  # server time of rendering, not of a hit
    setup_django(args)

    from django.test import Client
    from wagtail.search.models import IndexEntry

    from clarion.newsroom.models import Article, Category, Topic

    if not IndexEntry.objects.exists():
        raise SystemExit("The search index is empty: run `clarion update_index` first.")
    print_header(f"{Article.objects.count():,} articles; {args.repeat} timed requests per URL")
    time_urls("search", [f"/search/?{query}" for query in SEARCHES], args.repeat)

    topic = Topic.objects.order_by("pk").first()
    category = Category.objects.order_by("pk").first()
    time_urls("feed: site atom", ["/feeds/atom/"], args.repeat)
    time_urls("feed: site rss", ["/feeds/rss/"], args.repeat)
    time_urls("feed: site json", ["/feeds/json/"], args.repeat)
    time_urls("feed: category", [f"/feeds/category/{category.slug}/atom/"], args.repeat)
    time_urls("feed: topic", [f"/feeds/topic/{topic.slug}/atom/"], args.repeat)

    index = Client().get("/sitemap.xml").content.decode()
    children = [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)", index)]
    print(f"\nsitemap index lists {len(children)} child sitemaps\n")
    time_urls("sitemap index", ["/sitemap.xml"], args.repeat)
    article_children = [c for c in children if "article" in c]
    time_urls("sitemap child", article_children[:5] + article_children[-5:], args.repeat)
    news = [c for c in children if "news" in c]
    if news:
        time_urls("news sitemap", news, args.repeat)


if __name__ == "__main__":
    main()
