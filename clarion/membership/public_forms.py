"""What every public form here shares: a honeypot, a size limit, a rate limit per address,
and the consent box whose words are stored, versioned, with the person's agreement."""

import unicodedata

from django import forms
from django.conf import settings
from django.template.response import TemplateResponse

from clarion.core import ratelimit

from .models import Consent, ConsentWording

RATE_WINDOW = 60 * 60
TOO_BIG = (
    "That was too much to send: nothing was saved. Please shorten what you wrote and try again."
)
TOO_MANY = (
    "Too many forms have been sent from your connection in the last hour: nothing was "
    "saved. Please try again later."
)


class EmptyInput(forms.TextInput):
    """Always shown empty, so a form sent back for a filled-in honeypot can be sent again."""

    def format_value(self, value):
        return None


class PublicForm(forms.Form):
    """A form the public fills in. `website` is a honeypot: hidden from people by the
    stylesheet, filled in by bots that fill in everything."""

    website = forms.CharField(
        required=False,
        label="Leave this box empty",
        widget=EmptyInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                "The form looked as if a program had filled it in, so nothing was saved. "
                "Please check it and send it again."
            )
        return cleaned

    def honeypot(self):
        return self["website"]

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "website"]


def refused(char):
    """Control characters, and what else XML or PostgreSQL refuse (a NUL above all)."""
    return unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff"


def plain_text(text):
    """The text with refused characters as spaces."""
    return "".join(" " if refused(char) else char for char in text)


def consent_field(wording):
    return forms.BooleanField(
        label=wording,
        required=True,
        error_messages={"required": "Please tick the box to say you agree, or we cannot go on."},
    )


def record_consent(person, purpose, wording):
    return Consent.objects.create(person=person, wording=ConsentWording.current(purpose, wording))


def refuse(request, template, context, message, status):
    """The form again, with `message` above it and nothing saved."""
    context = {**context, "refusal": message}
    return TemplateResponse(request, template, context, status=status)


def handle_form(request, template, scope, make_form, context, on_valid):
    """The shape every public form shares. GET shows the form. A POST that is too big or
    too frequent is refused unread (what was typed is kept when it was read); one with
    mistakes comes back with what was typed and what to change (400); a good one goes to
    `on_valid(form)`, which returns the response. `make_form(data=None)` builds the form."""
    if request.method != "POST":
        context["form"] = make_form()
        return TemplateResponse(request, template, context)
    refusal = check_submission(request, scope)
    if refusal:
        message, status = refusal
        context["form"] = make_form(request.POST if status != 413 else None)
        return refuse(request, template, context, message, status)
    form = context["form"] = make_form(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, template, context, status=400)
    return on_valid(form)


def check_submission(request, scope):
    """(message, status) when a POST must be refused before it is read: too large, or too
    many from this address; None when it may go ahead."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    try:
        too_big = int(length) > settings.CLARION_FORM_MAX_BYTES
    except ValueError:
        too_big = True
    if too_big:
        return TOO_BIG, 413
    address = ratelimit.client_address(request)
    if not ratelimit.attempt(scope, address, settings.CLARION_FORM_RATE_LIMIT, RATE_WINDOW):
        return TOO_MANY, 429
    return None
