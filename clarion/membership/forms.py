"""The join form."""

import re

from django import forms

from .public_forms import PublicForm, consent_field

PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{6,25}$")


def clean_phone(value):
    """Digits, spaces, brackets and dashes, with an optional leading +; stored as typed
    but trimmed."""
    value = " ".join(value.split())
    if value and not PHONE_PATTERN.match(value):
        raise forms.ValidationError(
            "That does not look like a phone number: use digits, and + for an international "
            "number, e.g. 07700 900123 or +44 7700 900123."
        )
    return value


class JoinForm(PublicForm):
    name = forms.CharField(
        label="Your name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        help_text="An email address, a phone number, or both, so that we can reach you",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    where = forms.CharField(
        label="Your postcode or town",
        max_length=100,
        help_text="To put you in touch with your nearest branch",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    place = forms.TypedChoiceField(
        label="Which place did you mean?",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    interests = forms.MultipleChoiceField(
        label="What would you like to do? (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="Anything you would like to tell us",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, interests=(), consent_wording="", places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].choices = [(choice, choice) for choice in interests]
        if not interests:
            del self.fields["interests"]
        self.fields["consent"] = consent_field(consent_wording)
        self.set_places(places)

    def set_places(self, places):
        """Several places share the name typed: ask which (the field shows only then)."""
        self.places = {place.pk: place for place in places}
        if places:
            self.fields["place"].choices = [(place.pk, describe_place(place)) for place in places]
        else:  # a choice sent back from an earlier page, for a name changed since, is ignored
            del self.fields["place"]

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_where(self):
        return " ".join(self.cleaned_data["where"].split())

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("email") or cleaned.get("phone")) and not (
            self.has_error("email") or self.has_error("phone")
        ):
            self.add_error("email", "Give an email address or a phone number, so we can reply.")
        return cleaned


def describe_place(place):
    parts = [place.name]
    if place.admin_name:
        parts.append(place.admin_name)
    label = ", ".join(parts)
    return f"{label} ({place.postal_code})" if place.postal_code else label
