"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it receives, and can refuse at first."""
import email
import socket
from email import policy

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self, refuse_first: int = 0):
        self.messages = []
        self.refuse_first = refuse_first

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_first > 0:
            self.refuse_first -= 1
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp(app, inbox):
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(THERAPIST_MAIL_SERVER="127.0.0.1", THERAPIST_MAIL_PORT=controller.port, THERAPIST_MAIL_USE_STARTTLS=False)
    return controller
