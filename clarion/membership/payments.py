"""Taking payment for a subscription or donation that is already saved.

A provider's `start(payable, request)` answers the form with where to pay. The offline
provider (the default) needs no outside service: people pay by bank transfer or standing
order quoting the reference, and staff record what arrives. Stripe Checkout takes cards on
Stripe's own page and tells us what was paid by signed webhook (`receive_stripe_event`)."""

import json
import logging
from decimal import Decimal

import stripe
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from .models import Donation, Payable, ProviderEvent, Subscription

logger = logging.getLogger(__name__)

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
# Stripe counts these in whole units; every other currency here in hundredths.
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
                "VND", "VUV", "XAF", "XOF", "XPF"}  # fmt: skip
INTERVALS = {Payable.Frequency.MONTHLY: "month", Payable.Frequency.YEARLY: "year"}


def money(amount, currency):
    """'£10', '£12.50', or '500 KZT' for a currency without a common symbol."""
    amount = Decimal(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def find_payable(reference, for_update=False):
    """The subscription (S-…) or donation (D-…) with this reference, or None."""
    model = {"S": Subscription, "D": Donation}.get(reference[:1])
    if model is None:
        return None
    found = model.objects.select_for_update() if for_update else model.objects.all()
    return found.filter(reference=reference).first()


def payment_url(payable):
    return reverse("membership:payment", args=[payable.reference])


class PaymentProvider:
    """Sends a person on from a saved payable to paying for it."""

    name = ""
    methods = ()  # the Payable.Method values this provider takes, the first the default

    def start(self, payable, request):
        raise NotImplementedError


class OfflineProvider(PaymentProvider):
    """Bank transfer or standing order quoting the reference: works with no outside service,
    so it is the default and what a site runs on while it has no card processor."""

    name = "offline"
    methods = (Payable.Method.BANK_TRANSFER, Payable.Method.STANDING_ORDER)

    def start(self, payable, request):
        return HttpResponseRedirect(payment_url(payable), status=303)


class StripeCheckoutProvider(PaymentProvider):
    """Card payments on Stripe's Checkout page; regular ones become Stripe subscriptions, so
    Stripe collects each later payment and its webhook tells us."""

    name = "stripe"
    methods = (Payable.Method.CARD,)

    def start(self, payable, request):
        page = request.build_absolute_uri(payment_url(payable))
        try:
            session = started_session(payable)
            if session is not None and getattr(session, "status", None) == "complete":
                # Paid, and Stripe's webhook is on its way: the payment page says so.
                return HttpResponseRedirect(payment_url(payable), status=303)
            if session is None or getattr(session, "status", None) != "open":
                session = stripe.checkout.Session.create(
                    api_key=settings.STRIPE_SECRET_KEY, **checkout_params(payable, page)
                )
                payable.provider_reference = session.id
                payable.save(update_fields=["provider_reference"])
        except stripe.StripeError:
            # The payable stays saved and pending: the problem page offers to try again.
            logger.exception("Stripe Checkout could not start for %s", payable.reference)
            context = {"payable": payable, "amount": money(payable.amount, payable.currency)}
            return TemplateResponse(request, "membership/payment_problem.html", context, status=502)
        return HttpResponseRedirect(session.url, status=303)


def started_session(payable):
    """The Checkout page already started for this payable (its id is kept until Stripe's
    webhook replaces it), so that a second tab, or a try after turning back, goes to the
    same page and cannot pay twice; None if there is none."""
    if not payable.provider_reference.startswith("cs_"):
        return None
    return stripe.checkout.Session.retrieve(
        payable.provider_reference, api_key=settings.STRIPE_SECRET_KEY
    )


def checkout_params(payable, page):
    """What Stripe is asked to charge, with our reference so its webhook can name it."""
    price = {
        "currency": payable.currency.lower(),
        "unit_amount": minor_units(payable.amount, payable.currency),
        "product_data": {"name": describe(payable)},
    }
    if payable.is_regular:
        price["recurring"] = {"interval": INTERVALS[payable.frequency]}
    params = {
        "mode": "subscription" if payable.is_regular else "payment",
        "line_items": [{"price_data": price, "quantity": 1}],
        "client_reference_id": payable.reference,
        "metadata": {"reference": payable.reference},
        "success_url": f"{page}?from=checkout",
        "cancel_url": f"{page}?cancelled=1",
    }
    if payable.is_regular:
        params["subscription_data"] = {"metadata": {"reference": payable.reference}}
    if payable.person_id and payable.person.email:
        params["customer_email"] = payable.person.email  # for Stripe's receipt
    return params


def minor_units(amount, currency):
    """Stripe takes amounts in the currency's smallest unit: pence, cents; yen as they are."""
    factor = 1 if currency.upper() in ZERO_DECIMAL else 100
    return int((Decimal(amount) * factor).to_integral_value())


def describe(payable):
    if isinstance(payable, Subscription):
        return f"Subscription to the paper: {payable.get_kind_display().lower()}"
    return "Regular donation" if payable.is_regular else "Donation"


def provider_for(payable):
    """Who takes this payable's money: card payables stay with Stripe even if the site has
    since gone back to offline payments."""
    if payable.method == Payable.Method.CARD:
        return StripeCheckoutProvider()
    return OfflineProvider()


def get_provider():
    """The provider new payments go to: CLARION_PAYMENT_PROVIDER, "offline" by default."""
    if settings.CLARION_PAYMENT_PROVIDER == "stripe":
        return StripeCheckoutProvider()
    return OfflineProvider()


def record_payment(payable):
    """One payment received (a caller holds the row locked): counts it, and moves the status
    and, for a subscription, the renewal date on by one period."""
    today = timezone.localdate()
    payable.payments_received += 1
    payable.last_paid_at = timezone.now()
    if isinstance(payable, Subscription):
        payable.status = Subscription.Status.ACTIVE
        payable.start_date = payable.start_date or today
        monthly = payable.frequency == Payable.Frequency.MONTHLY
        period = relativedelta(months=1 if monthly else 12)
        payable.renewal_date = max(payable.renewal_date or today, today) + period
    else:
        payable.status = Donation.Status.ACTIVE if payable.is_regular else Donation.Status.PAID
    payable.save()


class PaymentsNotStopped(Exception):
    """A regular card payment could not be cancelled at Stripe: the message says which and
    why, and names no one."""


def stop_card_payments(person):
    """Stops at Stripe every card payment the person may still make, so that someone erased
    is not charged again: their regular payments are cancelled, and a Checkout page still
    open is closed. Returns the regular payables cancelled; raises PaymentsNotStopped if
    Stripe cannot be told (what was stopped already stays stopped, and nothing here is
    changed). A bank standing order can only be stopped by the person's bank."""
    by_card = [
        payable
        for records in (person.subscriptions, person.donations)
        for payable in records.filter(method=Payable.Method.CARD).exclude(status="cancelled")
    ]
    running = [p for p in by_card if p.is_regular and p.provider_reference.startswith("sub_")]
    open_pages = [
        p for p in by_card if p.status == "pending" and p.provider_reference.startswith("cs_")
    ]
    if (running or open_pages) and not settings.STRIPE_SECRET_KEY:
        raise PaymentsNotStopped(
            f"{(running or open_pages)[0].reference} is paid by card through Stripe, and "
            "STRIPE_SECRET_KEY is not set, so its payments cannot be stopped from here."
        )
    for payable in open_pages:
        # Closed so it cannot be paid. Already paid or closed: Stripe says so (invalid
        # request), and a subscription it started is cancelled when its webhook names a
        # payable that is gone (checkout_completed).
        stripe_call(payable, stripe.checkout.Session.expire)
    for payable in running:
        stripe_call(payable, stripe.Subscription.cancel, harmless_code="resource_missing")
    return running


def stripe_call(payable, method, harmless_code=None):
    """method(payable's Stripe id). Stripe refusing it as an invalid request means the
    thing is gone or done already, and is let pass (only with `harmless_code`, when one is
    given); any other error raises PaymentsNotStopped."""
    try:
        method(payable.provider_reference, api_key=settings.STRIPE_SECRET_KEY)
    except stripe.InvalidRequestError as error:
        if harmless_code is None or error.code == harmless_code:
            return
        raise PaymentsNotStopped(stripe_problem(payable, error)) from None
    except stripe.StripeError as error:
        raise PaymentsNotStopped(stripe_problem(payable, error)) from None


def stripe_problem(payable, error):
    why = getattr(error, "user_message", None) or type(error).__name__
    return f"Stripe could not cancel the card payments of {payable.reference}: {why}."


# Stripe webhooks ----------------------------------------------------------------------------


def find_by_stripe_subscription(subscription_id):
    """The payable that a Stripe subscription pays for, locked for the change."""
    if not subscription_id:
        return None
    for model in (Subscription, Donation):
        found = model.objects.select_for_update().filter(provider_reference=subscription_id)
        if found := found.first():
            return found
    logger.warning("Stripe names subscription %s, which pays for nothing here", subscription_id)
    return None


def checkout_completed(session):
    """Checkout finished. A card is paid now; a method that pays later leaves payment_status
    'unpaid' and sends checkout.session.async_payment_succeeded when it is."""
    reference = session.get("client_reference_id") or ""
    payable = find_payable(reference, for_update=True)
    orphaned = payable is None or (isinstance(payable, Donation) and payable.person_id is None)
    if orphaned and session.get("subscription"):
        # Its person was erased while the Checkout page was open: no regular payments.
        stripe.Subscription.cancel(session["subscription"], api_key=settings.STRIPE_SECRET_KEY)
        logger.warning("Stripe checkout %s: payments for %r cancelled", session["id"], reference)
        if payable is not None:
            payable.status = Donation.Status.CANCELLED
            payable.save(update_fields=["status"])
        return payable
    if payable is None:
        logger.warning(
            "Stripe checkout %s names unknown reference %r", session.get("id"), reference
        )
        return None
    # Later invoices and cancellations name the Stripe subscription, so keep its id.
    payable.provider_reference = session.get("subscription") or session.get("id", "")
    if session.get("payment_status") in ("paid", "no_payment_required"):
        record_payment(payable)
    else:
        payable.save(update_fields=["provider_reference"])
    return payable


def invoice_paid(invoice):
    """A regular payment. The first is counted when checkout completes, so is skipped here."""
    if invoice.get("billing_reason") == "subscription_create":
        return None
    # API versions from 2025-03-31 name the subscription under `parent`; older ones at the top.
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    payable = find_by_stripe_subscription(
        details.get("subscription") or invoice.get("subscription")
    )
    if payable is not None:
        record_payment(payable)
    return payable


def subscription_deleted(subscription):
    """The regular payments stopped (cancelled by the person, by staff, or after failures)."""
    payable = find_by_stripe_subscription(subscription.get("id"))
    if payable is not None:
        payable.status = payable.Status.CANCELLED
        payable.save(update_fields=["status"])
    return payable


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_completed,
    "invoice.paid": invoice_paid,
    "customer.subscription.deleted": subscription_deleted,
}


