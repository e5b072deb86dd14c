"""The one table of roles: what each kind of person gets (home page, idle limit, pages, menu).
Who may see which record is not here: that is access.py."""
from dataclasses import dataclass

from .models.user import ROLE_ADMIN, ROLE_CLIENT, ROLE_COUNSELOR, User


@dataclass(frozen=True)
class Role:
    name: str            # User.role
    label: str           # what a page calls someone in this role
    staff: bool          # practice staff: offered two-factor sign-in; mounted, they come through the host
    home_endpoint: str   # where signing in (and "my start page") lands
    idle_limit_key: str  # the setting that says how long their pages may sit unused
    blueprint: str       # the blueprint of their pages (its decorator: security.roles.REQUIRED[name])
    url_prefix: str      # where that blueprint sits under the plugin's prefix
    menu: str | None     # the menu their layout includes (partners' pages carry none)


ROLE_TABLE: dict[str, Role] = {role.name: role for role in (
    Role(ROLE_CLIENT, "Partner", False, "ta_client.homework", "THERAPIST_IDLE_TIMEOUT_CLIENT",
         "ta_client", "/my", None),
    Role(ROLE_COUNSELOR, "Counselor", True, "ta_counselor.dashboard", "THERAPIST_IDLE_TIMEOUT_COUNSELOR",
         "ta_counselor", "/counselor", "therapist_app/counselor/_menu.html"),
    # Admins share the counselors' idle limit: both are staff at a practice computer.
    Role(ROLE_ADMIN, "Practice admin", True, "ta_admin.counselors", "THERAPIST_IDLE_TIMEOUT_COUNSELOR",
         "ta_admin", "/admin", "therapist_app/admin/_menu.html"),
)}


def role_of(user: User) -> Role:
    return ROLE_TABLE[user.role]
