"""A real SMTP server (aiosmtpd) on a local port, for every test that sends mail: the
app's own tests (conftest's `smtp_server`) and the browser tests."""

import contextlib
import email
import email.policy

from aiosmtpd.controller import Controller

from clarion.core.tests.network import free_port


class Inbox:
    """What the server received, as parsed messages."""

    def __init__(self):
        self.messages = []
        self.refusing = False  # True: every recipient is refused, as for an unknown mailbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_recipients]

    @staticmethod
    def body(message):
        return message.get_body(preferencelist=("plain",)).get_content()


@contextlib.contextmanager
def smtp_inbox(settings):
    """Runs the server while the block runs, with Django's mail sent to it; yields its
    Inbox. `settings` is pytest-django's fixture (put back after the test)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()
