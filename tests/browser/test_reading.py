"""Reading the paper in a real browser: following links, the printable version, a phone-width
layout, an accessibility audit with axe-core, and nothing loaded from other hosts."""

from urllib.parse import urlsplit

import pytest

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback puts back the site tree that
    # the data migration created (home, /news/, /editions/) after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 812}
BLOCKING_IMPACTS = {"serious", "critical"}


def test_home_to_article_to_printable_version(live_server, paper, new_context):
    page = new_context().new_page()
    page.goto(live_server.url + "/")

    lead_story = page.locator(".lead-story__headline")
    assert lead_story.inner_text() == paper.lead_headline
    assert page.locator(".cta-links").get_by_role("link", name="Subscribe").is_visible()
    assert page.get_by_role("link", name=paper.phone).is_visible()

    lead_story.get_by_role("link").click()
    page.wait_for_url(live_server.url + paper.lead_url)
    assert page.locator("h1").inner_text() == paper.lead_headline
    assert page.title().startswith(paper.lead_title)
    assert page.locator(".article__byline").inner_text() == f"By {paper.author}"
    related = page.locator(".related-links")
    assert related.get_by_role("heading", name="Related links").is_visible()
    for title in paper.related_titles:
        assert related.get_by_role("link", name=title).first.is_visible()
    contents = page.locator(".edition-contents")
    for heading in paper.section_headings:
        assert contents.get_by_role("heading", name=heading).is_visible()

    page.get_by_role("link", name="Printable version").click()
    page.wait_for_url(live_server.url + paper.print_url)
    assert page.locator("h1").inner_text() == paper.lead_headline
    text = page.locator("main").inner_text()
    assert "Bin workers across the city walked out on Monday morning" in text
    assert "Solidarity from the depots" in text
    assert "The dispute in numbers" in text
    assert page.get_by_role("navigation").count() == 0
    assert page.locator(".site-nav, .masthead, .sidebar, .share-links, .site-footer").count() == 0
    assert page.get_by_role("link", name="Printable version").count() == 0


def test_article_reads_on_a_phone(live_server, paper, new_context, screenshot_dir):
    page = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True).new_page()
    page.goto(live_server.url + paper.lead_url)
    assert page.locator("h1").inner_text() == paper.lead_headline

    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than a {PHONE['width']}px screen"
    box = page.locator("h1").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # The dateline runs into the first paragraph ("GLASGOW — Bin workers…"), on one line.
    dateline = page.locator(".article__body > .dateline").bounding_box()
    first_line = page.locator(".article__body > .dateline + p").bounding_box()
    assert abs(dateline["y"] - first_line["y"]) < 8, (dateline, first_line)

    path = screenshot_dir / "article-375.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def run_axe(page, axe_source):
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async () => {
            const results = await axe.run(document);
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }"""
    )


def describe(violations):
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"])
        for v in violations
    )


def test_no_serious_accessibility_violations(live_server, paper, new_context, axe_source):
    # The site's Content-Security-Policy (script-src 'self') would block the injected axe-core.
    page = new_context(bypass_csp=True).new_page()
    blocking = {}
    for path in ["/", paper.lead_url, paper.print_url]:
        page.goto(live_server.url + path)
        violations = run_axe(page, axe_source)
        print(f"axe-core on {path}:\n{describe(violations) or '  no violations'}")
        found = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if found:
            blocking[path] = found
    assert not blocking, "axe-core found serious or critical problems:\n" + "\n".join(
        f"{path}:\n{describe(found)}" for path, found in blocking.items()
    )


def watch(page):
    """Starts recording a page's requests and the browser's errors: ([url, …], [error, …])."""
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg))
    page.on("pageerror", lambda error: errors.append(error))
    return requests, errors


def other_hosts(requests, server_url):
    """The requested URLs that went anywhere but the live server (data: and blob: aside)."""
    server = urlsplit(server_url)
    return [
        url
        for url in requests
        if urlsplit(url).scheme not in {"data", "blob"}
        and (urlsplit(url).scheme, urlsplit(url).netloc) != (server.scheme, server.netloc)
    ]


def browser_problems(errors):
    """The errors' texts, but for Chromium's own request for /favicon.ico (the site has not
    got one), which is no concern here."""
    return [
        getattr(error, "text", str(error))
        for error in errors
        if not getattr(error, "location", {}).get("url", "").endswith("/favicon.ico")
    ]


def test_pages_load_nothing_from_other_hosts(live_server, paper, new_context):
    for path in ["/", paper.lead_url]:
        page = new_context().new_page()
        requests, errors = watch(page)

        page.goto(live_server.url + path, wait_until="networkidle")
        # Bring everything lazy into view, then let it load.
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")

        assert any(urlsplit(url).path.endswith("/site.css") for url in requests), requests
        elsewhere = other_hosts(requests, live_server.url)
        assert not elsewhere, f"{path} loaded from other hosts: {elsewhere}"
        # …and the strict Content-Security-Policy blocked nothing the page uses.
        problems = browser_problems(errors)
        assert not problems, f"browser errors on {path}: {problems}"
