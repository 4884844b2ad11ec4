"""clarion seed: generate a paper's worth of content into the configured database."""

import time

from django.core.management.base import BaseCommand, CommandError

from clarion.demo.seeding import Seeder


def non_negative(value):
    number = int(value)
    if number < 0:
        raise ValueError
    return number


class Command(BaseCommand):
    help = (
        "Generate content (totals to reach, so a re-run resumes an interrupted one): "
        "articles, editions, topics, authors and pictures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=non_negative, default=1000)
        parser.add_argument(
            "--editions", type=non_negative, default=None, help="default: articles/50"
        )
        parser.add_argument(
            "--topics", type=non_negative, default=None, help="default: articles/20"
        )
        parser.add_argument(
            "--authors", type=non_negative, default=None, help="default: articles/500"
        )
        parser.add_argument("--images", type=non_negative, default=12)
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same content)"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        articles = options["articles"]
        sizes = {
            "articles": articles,
            "editions": _or(options["editions"], max(1, articles // 50)),
            "topics": _or(options["topics"], max(10, articles // 20)),
            "authors": _or(options["authors"], max(5, articles // 500)),
            "images": options["images"],
        }
        from django.db import connection

        if "newsroom_article" not in connection.introspection.table_names():
            raise CommandError("The database has no tables yet: run `clarion migrate` first.")
        self.stdout.write("Seeding " + ", ".join(f"{n:,} {kind}" for kind, n in sizes.items()))
        started = time.perf_counter()
        Seeder(seed=options["seed"], progress=not options["no_progress"]).run(**sizes)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f} s."))
        self.stdout.write(
            "Seeded pages are not in the search index yet: run `clarion update_index` for that."
        )


def _or(value, default):
    return default if value is None else value
