"""Deployment settings: production is safe by default and says clearly what is missing or
wrong; public pages load nothing from other hosts."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from clarion.newsroom.tests.factories import ArticleFactory, EditionFactory, ImageFactory

SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
)


def clarion(*args, tmp_path, **environment):
    """Run the `clarion` command in a fresh process with production settings and only the
    given settings variables."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="clarion.settings.production",
        CLARION_VAR_DIR=str(tmp_path),
        PYTHONWARNINGS="ignore",
        **environment,
    )
    command = Path(sys.executable).with_name("clarion")
    argv = [str(command)] if command.exists() else [sys.executable, "-m", "clarion.cli"]
    return subprocess.run(
        [*argv, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def secret_key():
    key = secrets.token_urlsafe(64)[:50]
    assert len(key) == 50
    return key


def only_line(output):
    """A configuration problem is reported in one line, with no traceback."""
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = clarion(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="paper.example",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_hsts_preload_is_opt_in(tmp_path):
    def settings_with(**environment):
        result = clarion(
            "diffsettings",
            "--all",
            tmp_path=tmp_path,
            SECRET_KEY=secret_key(),
            ALLOWED_HOSTS="paper.example",
            **environment,
        )
        assert result.returncode == 0, result.stderr
        return [line.strip("# ") for line in result.stdout.splitlines()]  # "###" marks defaults

    assert "SECURE_HSTS_PRELOAD = False" in settings_with()
    preloaded = settings_with(SECURE_HSTS_PRELOAD="true")
    assert "SECURE_HSTS_PRELOAD = True" in preloaded
    assert "SECURE_HSTS_SECONDS = 31536000" in preloaded
    assert "SECURE_SSL_REDIRECT = True" in preloaded
    assert "SESSION_COOKIE_SECURE = True" in preloaded
    assert "DEBUG = True" not in preloaded
    result = clarion(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="paper.example",
        SECURE_HSTS_PRELOAD="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_secret_key_says_how_to_make_one(tmp_path):
    result = clarion("check", tmp_path=tmp_path, ALLOWED_HOSTS="paper.example")

    assert result.returncode != 0
    assert only_line(result.stderr) == (
        "clarion: configuration problem: SECRET_KEY is not set. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )


def test_production_without_allowed_hosts_says_so(tmp_path):
    result = clarion("check", tmp_path=tmp_path, SECRET_KEY=secret_key())

    assert result.returncode != 0
    assert only_line(result.stderr).endswith(
        "configuration problem: ALLOWED_HOSTS is not set: list the site's host names, "
        "separated by commas."
    )


def test_debug_must_be_true_or_false(tmp_path):
    result = clarion(
        "check",
        tmp_path=tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="paper.example",
        DEBUG="maybe",
    )

    assert result.returncode != 0
    assert only_line(result.stderr) == (
        "clarion: configuration problem: DEBUG must be true or false (got 'maybe')."
    )


@pytest.mark.parametrize(
    "url",
    ["nonsense", "mysql2//missing-colon", "postgres://user@db.example:port/clarion"],
)
def test_bad_database_url_says_so(tmp_path, url):
    result = clarion(
        "check",
        tmp_path=tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="paper.example",
        DATABASE_URL=url,
    )

    assert result.returncode != 0
    assert only_line(result.stderr).startswith(
        "clarion: configuration problem: DATABASE_URL is not a database address"
    )


# Content-Security-Policy on public pages ----------------------------------------------------

SAFE_SOURCES = {"'self'", "'none'", "data:"}


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


@pytest.fixture
def public_pages(db):
    edition = EditionFactory(cover_image=ImageFactory())
    article = ArticleFactory(
        title="Strike wave", edition=edition, lead_image=ImageFactory(), topics=[]
    )
    return [
        "/",
        article.url,
        f"{article.url}print/",
        "/news/",
        "/category/international/",
        "/archive/",
        "/topics/",
        "/editions/",
        edition.url,
        "/no-such-page/",
    ]


def test_public_pages_load_nothing_from_other_hosts(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        directives = policy(response)

        assert directives["default-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["object-src"] == ["'none'"], url
        for name, sources in directives.items():
            assert set(sources) <= SAFE_SOURCES, (url, name, sources)


def test_public_pages_need_no_inline_styles_or_scripts(client, public_pages):
    """What the strict policy would block: a reader would see a broken page."""
    for url in public_pages:
        page = BeautifulSoup(client.get(url).content, "html.parser")

        assert page.find("style") is None, url
        assert page.find(style=True) is None, url
        # JSON-LD (type="application/ld+json") is data, never executed: the policy allows it.
        scripts = [s for s in page.find_all("script") if s.get("type") != "application/ld+json"]
        assert [s for s in scripts if not s.get("src")] == [], url
        assert not [
            tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)
        ]
