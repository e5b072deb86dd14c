"""The one place a reminder kind is added: its name (the first part of its outbox keys) and its finder."""
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from ...mail.messages import Message


@dataclass(frozen=True)
class Outgoing:
    """One reminder for one person, ready for the outbox."""
    key: str
    user_id: int
    to_address: str
    message: Message
    unsubscribe_url: str

    def as_row(self) -> dict:
        return {"unique_key": self.key, "user_id": self.user_id, "to_address": self.to_address,
                "subject": self.message.subject, "body": self.message.body,
                "unsubscribe_url": self.unsubscribe_url}


@dataclass(frozen=True)
class ReminderKind:
    name: str
    label: str  # for the admin's "Undelivered email" page: what sort of email, never what about
    find: Callable[[datetime], list[Outgoing]]


REMINDER_KINDS: dict[str, ReminderKind] = {}


def reminder_kind(name: str, label: str):
    """Registers a finder: `find(now)` returns every reminder of this kind that is due at `now`.
    It must keep the rules of the issue: a humane local hour, and nobody who should get none."""
    def register(find):
        REMINDER_KINDS[name] = ReminderKind(name, label, find)
        return find
    return register
