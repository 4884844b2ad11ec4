"""Helpers shared by the page tests: the paper's clock, reading HTML, counting queries."""

import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from clarion.core.content_version import clear_caches

LONDON = ZoneInfo("Europe/London")


def at(*args):
    """An aware datetime on the paper's clock (Europe/London)."""
    return datetime.datetime(*args, tzinfo=LONDON)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text().split())


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def measure(client, url, django_assert_max_num_queries, budget):
    """Queries for one view of `url` with a cold cache (after a first view made any image
    renditions); fails when over `budget`."""
    get_ok(client, url)
    clear_caches()
    with django_assert_max_num_queries(budget) as captured:
        response = get_ok(client, url)
    return len(captured), response
