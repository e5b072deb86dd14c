"""Who is signed in to the plugin: one accessor for views, hooks and templates, standalone or mounted.

The plugin keeps its people under its own session key, `ta_user` ("ta:<id>:<session version>"),
and never signs anyone in to Flask-Login: a partner is never a host's `current_user`, so a host's
`@login_required` pages stay closed to them. Host staff come in through the host (`host_bridge`).
"""
import time

from flask import current_app, g, session
from flask_login import user_logged_in, user_logged_out

from ..models.user import LOGIN_ID_PREFIX, User
from ..roles import role_of
from ..services import accounts
from . import host_bridge
from .signed_out import SESSION_ENDED_WHY_KEY

USER_KEY = "ta_user"
LAST_SEEN_KEY = "ta_last_seen"
STARTED_KEY = "ta_started"
EXPIRED_USER_KEY = "ta_expired_user"
_UNKNOWN = object()


def signed_in_user() -> User | None:
    """The plugin's person in this request, or None. Loaded once per request."""
    user = g.get("ta_identity", _UNKNOWN)
    if user is _UNKNOWN:
        user = g.ta_identity = _resolve()
    return user


def signed_in_via_host() -> bool:
    """Whether this person came in through the host's sign-in (no plugin password to ask for)."""
    return signed_in_user() is not None and host_bridge.VIA_HOST_KEY in session


def _resolve() -> User | None:
    token = session.get(USER_KEY)
    user = load_token(token) if token else None
    if token and user is None:  # signed out elsewhere, password changed, deactivated
        _forget()
        closed = accounts.is_deactivated(_token_user_id(token))
        setattr(g, SESSION_ENDED_WHY_KEY, "account_closed" if closed else "ended_elsewhere")  # the page says why
    if user is not None and not host_bridge.still_mapped(user):
        _forget()  # the host signed its user out, or no longer maps them to this person
        user = None
    if user is None:
        user, host_id = host_bridge.mapped_host_user()
        if user is not None:
            sign_in(user, via_host=host_id)
    return user


def load_token(token: str) -> User | None:
    """The active user a "ta:<id>:<session version>" token names, if that version is still current."""
    parts = _token_parts(token)
    return accounts.load_user(*parts) if parts else None


def _token_parts(token: str) -> tuple[int, int] | None:
    """(user id, session version) of a "ta:<id>:<session version>" token, or None if it is not one."""
    prefix, _, rest = str(token).partition(":")
    if prefix != LOGIN_ID_PREFIX:
        return None
    try:
        numeric_id, version = (int(part) for part in rest.split(":"))
    except ValueError:
        return None
    return numeric_id, version


def _token_user_id(token: str) -> int | None:
    parts = _token_parts(token)
    return parts[0] if parts else None


# Whether this browser keeps its cookie when closed: "This is my own device" at sign-in.
OWN_DEVICE_KEY = "ta_own_device"


def sign_in(user: User, via_host: str | None = None, own_device: bool | None = None) -> None:
    """Starts this browser's plugin session for `user` (idle and absolute clocks start now). The CSRF
    token is replaced: a form from before the sign-in can't be replayed into the new session."""
    session.pop(EXPIRED_USER_KEY, None)
    session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    host_bridge.remember_via_host(via_host)
    session[USER_KEY] = user.get_id()
    session[LAST_SEEN_KEY] = session[STARTED_KEY] = time.time()
    if own_device is not None:
        session[OWN_DEVICE_KEY] = own_device
    keep_cookie_as_chosen()
    g.ta_identity = user


def keep_cookie_as_chosen() -> None:
    """Devices are often shared: the cookie ends when the browser closes, unless the person said this
    is their own device. Standalone only: a host's cookie is the host's."""
    if _standalone():
        keep = bool(session.get(OWN_DEVICE_KEY))
        if session.permanent != keep:  # setting it, even to the same value, would send the cookie again
            session.permanent = keep


def refresh(user: User) -> None:
    """Keeps this browser signed in after the user's session version changed (a new password)."""
    session[USER_KEY] = user.get_id()
    g.ta_identity = user


def sign_out() -> None:
    """Ends the plugin identity in this browser. Someone who came through the host stays signed in to
    the host; the plugin does not take them back in until the host signs them in again."""
    host_bridge.pause_if_via_host()
    _forget()


def end_browser_session() -> None:
    """After an explicit sign-out: standalone, the whole cookie goes; mounted, only the plugin's keys
    (a partner's sign-out must not sign host staff out of the host, unless the host asked for it)."""
    if _standalone():
        session.clear()
        return
    for key in [key for key in session if key.startswith("ta_") and key != host_bridge.PAUSED_KEY]:
        session.pop(key)
    host_bridge.sign_out_host_too()


def _forget() -> None:
    for key in (USER_KEY, host_bridge.VIA_HOST_KEY, LAST_SEEN_KEY, STARTED_KEY):
        session.pop(key, None)
    g.ta_identity = None


def _standalone() -> bool:
    return current_app.extensions["therapist_app"].standalone


def _on_host_sign_in(app, **_extra) -> None:
    if "therapist_app" in app.extensions:
        host_bridge.host_signed_in()


def _on_host_sign_out(app, **_extra) -> None:
    """A host sign-out touches the plugin's people in this browser only if the host asked for it."""
    state = app.extensions.get("therapist_app")
    if state is not None and state.sign_out_together:
        _forget()


def connect_host_signals() -> None:
    """Listens to Flask-Login's sign-in and sign-out signals (sent only by a host: we never call
    login_user). Connected once; each handler checks that its app has the plugin."""
    user_logged_in.connect(_on_host_sign_in)
    user_logged_out.connect(_on_host_sign_out)


def password_sign_in_allowed(user: User) -> bool:
    """The plugin's own sign-in: anyone standalone; mounted, partners only (staff come through the
    host, so a plugin password can never go round the host's own sign-in)."""
    return _standalone() or not role_of(user).staff
