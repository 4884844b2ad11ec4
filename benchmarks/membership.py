"""Generate a membership (50,000 people by default) and measure the organisers' inbox — its
lists, search, filter and CSV export, as a branch secretary, a regional organiser and
national staff — and the public join form, shown and sent.

    .venv/bin/python benchmarks/membership.py \\
        --database-url sqlite:////work/main/var/bench-membership.sqlite3
    .venv/bin/python benchmarks/membership.py \\
        --database-url postgres://postgres@127.0.0.1:5432/clarion_bench_membership --explain

The database gets organising data first when it has too few branches (the project's seeder:
12 regions, 500 branches with their meetings and gazetteer, no articles by default), then
people up to --people: each with a join request (mixed statuses), a consent to one shared
wording, about 20% with a subscription and 25% with a donation, inserted in batches of
--batch per transaction. Counts are totals to reach: a re-run adds nothing, and an
interrupted run is finished by running the same command again.

The branch secretary is of the branch with the most people and the regional organiser of
the region with the most; the people search is for the commonest surname in that branch.
Requests go through Django's whole request handling in-process (middleware, two-factor
check, the admin's views and templates, the audit log entry each list writes), once to warm
up and then timed, bodies read to the end (a CSV export is streamed). The join form's POSTs
enqueue their emails in the configured task backend (the database backend, as in
production); the people they file are deleted at the end."""

import argparse
import csv
import datetime
import io
import itertools
import os
import re
import statistics
import time
from decimal import Decimal
from functools import partial

from common import ROOT, add_database_arguments, git_commit, measure, read_body, setup_django

DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bench-membership.sqlite3'}"
SEED = 2026
CENTS = Decimal("0.01")
POSTED_DOMAIN = "bench-join.example"  # the join form's test submissions, deleted afterwards
NO_BRANCH_SHARE = 0.02  # people whose place no branch covers: national staff follow them up
SUBSCRIPTION_SHARE = 0.2
DONATION_SHARE = 0.25
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as clarion.membership.models
INTERESTS = [
    "",
    "",
    "Going to meetings",
    "Selling the paper",
    "Youth section",
    "Going to meetings, Writing for the paper",
]
SUBSCRIPTION_STATUSES = (["active", "lapsed", "pending", "cancelled"], [70, 15, 10, 5])
DONATION_STATUSES = {  # (statuses, weights)
    "once": (["paid", "pending", "failed"], [80, 12, 8]),
    "monthly": (["active", "cancelled", "pending"], [75, 15, 10]),
}
ROLES = {
    "branch": ("bench-secretary", "Branch secretaries", "branch secretary"),
    "region": ("bench-organiser", "Regional organisers", "regional organiser"),
    "national": ("bench-national", "National membership staff", "national staff"),
}
LISTS = {
    "join requests": "/admin/membership/join-requests/",
    "people": "/admin/membership/people/",
    "subscriptions": "/admin/membership/subscriptions/",
    "donations": "/admin/membership/donations/",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    # A membership needs branches and their gazetteer, not a paper: no articles by default.
    parser.set_defaults(
        articles=0, editions=0, topics=0, authors=0, events=None, database_url=DEFAULT_DATABASE_URL
    )
    parser.add_argument("--people", type=int, default=50_000, help="people to reach")
    parser.add_argument("--batch", type=int, default=5_000, help="people per transaction")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL")
    parser.add_argument("--export-repeat", type=int, default=3, help="timed national exports")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) each list's queries on the listed table",
    )
    parser.add_argument("--plans", action="store_true", help="with --explain: whole plans")
    args = parser.parse_args()
    if args.events is None:
        args.events = args.branches  # each branch's repeating meeting, nothing more
    os.environ["CLARION_PAGE_CACHE"] = "false"
    setup_django(args)

    delete_posted()
    generate_people(args.people, args.batch)
    started = datetime.datetime.now(datetime.UTC)
    load = os.getloadavg()[0]
    try:
        rows, exports, notes = run_measurements(args)
    finally:
        delete_posted(since=started)
    notes.insert(0, f"{started:%Y-%m-%d %H:%M} UTC, commit {git_commit()}")
    notes.insert(
        1, f"load average (1 min) {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
    )
    print_tables(rows, exports, notes)
    if args.explain:
        explain_lists(rows + exports, args.plans)


