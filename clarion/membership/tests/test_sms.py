"""Text-to-join, as the SMS gateway sends it: a form-encoded POST with `From` and `Body`,
signed when a shared secret is set, answered with a TwiML reply the reader gets as a text.
A good text becomes the same join request as the web form's, and the branch's organisers
are emailed at once, through a real SMTP server, without the person's details."""

import base64
import hashlib
import hmac
import xml.etree.ElementTree as ElementTree
from datetime import timedelta

import pytest
from django.urls import reverse
from wagtail.models import Site

from clarion.core.models import PaperSettings
from clarion.membership import sms
from clarion.membership.models import (
    Consent,
    ConsentWording,
    JoinRequest,
    MembershipSettings,
    Person,
)

from .conftest import SECRETARY

pytestmark = pytest.mark.django_db

SECRET = "gateway-auth-token-for-tests"
SENDER = "+447700900123"
URL = "http://testserver/webhooks/sms/"


def signature(secret, url, fields):
    """The gateway's signature: base64(HMAC-SHA1(secret, URL + each name and value, sorted
    by name))."""
    signed = url + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def send(client, body, sender=SENDER, secret=None, signed_url=URL, **extra):
    """Post a text as the gateway does; signed with `secret` when given."""
    fields = {"From": sender, "Body": body, "To": "+447700900999", "MessageSid": "SM123"}
    fields = {name: value for name, value in fields.items() if value is not None}
    if secret:
        extra["HTTP_X_TWILIO_SIGNATURE"] = signature(secret, signed_url, fields)
    return client.post(reverse("membership:sms_webhook"), fields, **extra)


def reply(response):
    """The text the reader gets back, from the TwiML (which must parse)."""
    assert response["Content-Type"].startswith("text/xml")
    content = response.content.decode()
    assert content.startswith('<?xml version="1.0" encoding="UTF-8"?><Response>')
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response"
    message = root.find("Message")
    return None if message is None else message.text


def site_settings(model):
    return model.for_site(Site.objects.get(is_default_site=True))


def stored_nothing():
    return (Person.objects.count(), JoinRequest.objects.count(), Consent.objects.count()) == (
        0,
        0,
        0,
    )


# -- Joining ---------------------------------------------------------------------------------


def test_a_signed_text_joins_the_nearest_branch_and_tells_its_organisers(
    client, settings, places, smtp_server, django_capture_on_commit_callbacks
):
    settings.CLARION_SMS_WEBHOOK_SECRET = SECRET
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "JOIN Ann Smith XD1 2AB", sender="+44 7700 900123", secret=SECRET)

    assert response.status_code == 200
    assert reply(response) == "Thanks Ann, the Northtown branch will be in touch."
    person = Person.objects.get()
    assert (person.name, person.phone, person.email) == ("Ann Smith", SENDER, "")
    assert (person.postcode, person.town) == ("XD1 2AB", "Millbrook")
    assert (person.branch, person.region.name) == (places["Northtown"], "North")
    join_request = JoinRequest.objects.get()
    assert (join_request.person, join_request.source, join_request.status) == (person, "sms", "new")
    consent = Consent.objects.get()
    assert consent.person == person
    assert consent.wording.purpose == ConsentWording.Purpose.TEXT_TO_JOIN
    assert consent.wording.text == MembershipSettings.objects.get().sms_consent

    # No email address to confirm: the organisers are told at once, and told nothing personal.
    [notice] = smtp_server.to(SECRETARY)
    body = smtp_server.body(notice)
    assert "Northtown" in notice["Subject"]
    assert "text message" in body
    assert f"/admin/membership/join-requests/edit/{join_request.pk}/" in body
    for detail in ("Ann", "Smith", "7700", "900123", "XD1", "Millbrook"):
        assert detail not in body
        assert detail not in notice["Subject"]
    assert JoinRequest.objects.get().organisers_told_at is not None


