"""Configuration classes, one per environment: kept here at the top, as asked, as a re-export of
therapist_app.config (where create_app finds them, so an installed package needs no top-level module)."""
from therapist_app.config import (CONFIGS, BaseConfig, ConfigError, DevelopmentConfig, ProductionConfig,  # noqa: F401
                                  TestingConfig)
from therapist_app.paths import INSTANCE_DIR  # noqa: F401