# -- The dataset ---------------------------------------------------------------------------


def generate_people(total, batch_size):
    """People up to `total`, `batch_size` to a transaction, then fresh planner statistics."""
    from django.db import transaction

    from clarion.core.db import refresh_planner_statistics
    from clarion.demo.membership import seed_membership
    from clarion.demo.organising import OrganisingSeeder
    from clarion.demo.seeding import Seeder
    from clarion.membership.models import ConsentWording, MembershipSettings, Person

    seed_membership(0)  # the drive's goals only (national and each region's): no people
    have = Person.objects.count()
    if have >= total:
        print(f"database already holds {have:,} people")
        return
    seeder = Seeder(seed=SEED)
    options = MembershipSettings.objects.first() or MembershipSettings()
    context = GenerationContext(
        seeder=seeder,
        names=OrganisingSeeder(seeder),
        wording=ConsentWording.current(ConsentWording.Purpose.JOIN, options.join_consent),
    )
    started = time.perf_counter()
    with seeder.bar(total - have, "people") as bar:
        for first in range(have, total, batch_size):
            numbers = range(first, min(first + batch_size, total))
            with transaction.atomic():
                insert_people(numbers, context)
            bar.update(len(numbers))
    analyze_started = time.perf_counter()
    refresh_planner_statistics()
    done = time.perf_counter()
    print(
        f"generated {total - have:,} people in {done - started:.1f} s "
        f"({(total - have) / (analyze_started - started):,.0f} people/s; "
        f"ANALYZE {done - analyze_started:.1f} s)"
    )


class GenerationContext:
    """What every generated person draws from, read once per run."""

    def __init__(self, seeder, names, wording):
        from django.utils import timezone

        from clarion.organising.models import Branch, Place

        self.seeder, self.names, self.wording = seeder, names, wording
        self.now = timezone.now()
        self.branches = list(Branch.objects.order_by("pk").values_list("pk", "region_id", "name"))
        if not self.branches:
            raise SystemExit("No branches to put people in: seeding organising data failed?")
        # Branches differ in size: a few big city branches, many small ones.
        weights = [seeder.rng("branch-size", pk).lognormvariate(0, 0.8) for pk, *_ in self.branches]
        self.cumulative = list(itertools.accumulate(weights))
        self.postcodes = {}
        for name, code in Place.objects.exclude(postal_code="").values_list("name", "postal_code"):
            self.postcodes.setdefault(name, []).append(code)


def reference(prefix, number):
    """A reference like new_reference()'s, unique by construction: the person's number
    scrambled by a bijection of 40-bit numbers (an odd multiplier), in the same alphabet."""
    value = (number * 0x9E3779B97F4A7C15 + 0x5DEECE66D) % (1 << 40)
    code = "".join(REFERENCE_ALPHABET[(value >> (5 * i)) & 31] for i in range(8))
    return f"{prefix}-{code[:4]}-{code[4:]}"