@pytest.mark.parametrize(
    "body, name, town, postcode, branch",
    [
        ("join ann smith, Northtown", "ann smith", "Northtown", "", "Northtown"),
        ("Join: Bo Li northtown", "Bo Li", "Northtown", "", "Northtown"),
        ("JOIN Ann Smith xd1 2ab", "Ann Smith", "Millbrook", "XD1 2AB", "Northtown"),
        ("JOIN Ann Smith XD12AB", "Ann Smith", "Millbrook", "XD12AB", "Northtown"),
        ("JOIN Ann Smith, Millbrook XD1 2AB", "Ann Smith", "Millbrook", "XD1 2AB", "Northtown"),
        (
            "join Cy Ode, 4 High St, Halifax HX1 1AA.",
            "Cy Ode 4 High St",
            "Halifax",
            "HX1 1AA",
            "Eastholme",
        ),
        ("JOIN Di Ray Newton upon Sea", "Di Ray", "Newton upon Sea", "", "Eastholme"),
        ("JOIN Ed Smith Halifax", "Ed Smith", "Halifax", "", "Eastholme"),
    ],
)
def test_the_name_and_the_place_are_read_from_the_text(
    client, places, body, name, town, postcode, branch
):
    response = send(client, body)
    assert response.status_code == 200
    assert reply(response) == f"Thanks {name.split()[0]}, the {branch} branch will be in touch."
    person = Person.objects.get()
    assert (person.name, person.town, person.postcode, person.branch.name) == (
        name,
        town,
        postcode,
        branch,
    )


def test_the_join_word_is_the_papers_own(client, places):
    paper = site_settings(PaperSettings)
    paper.text_to_join_keyword = "Unite"
    paper.save()
    refused = send(client, "JOIN Ann Smith XD1 2AB")
    assert reply(refused) == "Thanks for your text. To join us, text Unite your name and postcode."
    assert stored_nothing()
    accepted = send(client, "UNITE Ann Smith XD1 2AB")
    assert reply(accepted) == "Thanks Ann, the Northtown branch will be in touch."
    assert JoinRequest.objects.get().source == "sms"


# -- What is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "another URL", "tampered text", "another sender", "garbage", "non-ASCII"],
)
def test_a_bad_signature_is_refused_and_nothing_stored(client, settings, places, smtp_server, how):
    settings.CLARION_SMS_WEBHOOK_SECRET = SECRET
    fields = {"From": SENDER, "Body": "JOIN Ann Smith XD1 2AB"}
    signed = dict(fields)
    secret, url = SECRET, URL
    if how == "wrong secret":
        secret = "not-the-secret"
    elif how == "another URL":
        url = "http://testserver/webhooks/sms/?next=1"
    elif how == "tampered text":
        signed["Body"] = "JOIN Someone Else XD1 2AB"
    elif how == "another sender":
        signed["From"] = "+447700900999"
    given = {
        "garbage": "not a signature",
        "non-ASCII": "ünïcödé=",
    }.get(how) or signature(secret, url, signed)
    response = client.post(reverse("membership:sms_webhook"), fields, HTTP_X_TWILIO_SIGNATURE=given)
    assert response.status_code == 403
    assert stored_nothing()
    assert smtp_server.messages == []


def test_a_missing_signature_is_refused_when_a_secret_is_set(client, settings, places):
    settings.CLARION_SMS_WEBHOOK_SECRET = SECRET
    response = send(client, "JOIN Ann Smith XD1 2AB")
    assert response.status_code == 403
    assert stored_nothing()


def test_without_a_secret_texts_are_accepted_unsigned(client, settings, places):
    settings.CLARION_SMS_WEBHOOK_SECRET = ""
    response = send(client, "JOIN Ann Smith XD1 2AB")
    assert response.status_code == 200
    assert JoinRequest.objects.get().person.branch == places["Northtown"]


def test_production_takes_no_unsigned_texts(client, settings, places):
    """Production settings turn text-to-join off until the gateway's secret is set."""
    settings.CLARION_SMS_WEBHOOK_SECRET = ""
    settings.CLARION_SMS_ACCEPT_UNSIGNED = False
    response = send(client, "JOIN Ann Smith XD1 2AB")
    assert response.status_code == 404
    assert "set CLARION_SMS_WEBHOOK_SECRET" in response.content.decode()
    assert stored_nothing()


def test_the_url_is_checked_with_and_without_its_default_port(client, settings, places):
    settings.CLARION_SMS_WEBHOOK_SECRET = SECRET
    response = send(
        client,
        "JOIN Ann Smith XD1 2AB",
        secret=SECRET,
        signed_url="http://testserver:80/webhooks/sms/",
    )
    assert response.status_code == 200
    assert JoinRequest.objects.count() == 1


# Twilio's published example (its libraries' tests): auth token 12345, these fields posted
# to this URL carry this signature.
TWILIO_FIELDS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}


