"""Subscribing, donating, the page that says how to pay, and Stripe's webhook.

Stripe's real API cannot be reached from the test machines, and must not be: Checkout
sessions are created against a small local HTTP server standing in for it (`stripe.api_base`
points there), and webhooks are signed here with a test secret, as Stripe signs them."""

import hashlib
import hmac
import json
import time
from datetime import date
from decimal import Decimal

import pytest
import stripe
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clarion.core.tests.network import free_port
from clarion.membership.models import (
    Consent,
    Donation,
    Payable,
    Person,
    ProviderEvent,
    Subscription,
)
from clarion.membership.personal_data import erase_person

from .conftest import SESSION, WEBHOOK_SECRET
from .factories import DonationFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

CONSENT = "on"


def nothing_stored():
    return (
        Person.objects.count(),
        Subscription.objects.count(),
        Donation.objects.count(),
        Consent.objects.count(),
    ) == (0, 0, 0, 0)


def subscription_data(**changes):
    data = {
        "kind": "digital",
        "name": "Ottilie Brann",
        "email": "ottilie@example.org",
        "postal_address": "",
        "method": "bank-transfer",
        "consent": CONSENT,
        "website": "",
    }
    return {**data, **changes}


def donation_data(**changes):
    data = {
        "amount": "25",
        "other_amount": "",
        "frequency": "once",
        "method": "bank-transfer",
        "name": "Ferdinand Olowe",
        "email": "ferdinand@example.org",
        "consent": CONSENT,
        "website": "",
    }
    return {**data, **changes}


# The forms, paid offline (the default) ----------------------------------------------------


def test_subscribe_form_shows_prices_and_consent(client):
    page = client.get(reverse("membership:subscribe")).content.decode()
    assert "Print, by post: £52 a year" in page
    assert "Digital: £26 a year" in page
    assert "send me the paper and to remind me" in page
    assert "csrfmiddlewaretoken" in page


def test_digital_subscription_by_bank_transfer(client):
    response = client.post(reverse("membership:subscribe"), subscription_data())
    subscription = Subscription.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/pay/{subscription.reference}/"
    assert (subscription.kind, subscription.amount, subscription.currency) == (
        "digital",
        Decimal("26.00"),
        "GBP",
    )
    assert subscription.frequency == "once"  # a year paid for; renewal is a reminder
    assert subscription.status == "pending"
    assert subscription.person.email == "ottilie@example.org"
    assert subscription.person.postal_address == ""
    consent = subscription.person.consents.get()
    assert consent.wording.purpose == "subscribe"

    page = client.get(response["Location"]).content.decode()
    assert subscription.reference in page
    assert "Please transfer <strong>£26</strong>" in page
    assert "Sort code: 00-00-00" in page
    assert "Ottilie" not in page and "ottilie@example.org" not in page


def test_print_subscription_by_standing_order(client):
    address = "14 Foundry Row\nHalbury\nXD4 7QP"
    data = subscription_data(kind="print", postal_address=address, method="standing-order")
    response = client.post(reverse("membership:subscribe"), data)
    subscription = Subscription.objects.get()
    assert response.status_code == 303
    assert (subscription.amount, subscription.frequency) == (Decimal("52.00"), "yearly")
    assert subscription.person.postal_address == address

    page = client.get(response["Location"]).content.decode()
    assert "standing order of <strong>£52 every year</strong>" in page
    assert "Foundry Row" not in page


