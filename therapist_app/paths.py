"""Where the plugin's data lives: inside the package when installed (pip install, a wheel), at the
top of a source checkout otherwise (templates/, worksheets/ and migrations/ stay top-level there)."""
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_CHECKOUT = (PACKAGE_DIR.parent / "templates" / "therapist_app").is_dir()


def _data_dir(name: str) -> Path:
    return PACKAGE_DIR.parent / name if SOURCE_CHECKOUT else PACKAGE_DIR / "data" / name


TEMPLATES_DIR = _data_dir("templates")
WORKSHEETS_DIR = _data_dir("worksheets")
MIGRATIONS_DIR = _data_dir("migrations")
STATIC_DIR = PACKAGE_DIR / "static"
# The standalone app's instance folder (development secrets, its SQLite file).
INSTANCE_DIR = Path(os.environ.get("THERAPIST_INSTANCE_DIR")
                    or (PACKAGE_DIR.parent if SOURCE_CHECKOUT else Path.cwd()) / "instance")
