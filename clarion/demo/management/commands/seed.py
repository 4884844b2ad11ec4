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
        "articles, editions, topics, authors, pictures, and regions, branches and events "
        "with a gazetteer of their towns."
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
            "--regions", type=non_negative, default=None, help="default: 12 (fewer if branches are)"
        )
        parser.add_argument(
            "--branches",
            type=non_negative,
            default=None,
            help="default: articles/200, at least 10",
        )
        parser.add_argument(
            "--events",
            type=non_negative,
            default=None,
            help="default: articles/5, at least 4 per branch; each branch's repeating "
            "meeting is one of them",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same content)"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        articles = options["articles"]
        branches = _or(options["branches"], max(10, articles // 200))
        sizes = {
            "articles": articles,
            "editions": _or(options["editions"], max(1, articles // 50)),
            "topics": _or(options["topics"], max(10, articles // 20)),
            "authors": _or(options["authors"], max(5, articles // 500)),
            "images": options["images"],
            "regions": _or(options["regions"], min(12, branches)),
            "branches": branches,
            "events": _or(options["events"], max(articles // 5, 4 * branches)),
        }
        if sizes["branches"] and not sizes["regions"]:
            raise CommandError("Branches belong to regions: give --regions 1 or more.")
        if sizes["events"] < sizes["branches"]:
            raise CommandError(
                "Every branch has its repeating meeting, so --events must be at least "
                f"--branches ({sizes['branches']})."
            )
        from django.db import connection

        if "newsroom_article" not in connection.introspection.table_names():
            raise CommandError("The database has no tables yet: run `clarion migrate` first.")
        self.stdout.write("Seeding " + ", ".join(f"{n:,} {kind}" for kind, n in sizes.items()))
        started = time.perf_counter()
        seeder = Seeder(
            seed=options["seed"], progress=not options["no_progress"], log=self.stdout.write
        )
        gazetteer = seeder.run(**sizes)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f} s."))
        if gazetteer and gazetteer.postcode:
            self.stdout.write(
                f"The branch locator knows the towns in {gazetteer.path}: {gazetteer.hint()}."
            )
        self.stdout.write(
            "Seeded pages are not in the search index yet: run `clarion update_index` for that."
        )


def _or(value, default):
    return default if value is None else value