def test_print_subscription_needs_an_address_and_keeps_what_was_typed(client):
    data = subscription_data(kind="print", name="Ottilie Brann-Ferris")
    response = client.post(reverse("membership:subscribe"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "give the address to send it to" in page
    assert 'value="Ottilie Brann-Ferris"' in page
    assert 'value="ottilie@example.org"' in page
    assert nothing_stored()


def test_regular_donation_of_another_amount_by_standing_order(client):
    data = donation_data(
        amount="other", other_amount="12.50", frequency="monthly", method="standing-order"
    )
    response = client.post(reverse("membership:donate"), data)
    donation = Donation.objects.get()
    assert response.status_code == 303
    assert (donation.amount, donation.frequency, donation.method) == (
        Decimal("12.50"),
        "monthly",
        "standing-order",
    )
    assert donation.reference.startswith("D-")
    assert donation.person.consents.get().wording.purpose == "donate"

    page = client.get(response["Location"]).content.decode()
    assert "standing order of <strong>£12.50 every month</strong>" in page
    assert donation.reference in page


def test_one_off_donation_of_a_suggested_amount(client):
    response = client.post(reverse("membership:donate"), donation_data(amount="50"))
    donation = Donation.objects.get()
    assert response.status_code == 303
    assert (donation.amount, donation.frequency, donation.status) == (
        Decimal("50.00"),
        "once",
        "pending",
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Type the amount in figures"),
        ("0.50", "The smallest gift we can take is 1"),
        ("250000", "For a gift over 100000, please contact the office"),
        ("", "Choose an amount, or type the amount"),
    ],
)
def test_bad_amount_is_explained_and_nothing_is_stored(client, typed, message):
    data = donation_data(amount="other", other_amount=typed, name="Ferdinand O'Lowe")
    response = client.post(reverse("membership:donate"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Ferdinand O&#x27;Lowe" in page
    if typed:
        assert f'value="{typed}"' in page
    assert nothing_stored()


@pytest.mark.parametrize(
    ("frequency", "method", "message"),
    [
        ("monthly", "bank-transfer", "for a regular gift, choose standing order"),
        ("once", "standing-order", "for a single gift, choose bank transfer"),
    ],
)
def test_method_must_fit_how_often(client, frequency, method, message):
    data = donation_data(frequency=frequency, method=method)
    response = client.post(reverse("membership:donate"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_stored()


def test_consent_is_required(client):
    data = donation_data()
    del data["consent"]
    response = client.post(reverse("membership:donate"), data)
    assert response.status_code == 400
    assert "Please tick the box to say you agree" in response.content.decode()
    assert nothing_stored()


def test_oversized_submission_is_refused_unread(client):
    data = donation_data(name="x" * 30_000)
    response = client.post(reverse("membership:donate"), data)
    assert response.status_code == 413
    assert "That was too much to send: nothing was saved" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe%%%=&&name", "application/x-www-form-urlencoded"),
        (b"--xyz\r\ngarbage", "multipart/form-data; boundary=xyz"),
        (b'{"amount": "25"}', "application/json"),
    ],
    ids=["bad-bytes", "broken-multipart", "json"],
)
def test_malformed_submission_gets_the_form_back_and_stores_nothing(client, body, content_type):
    response = client.post(reverse("membership:donate"), body, content_type=content_type)
    assert response.status_code == 400
    assert "Please check the form" in response.content.decode()
    assert nothing_stored()


def test_too_many_fields_is_refused_and_stores_nothing(client):
    """Django refuses it before the form is read (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    body = b"amount=5&" * 1500
    response = client.post(
        reverse("membership:donate"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert nothing_stored()


def test_filled_honeypot_stores_nothing(client):
    data = subscription_data(website="https://spam.example")
    response = client.post(reverse("membership:subscribe"), data)
    assert response.status_code == 400
    assert "as if a program had filled it in" in response.content.decode()
    assert nothing_stored()


def test_too_many_from_one_address(client, settings):
    settings.CLARION_FORM_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(reverse("membership:donate"), donation_data()).status_code == 303
    response = client.post(reverse("membership:donate"), donation_data(name="Third Try"))
    assert response.status_code == 429
    assert "Too many forms" in response.content.decode()
    assert 'value="Third Try"' in response.content.decode()
    assert Donation.objects.count() == 2


def test_form_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("membership:subscribe"), subscription_data())
    assert response.status_code == 403
    assert nothing_stored()


def test_unknown_reference_is_not_found(client):
    assert client.get("/pay/S-0000-0000/").status_code == 404
    assert client.get("/pay/nothing/").status_code == 404


def test_reference_typed_in_lower_case_is_found(client):
    donation = DonationFactory(method="bank-transfer", frequency="once")
    response = client.get(f"/pay/{donation.reference.lower()}/")
    assert response.status_code == 200
    assert donation.reference in response.content.decode()


# Stripe Checkout -------------------------------------------------------------------------


def test_card_donation_goes_to_stripe_checkout(client, stripe_api):
    page = client.get(reverse("membership:donate")).content.decode()
    assert "Standing order" not in page  # card is the only way, so there is no choice

    data = donation_data(amount="25")
    del data["method"]
    response = client.post(reverse("membership:donate"), data)
    donation = Donation.objects.get()
    assert response.status_code == 303
    assert response["Location"] == SESSION["url"]
    assert (donation.method, donation.status) == ("card", "pending")

    (path, sent, headers) = stripe_api.received[0]
    assert path == "/v1/checkout/sessions"
    assert headers["Authorization"] == "Bearer sk_test_only_not_a_real_key"
    assert donation.provider_reference == SESSION["id"]  # kept, to go back to the same page
    assert sent["mode"] == ["payment"]
    assert sent["client_reference_id"] == [donation.reference]
    assert sent["line_items[0][price_data][unit_amount]"] == ["2500"]
    assert sent["line_items[0][price_data][currency]"] == ["gbp"]
    assert "line_items[0][price_data][recurring][interval]" not in sent
    assert sent["success_url"] == [f"http://testserver/pay/{donation.reference}/?from=checkout"]
    assert sent["cancel_url"] == [f"http://testserver/pay/{donation.reference}/?cancelled=1"]
    assert sent["customer_email"] == ["ferdinand@example.org"]


def test_regular_card_payments_become_a_stripe_subscription(client, stripe_api):
    data = subscription_data(kind="print", postal_address="3 Mill Lane, Halbury XD4 1AA")
    del data["method"]
    response = client.post(reverse("membership:subscribe"), data)
    subscription = Subscription.objects.get()
    assert response.status_code == 303
    assert (subscription.method, subscription.frequency) == ("card", "yearly")
    sent = stripe_api.received[0][1]
    assert sent["mode"] == ["subscription"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["5200"]
    assert sent["line_items[0][price_data][recurring][interval]"] == ["year"]
    assert sent["client_reference_id"] == [subscription.reference]


def started_card_donation(client):
    data = donation_data(amount="25")
    del data["method"]
    client.post(reverse("membership:donate"), data)
    return Donation.objects.get()


def test_a_second_try_goes_to_the_checkout_page_already_open(client, stripe_api):
    """A second tab, or coming back after turning away, cannot start a second payment."""
    donation = started_card_donation(client)
    stripe_api.answer = (200, {**SESSION, "status": "open"})
    again = client.post(f"/pay/{donation.reference}/")
    assert (again.status_code, again["Location"]) == (303, SESSION["url"])
    asked = [(path, sent) for path, sent, _headers in stripe_api.received]
    assert [path for path, _sent in asked] == [
        "/v1/checkout/sessions",
        f"/v1/checkout/sessions/{SESSION['id']}",
    ]


def test_a_checkout_page_already_paid_is_not_offered_again(client, stripe_api):
    donation = started_card_donation(client)
    stripe_api.answer = (200, {**SESSION, "status": "complete"})
    again = client.post(f"/pay/{donation.reference}/")
    assert (again.status_code, again["Location"]) == (303, f"/pay/{donation.reference}/")
    assert len(stripe_api.received) == 2  # created once, then only read


def test_a_closed_checkout_page_is_replaced(client, stripe_api):
    donation = started_card_donation(client)
    stripe_api.answer = (200, {**SESSION, "status": "expired"})
    client.post(f"/pay/{donation.reference}/")
    assert [path for path, _s, _h in stripe_api.received][-1] == "/v1/checkout/sessions"


def test_stripe_refusing_shows_a_problem_page_and_loses_nothing(client, stripe_api):
    error = {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}}
    stripe_api.answer = (400, error)
    data = donation_data(amount="10")
    del data["method"]
    response = client.post(reverse("membership:donate"), data)
    donation = Donation.objects.get()
    page = response.content.decode()
    assert response.status_code == 502
    assert "We could not reach the card payment service" in page
    assert donation.reference in page
    assert donation.status == "pending"

    stripe_api.answer = (200, SESSION)
    retry = client.post(f"/pay/{donation.reference}/")
    assert retry.status_code == 303
    assert retry["Location"] == SESSION["url"]
    assert Donation.objects.count() == 1


def test_stripe_unreachable_shows_a_problem_page(client, stripe_api, monkeypatch):
    monkeypatch.setattr(stripe, "api_base", f"http://127.0.0.1:{free_port()}")
    data = donation_data(amount="10")
    del data["method"]
    response = client.post(reverse("membership:donate"), data)
    assert response.status_code == 502
    assert Donation.objects.get().reference in response.content.decode()


def test_turning_back_from_checkout_offers_to_pay_again(client):
    donation = DonationFactory(method="card", frequency="once")
    page = client.get(f"/pay/{donation.reference}/?cancelled=1").content.decode()
    assert "not completed, so nothing was taken" in page
    assert "Pay £10 by card" in page


# Stripe's webhook ------------------------------------------------------------------------


def signature(payload, secret=WEBHOOK_SECRET, at=None):
    """The Stripe-Signature header Stripe would send: an HMAC of '<time>.<body>'."""
    timestamp = int(time.time() if at is None else at)
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def event(kind, data, event_id="evt_test_1"):
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": data}})


def deliver(client, payload, header=None):
    headers = {"Stripe-Signature": signature(payload) if header is None else header}
    return client.post(
        reverse("membership:stripe_webhook"),
        payload,
        content_type="application/json",
        headers=headers,
    )


def checkout_completed(payable, **fields):
    data = {
        "id": "cs_test_a1b2",
        "object": "checkout.session",
        "client_reference_id": payable.reference,
        "mode": "subscription" if payable.is_regular else "payment",
        "payment_status": "paid",
        "subscription": "sub_test_9z" if payable.is_regular else None,
    }
    return event("checkout.session.completed", {**data, **fields})


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def card_subscription():
    return SubscriptionFactory(kind="digital", amount=26, method="card", frequency="yearly")


def test_paid_checkout_starts_the_subscription(client, webhook_secret, card_subscription):
    page = client.get(f"/pay/{card_subscription.reference}/").content.decode()
    assert "Awaiting payment" in page
    response = deliver(client, checkout_completed(card_subscription))
    card_subscription.refresh_from_db()
    today = timezone.localdate()
    assert response.status_code == 200
    assert card_subscription.status == "active"
    assert card_subscription.start_date == today
    assert card_subscription.renewal_date == today + relativedelta(years=1)
    assert card_subscription.provider_reference == "sub_test_9z"
    assert card_subscription.payments_received == 1
    assert ProviderEvent.objects.get().reference == card_subscription.reference

    page = client.get(f"/pay/{card_subscription.reference}/").content.decode()
    assert "your payment has been received" in page
    assert "Awaiting payment" not in page


def test_paid_checkout_for_a_one_off_gift(client, webhook_secret):
    donation = DonationFactory(method="card", frequency="once")
    assert deliver(client, checkout_completed(donation)).status_code == 200
    donation.refresh_from_db()
    assert (donation.status, donation.payments_received) == ("paid", 1)
    assert donation.provider_reference == "cs_test_a1b2"


def test_same_event_delivered_twice_changes_nothing(client, webhook_secret, card_subscription):
    payload = checkout_completed(card_subscription)
    assert deliver(client, payload).status_code == 200
    assert deliver(client, payload).status_code == 200
    card_subscription.refresh_from_db()
    assert card_subscription.payments_received == 1
    assert card_subscription.renewal_date == timezone.localdate() + relativedelta(years=1)
    assert ProviderEvent.objects.count() == 1


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1700000000,v1=0000",
        signature("{}"),  # signed, but for another body
        "not a signature at all",
    ],
    ids=["missing", "wrong", "other-body", "garbled"],
)
def test_bad_signature_is_refused_and_changes_nothing(
    client, webhook_secret, card_subscription, header
):
    response = deliver(client, checkout_completed(card_subscription), header=header)
    card_subscription.refresh_from_db()
    assert response.status_code == 400
    assert (card_subscription.status, card_subscription.payments_received) == ("pending", 0)
    assert not ProviderEvent.objects.exists()


def test_signature_with_another_secret_is_refused(client, webhook_secret, card_subscription):
    payload = checkout_completed(card_subscription)
    response = deliver(client, payload, header=signature(payload, secret="whsec_someone_else"))
    assert response.status_code == 400
    card_subscription.refresh_from_db()
    assert card_subscription.status == "pending"


def test_replayed_old_delivery_is_refused(client, webhook_secret, card_subscription):
    """A delivery recorded and played back later: rightly signed, but ten minutes old."""
    payload = checkout_completed(card_subscription)
    old = signature(payload, at=time.time() - 600)
    response = deliver(client, payload, header=old)
    card_subscription.refresh_from_db()
    assert response.status_code == 400
    assert card_subscription.payments_received == 0
    assert not ProviderEvent.objects.exists()


def test_webhook_without_a_secret_configured_refuses_everything(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    donation = DonationFactory(method="card", frequency="once")
    assert deliver(client, checkout_completed(donation)).status_code == 400
    donation.refresh_from_db()
    assert donation.status == "pending"


def test_webhook_takes_only_post(client):
    assert client.get(reverse("membership:stripe_webhook")).status_code == 405


def invoice_paid(subscription_id, reason="subscription_cycle", event_id="evt_invoice_2"):
    data = {
        "id": "in_test_1",
        "object": "invoice",
        "billing_reason": reason,
        "parent": {"type": "subscription_details", "subscription_details": {
            "subscription": subscription_id}},
    }  # fmt: skip
    return event("invoice.paid", data, event_id=event_id)


def test_regular_payments_are_counted_and_renew(client, webhook_secret, card_subscription):
    deliver(client, checkout_completed(card_subscription))
    # Stripe also sends the first invoice: checkout already counted it.
    deliver(client, invoice_paid("sub_test_9z", reason="subscription_create", event_id="evt_2"))
    card_subscription.refresh_from_db()
    assert card_subscription.payments_received == 1

    deliver(client, invoice_paid("sub_test_9z", event_id="evt_3"))
    card_subscription.refresh_from_db()
    assert card_subscription.payments_received == 2
    assert card_subscription.renewal_date == timezone.localdate() + relativedelta(years=2)


def test_renewal_named_the_old_way_is_counted(client, webhook_secret):
    """Before API version 2025-03-31 an invoice named its subscription at the top."""
    donation = DonationFactory(
        method="card", frequency="monthly", status="active", provider_reference="sub_old_1"
    )
    data = {"id": "in_1", "billing_reason": "subscription_cycle", "subscription": "sub_old_1"}
    deliver(client, event("invoice.paid", data))
    donation.refresh_from_db()
    assert (donation.payments_received, donation.status) == (1, "active")


def test_cancelled_stripe_subscription_cancels_ours(client, webhook_secret):
    donation = DonationFactory(
        method="card", frequency="monthly", status="active", provider_reference="sub_test_7"
    )
    data = {"id": "sub_test_7", "object": "subscription", "status": "canceled"}
    assert deliver(client, event("customer.subscription.deleted", data)).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "cancelled"


def test_unknown_event_type_is_ignored(client, webhook_secret, card_subscription):
    payload = event("customer.created", {"id": "cus_1", "object": "customer"})
    assert deliver(client, payload).status_code == 200
    card_subscription.refresh_from_db()
    assert card_subscription.status == "pending"
    assert not ProviderEvent.objects.exists()


def test_unknown_reference_is_answered_and_changes_nothing(client, webhook_secret):
    other = DonationFactory(method="card", frequency="once")
    payload = event(
        "checkout.session.completed",
        {"id": "cs_x", "client_reference_id": "D-ZZZZ-ZZZZ", "payment_status": "paid"},
    )
    assert deliver(client, payload).status_code == 200
    other.refresh_from_db()
    assert other.status == "pending"
    # An invoice for a subscription we never heard of must not match every blank reference.
    assert deliver(client, invoice_paid("", event_id="evt_blank")).status_code == 200
    other.refresh_from_db()
    assert other.payments_received == 0


def test_payment_still_on_its_way_is_not_counted(client, webhook_secret):
    """Some methods finish checkout unpaid and pay later: only then is it counted."""
    donation = DonationFactory(method="card", frequency="once")
    deliver(client, checkout_completed(donation, payment_status="unpaid"))
    donation.refresh_from_db()
    assert (donation.status, donation.payments_received) == ("pending", 0)

    later = checkout_completed(donation)
    later = later.replace("checkout.session.completed", "checkout.session.async_payment_succeeded")
    deliver(client, later.replace("evt_test_1", "evt_test_2"))
    donation.refresh_from_db()
    assert (donation.status, donation.payments_received) == ("paid", 1)


def test_lapsed_subscription_renewed_late_runs_a_year_from_payment(client, webhook_secret):
    subscription = SubscriptionFactory(
        method="card",
        frequency="yearly",
        status="lapsed",
        start_date=date(2020, 1, 1),
        renewal_date=date(2021, 1, 1),
        provider_reference="sub_late",
    )
    deliver(client, invoice_paid("sub_late"))
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert subscription.start_date == date(2020, 1, 1)
    assert subscription.renewal_date == timezone.localdate() + relativedelta(years=1)


def test_offline_methods_are_offered_by_default(client):
    """Offline shows bank transfer and standing order; the card is Stripe's."""
    page = client.get(reverse("membership:donate")).content.decode()
    assert Payable.Method.BANK_TRANSFER.label in page
    assert Payable.Method.STANDING_ORDER.label in page
    assert Payable.Method.CARD.label not in page


# Someone erased while paying by card -----------------------------------------------------


def test_erasure_closes_a_checkout_page_still_open(stripe_api):
    pledge = DonationFactory(method="card", frequency="monthly", provider_reference="cs_open_1")
    paid_once = DonationFactory(
        person=pledge.person, method="card", frequency="once", status="paid",
        provider_reference="cs_paid_2",
    )  # fmt: skip
    erase_person(pledge.person)
    paths = [path for path, _sent, _headers in stripe_api.received]
    assert paths == ["/v1/checkout/sessions/cs_open_1/expire"]  # the paid one is left alone
    assert Donation.objects.get(pk=paid_once.pk).person is None


def test_a_checkout_finished_after_erasure_starts_no_regular_payments(
    client, stripe_api, webhook_secret
):
    pledge = DonationFactory(method="card", frequency="monthly", provider_reference="cs_open_1")
    subscription = SubscriptionFactory(
        person=pledge.person, kind="digital", amount=26, method="card", frequency="yearly",
        provider_reference="cs_open_2",
    )  # fmt: skip
    stripe_api.answer = (400, {"error": {"type": "invalid_request_error", "message": "Paid."}})
    erase_person(pledge.person)  # both pages were paid just before: too late to close them
    stripe_api.received.clear()
    stripe_api.answer = (200, {"id": "sub_late", "object": "subscription", "status": "canceled"})

    for payable, event_id in ((pledge, "evt_late_1"), (subscription, "evt_late_2")):
        payload = json.loads(checkout_completed(payable, subscription="sub_late"))
        payload["id"] = event_id
        assert deliver(client, json.dumps(payload)).status_code == 200

    paths = [path for path, _sent, _headers in stripe_api.received]
    assert paths == ["/v1/subscriptions/sub_late", "/v1/subscriptions/sub_late"]
    pledge.refresh_from_db()
    assert (pledge.person, pledge.status, pledge.payments_received) == (None, "cancelled", 0)


def test_a_webhook_that_needs_stripe_waits_for_it(client, stripe_api, webhook_secret):
    pledge = DonationFactory(method="card", frequency="monthly", provider_reference="cs_open_1")
    pledge.person.delete()
    stripe_api.answer = (500, {"error": {"type": "api_error", "message": "Down."}})
    payload = checkout_completed(Donation.objects.get(pk=pledge.pk), subscription="sub_late")
    assert deliver(client, payload).status_code == 503  # Stripe delivers it again later
    assert not ProviderEvent.objects.exists()
    stripe_api.answer = (200, {"id": "sub_late", "object": "subscription", "status": "canceled"})
    assert deliver(client, payload).status_code == 200
    assert ProviderEvent.objects.count() == 1
