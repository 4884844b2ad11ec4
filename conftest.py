"""Shared fixtures. The site tree (home, /news/, /editions/) comes from the migrations."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    from clarion.home.models import HomePage

    return HomePage.objects.get()
