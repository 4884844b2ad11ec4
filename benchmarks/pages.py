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
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--editions", type=int, default=2_000)
    parser.add_argument("--topics", type=int, default=5_000)
    parser.add_argument("--authors", type=int, default=300)
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}",
        help="where to seed and measure (default: var/bench.sqlite3)",
    )
    parser.add_argument("--samples", type=int, default=20, help="different URLs per page type")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per URL")
    return parser.parse_args()


def ensure_postgres_database(url):
    """Create the benchmark database on the PostgreSQL server if it is not there yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = {
        "dbname": "postgres",
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(**admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def main():
    args = parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clarion.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if args.database_url.startswith("postgres"):
        ensure_postgres_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from clarion.newsroom.models import Article, Topic

    call_command("migrate", interactive=False, verbosity=0)
    have = Article.objects.count()
    if have < args.articles:
        started = time.perf_counter()
        call_command(
            "seed",
            articles=args.articles,
            editions=args.editions,
            topics=args.topics,
            authors=args.authors,
        )
        print(
            f"seeding {args.articles - have:,} articles took {time.perf_counter() - started:.1f} s"
        )
    else:
        print(f"database already holds {have:,} articles; seeding skipped")

    vendor = connection.vendor
    urls = sample_urls(Article, Topic, args.samples)
    client = Client()
    print(
        f"\n{vendor}: {Article.objects.count():,} articles; "
        f"{args.samples} URLs per page type, {args.repeat} timed requests each\n"
    )
    print(f"{'page':<10} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    for kind, kind_urls in urls.items():
        timings, queries, size = [], 0, 0
        for url in kind_urls:
            response = client.get(url)  # warm up (connection, template loading)
            assert response.status_code == 200, (url, response.status_code)
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                queries = max(queries, len(captured))
                size = max(size, len(response.content))
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{kind:<10} {statistics.median(timings):>10.1f} {p95:>8.1f} {queries:>8} "
            f"{size / 1024:>6.1f}"
        )


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
