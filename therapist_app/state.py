"""What the plugin keeps per app, in `app.extensions["therapist_app"]` (never on the plugin object)."""
from dataclasses import dataclass
from typing import Any, Callable

from .security.crypto import KeyRing

HostCallback = Callable[[Any], Any]


@dataclass
class PluginState:
    url_prefix: str
    keyring: KeyRing
    # True only for create_app's own app: then the plugin owns the session cookie and the config.
    standalone: bool = False
    # Mounted: map a host's signed-in user to a plugin counselor or admin (or None).
    counselor_for: HostCallback | None = None
    admin_for: HostCallback | None = None
    # The host's signed-in user; by default Flask-Login's current_user when the host has a LoginManager.
    host_user: Callable[[], Any] | None = None
    # The host's LoginManager, only read (its login_view is where paused staff sign in again).
    login_manager: Any = None
    # Signing out of either the plugin or the host ends both (off by default).
    sign_out_together: bool = False
    # Mounted in a host without CSRFProtect: the plugin checks its own posts (security.csrf).
    checks_own_csrf: bool = False
