"""clarion send-join-mail: sends the join emails a mail-server failure held back.

The task worker sends each email once; if the mail server was down or refused it, the
confirmation or the organisers' notice would otherwise never go. Run from cron every ten
minutes: it queues again what is still waiting, for requests of the last week, and sends
nothing twice (each task checks, under a lock for the notice, that it is still needed)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from clarion.membership import tasks
from clarion.membership.models import JoinRequest

# Queued mail is normally sent within seconds; anything younger may still be in the queue.
GRACE = timedelta(minutes=10)
GIVE_UP = timedelta(days=7)


def waiting(now=None):
    """(confirmations, notices) still to send: join request ids."""
    now = now or timezone.now()
    recent = JoinRequest.objects.filter(received_at__range=(now - GIVE_UP, now - GRACE))
    confirmations = recent.filter(
        confirmation_sent_at__isnull=True,
        person__email_confirmed_at__isnull=True,
    ).exclude(person__email="")
    notices = recent.filter(organisers_told_at__isnull=True).filter(
        Q(person__email="") | Q(person__email_confirmed_at__isnull=False)
    )
    return (
        list(confirmations.values_list("pk", flat=True)),
        list(notices.values_list("pk", flat=True)),
    )


class Command(BaseCommand):
    help = "Queue again the join confirmations and organisers' notices that were not sent."

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).first()
        base_url = site.root_url if site else "http://localhost"
        confirmations, notices = waiting()
        for pk in confirmations:
            tasks.send_join_confirmation.enqueue(pk, base_url)
        for pk in notices:
            tasks.tell_organisers.enqueue(pk, base_url)
        self.stdout.write(
            f"Queued {len(confirmations)} confirmation(s) and {len(notices)} organisers' "
            "notice(s) that were waiting."
        )
