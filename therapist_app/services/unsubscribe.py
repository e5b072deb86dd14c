"""One-click "turn reminders off" (RFC 8058): a signed link in every reminder, no sign-in needed."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import NotFoundError
from ..extensions import session
from ..mail.outbox import withdraw
from ..models import User
from ..security.audit import record
from .links import unsubscribe_link
from .notices import NOTICE_KINDS
from .session_notices import SESSION_NOTICE_KINDS


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="therapist_app.reminders-off")


def link_for(user_id: int) -> str:
    """The link that turns this person's reminders off. It can do nothing else, so it never expires."""
    return unsubscribe_link(_serializer().dumps({"u": user_id}))


def person_for(token: str) -> User:
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise NotFoundError("unsubscribe link") from None
    user = session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None:
        raise NotFoundError("unsubscribe link")
    return user


def take_back_queued_email(user_id: int) -> int:
    """Takes back every email about the portal queued for this person and not yet tried: reminders,
    "something new" (held ten minutes, or until a humane hour) and a moved or cancelled session. Their
    switch is off, or their care has ended: none of it may still go out."""
    from .reminders.registry import REMINDER_KINDS

    return withdraw([f"{kind}:" for kind in (*REMINDER_KINDS, *NOTICE_KINDS, *SESSION_NOTICE_KINDS)], user_id=user_id)


def turn_off_reminders(token: str, ip: str | None = None) -> User:
    """The portal's email off (reminders and notices alike: one switch), and what is queued taken back."""
    user = person_for(token)
    user.email_reminders = False
    take_back_queued_email(user.id)
    record(user.id, "reminders_off_by_link", user, ip)
    session.commit()
    return user
