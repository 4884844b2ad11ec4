"""A real SMTP server (aiosmtpd) for the tests that send mail, and a local stand-in for
Stripe's API for those that take card payments (Stripe itself cannot, and must not, be
reached from the test machines)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import stripe

from clarion.membership.tests.smtp import smtp_inbox
from clarion.organising.tests.factories import (
    BranchFactory,
    OrganiserFactory,
    PlaceFactory,
    RegionFactory,
)

SECRETARY = "secretary@northtown.example"  # the Northtown branch's organiser
WEBHOOK_SECRET = "whsec_test_only_not_a_real_secret"


@pytest.fixture
def smtp_server(settings):
    """Mail goes to a real SMTP server on a local port for the test."""
    with smtp_inbox(settings) as inbox:
        yield inbox


@pytest.fixture
def places(db):
    """Two branches in the North, the places around them, and two towns of one name."""
    north = RegionFactory(name="North")
    branches = {
        "Northtown": BranchFactory(name="Northtown", region=north, latitude=53.48, longitude=-2.24),
        "Eastholme": BranchFactory(name="Eastholme", region=north, latitude=53.48, longitude=-1.8),
    }
    OrganiserFactory(
        name="Branch Secretary", email=SECRETARY, region=None, branch=branches["Northtown"]
    )
    # A postcode in a village near Northtown, the town itself, and one near Eastholme.
    PlaceFactory(postal_code="XD1 2AB", name="Millbrook", latitude=53.49, longitude=-2.27)
    PlaceFactory(postal_code="XD1", name="Millbrook", latitude=53.49, longitude=-2.27)
    PlaceFactory(postal_code="XD5", name="Northtown", latitude=53.48, longitude=-2.24)
    PlaceFactory(postal_code="HX1 1AA", name="Halifax", latitude=53.72, longitude=-1.86)
    PlaceFactory(postal_code="XD9", name="Newton upon Sea", latitude=53.47, longitude=-1.82)
    # A surname that starts a town's name is not taken for the town.
    PlaceFactory(postal_code="XD7", name="Smithfield", latitude=53.47, longitude=-1.81)
    # Two towns of one name.
    PlaceFactory(
        postal_code="NP1 1AA", name="Newport", admin_name="Wales", latitude=51.58, longitude=-3.0
    )
    PlaceFactory(
        postal_code="TF1 1AA",
        name="Newport",
        admin_name="Shropshire",
        latitude=52.77,
        longitude=-2.38,
    )
    return branches


class FakeStripe(BaseHTTPRequestHandler):
    """Answers as Stripe would (`server.answer`: status and JSON), and remembers each
    request: creating, reading and closing Checkout sessions, cancelling subscriptions."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self.server.received.append((self.path, parse_qs(body), dict(self.headers)))
        status, answer = self.server.answer
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_DELETE = do_GET = do_POST

    def log_message(self, *args):
        pass


SESSION = {
    "id": "cs_test_a1b2",
    "object": "checkout.session",
    "url": "https://checkout.stripe.com/c/pay/cs_test_a1b2",
}


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """Stripe takes payments, and its API is the local stand-in."""
    settings.CLARION_PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_only_not_a_real_key"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    server.received, server.answer = [], (200, SESSION)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setattr(stripe, "api_base", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
