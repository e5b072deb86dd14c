"""Which people may open which pages: a role per view, and no plugin page at all for unmapped host staff."""
from functools import wraps

from flask import abort

from ..models.user import ROLE_ADMIN, ROLE_CLIENT, ROLE_COUNSELOR
from ..roles import ROLE_TABLE
from . import host_bridge
from .identity import signed_in_user
from .signed_out import signed_out_response


def role_required(*roles):
    """The view needs one of our users in one of these roles. Anyone else: sign in, or 404."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = signed_in_user()
            if user is None:
                return signed_out_response(expired=False)
            if user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorator


# Each role's own pages: one decorator per row of the role table.
REQUIRED = {name: role_required(name) for name in ROLE_TABLE}
any_role_required = role_required(*ROLE_TABLE)
staff_required = role_required(*(role.name for role in ROLE_TABLE.values() if role.staff))
counselor_required = REQUIRED[ROLE_COUNSELOR]
client_required = REQUIRED[ROLE_CLIENT]
admin_required = REQUIRED[ROLE_ADMIN]


def refuse_unmapped_staff():
    """Mounted: a host user whom the host does not map to a plugin counselor or admin finds no plugin
    page at all (404), not even the partners' sign-in. One whose plugin identity was paused here (idle,
    signed out of the plugin) is sent to the host's sign-in instead."""
    if signed_in_user() is not None or host_bridge.host_user() is None:
        return None
    if host_bridge.paused() and host_bridge.host_login_url(None):
        return signed_out_response(expired=False)
    abort(404)
