"""clarion send-join-mail: sends the join emails a mail-server failure held back.

The task worker sends each email once; if the mail server was down or refused it, the
confirmation or the organisers' notice would otherwise never go. Run from cron every ten
minutes: it queues again what is still waiting, less often each time (10 minutes after the
request, then 20, 40, … up to 8 tries, the last about a day later: an address the server
refuses for good is not tried every ten minutes for a week). Nothing is sent twice: each
task claims its request before sending."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import F, Q
from django.utils import timezone
from wagtail.models import Site

from clarion.membership import tasks
from clarion.membership.models import JoinRequest

# Queued mail is normally sent within seconds; anything younger may still be in the queue.
GRACE = timedelta(minutes=10)
RETRIES = 8


def waiting(now=None):
    """(confirmations, notices) due to be tried again now: join request ids."""
    now = now or timezone.now()
    oldest = now - GRACE * 2**RETRIES
    recent = JoinRequest.objects.filter(
        received_at__range=(oldest, now - GRACE), mail_retries__lt=RETRIES
    )
    confirmations = recent.filter(
        confirmation_sent_at__isnull=True,
        person__email_confirmed_at__isnull=True,
    ).exclude(person__email="")
    notices = recent.filter(organisers_told_at__isnull=True).filter(
        Q(person__email="") | Q(person__email_confirmed_at__isnull=False)
    )

    def due(queryset):
        rows = queryset.values_list("pk", "received_at", "mail_retries")
        return [pk for pk, at, tries in rows if at <= now - GRACE * 2**tries]

    return due(confirmations), due(notices)


class Command(BaseCommand):
    help = "Queue again the join confirmations and organisers' notices that were not sent."

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).first()
        base_url = site.root_url if site else "http://localhost"
        confirmations, notices = waiting()
        JoinRequest.objects.filter(pk__in=confirmations + notices).update(
            mail_retries=F("mail_retries") + 1
        )
        for pk in confirmations:
            tasks.send_join_confirmation.enqueue(pk, base_url)
        for pk in notices:
            tasks.tell_organisers.enqueue(pk, base_url)
        self.stdout.write(
            f"Queued {len(confirmations)} confirmation(s) and {len(notices)} organisers' "
            "notice(s) that were waiting."
        )