def insert_people(numbers, context):
    from django.utils.text import slugify

    from clarion.demo import text
    from clarion.demo.membership import STATUSES
    from clarion.membership.models import Consent, Donation, JoinRequest, Person, Subscription

    day = datetime.timedelta(days=1)
    people, requests, payables = [], [], []  # payables: (person's index, unsaved record)
    for number in numbers:
        rng = context.seeder.rng("member", number)
        received = context.now - datetime.timedelta(seconds=rng.uniform(0, 3 * 365 * 86400))
        branch = None
        if rng.random() >= NO_BRANCH_SHARE:
            branch = rng.choices(context.branches, cum_weights=context.cumulative)[0]
        name = context.names.person(rng)
        contact = rng.random()
        slug = slugify(name).replace("-", ".") or "member"
        email = f"{slug}.{number}@members.example" if contact < 0.9 else ""
        phone = f"+44 7700 {number:06d}" if contact > 0.2 else ""
        status = rng.choice(STATUSES)
        if status == "new" and context.now - received > 90 * day:  # old ones were followed up
            status = rng.choice(["contacted", "member", "not-interested"])
        followed_up = received + rng.randint(1, 30) * day
        subscribes = rng.random() < SUBSCRIPTION_SHARE
        kind = rng.choice(["print", "digital", "digital"]) if subscribes else None
        people.append(
            Person(
                name=name,
                email=email,
                email_confirmed_at=received + datetime.timedelta(minutes=rng.randint(1, 600))
                if email and rng.random() < 0.9
                else None,
                phone=phone,
                postcode=rng.choice(context.postcodes.get(branch[2], [""])) if branch else "",
                town=branch[2] if branch else text.town_name(rng),
                postal_address=f"{rng.randint(1, 200)} {text.town_name(rng)} Road"
                if kind == "print"
                else "",
                branch_id=branch[0] if branch else None,
                region_id=branch[1] if branch else None,  # save() would copy it from the branch
                member_since=followed_up.date() if status == "member" else None,
                created_at=received,
            )
        )
        requests.append(
            JoinRequest(
                status=status,
                source=rng.choice(["web", "web", "web", "sms", "staff"]),
                interests=rng.choice(INTERESTS),
                message=text.sentence(rng, rng.randint(6, 20)) if rng.random() < 0.3 else "",
                notes="Called; " + text.sentence(rng, 8) if status != "new" else "",
                received_at=received,
                status_changed_at=followed_up if status != "new" else None,
                confirmation_sent_at=received if email else None,
                organisers_told_at=received,
            )
        )
        if subscribes:
            yearly = rng.random() < 0.8
            price = 52 if kind == "print" else 26
            subscription = Subscription(
                reference=reference("S", number),
                kind=kind,
                status=rng.choices(*SUBSCRIPTION_STATUSES)[0],
                amount=Decimal(price) if yearly else (Decimal(price) / 12).quantize(CENTS),
                frequency="yearly" if yearly else "monthly",
                method=rng.choice(["bank-transfer", "standing-order", "card"]),
                payments_received=rng.randint(0, 3),
                start_date=received.date(),
                renewal_date=received.date() + 365 * day,
                created_at=received,
            )
            payables.append((len(people) - 1, subscription))
        if rng.random() < DONATION_SHARE:
            once = rng.random() < 0.6
            statuses = DONATION_STATUSES["once" if once else "monthly"]
            donation = Donation(
                reference=reference("D", number),
                amount=rng.choice([5, 10, 10, 25, 50, 100]),
                frequency="once" if once else "monthly",
                method=rng.choice(["bank-transfer", "standing-order", "card"]),
                status=rng.choices(*statuses)[0],
                payments_received=1 if once else rng.randint(0, 24),
                last_paid_at=followed_up,
                created_at=received + datetime.timedelta(minutes=rng.randint(5, 60)),
            )
            payables.append((len(people) - 1, donation))
    Person.objects.bulk_create(people)  # the primary keys come back (PostgreSQL, SQLite)
    for person, join_request in zip(people, requests, strict=True):
        join_request.person_id = person.pk
    JoinRequest.objects.bulk_create(requests)
    Consent.objects.bulk_create(
        [Consent(person_id=p.pk, wording=context.wording, given_at=p.created_at) for p in people]
    )
    for index, payable in payables:
        payable.person_id = people[index].pk
    for model in (Subscription, Donation):
        model.objects.bulk_create([p for _index, p in payables if isinstance(p, model)])


def delete_posted(since=None):
    """The people the join form's timed POSTs filed (with their requests and consents), and
    the email tasks those queued: they are not part of the dataset."""
    from django_tasks_db.models import DBTaskResult

    from clarion.membership.models import Person

    Person.objects.filter(email__endswith=f"@{POSTED_DOMAIN}").delete()
    if since is not None:
        DBTaskResult.objects.filter(
            enqueued_at__gte=since, task_path__startswith="clarion.membership.tasks."
        ).delete()


# -- The staff -----------------------------------------------------------------------------


