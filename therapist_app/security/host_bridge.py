"""Host staff in the plugin: the host's signed-in user becomes a plugin counselor or admin through
the host's own callbacks (`counselor_for`, `admin_for`), without a second password.

Such an identity lasts only while the same host user stays signed in and still maps to the same
person. After it ends in a browser (idle limit, absolute lifetime, signing out of the plugin) it is
paused there: the plugin takes that host user back in only after the host signs them in again.
"""
from flask import current_app, session, url_for
from flask_login import current_user, logout_user

from ..models.user import ROLE_ADMIN, ROLE_COUNSELOR, User

VIA_HOST_KEY = "ta_via_host"  # the host user (its id) this browser's plugin identity came through
PAUSED_KEY = "ta_host_paused"  # the host user whose plugin identity ended here


def _state():
    return current_app.extensions["therapist_app"]


def host_user():
    """The host's signed-in user, or None: standalone, anonymous, or one of our own people."""
    state = _state()
    if state.host_user is not None:
        user = state.host_user()
    elif getattr(current_app, "login_manager", None) is not None:
        user = current_user._get_current_object()
    else:
        return None
    if user is None or isinstance(user, User) or not getattr(user, "is_authenticated", False):
        return None
    return user


def _host_id(user) -> str:
    get_id = getattr(user, "get_id", None)
    return str(get_id() if callable(get_id) else user.id)


def _mapped(host) -> User | None:
    """The host's callbacks decide; a callback that names a partner, or the wrong role, maps no one."""
    state = _state()
    for callback, role in ((state.counselor_for, ROLE_COUNSELOR), (state.admin_for, ROLE_ADMIN)):
        user = callback(host) if callback else None
        if isinstance(user, User) and user.role == role and user.is_active_account:
            return user
    return None


def mapped_host_user() -> tuple[User | None, str | None]:
    """The plugin person the host's signed-in user maps to, with the host user's id; unless paused."""
    host = host_user()
    if host is None or session.get(PAUSED_KEY) == _host_id(host):
        return None, None
    user = _mapped(host)
    return (user, _host_id(host)) if user is not None else (None, None)


def still_mapped(user: User) -> bool:
    """An identity that came through the host holds only while the host still maps to it."""
    via = session.get(VIA_HOST_KEY)
    if via is None:
        return True
    host = host_user()
    if host is None or _host_id(host) != via:
        return False
    mapped = _mapped(host)
    return mapped is not None and mapped.id == user.id


def remember_via_host(host_id: str | None) -> None:
    if host_id is None:
        session.pop(VIA_HOST_KEY, None)
    else:
        session[VIA_HOST_KEY] = host_id
        session.pop(PAUSED_KEY, None)


def pause_if_via_host() -> None:
    via = session.get(VIA_HOST_KEY)
    if via is not None:
        session[PAUSED_KEY] = via


def paused() -> bool:
    host = host_user()
    return host is not None and session.get(PAUSED_KEY) == _host_id(host)


def host_signed_in(*_args, **_kwargs) -> None:
    """The host signed someone in: staff paused in this browser may come in again. Connected to
    Flask-Login's `user_logged_in`; a host without Flask-Login calls it after its own sign-in."""
    session.pop(PAUSED_KEY, None)


def host_login_url(next_path: str | None) -> str | None:
    """The host's sign-in page (its LoginManager's login_view), where paused staff sign in again."""
    manager = _state().login_manager or getattr(current_app, "login_manager", None)
    view = getattr(manager, "login_view", None)
    return url_for(view, next=next_path) if view else None


def sign_out_host_too() -> None:
    """Only when the host asked for it (sign_out_together): our sign-out also signs out of the host."""
    if _state().sign_out_together and getattr(current_app, "login_manager", None) is not None:
        logout_user()
