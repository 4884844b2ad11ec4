"""What the benchmark runners share: pointing Django at the benchmark database, seeding it
when needed, and timing requests through Django's whole request handling in-process."""

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def add_database_arguments(parser):
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--editions", type=int, default=2_000)
    parser.add_argument("--topics", type=int, default=5_000)
    parser.add_argument("--authors", type=int, default=300)
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="where to seed and measure (default: var/bench.sqlite3)",
    )


def setup_django(args):
    """Configure Django for the benchmark database, migrate, and seed up to the sizes asked
    (seeding is resumable, so this also finishes an interrupted seed)."""
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clarion.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if args.database_url.startswith("postgres"):
        ensure_postgres_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command

    from clarion.newsroom.models import Article
    from clarion.organising.models import Branch, Event

    call_command("migrate", interactive=False, verbosity=0)
    have = Article.objects.count(), Branch.objects.count(), Event.objects.count()
    if have < (args.articles, args.branches, args.events):
        started = time.perf_counter()
        call_command(
            "seed",
            articles=args.articles,
            editions=args.editions,
            topics=args.topics,
            authors=args.authors,
            branches=args.branches,
            events=args.events,
        )
        elapsed = time.perf_counter() - started
        print(f"seeding took {elapsed:.1f} s")
    else:
        print("database already holds {:,} articles, {:,} branches, {:,} events".format(*have))


def ensure_postgres_database(url, fresh=False):
    """Create the benchmark database on the PostgreSQL server if it is not there yet (with
    `fresh`, drop it first: an empty database)."""
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
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def git_commit():
    """The commit measured, and whether the tree had changes beyond it."""

    def git(*command):
        return subprocess.run(
            ["git", "-C", str(ROOT), *command], capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" with uncommitted changes" if git("status", "--porcelain") else "")


def print_header(label):
    from django.db import connection

    print(f"\n{connection.vendor}: {label}\n")
    print(f"{'what':<16} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>7}")


@dataclass
class Timing:
    """What `measure` found: server time in ms, the most queries one request made, the
    largest body in bytes, the slowest query of a typical request (ms, SQL), and every
    query of the last request timed [(ms, SQL)]. A query's time is that of the driver's
    execute: on PostgreSQL the whole result, on SQLite up to its first row."""

    median: float
    p95: float
    queries: int
    size: int
    slowest_query: tuple = (0.0, "")
    last_queries: list = field(default_factory=list)


def read_body(response):
    """The body's bytes; a streamed one (a CSV export) read to the end, as a download is."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def measure(requests, repeat, status=200):
    """Make each request (a callable that sends one through the test client and returns the
    response) once to warm up, then `repeat` times, timing it with its body read to the end.
    Every response must have `status`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries, size, slowest, last = [], 0, 0, [], []
    durations = []  # ms of each query, timed closer than the debug cursor's 1 ms

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durations.append((time.perf_counter() - started) * 1000)

    for send in requests:
        response = send()
        read_body(response)
        assert response.status_code == status, (send, response.status_code)
        for _ in range(repeat):
            durations.clear()
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = send()
                body = read_body(response)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == status, (send, response.status_code)
            queries = max(queries, len(captured))
            size = max(size, len(body))
            sql = [query["sql"] for query in captured.captured_queries]
            if sql and len(sql) == len(durations):
                last = list(zip(durations, sql, strict=True))
                slowest.append(max(last))
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    slowest.sort(key=lambda q: q[0])
    typical = slowest[len(slowest) // 2] if slowest else (0.0, "")
    return Timing(statistics.median(timings), p95, queries, size, typical, last)


def time_urls(name, urls, repeat, client=None):
    """Request each URL once to warm up, then `repeat` times; print median and p95."""
    from django.test import Client

    client = client or Client()
    timing = measure([partial(client.get, url) for url in urls], repeat)
    print(
        f"{name:<16} {timing.median:>10.1f} {timing.p95:>8.1f} {timing.queries:>8} "
        f"{timing.size / 1024:>7.1f}"
    )
    return timing
