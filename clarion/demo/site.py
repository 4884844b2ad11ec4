"""The demo paper's settings and plain pages: a fictional organisation with made-up contacts
(020 7946 0xxx numbers are set aside for fiction). Its regional organisers, branches and
events are generated with the rest of the content (`organising.py`)."""

import io

from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Site

from clarion.core.models import PaperSettings, StandardPage
from clarion.editions.models import EditionPage
from clarion.home.models import HomePage
from clarion.newsroom.models import Article

PAGES = [
    ("about", "About the paper", "A weekly paper written by and for working people."),
]


def configure_demo_site():
    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get()
    for slug, title, intro in PAGES:
        page = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = StandardPage(
                title=title, slug=slug, intro=intro, body=[("paragraph", f"<p>{intro}</p>")]
            )
            home.add_child(instance=page)
            page.save_revision().publish()
    settings = PaperSettings.for_site(site)
    settings.paper_name = "The Clarion"
    settings.organisation_name = "Unity Workers' Party"
    settings.tagline = "The weekly paper of the Unity Workers' Party"
    # Join, subscribe and donate go to the site's own forms (clarion.membership).
    settings.join_url = settings.subscribe_url = settings.donate_url = ""
    settings.national_phone = "020 7946 0100"
    settings.text_to_join_number = "07700 900 100"
    settings.text_to_join_keyword = "JOIN"
    # The sidebar links to the branch locator page itself; the contact block lists the
    # regional organisers (Organiser rows) marked for it.
    settings.locator_url = ""
    settings.social_accounts = [
        (
            "account",
            {
                "network": "mastodon",
                "label": "The Clarion on Mastodon",
                "url": "https://social.example/@clarion",
            },
        ),
        (
            "account",
            {
                "network": "telegram",
                "label": "Our Telegram channel",
                "url": "https://t.example/clarion",
            },
        ),
    ]
    settings.save()

    lead = Article.objects.live().filter(lead_image__isnull=False).newest().first()
    if lead and home.lead_story_id is None:
        home.lead_story = lead
        home.save_revision().publish()
    _attach_print_pdfs()


def _attach_print_pdfs(count=3):
    """Give the newest editions a print PDF (their cover, as generated PDF pages)."""
    from PIL import Image as PillowImage

    for edition in EditionPage.objects.select_related("cover_image").order_by("-date")[:count]:
        if edition.print_pdf_id or not edition.cover_image:
            continue
        with edition.cover_image.open_file() as source:
            picture = PillowImage.open(source).convert("RGB")
            buffer = io.BytesIO()
            picture.save(buffer, "PDF", resolution=100)
        document = Document(title=f"{edition.title} (print PDF)")
        document.file.save(
            f"issue-{edition.number}.pdf", ContentFile(buffer.getvalue()), save=False
        )
        document.save()
        EditionPage.objects.filter(pk=edition.pk).update(print_pdf=document)
