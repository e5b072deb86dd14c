"""Answers posted just as an idle sign-out happens: which of the portal's posts are kept, sealed,
until the same person signs in again (services.pending_saves saves them then)."""
from flask import request

from ..models.user import User
from ..services import pending_saves


def keep(user: User) -> None:
    pending_saves.keep(user.id, request.view_args["assignment_id"],
                       _int_or_zero(request.args.get("section")), request.form)


def _the_unload_beacon() -> bool:
    return request.args.get("beacon") == "1"


# The no-JavaScript save, and the autosave a page sends as it unloads (`beacon=1`), which no page is
# left to retry. Other autosaves get the 401 and retry after signing in again in place.
WHEN = {"ta_client.save_section": lambda: True, "ta_client.autosave": _the_unload_beacon}


def _int_or_zero(text) -> int:
    try:
        return max(int(text), 0)
    except (TypeError, ValueError):
        return 0