def staff_users():
    """A branch secretary of the branch with the most people, an organiser of the region
    with the most, and national staff: {role: user}, each with their StaffAccess."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from clarion.membership.access import forget_scope
    from clarion.membership.models import Person, StaffAccess

    def busiest(field):
        return (
            Person.objects.exclude(**{field: None})
            .values(field)
            .annotate(n=Count("id"))
            .order_by("-n", field)[0][field]
        )

    places = {"branch": busiest("branch"), "region": busiest("region"), "national": None}
    users = {}
    for role, (username, group, _label) in ROLES.items():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=group)])
        StaffAccess.objects.update_or_create(
            user=user,
            defaults={
                "scope": role,
                "branch_id": places[role] if role == "branch" else None,
                "region_id": places[role] if role == "region" else None,
            },
        )
        forget_scope(user)
        users[role] = user
    return users


def surname_to_search(user):
    """The commonest (Latin-letter) surname among the people this user sees."""
    from collections import Counter

    from clarion.membership.models import Person

    names = Person.objects.visible_to(user).values_list("name", flat=True)
    surnames = Counter(name.split()[-1] for name in names if name.isascii())
    return surnames.most_common(1)[0][0]


# -- Measuring -----------------------------------------------------------------------------


class Row:
    def __init__(self, what, who, timing, rows=None):
        self.what, self.who, self.timing, self.rows = what, who, timing, rows


def run_measurements(args):
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django_tasks_db.models import DBTaskResult

    from clarion.membership.drive import count_progress
    from clarion.membership.models import Donation, JoinRequest, Person, Subscription
    from clarion.membership.tests.two_factor import sign_in_verified

    users = staff_users()
    clients = {role: sign_in_verified(Client(), user) for role, user in users.items()}
    surname = surname_to_search(users["branch"])
    notes = [f"{connection.vendor}, {Person.objects.count():,} people"]
    for role, user in users.items():
        counts = ", ".join(
            f"{model.objects.visible_to(user).count():,} {label}"
            for model, label in [
                (Person, "people"),
                (JoinRequest, "join requests"),
                (Subscription, "subscriptions"),
                (Donation, "donations"),
            ]
        )
        notes.append(f"{ROLES[role][2]} sees {counts}")
    matches = {
        role: Person.objects.visible_to(user).filter(name__icontains=surname).count()
        for role, user in users.items()
    }
    notes.append(
        f"search `?q={surname}` matches "
        + ", ".join(f"{n:,} ({ROLES[role][2]})" for role, n in matches.items())
    )
    new = {
        role: JoinRequest.objects.visible_to(user).filter(status="new").count()
        for role, user in users.items()
    }
    notes.append(
        "`?status=new` matches " + ", ".join(f"{n:,} ({ROLES[role][2]})" for role, n in new.items())
    )

    rows, exports = [], []

    def timed(what, role, url, repeat=args.repeat):
        client = clients[role]
        timing = measure([partial(client.get, url)], repeat)
        rows.append(Row(what, ROLES[role][2], timing))
        print(f"  {what} as {ROLES[role][2]}: {timing.median:.1f} ms", flush=True)

    for role in ROLES:
        for what, url in LISTS.items():
            timed(what, role, url)
        timed("people search", role, f"{LISTS['people']}?q={surname}")
        timed("join requests, `?status=new`", role, f"{LISTS['join requests']}?status=new")
    timed("join requests, page 100", "national", f"{LISTS['join requests']}?p=100")

    for role in ROLES:
        user = users[role]
        expected = JoinRequest.objects.visible_to(user).count()
        repeat = args.export_repeat if role != "branch" else args.repeat
        url = f"{LISTS['join requests']}?export=csv"
        client = clients[role]
        timing = measure([partial(client.get, url)], repeat)
        body = read_body(client.get(url)).decode()
        count = sum(1 for _ in csv.reader(io.StringIO(body))) - 1
        assert count == expected, (count, expected)
        exports.append(Row("join requests CSV export", ROLES[role][2], timing, rows=count))
        print(f"  export as {ROLES[role][2]}: {timing.median:.0f} ms, {count:,} rows", flush=True)

    anonymous = Client()
    rows.append(Row("`GET /join/`", "public", measure([partial(anonymous.get, "/join/")], 20)))
    postcode = join_postcode()
    notes.append(f"POST /join/ with the postcode {postcode}")
    sent = itertools.count()

    def post_join():
        n = next(sent)
        data = {
            "name": f"Bench Joiner {n}",
            "email": f"joiner.{n}@{POSTED_DOMAIN}",
            "phone": "",
            "where": postcode,
            "message": "Happy to help on Saturdays",
            "consent": "on",
            "website": "",
        }
        return anonymous.post("/join/", data)

    posting = datetime.datetime.now(datetime.UTC)
    with override_settings(CLARION_FORM_RATE_LIMIT=10**9):
        rows.append(Row("`POST /join/`", "public", measure([post_join], 20, status=302)))
    filed = Person.objects.filter(email__endswith=f"@{POSTED_DOMAIN}").count()
    assert filed == 21, filed  # the warm-up and 20 timed: each filed a person
    queued = DBTaskResult.objects.filter(enqueued_at__gte=posting).count()
    notes.append(
        f"each POST queued its email task in {settings.TASKS['default']['BACKEND']} "
        f"({queued} tasks for {filed} POSTs; no worker ran, so no mail was sent)"
    )

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        count_progress()
        timings.append((time.perf_counter() - started) * 1000)
    notes.append(
        "the drive's progress (members per region, read by /join/ at most once a minute, "
        f"cached): {statistics.median(timings):.1f} ms uncached"
    )
    return rows, exports, notes


def join_postcode():
    """A full postcode the gazetteer knows, of a town with a branch."""
    from clarion.organising.models import Branch, Place

    in_towns = Place.objects.filter(name__in=Branch.objects.values("name")).exclude(postal_code="")
    place = in_towns.filter(postal_code__contains=" ").order_by("pk").first()
    return (place or in_towns.order_by("pk").first()).postal_code


# -- Reporting -----------------------------------------------------------------------------


def print_tables(rows, exports, notes):
    print()
    for note in notes:
        print(f"- {note}")
    print("\n| what | as | median ms | p95 ms | queries | slowest query ms | KB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        t = row.timing
        print(
            f"| {row.what} | {row.who} | {t.median:,.1f} | {t.p95:,.1f} | {t.queries} | "
            f"{t.slowest_query[0]:,.1f} | {t.size / 1024:,.1f} |"
        )
    print("\n| export | as | rows | median s | p95 s | rows/s | queries | MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in exports:
        t = row.timing
        print(
            f"| {row.what} | {row.who} | {row.rows:,} | {t.median / 1000:.2f} | "
            f"{t.p95 / 1000:.2f} | {row.rows / (t.median / 1000):,.0f} | {t.queries} | "
            f"{t.size / 1024 / 1024:.1f} |"
        )


LISTED_TABLE = re.compile(r'FROM "(membership_(?:joinrequest|person|subscription|donation))"')
COST = re.compile(r" ?\(cost=[^)]*\)")


def explain_lists(rows, show_plans):
    """EXPLAIN (ANALYZE, BUFFERS), on PostgreSQL, each query a measured list or export made
    on the table it lists — its count, its page, any read of every row — and print the
    time and the plan's key nodes (the top one, scans of membership tables, sorts)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print("\n--explain: PostgreSQL only")
        return
    print("\n| request | as | query | rows | EXPLAIN ANALYZE ms | plan: key nodes |")
    print("| --- | --- | --- | ---: | ---: | --- |")
    seen = set()
    for row in rows:
        for _ms, sql in row.timing.last_queries:
            if not sql.startswith("SELECT") or not LISTED_TABLE.search(sql) or sql in seen:
                continue
            seen.add(sql)
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(line for (line,) in cursor.fetchall())
            execution = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
            lines = [COST.sub("", line).strip().removeprefix("-> ") for line in plan.splitlines()]
            key = [lines[0]] + [
                line
                for line in lines[1:]
                if re.search(r"Scan.* on membership_|Sort Method|Rows Removed by Filter", line)
            ]
            top_rows = re.search(r"rows=(\d+) loops", lines[0]).group(1)
            kind = (
                "count"
                if sql.startswith("SELECT COUNT(")
                else "page"
                if re.search(r"LIMIT \d+", sql)
                else "every row"
            )
            print(
                f"| {row.what} | {row.who} | {kind} | {int(top_rows):,} | {execution:.2f} | "
                f"{'; '.join(f'`{line}`' for line in key)} |"
            )
            if show_plans:
                print(f"\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