@pytest.mark.parametrize(
    "host, given",
    [
        ("mycompany.com", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("MyCompany.com", "g9IN/x4Cft2g517EjYvEvM/W7LU="),
        ("MyCompany.com:1234", "PCqOZm8cnu/L6+u5i5fuEd+Iac4="),
    ],
)
def test_the_gateways_published_example_signature_is_accepted(rf, settings, host, given):
    settings.CLARION_SMS_WEBHOOK_SECRET = "12345"
    request = rf.post(
        "/myapp.php?foo=1&bar=2",
        TWILIO_FIELDS,
        secure=True,
        headers={"host": host, "x-twilio-signature": given},
    )
    response = sms.text_to_join(request)
    assert response.status_code == 200  # not JOIN: a helpful reply
    assert reply(response).startswith("Thanks for your text. To join us")

    forged = rf.post(
        "/myapp.php?foo=1&bar=2",
        {**TWILIO_FIELDS, "Digits": "9999"},
        secure=True,
        headers={"host": host, "x-twilio-signature": given},
    )
    assert sms.text_to_join(forged).status_code == 403


@pytest.mark.parametrize(
    "body",
    ["Hello, is this the paper?", "", "   ", "JOINED last week", "STOP", "Please join me"],
)
def test_a_text_without_the_join_word_gets_help_and_stores_nothing(client, places, body):
    response = send(client, body)
    assert response.status_code == 200
    assert reply(response) == "Thanks for your text. To join us, text JOIN your name and postcode."
    assert stored_nothing()


@pytest.mark.parametrize("body", ["JOIN", "join ", "JOIN XD1 2AB", "join Northtown", "JOIN, ,"])
def test_a_text_without_a_name_asks_for_one(client, places, body):
    response = send(client, body)
    assert response.status_code == 200
    assert reply(response) == "To join, please text JOIN your name and postcode."
    assert stored_nothing()


@pytest.mark.parametrize(
    "body, name, town",
    [
        ("JOIN Ann Smith ZZ99 9ZZ", "Ann Smith", "ZZ99 9ZZ"),
        ("join ann smith, Atlantis", "ann smith", "Atlantis"),
        ("JOIN Ann Smith", "Ann Smith", ""),
        ("JOIN Ann Newport", "Ann", "Newport"),  # two Newports: which is for staff to ask
    ],
)
def test_a_place_not_found_still_joins_for_the_national_office_to_follow_up(
    client, places, smtp_server, django_capture_on_commit_callbacks, body, name, town
):
    options = site_settings(MembershipSettings)
    options.office_email = "office@party.example"
    options.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, body)
    assert response.status_code == 200
    assert reply(response) == (
        f"Thanks {name.split()[0]}, we have your request to join. We could not tell which "
        "branch is nearest to you, so someone from our national office will be in touch."
    )
    person = Person.objects.get()
    assert (person.name, person.town, person.branch, person.region) == (name, town, None, None)
    assert JoinRequest.objects.get().source == "sms"
    [notice] = smtp_server.to("office@party.example")
    assert "no branch yet" in notice["Subject"]
    assert name.split()[0] not in smtp_server.body(notice)
    assert smtp_server.to(SECRETARY) == []


def test_a_name_is_escaped_in_the_reply(client, places):
    response = send(client, "JOIN <b>& Smith XD1 2AB")
    assert response.status_code == 200
    assert "Thanks &lt;b&gt;&amp;, the Northtown branch" in response.content.decode()
    assert reply(response) == "Thanks <b>&, the Northtown branch will be in touch."
    assert Person.objects.get().name == "<b>& Smith"


def test_texting_join_again_the_same_day_makes_no_second_request(
    client, places, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, "JOIN Ann Smith XD1 2AB")
    with django_capture_on_commit_callbacks(execute=True):
        again = send(client, "join ann smith, Northtown", sender="+44 7700 900 123")
    assert again.status_code == 200
    assert reply(again) == (
        "Thanks, we already have your request to join from this number: someone will be in "
        "touch soon."
    )
    assert (Person.objects.count(), JoinRequest.objects.count()) == (1, 1)
    assert len(smtp_server.to(SECRETARY)) == 1

    # Someone else's number is someone else; and a day later, the same number may ask again.
    assert reply(send(client, "JOIN Bo Li XD1 2AB", sender="+447700900456")).startswith(
        "Thanks Bo,"
    )
    JoinRequest.objects.filter(person__phone=SENDER).update(
        received_at=JoinRequest.objects.get(person__phone=SENDER).received_at - timedelta(days=1)
    )
    assert reply(send(client, "JOIN Ann Smith XD1 2AB")).startswith("Thanks Ann,")
    assert JoinRequest.objects.filter(person__phone=SENDER).count() == 2


