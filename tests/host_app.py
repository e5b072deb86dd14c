"""A small practice-management app that mounts the plugin as the README says: its own staff, its own
/login, its own pages behind @login_required, and callbacks mapping some staff to plugin people."""
from flask import Flask, redirect, request, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

from therapist_app import TherapistApp
from therapist_app.extensions import session as db_session
from therapist_app.models import User

HOST_PAGES = ("/schedule", "/billing", "/staff")
HOST_PASSWORD = "host-staff-passphrase"


def make_host(database_url: str, **plugin_options) -> Flask:
    """The host with the plugin mounted under /therapy."""
    app = build_host(database_url)
    mount(app, **plugin_options)
    return app


def build_host(database_url: str) -> Flask:
    """The host on its own, before it mounts anything."""
    host_db = SQLAlchemy()

    class Staff(UserMixin, host_db.Model):
        __tablename__ = "host_staff"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        # The host's own link to a plugin person; the plugin never reads it, the callbacks do.
        therapist_user_id: Mapped[int | None]

    app = Flask("host_practice")
    app.config.update(SECRET_KEY="host-secret", SQLALCHEMY_DATABASE_URI=database_url,
                      THERAPIST_ANSWER_KEYS="k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                      THERAPIST_PUBLIC_BASE_URL="http://host.example", RATELIMIT_ENABLED=False)
    host_db.init_app(app)
    manager = LoginManager(app)
    manager.login_view = "host_login"

    @manager.user_loader
    def load_staff(user_id):
        return host_db.session.get(Staff, int(user_id))

    @app.route("/login", methods=["GET", "POST"])
    def host_login():
        if request.method == "POST":
            staff = host_db.session.get(Staff, int(request.form["staff_id"]))
            if staff and request.form.get("password") == HOST_PASSWORD:
                login_user(staff)
                return redirect(request.args.get("next") or "/schedule")
        return "host sign-in", 200

    @app.post("/logout")
    def host_logout():
        logout_user()
        return redirect(url_for("host_login"))

    for path in HOST_PAGES:
        app.add_url_rule(path, path.strip("/"), login_required(lambda path=path: f"host page {path}"))

    app.extensions["host"] = {"db": host_db, "staff": Staff, "login_manager": manager}
    return app


def _mapped(role):
    """The host's callback: the plugin person linked to this staff member, if they have this role."""
    def callback(staff):
        if staff.therapist_user_id is None:
            return None
        user = db_session.get(User, staff.therapist_user_id)
        return user if user is not None and user.role == role else None
    return callback


def mount(app: Flask, **plugin_options) -> None:
    """Mounts the plugin exactly as the README's example does."""
    host = app.extensions["host"]
    plugin_options.setdefault("counselor_for", _mapped("counselor"))
    plugin_options.setdefault("admin_for", _mapped("admin"))
    TherapistApp(app, db=host["db"], login_manager=host["login_manager"], url_prefix="/therapy", **plugin_options)
