"""Staff sign-in: a limit on failed attempts, per account and per address.

After CLARION_LOGIN_ATTEMPTS failed sign-ins to one account, or from one address, within 15
minutes, the admin's sign-in form refuses further tries, even with the right password,
until the 15 minutes are over, so a password cannot be guessed by trying many. A successful
sign-in clears its account's count (the address's failures stay: one address trying many
accounts is still limited). Counted in the cache (clarion.core.ratelimit), shared across
processes when the cache is Redis. Used as Wagtail's login form
(WAGTAILADMIN_USER_LOGIN_FORM)."""

import logging

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.auth import LoginForm

from .ratelimit import attempt, client_address, forget, give_back

WINDOW = 15 * 60
ACCOUNT, ADDRESS = "login-account", "login-address"

logger = logging.getLogger(__name__)


def account_key(username):
    """The same count however the name is typed (Admin, admin, ' admin')."""
    return username.strip().casefold()


class ThrottledLoginForm(LoginForm):
    error_messages = {
        **LoginForm.error_messages,
        "too_many_attempts": gettext_lazy(
            "Too many failed sign-ins for this account or from this address: "
            "try again in 15 minutes."
        ),
    }

    def counted(self):
        """(scope, subject) of each count this attempt goes into."""
        username = self.cleaned_data.get("username") or ""
        subjects = [(ACCOUNT, account_key(username))]
        address = client_address(self.request) if self.request is not None else ""
        if address:
            subjects.append((ADDRESS, address))
        return subjects

    def clean(self):
        if not (self.cleaned_data.get("username") and self.cleaned_data.get("password")):
            return super().clean()  # a field is missing: its own error says so
        limit = settings.CLARION_LOGIN_ATTEMPTS
        subjects = self.counted()
        # Counted before the password is checked, in one atomic step per count, so many
        # tries sent at once cannot all get past the limit; refused before the check, so a
        # right guess over the limit tells nothing.
        allowed = [attempt(scope, subject, limit, WINDOW) for scope, subject in subjects]
        if not all(allowed):
            # A refused try is not a failed one: the counts it was still under get it back.
            for (scope, subject), under in zip(subjects, allowed, strict=True):
                if under:
                    give_back(scope, subject, WINDOW)
            logger.warning("Staff sign-in refused after %d failed attempts", limit)
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        cleaned_data = super().clean()  # a wrong password raises, and its tries stay counted
        forget(*subjects[0], WINDOW)
        for scope, subject in subjects[1:]:
            give_back(scope, subject, WINDOW)  # a success does not count against the address
        return cleaned_data
