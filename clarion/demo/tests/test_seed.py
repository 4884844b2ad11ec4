"""The generated paper must be a valid Wagtail tree that renders, and seeding must resume."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from wagtail.models import Page

from clarion.editions.models import EditionPage, EditionSection
from clarion.membership.models import JoinRequest, Person
from clarion.membership.tests.two_factor import complete_set_up
from clarion.newsroom.models import Article, ArticleAuthor, Topic
from clarion.organising.gazetteer import find_places
from clarion.organising.models import Branch, Event, Organiser, Region

pytestmark = pytest.mark.django_db


def seed(**sizes):
    out = io.StringIO()
    call_command("seed", no_progress=True, stdout=out, **sizes)
    return out.getvalue()


def test_seeded_tree_is_valid_and_pages_render(client):
    seed(articles=120, editions=6, topics=30, authors=5, images=2)

    assert Article.objects.live().count() == 120
    assert EditionPage.objects.live().count() == 6
    assert EditionSection.objects.filter(edition__isnull=False).count() >= 6 * 6
    # treebeard's own consistency check: paths, depths and child counts agree
    assert Page.find_problems() == ([], [], [], [], [])
    news = Page.objects.get(slug="news")
    assert news.numchild == 120
    assert news.get_children().count() == 120

    article = Article.objects.live().filter(edition__isnull=False).newest().first()
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert client.get(article.edition.url).status_code == 200
    assert client.get("/").status_code == 200
    topic = Topic.objects.filter(article_links__isnull=False).first()
    assert client.get(topic.get_absolute_url()).status_code == 200


def test_seed_resumes_and_creates_nothing_twice():
    seed(articles=50, editions=3, topics=20, authors=4, images=1)
    first_ids = set(Article.objects.values_list("pk", flat=True))
    credits = ArticleAuthor.objects.count()

    seed(articles=50, editions=3, topics=20, authors=4, images=1)  # same totals: nothing to do
    assert Article.objects.count() == 50
    assert ArticleAuthor.objects.count() == credits

    seed(articles=80, editions=5, topics=25, authors=4, images=1)  # larger totals: tops up
    assert Article.objects.count() == 80
    assert first_ids < set(Article.objects.values_list("pk", flat=True))
    assert EditionPage.objects.count() == 5
    assert Topic.objects.count() == 25
    assert Page.find_problems() == ([], [], [], [], [])
    assert len(set(Article.objects.values_list("slug", flat=True))) == 80


def test_cyrillic_topics_get_ascii_slugs_and_letters():
    seed(articles=10, editions=1, topics=40, authors=2, images=0)
    cyrillic = [t for t in Topic.objects.all() if any("а" <= c.lower() <= "я" for c in t.name)]
    assert cyrillic, "the generator makes Russian place and person names too"
    for topic in cyrillic:
        assert topic.slug.isascii() and topic.slug
        assert topic.initial == topic.name.strip()[0].upper()


def test_demo_without_serving_prints_a_working_login(client):
    out = io.StringIO()
    call_command("demo", articles=30, addrport="127.0.0.1:8123", no_serve=True, stdout=out)
    text = out.getvalue()
    password = text.split("Password:")[1].split()[0]
    assert "Username:  admin" in text
    assert get_user_model().objects.get(username="admin").is_superuser
    assert client.login(username="admin", password=password)
    # the admin can see members' personal data: it sets up two-factor login first, as told
    assert "set up an authenticator app" in text
    assert client.get("/admin/")["Location"].startswith(reverse("clarion_two_factor_set_up"))
    assert complete_set_up(client).status_code == 302
    assert client.get("/admin/").status_code == 200
    # the demo paper has its calls to action and contacts filled in
    home = client.get("/").content.decode()
    assert "Subscribe" in home and "020 7946 0100" in home
    # full URLs name the address the demo is served on
    assert "http://127.0.0.1:8123/" in text
    article = Article.objects.live().first()
    printable = client.get(article.url + "print/").content.decode()
    assert f"http://127.0.0.1:8123{article.url}" in printable
    # a small organisation: regions with organisers, branches, a diary, and a gazetteer
    assert (Region.objects.count(), Branch.objects.count(), Event.objects.count()) == (6, 24, 200)
    assert Organiser.objects.filter(in_contact_block=True).count() == 6
    locator = text.split("Branches:")[1].splitlines()[0]
    assert "http://127.0.0.1:8123/branches/" in locator and "try the postcode" in locator
    postcode = locator.split("try the postcode ")[1].split()[0]
    assert find_places(postcode)
    for path in ["/events/", "/branches/", Branch.objects.first().get_absolute_url()]:
        assert client.get(path).status_code == 200, path
    # people joined the demo branches, and two organisers' logins show access by place
    assert Person.objects.count() == 300 and JoinRequest.objects.count() == 300
    branch = Branch.objects.order_by("pk").first()
    secretary = text.split("Staff:     secretary / ")[1].split()[0]
    assert f"(sees only {branch.name}'s people)" in text
    client.logout()
    assert client.login(username="secretary", password=secretary)
    assert complete_set_up(client).status_code == 302
    inbox = client.get(reverse("membership_join_requests:index") + "?export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(inbox.streaming_content).decode())))
    assert rows, "the secretary sees their branch's join requests"
    assert {row["Branch"] for row in rows} == {branch.name}, rows[0]


def test_demo_refuses_a_malformed_address():
    with pytest.raises(CommandError, match="--addrport must look like"):
        call_command("demo", addrport="here", no_serve=True, stdout=io.StringIO())
    assert not Article.objects.exists()  # refused before doing anything


def test_seeding_more_than_one_batch_continues_the_tree(monkeypatch):
    from clarion.demo import seeding

    monkeypatch.setattr(seeding, "BATCH", 7)  # several batches without a huge dataset
    seed(articles=30, editions=10, topics=10, authors=2, images=0)
    assert Article.objects.count() == 30
    assert Page.find_problems() == ([], [], [], [], [])


def test_seed_resumes_after_articles_were_deleted():
    seed(articles=30, editions=2, topics=10, authors=2, images=0)
    for article in Article.objects.order_by("pk")[5:8]:
        article.delete()  # an editor removed some; numchild no longer marks the last path
    seed(articles=30, editions=2, topics=10, authors=2, images=0)

    assert Article.objects.count() == 30
    assert Page.find_problems() == ([], [], [], [], [])
    assert len(set(Article.objects.values_list("slug", flat=True))) == 30
