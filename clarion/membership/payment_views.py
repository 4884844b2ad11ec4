"""Subscribe and donate forms, the page that says how to pay, and the Stripe webhook."""

from decimal import Decimal

from django import forms
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import payments
from .models import ConsentWording, Donation, MembershipSettings, Payable, Person, Subscription
from .public_forms import (
    PublicForm,
    check_submission,
    consent_field,
    handle_form,
    record_consent,
    refuse,
)

MAX_DONATION = 100_000
PAID = {Subscription.Status.ACTIVE, Donation.Status.PAID, Donation.Status.ACTIVE}


def name_field():
    return forms.CharField(
        label="Your name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )


def email_field():
    return forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="For your receipt and, if you pay regularly, reminders",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PaymentForm(PublicForm):
    """What both forms share: who pays, how, and their consent. With one payment method
    (card, when Stripe takes payments) there is nothing to choose, so no method field."""

    name = name_field()
    email = email_field()
    method = forms.ChoiceField(label="How will you pay?", widget=forms.RadioSelect)

    def __init__(self, *args, methods, consent_wording, **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = methods
        if len(methods) > 1:
            self.fields["method"].choices = [(method.value, method.label) for method in methods]
            self.fields["method"].initial = methods[0].value
        else:
            del self.fields["method"]
        self.fields["consent"] = consent_field(consent_wording)

    def chosen_method(self):
        return self.cleaned_data.get("method") or self.methods[0].value


class SubscribeForm(PaymentForm):
    kind = forms.ChoiceField(label="Which paper?", widget=forms.RadioSelect)
    postal_address = forms.CharField(
        label="Postal address",
        max_length=500,
        required=False,
        help_text="Where to post the paper, with the postcode: needed for print only",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    field_order = ["kind", "name", "email", "postal_address", "method"]

    def __init__(self, *args, prices, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.value, f"{kind.label}: {payments.money(prices[kind], currency)} a year")
            for kind in Subscription.Kind
        ]
        if "method" in self.fields:
            self.fields["method"].help_text = (
                "A bank transfer pays for one year, and we remind you when it is due; "
                "a standing order pays every year until you stop it."
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Subscription.Kind.PRINT and not cleaned.get("postal_address"):
            self.add_error(
                "postal_address", "For the paper by post, give the address to send it to."
            )
        return cleaned

    def frequency(self):
        """A year at a time: once by bank transfer, renewing by standing order or card."""
        if self.chosen_method() == Payable.Method.BANK_TRANSFER:
            return Payable.Frequency.ONCE
        return Payable.Frequency.YEARLY


class DonateForm(PaymentForm):
    amount = forms.ChoiceField(label="How much?", required=False, widget=forms.RadioSelect)
    other_amount = forms.DecimalField(
        label="Another amount",
        required=False,
        min_value=1,
        max_value=MAX_DONATION,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "invalid": "Type the amount in figures, e.g. 15 or 12.50.",
            "min_value": "The smallest gift we can take is %(limit_value)s.",
            "max_value": "For a gift over %(limit_value)s, please contact the office.",
            "max_decimal_places": "Type the amount in figures, e.g. 15 or 12.50.",
            "max_digits": "For a gift over 100,000, please contact the office.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    frequency = forms.ChoiceField(
        label="How often?",
        choices=Payable.Frequency.choices,
        initial=Payable.Frequency.ONCE,
        widget=forms.RadioSelect,
    )
    field_order = ["amount", "other_amount", "frequency", "method", "name", "email"]

    def __init__(self, *args, amounts, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].choices = [
            (str(amount), payments.money(amount, currency)) for amount in amounts
        ] + [("other", "Another amount")]
        self.fields["other_amount"].label = f"Another amount ({currency})"

    def clean(self):
        cleaned = super().clean()
        choice, other = cleaned.get("amount"), cleaned.get("other_amount")
        if choice and choice != "other":
            cleaned["total"] = Decimal(choice)
        elif other is not None:
            cleaned["total"] = other
        elif not self.has_error("other_amount"):
            self.add_error(
                "other_amount", "Choose an amount, or type the amount you would like to give."
            )
        frequency, method = cleaned.get("frequency"), cleaned.get("method")
        regular = frequency in (Payable.Frequency.MONTHLY, Payable.Frequency.YEARLY)
        if method == Payable.Method.BANK_TRANSFER and regular:
            self.add_error(
                "method", "A bank transfer is made once: for a regular gift, choose standing order."
            )
        if method == Payable.Method.STANDING_ORDER and frequency == Payable.Frequency.ONCE:
            self.add_error(
                "method", "A standing order repeats: for a single gift, choose bank transfer."
            )
        return cleaned


def paying(request, save):
    """What a good form leads to: `save(form, data)` writes everything in one transaction,
    then the payment provider takes over."""

    def on_valid(form):
        with transaction.atomic():
            payable = save(form, form.cleaned_data)
        return payments.get_provider().start(payable, request)

    return on_valid


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """A subscription to the paper, in print or digital, at this site's yearly price."""
    options = MembershipSettings.for_request(request)
    prices = {
        Subscription.Kind.PRINT: options.print_price,
        Subscription.Kind.DIGITAL: options.digital_price,
    }

    def make_form(data=None):
        return SubscribeForm(
            data,
            prices=prices,
            currency=options.currency,
            methods=payments.get_provider().methods,
            consent_wording=options.subscribe_consent,
        )

    def save(form, data):
        kind = data["kind"]
        person = Person.objects.create(
            name=data["name"],
            email=data["email"],
            postal_address=data["postal_address"] if kind == Subscription.Kind.PRINT else "",
        )
        record_consent(person, ConsentWording.Purpose.SUBSCRIBE, options.subscribe_consent)
        return Subscription.objects.create(
            person=person,
            kind=kind,
            amount=prices[kind],
            currency=options.currency,
            frequency=form.frequency(),
            method=form.chosen_method(),
        )

    context = {"options": options}
    return handle_form(
        request, "membership/subscribe.html", "subscribe", make_form, context, paying(request, save)
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def donate(request):
    """A gift, once or every month or year."""
    options = MembershipSettings.for_request(request)

    def make_form(data=None):
        return DonateForm(
            data,
            amounts=options.amount_choices(),
            currency=options.currency,
            methods=payments.get_provider().methods,
            consent_wording=options.donate_consent,
        )

    def save(form, data):
        person = Person.objects.create(name=data["name"], email=data["email"])
        record_consent(person, ConsentWording.Purpose.DONATE, options.donate_consent)
        return Donation.objects.create(
            person=person,
            amount=data["total"],
            currency=options.currency,
            frequency=data["frequency"],
            method=form.chosen_method(),
        )

    context = {"options": options}
    return handle_form(
        request, "membership/donate.html", "donate", make_form, context, paying(request, save)
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def payment_page(request, reference):
    """How to pay, or that it is paid. Anyone with the reference may see it, so it shows the
    reference, the sum and the bank details, never who is paying. A POST tries a card
    payment again after Stripe could not be reached or the person turned back."""
    payable = payments.find_payable(reference.upper())
    if payable is None:
        raise Http404
    pending = payable.status == payable.Status.PENDING
    template = "membership/payment.html"
    context = {
        "payable": payable,
        "is_subscription": isinstance(payable, Subscription),
        "amount": payments.money(payable.amount, payable.currency),
        "paid": payable.status in PAID,
        "pending": pending,
        "by_card": payable.method == Payable.Method.CARD,
        "came_back": request.GET.get("from") == "checkout",
        "cancelled": "cancelled" in request.GET,
        "options": MembershipSettings.for_request(request),
    }
    if request.method == "POST":
        if not (pending and context["by_card"]):
            return HttpResponseRedirect(payments.payment_url(payable), status=303)
        refusal = check_submission(request, "payment")
        if refusal:
            return refuse(request, template, context, *refusal)
        return payments.provider_for(payable).start(payable, request)
    return TemplateResponse(request, template, context)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's notifications of payments: signed, not CSRF-protected, since Stripe posts
    them. See payments.receive_stripe_event."""
    status = payments.receive_stripe_event(request.body, request.headers.get("Stripe-Signature"))
    return HttpResponse(status=status)
