"""Extension objects, unbound. The host's db and LoginManager are reused when the plugin is mounted."""
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect
from werkzeug.local import LocalProxy

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def _active_db():
    # Whichever Flask-SQLAlchemy instance the app registered: ours standalone, the host's when mounted.
    return current_app.extensions["sqlalchemy"]


db = LocalProxy(_active_db)
session = LocalProxy(lambda: _active_db().session)