def receive_stripe_event(payload, signature):
    """Verifies one webhook delivery and acts on it once; returns the HTTP status to answer.
    A bad, missing or old signature (Stripe's default tolerance of 300 seconds refuses a
    recorded delivery played back later) gets 400 and changes nothing. Anything else gets
    200, so Stripe stops retrying: events we do not handle, and events already acted on."""
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Stripe webhook refused: %s", error)
        return 400
    event = json.loads(payload)
    handler = HANDLERS.get(event.get("type"))
    if handler is None:
        return 200
    try:
        # The event's record and its change commit together or not at all: a second
        # delivery of the same event fails the unique insert and changes nothing.
        with transaction.atomic():
            seen = ProviderEvent.objects.create(
                provider="stripe", event_id=event["id"], kind=event["type"]
            )
            payable = handler(event["data"]["object"])
            if payable is not None:
                seen.reference = payable.reference
                seen.save(update_fields=["reference"])
    except IntegrityError:
        logger.info("Stripe event %s delivered again: already acted on", event["id"])
    except stripe.StripeError:
        # Acting on it needed Stripe, which did not answer: nothing was kept, so Stripe's
        # next delivery of the event tries again.
        logger.exception("Stripe event %s: Stripe could not be reached to act on it", event["id"])
        return 503
    return 200
