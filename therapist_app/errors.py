"""Errors the services raise; blueprints turn them into friendly pages or field messages."""


class NotFoundError(LookupError):
    """The object does not exist, or this person may not see it: the two look the same from outside."""


class RuleError(ValueError):
    """A request that breaks a rule (a closed assignment, a locked exercise). The message is for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class ConflictError(RuleError):
    """A save based on an older revision than the server holds: nothing is overwritten."""

    def __init__(self, message: str, current_revision: int, current: dict):
        super().__init__(message)
        self.current_revision, self.current = current_revision, current


class CoupleArchivedError(RuleError):
    """A change to an archived couple's records: they are kept, read-only. The message suits the reader."""
