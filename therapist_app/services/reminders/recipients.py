"""Who may get a reminder at all, as SQL: the same rule for every kind."""
from sqlalchemy import and_, or_

from ...access import writable_couples_clause
from ...models import Couple, User

PARTNER_COLUMNS = (User.id, User.display_name, User.email, User.timezone, User.reminder_hour)


def partner_of(couple=Couple):
    """Joins a couple to each of its two partners."""
    return or_(User.id == couple.partner_a_id, User.id == couple.partner_b_id)


def may_be_reminded():
    """A partner with an address and an account (password chosen), reminders on, not deactivated,
    in a couple still in care (not archived) and not paused. Both partners of a paused couple get none."""
    return and_(User.email.is_not(None), User.password_hash.is_not(None), User.email_reminders.is_(True),
                User.is_active_account.is_(True), writable_couples_clause(), Couple.joint_paused.is_(False))
