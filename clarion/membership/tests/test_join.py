"""Joining through the form, as a reader does it: a join request for the nearest branch,
the consent kept with its words, a confirmation email (double opt-in) and, once confirmed,
an email to the branch's organisers — through a real SMTP server."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clarion.membership.models import (
    Consent,
    ConsentWording,
    JoinRequest,
    MembershipGoal,
    MembershipSettings,
    Person,
)
from clarion.membership.tests.factories import JoinRequestFactory
from clarion.newsroom.tests.helpers import soup, text
from clarion.organising.tests.factories import (
    RegionFactory,
)

pytestmark = pytest.mark.django_db

JOIN_PAGE_QUERIES = 20  # cold: the first request also creates both settings rows


def join_data(**changes):
    data = {
        "name": "Ada Quill",
        "email": "ada@example.org",
        "phone": "",
        "where": "XD1 2AB",
        "interests": ["Selling the paper"],
        "message": "Happy to help on Saturdays",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_join(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/join/", join_data(**changes))


def test_join_page_shows_the_form_with_the_consent_words(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(JOIN_PAGE_QUERIES):
        response = client.get("/join/")
    assert response.status_code == 200
    page = soup(response)
    wording = MembershipSettings.objects.get().join_consent
    assert text(page.select_one("label[for=id_consent]")) == wording
    assert page.select_one("input[name=csrfmiddlewaretoken]")
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_joining_assigns_the_nearest_branch_and_keeps_the_consent(
    client, places, smtp_server, django_capture_on_commit_callbacks
):
    response = post_join(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Northtown" in text(soup(thanks).select_one("main"))
    assert "Ada Quill" not in thanks.content.decode()

    person = Person.objects.get()
    assert (person.name, person.email, person.branch, person.region.name) == (
        "Ada Quill",
        "ada@example.org",
        places["Northtown"],
        "North",
    )
    request = JoinRequest.objects.get()
    assert request.status == "new" and request.source == "web"
    assert request.interests == "Selling the paper"
    consent = Consent.objects.get()
    assert consent.person == person
    assert consent.wording.text == MembershipSettings.objects.get().join_consent
    assert consent.wording.version == 1

    # The person is asked to confirm their address; organisers wait for that.
    [confirmation] = smtp_server.to("ada@example.org")
    assert smtp_server.to("secretary@northtown.example") == []
    link = re.search(r"http://\S+/join/confirm/\S+/", smtp_server.body(confirmation)).group(0)
    path = link.split("testserver", 1)[1]
    page = client.get(path)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200
    assert Person.objects.get().email_confirmed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path)
    assert "confirmed" in text(soup(confirmed).select_one("main"))
    assert Person.objects.get().email_confirmed_at is not None

    [notice] = smtp_server.to("secretary@northtown.example")
    body = smtp_server.body(notice)
    assert "Northtown" in notice["Subject"]
    assert f"/admin/membership/join-requests/edit/{request.pk}/" in body
    for detail in ("Ada", "Quill", "ada@example.org", "XD1 2AB", "Saturdays"):
        assert detail not in body  # a seized mailbox gives away no one

    # Confirming twice tells the organisers once.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    assert len(smtp_server.to("secretary@northtown.example")) == 1


def test_mail_held_back_by_the_mail_server_goes_later_and_names_no_one(
    client, places, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refusing = True
    with django_capture_on_commit_callbacks() as callbacks:
        post_join(client, django_capture_on_commit_callbacks)
    request = JoinRequest.objects.get()
    assert smtp_server.messages == [] and request.confirmation_sent_at is None
    # the failed task's record (kept by the task queue) holds no address
    [enqueued] = callbacks
    result = enqueued()  # the confirmation task, run now as the worker would
    assert result.status == "FAILED"
    failure = " ".join(error.traceback for error in result.errors)
    assert "MailNotSent" in failure and f"join request {request.pk}" in failure
    assert "ada@example.org" not in failure

    smtp_server.refusing = False
    call_command("send_join_mail", stdout=io.StringIO())  # too soon: it may still be queued
    assert smtp_server.messages == []
    JoinRequest.objects.update(received_at=timezone.now() - timedelta(minutes=20))
    out = io.StringIO()
    call_command("send_join_mail", stdout=out)
    assert "Queued 1 confirmation(s) and 0 organisers' notice(s)" in out.getvalue()
    assert len(smtp_server.to("ada@example.org")) == 1
    call_command("send_join_mail", stdout=io.StringIO())  # sent: never twice
    assert len(smtp_server.to("ada@example.org")) == 1

    # confirmed while the organisers' mail server is down: their notice goes later too
    smtp_server.refusing = True
    Person.objects.update(email_confirmed_at=timezone.now())
    call_command("send_join_mail", stdout=io.StringIO())
    assert JoinRequest.objects.get().organisers_told_at is None
    smtp_server.refusing = False
    call_command("send_join_mail", stdout=io.StringIO())  # the next try waits longer
    assert smtp_server.to("secretary@northtown.example") == []
    JoinRequest.objects.update(received_at=timezone.now() - timedelta(hours=2))
    call_command("send_join_mail", stdout=io.StringIO())
    assert len(smtp_server.to("secretary@northtown.example")) == 1
    assert JoinRequest.objects.get().organisers_told_at is not None


def test_mail_is_not_tried_again_for_ever(client, places, smtp_server):
    smtp_server.refusing = True
    JoinRequestFactory(person__email="gone@example.org", person__branch=places["Northtown"])
    # cron's runs when each next try falls due: 10 minutes after the request, then 20, 40…
    for minutes in (10, 20, 40, 80, 160, 320, 640, 1280, 1800, 2400):
        JoinRequest.objects.update(received_at=timezone.now() - timedelta(minutes=minutes + 1))
        call_command("send_join_mail", stdout=io.StringIO())
    assert JoinRequest.objects.get().mail_retries == 8  # the last about a day after joining
    out = io.StringIO()
    call_command("send_join_mail", stdout=out)
    assert "Queued 0 confirmation(s)" in out.getvalue()


def test_phone_only_join_tells_the_organisers_at_once(
    client, places, smtp_server, django_capture_on_commit_callbacks
):
    response = post_join(client, django_capture_on_commit_callbacks, email="", phone="07700 900123")
    assert response.status_code == 302
    assert len(smtp_server.to("secretary@northtown.example")) == 1
    assert JoinRequest.objects.get().organisers_told_at is not None


def test_a_changed_wording_is_a_new_version_and_old_consents_keep_theirs(
    client, places, django_capture_on_commit_callbacks
):
    post_join(client, django_capture_on_commit_callbacks)
    options = MembershipSettings.objects.get()
    options.join_consent = "New words about what we keep."
    options.save()
    post_join(client, django_capture_on_commit_callbacks, email="second@example.org")
    first, second = Consent.objects.order_by("given_at", "pk")
    assert (first.wording.version, second.wording.version) == (1, 2)
    assert second.wording.text == "New words about what we keep."
    assert ConsentWording.objects.get(version=1).text != "New words about what we keep."


def test_a_town_shared_by_two_places_asks_which(client, places, django_capture_on_commit_callbacks):
    response = post_join(client, django_capture_on_commit_callbacks, where="newport")
    assert response.status_code == 400
    page = soup(response)
    options = [text(label) for label in page.select("#id_place label")]
    assert options == ["Newport, Shropshire (TF1 1AA)", "Newport, Wales (NP1 1AA)"]
    assert page.select_one("input[name=name]")["value"] == "Ada Quill"
    assert Person.objects.count() == 0

    chosen = page.select("#id_place input")[0]["value"]
    response = post_join(client, django_capture_on_commit_callbacks, where="newport", place=chosen)
    assert response.status_code == 302
    assert Person.objects.get().town == "Newport"


def test_an_unknown_place_still_joins_for_national_staff_to_follow_up(
    client, places, django_capture_on_commit_callbacks
):
    response = post_join(client, django_capture_on_commit_callbacks, where="Nowhereville")
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.branch is None and person.town == "Nowhereville"
    thanks = text(soup(client.get(response["Location"])).select_one("main"))
    assert "find the branch nearest you" in thanks


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "This field is required"),
        ({"email": "", "phone": ""}, "email", "Give an email address or a phone number"),
        ({"email": "not an address"}, "email", "valid email"),
        ({"phone": "call me maybe"}, "phone", "does not look like a phone number"),
        ({"consent": None}, "consent", "tick the box"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"interests": ["Flying"]}, "interests", "not one of the available choices"),
    ],
)
def test_bad_input_says_what_to_change_and_keeps_what_was_typed(
    client, places, changes, field, message, django_capture_on_commit_callbacks
):
    response = post_join(client, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 400
    page = soup(response)
    assert message in text(page.select_one(f"#id_{field}_error"))
    assert page.select_one("input[name=where]")["value"] == "XD1 2AB"
    assert "Saturdays" in text(page.select_one("textarea[name=message]"))
    assert Person.objects.count() == JoinRequest.objects.count() == Consent.objects.count() == 0


def test_a_nul_in_the_place_is_refused_on_the_form(
    client, places, django_capture_on_commit_callbacks
):
    response = post_join(client, django_capture_on_commit_callbacks, where="XD1\x00 2AB")
    assert response.status_code == 400
    assert "Null characters are not allowed" in text(soup(response).select_one("#id_where_error"))
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "where, kept",
    [
        ("XD1 2AB Flat 12, The Long Street Name, Millbrook", "XD1 2AB"),
        ("XD1 2AB, Flat 12", "XD1 2AB"),
        ("XD12AB Flat 12", "XD12AB"),
        ("xd1 2ab", "xd1 2ab"),
    ],
)
def test_a_postcode_with_an_address_after_it_still_joins(
    client, places, where, kept, django_capture_on_commit_callbacks
):
    response = post_join(client, django_capture_on_commit_callbacks, where=where)
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.postcode, person.town, person.branch) == (kept, "Millbrook", places["Northtown"])


def test_a_place_chosen_on_an_earlier_page_is_ignored_when_the_name_has_changed(
    client, places, django_capture_on_commit_callbacks
):
    response = post_join(client, django_capture_on_commit_callbacks, place="999999")
    assert response.status_code == 302
    assert Person.objects.get().branch == places["Northtown"]


def test_a_filled_in_honeypot_stores_nothing(client, places, django_capture_on_commit_callbacks):
    response = post_join(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 400
    assert "looked as if a program had filled it in" in text(
        soup(response).select_one(".form-errors")
    )
    assert soup(response).select_one("input[name=website]").get("value") in (None, "")
    assert Person.objects.count() == 0


def test_an_oversized_submission_stores_nothing(client, places, settings):
    response = client.post("/join/", join_data(message="x" * (settings.CLARION_FORM_MAX_BYTES + 1)))
    assert response.status_code == 413
    assert "too much to send" in text(soup(response).select_one(".form-errors"))
    assert Person.objects.count() == 0


def test_a_malformed_body_gets_a_message_not_an_error(client, places):
    response = client.post(
        "/join/", b"\xff\xfe%%%=&&name", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert Person.objects.count() == 0


def test_too_many_submissions_from_one_address_are_refused(
    client, places, settings, django_capture_on_commit_callbacks
):
    settings.CLARION_FORM_RATE_LIMIT = 2
    for number in range(2):
        assert (
            post_join(
                client, django_capture_on_commit_callbacks, email=f"p{number}@example.org"
            ).status_code
            == 302
        )
    response = post_join(client, django_capture_on_commit_callbacks, email="p3@example.org")
    assert response.status_code == 429
    assert "Too many forms" in text(soup(response).select_one(".form-errors"))
    assert soup(response).select_one("input[name=name]")["value"] == "Ada Quill"
    assert Person.objects.count() == 2


def test_without_a_csrf_token_nothing_is_stored(places):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/join/", join_data())
    assert response.status_code == 403
    assert Person.objects.count() == 0


def test_the_drive_shows_counts_against_goals_and_never_names(client, places):
    north = places["Northtown"].region
    RegionFactory(name="South")
    MembershipGoal.objects.create(target=40000)
    MembershipGoal.objects.create(region=north, target=2)
    for number in range(3):
        Person.objects.create(
            name=f"Member Number{number}",
            email=f"m{number}@example.org",
            branch=places["Northtown"],
            member_since="2026-01-01",
        )
    Person.objects.create(name="Not Yet", email="n@example.org", branch=places["Northtown"])
    page = soup(client.get("/join/"))
    drive = text(page.select_one(".drive"))
    assert "3 of 40,000 members" in drive
    rows = [[text(cell) for cell in row.select("th, td")] for row in page.select(".drive tbody tr")]
    assert rows == [["North", "3", "2 ✓"]]
    assert "1 of 1 regions have reached their minimum" in drive
    assert "Number" not in drive and "Not Yet" not in drive
