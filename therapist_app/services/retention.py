"""Keeps no link longer than needed: sent email bodies and expired invitations are purged."""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update

from ..extensions import session
from ..models import Invitation, OutboxMessage
from ..models.outbox import OUTBOX_SENT, OUTBOX_WITHDRAWN

PURGED_BODY = ""


def purge(now: datetime) -> dict[str, int]:
    """Empties the body of email sent (or withdrawn) more than THERAPIST_OUTBOX_PURGE_AFTER_DAYS ago: bodies
    hold invitation and reset links. The row stays (key, recipient, when) so nothing is sent twice.
    Deletes invitations that have expired. Password-reset links are signed tokens, never stored."""
    cutoff = now - timedelta(days=current_app.config["THERAPIST_OUTBOX_PURGE_AFTER_DAYS"])
    bodies = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.body_purged_at.is_(None),
               ((OutboxMessage.status == OUTBOX_SENT) & (OutboxMessage.sent_at < cutoff))
               | ((OutboxMessage.status == OUTBOX_WITHDRAWN) & (OutboxMessage.created_at < cutoff)))
        .values(body=PURGED_BODY, body_purged_at=now)
    ).rowcount
    invitations = session.execute(delete(Invitation).where(Invitation.expires_at < now)).rowcount
    session.commit()
    return {"bodies": bodies, "invitations": invitations}
