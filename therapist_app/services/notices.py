""""Something new in your secure portal": the one neutral email a partner gets for a burst of the
counselor's work (homework given, a summary published), however many things the burst holds.

Every sender of that email calls `notify_something_new`; the rule lives only here."""
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from ..extensions import session
from ..mail import messages
from ..mail.outbox import enqueue
from ..models import OutboxMessage, User
from ..models.base import utcnow
from ..models.outbox import OUTBOX_PENDING
from .links import login_link

# A counselor often gives two exercises and publishes the summary within minutes of each other. The
# notice waits this long before it may be sent, so that the rest of the burst finds it still waiting
# and rides along with it: one email, not one per click.
NOTICE_HOLD = timedelta(minutes=10)

# What caused a notice, the first part of its key ("assigned:<assignment>:<partner>"). Each cause keeps
# its own key, so two schedulers cannot both insert it; end of care withdraws these prefixes
# and turning the portal's email off take them back (unsubscribe.take_back_queued_email).
ASSIGNED = "assigned"
SUMMARY = "summary"
NOTICE_KINDS = (ASSIGNED, SUMMARY)


def gets_portal_email(partner: User) -> bool:
    """Whether the portal emails this partner about anything: they have chosen a password (an invited
    partner has no portal yet to be told about) and kept its email on."""
    return bool(partner.password_hash and partner.email_reminders)


def notify_something_new(partner: User, kind: str, cause: str, not_before: datetime | None = None) -> bool:
    """Queues the notice for this partner, keyed "<kind>:<cause>", unless they get no such email (no
    password yet, or portal emails turned off) or a notice to them is still waiting untried: that one
    already says there is something new. It is held for NOTICE_HOLD, or until `not_before` (a humane
    hour) if that is later. Returns whether a new notice was queued."""
    if kind not in NOTICE_KINDS:
        raise ValueError(f"not a kind of notice: {kind}")
    if not gets_portal_email(partner):
        return False
    due = utcnow() + NOTICE_HOLD
    if not_before is not None and not_before > due:
        due = not_before
    if _joined_a_waiting_notice(partner, due):
        return False
    return enqueue(partner, f"{kind}:{cause}", messages.new_homework(partner.display_name, login_link()),
                   not_before=due) is not None


def _waiting_notices(partner: User) -> tuple:
    """Criteria for this partner's notices not yet tried. One being sent, or sent, or withdrawn (end of
    care) does not count: the news that follows needs its own email."""
    return (OutboxMessage.user_id == partner.id, OutboxMessage.status == OUTBOX_PENDING,
            OutboxMessage.attempts == 0,
            or_(*(OutboxMessage.unique_key.startswith(f"{kind}:", autoescape=True) for kind in NOTICE_KINDS)))


def _joined_a_waiting_notice(partner: User, due: datetime) -> bool:
    """Whether a notice to this partner is waiting. If it waits for a later hour than this one would
    (a scheduled instance held until the evening), it is brought forward to this one's time: news
    from the counselor is not held back for the scheduler's humane hour. The update is conditional,
    so a sender that has just claimed the row keeps it as it is."""
    waiting = _waiting_notices(partner)
    if session.scalar(select(OutboxMessage.id).where(*waiting).limit(1)) is None:
        return False
    session.execute(update(OutboxMessage).where(*waiting, OutboxMessage.next_attempt_at > due)
                    .values(next_attempt_at=due).execution_options(synchronize_session="fetch"))
    return True