# -- Limits ----------------------------------------------------------------------------------


def test_too_many_texts_from_one_number_get_a_polite_reply(client, settings, places):
    settings.CLARION_SMS_WEBHOOK_SECRET = SECRET
    settings.CLARION_FORM_RATE_LIMIT = 3
    for _ in range(3):
        assert reply(send(client, "Hello?", secret=SECRET)).startswith("Thanks for your text.")
    response = send(client, "JOIN Ann Smith XD1 2AB", secret=SECRET)
    assert response.status_code == 200
    assert reply(response) == (
        "Sorry, we have had too many messages from your number in the last hour. Please try "
        "again later."
    )
    assert stored_nothing()
    # Another number is not held up.
    assert reply(
        send(client, "JOIN Bo Li XD1 2AB", sender="+447700900456", secret=SECRET)
    ).startswith("Thanks Bo")


def test_unsigned_texts_are_limited_per_address(client, settings, places):
    settings.CLARION_SMS_WEBHOOK_SECRET = ""
    settings.CLARION_FORM_RATE_LIMIT = 2
    for number in range(2):
        assert send(client, "Hello?", sender=f"+44770090010{number}").status_code == 200
    response = send(client, "JOIN Ann Smith XD1 2AB")
    assert reply(response) == (
        "Sorry, we have had too many messages just now. Please try again later."
    )
    assert stored_nothing()
    elsewhere = send(client, "JOIN Ann Smith XD1 2AB", REMOTE_ADDR="203.0.113.9")
    assert reply(elsewhere).startswith("Thanks Ann")


def test_signed_texts_all_come_from_the_gateway_and_are_limited_per_number_only(
    client, settings, places
):
    settings.CLARION_SMS_WEBHOOK_SECRET = SECRET
    settings.CLARION_FORM_RATE_LIMIT = 2
    for number in range(5):
        response = send(client, f"JOIN Reader{number} XD1 2AB", f"+44770090010{number}", SECRET)
        assert reply(response) == f"Thanks Reader{number}, the Northtown branch will be in touch."
    assert JoinRequest.objects.count() == 5


def test_a_text_too_long_is_refused_with_a_reply(client, places):
    response = send(client, "JOIN Ann Smith XD1 2AB " + "x" * 1600)
    assert response.status_code == 200
    assert reply(response) == (
        "Sorry, that message was too long. To join, text JOIN your name and postcode."
    )
    assert stored_nothing()


def test_a_request_too_large_is_refused(client, places):
    response = client.post(
        reverse("membership:sms_webhook"), {"From": SENDER, "Body": "JOIN Ann " + "y" * 70_000}
    )
    assert response.status_code == 413
    assert reply(response) is None
    assert stored_nothing()


@pytest.mark.parametrize("sender", [None, "", "   ", "Vodafone", "whatever:+4477", "1" * 41])
def test_a_text_without_a_number_to_reply_to_stores_nothing(client, places, sender):
    response = send(client, "JOIN Ann Smith XD1 2AB", sender=sender)
    assert response.status_code == 400
    assert reply(response) is None
    assert stored_nothing()


def test_only_post_is_allowed(client):
    response = client.get(reverse("membership:sms_webhook"))
    assert response.status_code == 405
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "\x00",
        "JOIN \x00Ann\x00 Smith XD1 2AB",
        "JOIN \x01\x02\x1b[31m Ann",
        "JOIN \ufffe\uffff Ann",
        "JOIN 😀 😀😀 XD1 2AB",
        "JOIN ,,, ;;; ...",
        "JOIN - - - XD1",
        "JOIN ]]> <![CDATA[ x ]]> &amp; XD1 2AB",
        "JOIN " + "Northtown " * 150,
        "JOIN Ann " + "Ş" * 300 + " " + "9" * 30,
        "JOIN Ann Smith " + "ZZ9 " * 100,
        "join\tAnn\nSmith\r\nXD1 2AB",
        "JOIN Ann ß" * 80,
        "JOIN " + "a" * 1595,
        "JOIN Ann %s %(x)s {name} XD1 2AB",
    ],
)
def test_any_text_gets_a_well_formed_reply(client, places, body):
    response = send(client, body)
    assert response.status_code == 200
    assert reply(response)
    assert JoinRequest.objects.count() <= 1
