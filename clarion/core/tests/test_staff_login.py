"""Staff sign-in: failed attempts are limited per account and per address, passwords are
stored with Argon2, and production sends its sessions and pages with the secure settings
and headers on."""

import html
import os
import runpy
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from clarion.settings import base

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a long pass phrase for the chief"
TOO_MANY = (
    "Too many failed sign-ins for this account or from this address: try again in 15 minutes."
)


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_user(
        "chief", "chief@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(client, username, password, address="192.0.2.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(response):
    return response.status_code == 302


def message(response):
    return html.unescape(response.content.decode())


def limit():
    return settings.CLARION_LOGIN_ATTEMPTS


def test_the_right_password_signs_in_and_a_wrong_one_does_not(client, chief):
    wrong = sign_in(client, "chief", "not the password")
    assert wrong.status_code == 200 and "didn't match" in message(wrong)
    assert signed_in(sign_in(client, "chief", PASSWORD))


def test_too_many_failures_for_an_account_refuse_even_the_right_password(client, chief):
    for n in range(limit()):  # each try from a different address
        response = sign_in(client, "chief", f"guess {n}", address=f"198.51.100.{n}")
        assert TOO_MANY not in message(response)

    response = sign_in(client, "chief", PASSWORD, address="203.0.113.9")

    assert not signed_in(response)
    assert TOO_MANY in message(response)
    assert "_auth_user_id" not in client.session
    # the name as typed in other ways is the same account
    assert TOO_MANY in message(sign_in(client, " CHIEF", PASSWORD, address="203.0.113.10"))


def test_too_many_failures_from_an_address_refuse_every_account_from_it(
    client, chief, django_user_model
):
    django_user_model.objects.create_user("deputy", password="the deputy's pass phrase")
    for n in range(limit()):  # a different account each time, from one address
        sign_in(client, f"guessed-name-{n}", "password123", address="192.0.2.66")

    refused = sign_in(client, "chief", PASSWORD, address="192.0.2.66")

    assert not signed_in(refused) and TOO_MANY in message(refused)
    # the account itself is not locked: from elsewhere it signs in
    assert signed_in(sign_in(client, "chief", PASSWORD, address="192.0.2.77"))


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, chief):
    for n in range(limit() - 1):
        sign_in(client, "chief", f"guess {n}")
    assert signed_in(sign_in(client, "chief", PASSWORD))


def test_a_successful_sign_in_clears_the_accounts_count(client, chief):
    def fail_almost_to_the_limit(first_address):
        for n in range(limit() - 1):
            sign_in(client, "chief", "wrong", address=f"198.51.100.{first_address + n}")

    fail_almost_to_the_limit(0)
    assert signed_in(sign_in(client, "chief", PASSWORD, address="203.0.113.1"))
    client.logout()
    fail_almost_to_the_limit(50)  # would be over the limit had the count been kept

    assert signed_in(sign_in(client, "chief", PASSWORD, address="203.0.113.2"))


