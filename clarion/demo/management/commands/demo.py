"""clarion demo: one command from nothing to a running demo paper."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from clarion.core.worker import task_worker
from clarion.demo.membership import demo_organisers, seed_membership
from clarion.demo.seeding import Seeder
from clarion.demo.site import configure_demo_site
from clarion.newsroom.models import Article
from clarion.organising.models import branches_path

# A small organisation: enough to fill the diary and the locator's map.
DEMO_REGIONS = 6
DEMO_BRANCHES = 24
DEMO_EVENTS = 200
DEMO_PEOPLE = 300  # who joined those branches: the organisers' inbox has something in it


class Command(BaseCommand):
    help = "Migrate, generate a demo paper, create an admin, print the login and serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=400)
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--username", default="admin")
        parser.add_argument("--no-serve", action="store_true", help="set up, print the login, stop")

    def handle(self, *args, **options):
        hostname, port = parse_addrport(options["addrport"])
        host = f"{hostname}:{port}"
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        # Every step is safe to repeat, so an interrupted first run is finished by the next.
        before = Article.objects.count()
        articles = max(options["articles"], 1)
        gazetteer = Seeder(seed=2026, log=self.stdout.write).run(
            articles=articles,
            editions=max(4, articles // 25),
            topics=max(20, articles // 4),
            authors=12,
            images=12,
            regions=DEMO_REGIONS,
            branches=DEMO_BRANCHES,
            events=DEMO_EVENTS,
        )
        configure_demo_site()
        seed_membership(people=DEMO_PEOPLE)
        if Article.objects.count() != before:
            self.stdout.write("Indexing the demo content for search…")
            call_command("update_index", verbosity=0)
        # Full URLs (canonical links, the printable page's source line) name the Site's host
        # and port, so the demo site points at the address it is served on.
        site = Site.objects.get(is_default_site=True)
        site.hostname, site.port = hostname, port
        site.save()  # save(), not update(): Wagtail drops its cached site root paths on save
        password = self._admin(options["username"])
        organisers = "".join(
            f"  Staff:     {username} / {secret} (sees only {place}'s people)\n"
            for username, secret, place in demo_organisers()
        )
        locator = ""
        if gazetteer and gazetteer.postcode:
            path = branches_path()
            locator = f"  Branches:  http://{host}{path} ({gazetteer.hint()})\n"
        self.stdout.write(
            self.style.SUCCESS(
                "\nThe demo paper is ready.\n"
                f"  Site:      http://{host}/\n"
                f"{locator}"
                f"  Admin:     http://{host}/admin/\n"
                f"  Username:  {options['username']}\n"
                f"  Password:  {password}\n"
                f"{two_factor_note()}"
                f"{organisers}"
            )
        )
        if options["no_serve"]:
            return
        with task_worker():
            call_command("runserver", host, use_reloader=False)

    def _admin(self, username):
        """A fresh password each run, so the printed login always works."""
        password = secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@localhost"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return password


def two_factor_note():
    """What signing in to the admin will ask for besides the password."""
    if settings.CLARION_TWO_FACTOR:
        return (
            "  Signing in asks you to set up an authenticator app (two-factor login); to try "
            "the demo without one, run it with CLARION_TWO_FACTOR=off.\n"
        )
    return "  Two-factor login is off (CLARION_TWO_FACTOR=off): for trying the demo only.\n"


def parse_addrport(addrport):
    """'127.0.0.1:8000' or '8000' → ('127.0.0.1', 8000), or a clear error."""
    hostname, _, port = addrport.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--addrport must look like 127.0.0.1:8000 (got {addrport!r}).")
    return hostname or "127.0.0.1", int(port)
