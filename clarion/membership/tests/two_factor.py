"""Signing staff into the admin in tests the way they really sign in: a password session,
then a code from an authenticator app through the two-factor page. The root conftest's
`admin_client` fixture signs in this way."""

import re
from base64 import b32decode

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device, steps_ahead=0):
    """The code an authenticator app with this device's key shows now (or `steps_ahead`
    30-second steps later)."""
    return code_from_key(device.bin_key, device.step, device.drift + steps_ahead)


def code_from_key(key, step=30, drift=0):
    return f"{totp(key, step=step, drift=drift):06d}"


def confirmed_device(user):
    """The user's authenticator app, fresh: no code used yet, no failed tries."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return device


def sign_in_verified(client, user):
    """`client` signed in as `user` with both steps: their (confirmed) app's current code
    typed into the two-factor page. Returns the client."""
    device = confirmed_device(user)
    client.force_login(user)
    response = client.post(reverse("clarion_two_factor_verify"), {"otp_token": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def secret_on_page(html):
    """The app key as the set-up page shows it for typing, as bytes."""
    match = re.search(r'class="two-factor__secret"[^>]*>([A-Z2-7 ]+)<', html)
    assert match, "the set-up page shows the key as text"
    return b32decode(match.group(1).replace(" ", ""))


def complete_set_up(client):
    """The set-up page as a person uses it: read the key, type the app's code. Returns the
    response to the code."""
    page = client.get(reverse("clarion_two_factor_set_up"))
    assert page.status_code == 200
    key = secret_on_page(page.content.decode())
    return client.post(reverse("clarion_two_factor_set_up"), {"otp_token": code_from_key(key)})
