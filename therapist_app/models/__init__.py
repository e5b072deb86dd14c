"""All plugin tables. Importing this package registers every model on Base.metadata."""
from .appointment import Appointment
from .assignment import Assignment
from .audit import AuditEvent
from .base import Base
from .couple import Couple
from .invitation import Invitation
from .login_throttle import LoginThrottle
from .outbox import OutboxMessage
from .pending_save import PendingSave
from .practice import Practice
from .response import Response, ResponseRevision
from .user import User
from .worksheet import Worksheet, WorksheetVersion

__all__ = [
    "Appointment", "Assignment", "AuditEvent", "Base", "Couple", "Invitation", "LoginThrottle", "OutboxMessage",
    "PendingSave", "Practice", "Response", "ResponseRevision", "User", "Worksheet", "WorksheetVersion",
]
