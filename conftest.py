"""Shared fixtures. The site tree (home, /news/, /editions/) comes from the migrations."""

import pytest

from clarion.core.content_version import clear_caches


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with empty caches and reads the content version afresh."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def home(db):
    from clarion.home.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser signed in as staff really sign in: a password, then a code from their
    authenticator app (two-factor login is required of anyone who sees personal data)."""
    from clarion.membership.tests.two_factor import sign_in_verified

    return sign_in_verified(client, admin_user)
