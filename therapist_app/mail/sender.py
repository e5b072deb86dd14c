"""Delivers outbox rows over SMTP with retries and backoff; without THERAPIST_MAIL_SERVER, prints them to the console."""
import logging
import smtplib
import ssl
import sys
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update

from ..extensions import session
from ..models import OutboxMessage
from ..models.base import utcnow
from ..models.outbox import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENT

OUTBOX_SENDING = "sending"
# A sender that dies mid-send leaves its row "sending"; after this long another sender retries it.
CLAIM_LEASE = timedelta(minutes=10)

log = logging.getLogger(__name__)


def build_email(config, message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = config["THERAPIST_MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    # The same id on every attempt: a receiving server can drop a copy it already has.
    domain = config["THERAPIST_MAIL_FROM"].rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<ta-outbox-{message.id}@{domain}>"
    if message.unsubscribe_url:
        # RFC 8058: mail clients offer one-click "unsubscribe", which POSTs to this address.
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body)
    return email


def _smtp_send(config, message: OutboxMessage) -> None:
    email = build_email(config, message)
    connection_class = smtplib.SMTP_SSL if config["THERAPIST_MAIL_USE_TLS"] else smtplib.SMTP
    with connection_class(config["THERAPIST_MAIL_SERVER"], config["THERAPIST_MAIL_PORT"], timeout=20) as smtp:
        if config["THERAPIST_MAIL_USE_STARTTLS"] and not config["THERAPIST_MAIL_USE_TLS"] and smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("THERAPIST_MAIL_USERNAME"):
            smtp.login(config["THERAPIST_MAIL_USERNAME"], config["THERAPIST_MAIL_PASSWORD"])
        smtp.send_message(email)


def _print_to_console(message: OutboxMessage) -> None:
    # Development only: the console is the developer's inbox. Messages carry no health information.
    print(
        f"\n----- email to {message.to_address} -----\nSubject: {message.subject}\n\n{message.body}"
        "-----------------------------------------",
        file=sys.stdout, flush=True,
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 240))


def deliver_pending(limit: int = 100, now=None) -> int:
    """Sends what is due; returns how many were sent. Safe to run from two processes: each row is
    claimed by a conditional update before it is sent."""
    config = current_app.config
    now = now or utcnow()
    due = session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status.in_((OUTBOX_PENDING, OUTBOX_SENDING)), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    sent = 0
    for message_id in due:
        message = _claim(message_id, now)
        if message is None:
            continue
        try:
            if config.get("THERAPIST_MAIL_SERVER"):
                _smtp_send(config, message)
            else:
                _print_to_console(message)
        except (smtplib.SMTPException, OSError) as exc:
            message.status = OUTBOX_PENDING
            message.last_error = f"{exc.__class__.__name__}"[:300]
            if message.attempts >= config["THERAPIST_MAIL_MAX_ATTEMPTS"]:
                # Listed on the admin's "Undelivered email" page, where it can be retried.
                message.status = OUTBOX_FAILED
            message.next_attempt_at = utcnow() + backoff(message.attempts)
            log.warning("email %s not delivered (attempt %s): %s", message.id, message.attempts, message.last_error)
        else:
            message.status = OUTBOX_SENT
            message.sent_at = utcnow()
            sent += 1
        session.commit()
    return sent


def _claim(message_id: int, now) -> OutboxMessage | None:
    """Takes the row for CLAIM_LEASE with a conditional update, so that a second sender skips it.
    A row another sender is holding is taken over only once its lease has run out on the wall
    clock, even when this run is "as if" at a later moment (`run-once --at`)."""
    wall_clock = utcnow()
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            ((OutboxMessage.status == OUTBOX_PENDING) & (OutboxMessage.next_attempt_at <= now))
            | ((OutboxMessage.status == OUTBOX_SENDING) & (OutboxMessage.next_attempt_at <= wall_clock)),
        )
        .values(status=OUTBOX_SENDING, attempts=OutboxMessage.attempts + 1,
                next_attempt_at=wall_clock + CLAIM_LEASE)
    ).rowcount
    session.commit()
    return session.get(OutboxMessage, message_id) if claimed else None
