"""Two-factor login: every account that can see members' personal data confirms its
sign-in with a code from an authenticator app before the admin opens; others may opt in."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clarion.organising.tests.factories import BranchFactory

from .factories import staff_user
from .two_factor import (
    code_for,
    code_from_key,
    complete_set_up,
    confirmed_device,
    secret_on_page,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db

SET_UP = "/admin/two-factor/set-up/"
VERIFY = "/admin/two-factor/verify/"
PASSWORD = "not-a-real-password-1"  # the factory's


@pytest.fixture
def editor():
    return staff_user("editor", "Editors")


@pytest.fixture
def secretary():
    return staff_user("secretary", "Branch secretaries", "branch", branch=BranchFactory())


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "chief", "chief@example.org", "a long pass phrase for the chief"
    )


def errors(response):
    """The messages at the top of a two-factor page (wrong code, slow down…)."""
    html = response.content.decode()
    found = re.findall(r'<li class="error">(.*?)</li>', html, re.S)
    return " ".join(" ".join(found).split())


def test_an_editor_without_personal_data_reaches_the_admin_without_a_second_step(client, editor):
    client.force_login(editor)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200


@pytest.mark.parametrize("who", ["secretary", "superuser"])
def test_accounts_with_personal_data_are_sent_to_set_up_an_app(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get("/admin/pages/?ordering=title")

    assert response.status_code == 302
    assert response["Location"] == f"{SET_UP}?next=%2Fadmin%2Fpages%2F%3Fordering%3Dtitle"
    # everything in the admin waits, not just its home page
    for url in ("/admin/", "/admin/api/main/pages/", "/admin/account/"):
        assert client.get(url)["Location"].startswith(SET_UP), url


def test_setting_up_shows_a_qr_code_and_the_key_and_a_right_code_gets_in(client, secretary):
    client.force_login(secretary)
    page = client.get(f"{SET_UP}?next=/admin/account/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "QR code for the authenticator app" in html
    # nothing is fetched from another host (the QR code is drawn in the page)
    assert not re.search(r'src="(https?:)?//', html)
    assert not re.search(r'<link[^>]*href="(https?:)?//', html)
    device = TOTPDevice.objects.get(user=secretary)
    assert not device.confirmed
    key = secret_on_page(html)
    assert key == device.bin_key
    assert 'name="next" value="/admin/account/"' in html
    # reloading the page keeps the key already scanned
    assert secret_on_page(client.get(SET_UP).content.decode()) == key

    response = client.post(SET_UP, {"otp_token": code_from_key(key), "next": "/admin/account/"})

    assert response.status_code == 302 and response["Location"] == "/admin/account/"
    device.refresh_from_db()
    assert device.confirmed
    landed = client.get("/admin/account/")
    assert landed.status_code == 200
    assert "Two-factor login is set up" in landed.content.decode()


def test_a_wrong_code_at_set_up_is_refused_and_sets_nothing_up(client, superuser):
    client.force_login(superuser)
    html = client.get(SET_UP).content.decode()
    right = code_from_key(secret_on_page(html))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(SET_UP, {"otp_token": wrong})

    assert response.status_code == 200
    assert "That code is not right" in errors(response)
    assert not TOTPDevice.objects.filter(user=superuser, confirmed=True).exists()
    assert client.get("/admin/")["Location"].startswith(SET_UP)
    # not a code at all: said so, and not counted as a try
    response = client.post(SET_UP, {"otp_token": "12ab"})
    assert "6-digit code" in errors(response)


def test_signing_in_with_the_password_then_the_app_goes_back_to_the_page_asked_for(
    client, secretary
):
    device = confirmed_device(secretary)

    response = client.get("/admin/account/")
    assert response["Location"].startswith("/admin/login/")
    response = client.post(
        "/admin/login/",
        {"username": "secretary", "password": PASSWORD, "next": "/admin/account/"},
        follow=True,
    )
    # the password alone opens nothing: the app's code is asked for
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fadmin%2Faccount%2F"
    assert "Type the code from your authenticator app" in response.content.decode()
    assert client.get("/admin/account/")["Location"].startswith(VERIFY)

    response = client.post(VERIFY, {"otp_token": code_for(device), "next": "/admin/account/"})

    assert response.status_code == 302 and response["Location"] == "/admin/account/"
    assert client.get("/admin/account/").status_code == 200


def test_a_wrong_code_is_refused_and_django_otp_slows_the_next_tries(client, superuser):
    device = confirmed_device(superuser)
    client.force_login(superuser)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"otp_token": wrong})

    assert response.status_code == 200
    assert "That code is not right" in errors(response)
    # even the right code waits a little after a wrong one (1, 2, 4… seconds)
    response = client.post(VERIFY, {"otp_token": code_for(device)})
    assert "Verification temporarily disabled because of 1 failed attempt" in errors(response)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    # the wait over, the right code gets in
    a_while_ago = timezone.now() - datetime.timedelta(seconds=5)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=a_while_ago)
    response = client.post(VERIFY, {"otp_token": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_works_only_once(client, superuser):
    device = confirmed_device(superuser)
    code = code_for(device)
    client.force_login(superuser)
    assert client.post(VERIFY, {"otp_token": code}).status_code == 302

    client.logout()
    client.force_login(superuser)
    response = client.post(VERIFY, {"otp_token": code})

    assert response.status_code == 200 and "That code is not right" in errors(response)


def test_with_an_app_set_up_the_password_alone_cannot_set_up_another(client, secretary):
    confirmed_device(secretary)
    client.force_login(secretary)

    response = client.get(SET_UP)

    assert response["Location"].startswith(VERIFY)
    assert client.post(SET_UP, {"otp_token": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=secretary).count() == 1


def test_a_signed_in_account_may_move_to_a_new_app(client, secretary):
    old = confirmed_device(secretary)
    sign_in_verified(client, secretary)

    page = client.get(SET_UP)
    assert "replaces the app you use now" in page.content.decode()
    response = complete_set_up(client)

    assert response.status_code == 302
    new = TOTPDevice.objects.get(user=secretary)
    assert new.pk != old.pk and new.confirmed
    assert client.get("/admin/").status_code == 200


def test_an_editor_may_opt_in_and_then_is_asked_for_the_code(client, editor):
    client.force_login(editor)
    account = client.get("/admin/account/").content.decode()
    assert "Set up two-factor login" in account and SET_UP in account

    assert complete_set_up(client).status_code == 302
    client.logout()
    client.force_login(editor)

    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_pages_open_before_the_second_step(client, superuser):
    client.force_login(superuser)

    assert client.get("/admin/jsi18n/").status_code == 200
    assert client.get("/admin/sprite/").status_code == 200
    assert client.get(SET_UP).status_code == 200
    # the public site is not the admin's business
    assert client.get("/").status_code == 200
    # signing out works without the code
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_next_may_only_be_an_address_on_this_site(client, superuser):
    device = confirmed_device(superuser)
    client.force_login(superuser)

    response = client.post(
        VERIFY, {"otp_token": code_for(device), "next": "https://elsewhere.example/"}
    )

    assert response["Location"] == "/admin/"


def test_verify_without_an_app_sends_to_set_up(client, superuser):
    client.force_login(superuser)

    assert client.get(f"{VERIFY}?next=/admin/pages/")["Location"] == (
        f"{SET_UP}?next=%2Fadmin%2Fpages%2F"
    )


@override_settings(CLARION_TWO_FACTOR=False)
def test_turned_off_for_a_trial_nothing_is_asked(client, superuser, secretary):
    for user in (superuser, secretary):
        client.force_login(user)
        assert client.get("/admin/").status_code == 200
        client.logout()


def test_the_helper_signs_in_with_both_steps(client, superuser):
    sign_in_verified(client, superuser)
    assert client.get("/admin/").status_code == 200
    # and again, the same user in the same 30 seconds
    other = client.__class__()
    sign_in_verified(other, superuser)
    assert other.get("/admin/").status_code == 200


def test_set_up_needs_a_signed_in_admin_account(client):
    response = client.get(SET_UP)

    assert response["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.exists()
