"""Configuration classes, one per environment. Every value can come from the environment."""
import os

from therapist_app.settings import INSTANCE_DIR, Defaults


class ConfigError(RuntimeError):
    """Raised when production configuration is incomplete; the message names what is missing."""


class BaseConfig(Defaults):
    """The plugin's defaults (therapist_app/settings.py), read from the environment."""

    # How many proxies (load balancers) in front of the standalone app add to X-Forwarded-For.
    # 0: the address that connects is the client's. Never more than really exist: a client could
    # then choose its own address and escape the sign-in limits.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))


class DevelopmentConfig(BaseConfig):
    # SECRET_KEY and ANSWER_KEYS, when unset, are made once and kept in instance/ by create_app.
    SQLALCHEMY_DATABASE_URI = BaseConfig.SQLALCHEMY_DATABASE_URI or (
        f"sqlite:///{INSTANCE_DIR / 'therapist_app.db'}"
    )


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    ANSWER_KEYS = "k1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    PDF_CACHE_DIR = None  # set per test by the fixture
    RATELIMIT_ENABLED = True
    PUBLIC_BASE_URL = "http://localhost"


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    REQUIRED = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "ANSWER_KEYS", "MAIL_SERVER", "PUBLIC_BASE_URL")

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
