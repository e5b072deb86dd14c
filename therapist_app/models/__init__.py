"""All plugin tables. Importing this package registers every model on Base.metadata."""
from .appointment import Appointment
from .assignment import Assignment
from .audit import AuditChainHead, AuditEvent
from .base import Base
from .calendar_feed import CalendarFeed
from .couple import Couple
from .invitation import Invitation
from .login_throttle import LoginThrottle
from .outbox import OutboxMessage
from .pending_save import PendingSave
from .practice import Practice
from .response import Response, ResponseRevision
from .series import AssignmentSeries
from .session_summary import SessionSummary
from .session_topic import SessionTopic
from .user import User
from .worksheet import Worksheet, WorksheetVersion

from ..security.sealing import install as _install_sealing

# Every model is imported above: their sealed columns now open and seal themselves with their row id.
_install_sealing(Base)

__all__ = [
    "Appointment", "Assignment", "AssignmentSeries", "AuditChainHead", "AuditEvent", "Base", "CalendarFeed", "Couple", "Invitation",
    "LoginThrottle", "OutboxMessage", "PendingSave", "Practice", "Response", "ResponseRevision", "SessionSummary",
    "SessionTopic", "User", "Worksheet", "WorksheetVersion",
]