@override_settings(CLARION_LOGIN_ATTEMPTS=2, CLARION_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_behind_a_proxy_the_address_comes_from_its_header(client, chief):
    for n in range(2):
        client.post(
            LOGIN,
            {"username": f"nobody-{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP="192.0.2.200",
        )
    refused = client.post(
        LOGIN,
        {"username": "chief", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="192.0.2.200",
    )
    assert TOO_MANY in message(refused)
    # the proxy's own address is not what is counted
    allowed = client.post(
        LOGIN,
        {"username": "chief", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="192.0.2.201",
    )
    assert signed_in(allowed)


@override_settings(CLARION_LOGIN_ATTEMPTS=2, CLARION_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_an_address_a_client_makes_up_is_not_a_fresh_start(client, chief):
    """X-Forwarded-For's first entries are whatever the client sent; the proxy's own entry,
    the last, is the one counted."""
    for n in range(2):
        client.post(
            LOGIN,
            {"username": "chief", "password": f"guess {n}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 192.0.2.77",
        )
    made_up = client.post(
        LOGIN,
        {"username": "someone-else", "password": "x"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99, 192.0.2.77",
    )
    assert TOO_MANY in message(made_up)


@override_settings(CLARION_LOGIN_ATTEMPTS=2, CLARION_CLIENT_IP_HEADER=None)
def test_a_header_that_is_not_named_is_not_trusted(client, chief):
    """Without CLARION_CLIENT_IP_HEADER the address is REMOTE_ADDR, whatever X-Real-IP a
    client sends (a proxy may pass on the client's own)."""
    for n in range(3):
        client.post(
            LOGIN,
            {"username": f"nobody-{n}", "password": "x"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_REAL_IP=f"192.0.2.{n}",
        )
    refused = client.post(
        LOGIN,
        {"username": "chief", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_REAL_IP="192.0.2.99",
    )
    assert TOO_MANY in message(refused)


@override_settings(CLARION_LOGIN_ATTEMPTS=2)
def test_signing_in_often_from_one_office_is_not_limited(client, chief):
    for _ in range(4):
        assert signed_in(sign_in(client, "chief", PASSWORD, address="192.0.2.50"))
        client.logout()


@override_settings(CLARION_LOGIN_ATTEMPTS=2)
def test_tries_refused_for_one_account_do_not_use_up_the_address(client, chief, django_user_model):
    """Someone elsewhere locks the chief's account; the chief's refused tries from the
    office must not then lock out a colleague at the same address."""
    django_user_model.objects.create_user("deputy", password=PASSWORD, is_staff=True)
    for n in range(2):
        sign_in(client, "chief", f"guess {n}", address=f"198.51.100.{n}")
    for _ in range(2):
        assert TOO_MANY in message(sign_in(client, "chief", PASSWORD, address="192.0.2.50"))
    assert signed_in(sign_in(client, "deputy", PASSWORD, address="192.0.2.50"))


# Passwords ------------------------------------------------------------------------------------


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_new_passwords_are_stored_with_argon2(django_user_model):
    # (the test settings use a fast hasher; every real environment uses base.py's list)
    user = django_user_model.objects.create_user("writer", password="a new pass phrase")

    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a new pass phrase")


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_an_older_hash_is_stored_again_as_argon2_at_sign_in(client, django_user_model):
    user = django_user_model.objects.create(username="old-timer", is_staff=True)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()

    assert signed_in(sign_in(client, "old-timer", PASSWORD))

    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# Production settings -------------------------------------------------------------------------


def production_environment(**extra):
    names = ("DATABASE_URL", "DEBUG", "REDIS_URL", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT")
    env = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("CLARION")}
    env.update(
        DJANGO_SETTINGS_MODULE="clarion.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="paper.example",
        PYTHONWARNINGS="ignore",
        **extra,
    )
    return env


def run_production(*args, tmp_path, **extra):
    return subprocess.run(
        [sys.executable, "-m", "clarion.cli", *args],
        env=production_environment(CLARION_VAR_DIR=str(tmp_path), **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deployment_check_finds_nothing_to_warn_about(tmp_path):
    result = run_production("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_run_without_two_factor_login(tmp_path):
    result = run_production("check", tmp_path=tmp_path, CLARION_TWO_FACTOR="off")

    assert result.returncode != 0
    assert "CLARION_TWO_FACTOR=off is only for trying the demo" in result.stderr


@pytest.fixture
def production_security(monkeypatch):
    """The security settings exactly as production.py makes them."""
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_PRELOAD", "DEBUG", "CLARION_TWO_FACTOR"):
        monkeypatch.delenv(name, raising=False)
    # base.py is read afresh under this environment; the test settings' copy is put back.
    import clarion.settings

    monkeypatch.delitem(sys.modules, "clarion.settings.base")
    monkeypatch.setattr(clarion.settings, "base", base)
    production = runpy.run_module("clarion.settings.production")
    prefixes = ("SECURE_", "SESSION_", "CSRF_COOKIE_", "LANGUAGE_COOKIE_", "CLARION_CSP")
    chosen = {
        name: value
        for name, value in production.items()
        if name.startswith(prefixes) or name in ("X_FRAME_OPTIONS", "CLARION_ADMIN_CSP")
    }
    assert chosen["SECURE_HSTS_SECONDS"] >= 31536000
    assert chosen["SESSION_COOKIE_SECURE"] and chosen["CSRF_COOKIE_SECURE"]
    assert production["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert production["CLARION_SMS_ACCEPT_UNSIGNED"] is False  # texts must be signed
    assert production["WAGTAILADMIN_USER_LOGIN_FORM"] == (
        "clarion.core.staff_login.ThrottledLoginForm"
    )
    with override_settings(**chosen):
        yield chosen


def test_production_pages_carry_the_secure_headers(production_security, chief):
    client = Client()  # made under the settings: the middleware reads them when it starts

    plain = client.get("/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/"

    for url in ("/", LOGIN):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"

    response = client.post(LOGIN, {"username": "chief", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
