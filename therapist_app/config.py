"""The standalone app's configuration classes, one per environment, each reading the environment.
They add the app-wide Flask settings that only an app of our own may set; init_app never sets them
on a host."""
import os
from datetime import timedelta

from .paths import INSTANCE_DIR
from .settings import Defaults


class ConfigError(RuntimeError):
    """Raised when production configuration is incomplete; the message names what is missing."""


class BaseConfig(Defaults):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # hide_parameters: a failed statement's error text never carries the values it tried to write.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    # Session cookies: hardened; the idle limits are enforced per role in security.idle.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # how long the browser keeps the cookie

    # The CSRF token lives as long as the session: an autosave after a long pause must reach
    # the sign-in check (401), not fail on a stale token.
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False

    # How many proxies (load balancers) in front of the standalone app add to X-Forwarded-For.
    # 0: the address that connects is the client's. Never more than really exist: a client could
    # then choose its own address and escape the sign-in limits.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))


class DevelopmentConfig(BaseConfig):
    # SECRET_KEY and THERAPIST_ANSWER_KEYS, when unset, are made once and kept in instance/ by create_app.
    SQLALCHEMY_DATABASE_URI = BaseConfig.SQLALCHEMY_DATABASE_URI or f"sqlite:///{INSTANCE_DIR / 'therapist_app.db'}"
    THERAPIST_PUBLIC_BASE_URL = BaseConfig.THERAPIST_PUBLIC_BASE_URL or "http://127.0.0.1:5000"


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    THERAPIST_ANSWER_KEYS = "k1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    THERAPIST_PDF_CACHE_DIR = None  # set per test by the fixture
    RATELIMIT_ENABLED = True
    THERAPIST_PUBLIC_BASE_URL = "http://localhost"


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    REQUIRED = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "THERAPIST_ANSWER_KEYS", "THERAPIST_MAIL_SERVER",
                "THERAPIST_PUBLIC_BASE_URL")

    @classmethod
    def check(cls, config) -> None:
        """Refuse to start with a clear message rather than run with an unsafe default."""
        env_names = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}
        missing = [env_names.get(k, k) for k in cls.REQUIRED if not config.get(k)]
        if missing:
            raise ConfigError(
                "Production configuration is incomplete. Set these environment variables: "
                + ", ".join(missing)
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
