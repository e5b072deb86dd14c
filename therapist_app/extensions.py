"""Extension objects, unbound. The host's db and LoginManager are reused when the plugin is mounted."""
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect
from werkzeug.local import LocalProxy

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
RATE_LIMITED = "ta_rate_limited"  # set on a view by sign_in_limit (auth.views)


@limiter.request_filter
def _has_no_limit_of_ours() -> bool:
    """Our limits are on the sign-in family's views alone. Every other request skips the limiter's
    search for limits it does not have (up to 0.05 ms a request, docs/benchmarks.md). Mounted, the
    host's own routes are the host's limiter's."""
    return not getattr(current_app.view_functions.get(request.endpoint), RATE_LIMITED, False)


def _active_db():
    # Whichever Flask-SQLAlchemy instance the app registered: ours standalone, the host's when mounted.
    return current_app.extensions["sqlalchemy"]


db = LocalProxy(_active_db)
session = LocalProxy(lambda: _active_db().session)


def commit_keeping_what_is_loaded() -> None:
    """Commits without expiring what this request has loaded. A plain commit expires every object, and
    reading one afterwards (the page being built, the revision a save answers with) loads it again:
    a query, and a decryption, each. Only for commits after which nothing loaded is read as changed
    by someone else: the objects keep the values this request read and wrote."""
    current = session()
    current.expire_on_commit = False
    try:
        current.commit()
    finally:
        current.expire_on_commit = True
