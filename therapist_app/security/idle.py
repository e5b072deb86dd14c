"""Idle sign-out: the idle limit per role, the absolute lifetime, the posts kept across a sign-out,
and the token that lets only the same person sign in again in place."""
import time
from collections.abc import Callable

from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from ..models.user import User
from ..negotiation import wants_json
from ..roles import role_of
from . import identity
from .identity import EXPIRED_USER_KEY, LAST_SEEN_KEY, STARTED_KEY, keep_cookie_as_chosen, signed_in_user
from .signed_out import session_ended_page, signed_out_response


# The idle clock moves in steps: a changed session is signed and sent again as a cookie, which every
# request would otherwise pay for. The clock only ever lags, so a sign-out may come up to this many
# seconds early (a tenth of the limit, for short limits), never late.
LAST_SEEN_STEP = 15


def idle_seconds(user: User) -> int:
    """How long this person's pages may sit unused before they are signed out (the page veils itself then)."""
    return int(_idle_limit(user))


def _idle_limit(user: User):
    return current_app.config[role_of(user).idle_limit_key].total_seconds()


# Posts whose answers may be kept, sealed, after an idle sign-out: endpoint -> whether this request
# is one to keep. The blueprint that owns the posts registers them (register_kept_posts).
KEPT_POSTS: dict[str, Callable[[], bool]] = {}
_keepers: dict[str, Callable[[User], None]] = {}
# Reached in the same breath as an idle sign-out: they must answer for themselves, not with a 401.
SIGN_IN_ENDPOINTS = {"ta_auth.login", "ta_auth.login_json", "ta_auth.csrf_token", "ta_auth.session_alive",
                     "ta_auth.logout"}


def register_kept_posts(when: dict[str, Callable[[], bool]], keep: Callable[[User], None]) -> None:
    """`when` names endpoints whose posts, arriving just after an idle sign-out, are not answered with
    the session-ended page, and says which of those requests to keep; `keep(user)` keeps one."""
    KEPT_POSTS.update(when)
    _keepers.update(dict.fromkeys(when, keep))


def enforce_idle_timeout():
    """Signs out a session idle for longer than the role allows, or older than the absolute lifetime.
    The CSRF token stays, so that an autosave arriving after the timeout gets a clear 401 rather than
    a CSRF failure, and the page can ask for the password in place."""
    user = signed_in_user()
    if user is None:
        return None
    now = time.time()
    idle_for = now - session.get(LAST_SEEN_KEY, now)
    age = now - session.get(STARTED_KEY, now)
    idle_limit = _idle_limit(user)
    if idle_for <= idle_limit and age <= _absolute_lifetime():
        if idle_for >= min(LAST_SEEN_STEP, idle_limit / 10):
            session[LAST_SEEN_KEY] = now
        keep_cookie_as_chosen()
        return None
    session[EXPIRED_USER_KEY] = user.id
    # Typing through a quiet spell is normal; a cookie past its lifetime, or idle far longer than the
    # limit, is not someone mid-answer, so it may not write anything, even sealed for later.
    within_grace = age <= _absolute_lifetime() and idle_for <= 2 * idle_limit
    if within_grace and _keepable_post():
        _keepers[request.endpoint](user)
    identity.sign_out()
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return None  # signed out now; the sign-in machinery itself carries on
    if request.method == "POST" and not wants_json() and request.endpoint not in KEPT_POSTS:
        return session_ended_page(request.form)
    return signed_out_response(expired=True)


def _absolute_lifetime() -> float:
    return current_app.config["THERAPIST_ABSOLUTE_SESSION_LIFETIME"].total_seconds()


def _keepable_post() -> bool:
    if request.method != "POST" or request.endpoint not in KEPT_POSTS:
        return False
    return KEPT_POSTS[request.endpoint]()


def page_owner_token(user: User) -> str:
    """Names, in a signed token, whose page this is, so that signing in again in place accepts only
    that person (a shared phone, a different account)."""
    return URLSafeSerializer(current_app.secret_key, salt="ta-page-owner").dumps(user.id)


def page_owner(token) -> int | None:
    try:
        return URLSafeSerializer(current_app.secret_key, salt="ta-page-owner").loads(str(token))
    except BadSignature:
        return None
