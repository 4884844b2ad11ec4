"""Joining: the form, its thank-you page and the link that confirms an email address."""

import hashlib

from django.core import signing
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clarion.organising.locator import Located, Point, locate
from clarion.organising.models import postcode_key

from . import notifications
from .drive import drive_progress
from .forms import JoinForm
from .joining import file_join_request, nearest_branch
from .models import ConsentWording, JoinRequest, MembershipSettings, Person
from .public_forms import handle_form, refused

THANKS_SALT = "clarion.membership.join-thanks"
CONFIRM_SALT = "clarion.membership.confirm-email"
THANKS_MAX_AGE = 60 * 60 * 24
CONFIRM_MAX_AGE = 60 * 60 * 24 * 30
POSTCODE_MAX = Person._meta.get_field("postcode").max_length
TOWN_MAX = Person._meta.get_field("town").max_length


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join(request):
    """GET: the form, with the membership drive's progress. POST: a join request for the
    nearest branch, or the form again with what was typed and what to change."""
    options = MembershipSettings.for_request(request)
    form_options = {
        "interests": options.interest_choices(),
        "consent_wording": options.join_consent,
    }
    context = {"options": options, "drive": drive_progress()}
    template = "membership/join.html"
    located = Located()

    def make_form(data=None):
        nonlocal located
        if data is not None:  # several places of the name typed: the form asks which
            located = locate(typed_place(data.get("where", "")))
        return JoinForm(data, places=located.choices, **form_options)

    def on_valid(form):
        point, postcode, place = located.point, located.postcode, located.place
        if located.choices:
            place = form.places.get(form.cleaned_data["place"])
            if place is None:
                form.add_error(
                    "place", "Several places have that name: choose yours, or type your postcode."
                )
                return TemplateResponse(request, template, context, status=400)
            point = Point(place.latitude, place.longitude)
        data = form.cleaned_data
        where = data["where"]
        if postcode:  # perhaps with more of the address typed after it
            where = leading_postcode(where, place)
        person_fields = {
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "postcode": where if postcode else "",
            "town": (place.name if place else ("" if postcode else where))[:TOWN_MAX],
            "branch": nearest_branch(point, postcode),
        }
        join_request = file_join_request(
            request,
            person_fields,
            JoinRequest.Source.WEB,
            (ConsentWording.Purpose.JOIN, options.join_consent),
            interests=", ".join(data.get("interests", [])),
            message=data["message"],
        )
        token = signing.dumps(join_request.pk, salt=THANKS_SALT)
        return redirect(f"{reverse('membership:join_thanks')}?r={token}")

    return handle_form(request, template, "join", make_form, context, on_valid)


def typed_place(text):
    """The postcode or town as the locator should read it; nothing for text the form will
    refuse anyway (a NUL cannot even be sent to PostgreSQL)."""
    text = " ".join(text.split())[: JoinForm.base_fields["where"].max_length]
    return "" if any(refused(char) for char in text) else text


def leading_postcode(text, place):
    """The postcode at the start of what was typed: 'XD1 2AB' of 'XD1 2AB Flat 12, …' or
    of 'XD1 2AB, Flat 12', 'XD12AB' of 'XD12AB Flat 12' (a second word is part of it only
    if it has a digit, like an inward code); the place's own postal code when the start is
    not one of its postcodes."""
    words = text.split(",")[0].split()[:2]
    if len(words) == 2 and not any(char.isdigit() for char in words[1]):
        words = words[:1]
    start = " ".join(words)
    if len(start) <= POSTCODE_MAX and postcode_key(start).startswith(place.postal_code_key):
        return start
    return place.postal_code


@never_cache
def join_thanks(request):
    """What happens next. Shows the branch (public) and never the person's details."""
    try:
        pk = signing.loads(request.GET.get("r", ""), salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        return TemplateResponse(request, "membership/join_thanks.html", {}, status=404)
    join_request = (
        JoinRequest.objects.select_related("person__branch", "person__region").filter(pk=pk).first()
    )
    if join_request is None:
        raise Http404
    person = join_request.person
    context = {
        "branch": person.branch,
        "region": person.region,
        "confirming_email": bool(person.email) and person.email_confirmed_at is None,
    }
    return TemplateResponse(request, "membership/join_thanks.html", context)


def email_digest(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]


def confirmation_token(person):
    return signing.dumps({"p": person.pk, "e": email_digest(person.email)}, salt=CONFIRM_SALT)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, token):
    """The link in the confirmation email. Opening it shows a button: mail scanners that
    open every link must not confirm an address on their own."""
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        pk, digest = value["p"], value["e"]
    except (signing.BadSignature, KeyError, TypeError):
        context = {"problem": "This link is not valid, or is more than 30 days old."}
        return TemplateResponse(request, "membership/confirm_email.html", context, status=404)
    person = get_object_or_404(Person, pk=pk)
    if not person.email or email_digest(person.email) != digest:
        raise Http404
    if request.method == "POST" and person.email_confirmed_at is None:
        with transaction.atomic():
            person.email_confirmed_at = timezone.now()
            person.save(update_fields=["email_confirmed_at", "updated_at"])
            for join_request in person.join_requests.filter(organisers_told_at__isnull=True):
                notifications.email_confirmed(join_request, request)
    context = {"confirmed": person.email_confirmed_at is not None, "branch": person.branch}
    return TemplateResponse(request, "membership/confirm_email.html", context)
