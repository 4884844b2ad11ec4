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
