"""Seed a movement's organising data (500 branches, 20,000 events by default) and measure the
server time of the events diary, event, branch and region pages, the locator and the
calendar feeds, uncached.

    .venv/bin/python benchmarks/organising.py --articles 2000
    .venv/bin/python benchmarks/organising.py --articles 2000 \\
        --database-url postgres://postgres@127.0.0.1:5432/clarion_bench

Like pages.py: requests go through Django's whole request handling in-process, once to warm
up and then timed; the full-page cache is off, shared fragments (navigation, sidebar) are
cached as in production."""

import argparse
import os
import statistics
import time

from common import add_database_arguments, print_header, setup_django, time_urls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--samples", type=int, default=20, help="different URLs per page type")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per URL")
    args = parser.parse_args()
    os.environ["CLARION_PAGE_CACHE"] = "false"
    setup_django(args)

    from clarion.organising.models import Branch, Event, Occurrence, Place

    print_header(
        f"{Branch.objects.count():,} branches, {Event.objects.count():,} events "
        f"({Occurrence.objects.count():,} dates), {Place.objects.count():,} places; "
        f"{args.samples} URLs per page type, {args.repeat} timed requests each"
    )
    for kind, urls in sample_urls(args.samples).items():
        time_urls(kind, urls, args.repeat)
    time_nearest(args.samples)


def sample_urls(count):
    from clarion.organising.models import Branch, EventKind, Place, Region

    def spread(queryset):
        rows = list(queryset.order_by("pk"))
        step = max(1, len(rows) // count)
        return rows[::step][:count]

    from clarion.organising.models import Event

    events = spread(Event.objects.only("slug"))
    branches = spread(Branch.objects.filter(active=True).only("slug"))
    regions = list(Region.objects.all()[:count])
    kinds = list(EventKind.objects.all())
    places = spread(Place.objects.exclude(postal_code=""))
    return {
        "events": ["/events/"] * count,
        "events p.10": [f"/events/?page={n}" for n in range(10, 10 + count)],
        "events past": [f"/events/past/?page={n}" for n in range(1, count + 1)],
        "by region": [f"/events/?region={r.slug}" for r in regions],
        "by kind+dates": [
            f"/events/?kind={kinds[n % len(kinds)].slug}&start=2026-01-01&end=2027-06-30"
            for n in range(count)
        ],
        "by branch": [f"/events/?branch={b.slug}" for b in branches],
        "event": [e.get_absolute_url() for e in events],
        "branch": [b.get_absolute_url() for b in branches],
        "region": [r.get_absolute_url() for r in regions],
        "locator: code": [f"/branches/?q={p.postal_code}" for p in places],
        "locator: town": [f"/branches/?q={p.name}" for p in places],
        "locator: here": [f"/branches/?lat={p.latitude:.2f}&lon={p.longitude:.2f}" for p in places],
        "ics: all": ["/events/calendar.ics"] * min(count, 3),
        "ics: region": [f"/events/region/{r.slug}.ics" for r in regions],
        "ics: branch": [f"/events/branch/{b.slug}.ics" for b in branches],
        "ics: event": [f"/events/{e.slug}.ics" for e in events],
    }


def time_nearest(count):
    """The locator's distance ranking alone (branch locations already read)."""
    from clarion.organising.locator import Point, branch_locations, nearest_branches
    from clarion.organising.models import Place

    branch_locations()
    timings = []
    for place in Place.objects.order_by("?")[:count]:
        started = time.perf_counter()
        nearest_branches(Point(place.latitude, place.longitude))
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"\nnearest 5 of {len(branch_locations())} branches (with their rows): "
        f"median {statistics.median(timings):.2f} ms"
    )


if __name__ == "__main__":
    main()
