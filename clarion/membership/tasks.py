"""Background work for membership: the emails. Arguments are record ids, never personal
details, so the task queue's table holds none."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clarion.core.models import PaperSettings
from clarion.organising.models import Organiser

from .models import JoinRequest, MembershipSettings

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server did not take a message. Says what for, by record number, and never
    to whom: the task queue keeps a failed task's traceback, and an erasure must not leave
    an address behind in it."""


def send(subject, template, context, recipients, about):
    body = render_to_string(template, context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    except (smtplib.SMTPException, OSError) as error:
        # `from None`: the original error, which names the addresses, is not kept with it.
        raise MailNotSent(f"{about}: not sent ({type(error).__name__})") from None


def paper_for_site():
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return PaperSettings.for_site(site), MembershipSettings.for_site(site)


@task()
def send_join_confirmation(join_request_id, base_url):
    from .views import confirmation_token

    join_request = (
        JoinRequest.objects.select_related("person__branch").filter(pk=join_request_id).first()
    )
    if join_request is None or not join_request.person.email:
        return  # erased, or the address removed, since
    if join_request.person.email_confirmed_at:
        return  # confirmed meanwhile
    # Claimed before sending, so that two workers given the same request send it once.
    unsent = JoinRequest.objects.filter(pk=join_request.pk, confirmation_sent_at__isnull=True)
    if not unsent.update(confirmation_sent_at=timezone.now()):
        return  # sent already (a retry found it waiting)
    person = join_request.person
    paper, _options = paper_for_site()
    link = base_url + reverse("membership:confirm_email", args=[confirmation_token(person)])
    context = {"person": person, "branch": person.branch, "link": link, "paper": paper}
    subject = f"Please confirm your email address — {paper.organisation_name or paper.paper_name}"
    about = f"Confirmation for join request {join_request.pk}"
    try:
        send(subject, "membership/email/confirm_join.txt", context, [person.email], about)
    except MailNotSent:
        JoinRequest.objects.filter(pk=join_request.pk).update(confirmation_sent_at=None)
        raise


def organiser_addresses(person, options):
    """The branch's organisers (and its contact address); else the region's; else the
    membership office."""
    if person.branch_id:
        branch_people = Organiser.objects.filter(branch_id=person.branch_id)
        addresses = [o.email for o in branch_people if o.email]
        if person.branch.contact_email:
            addresses.append(person.branch.contact_email)
        if addresses:
            return sorted(set(addresses))
    if person.region_id:
        regional = Organiser.objects.filter(region_id=person.region_id, branch__isnull=True)
        addresses = sorted({o.email for o in regional if o.email})
        if addresses:
            return addresses
    return [options.office_email] if options.office_email else []


@task()
def tell_organisers(join_request_id, base_url):
    with transaction.atomic():
        join_request = (
            JoinRequest.objects.select_for_update(of=("self",))
            .select_related("person__branch", "person__region")
            .filter(pk=join_request_id, organisers_told_at__isnull=True)
            .first()
        )
        if join_request is None or not join_request.organisers_due:
            return  # told already, or erased; or the email address not confirmed yet
        person = join_request.person
        paper, options = paper_for_site()
        recipients = organiser_addresses(person, options)
        if not recipients:
            logger.warning("Join request %s: no organiser or office email to tell", join_request.pk)
            return
        link = base_url + reverse("membership_join_requests:edit", args=[join_request.pk])
        where = (
            person.branch.name
            if person.branch
            else (person.region.name if person.region else "no branch yet")
        )
        context = {"join_request": join_request, "where": where, "link": link, "paper": paper}
        send(
            f"New join request: {where}",
            "membership/email/tell_organisers.txt",
            context,
            recipients,
            f"Organisers' notice of join request {join_request.pk}",
        )
        join_request.organisers_told_at = timezone.now()
        join_request.save(update_fields=["organisers_told_at"])
