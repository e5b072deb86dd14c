"""The package as a host installs it: a wheel built from the source tree, installed into a fresh
venv, carries its templates, worksheets, migrations and static files, and mounts in a host app."""
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from support import ROOT

HOST_SCRIPT = textwrap.dedent('''
    import sys
    from pathlib import Path
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy
    import therapist_app
    from therapist_app import TherapistApp
    from therapist_app.models import Base
    from therapist_app.paths import MIGRATIONS_DIR, TEMPLATES_DIR, WORKSHEETS_DIR
    from therapist_app.services import worksheets

    assert "site-packages" in therapist_app.__file__ and sys.prefix in therapist_app.__file__, therapist_app.__file__
    db = SQLAlchemy()
    app = Flask("host")
    app.config.update(SECRET_KEY="s", SQLALCHEMY_DATABASE_URI="sqlite:///" + str(Path.cwd() / "host.db"),
                      THERAPIST_ANSWER_KEYS="k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    db.init_app(app)
    TherapistApp(app, db=db, url_prefix="/therapy")
    result = app.test_cli_runner().invoke(args=["therapist-db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        synced = worksheets.sync_library(app.config["THERAPIST_WORKSHEETS_DIR"])
    client = app.test_client()
    print("login", client.get("/therapy/login").status_code)
    print("css", client.get("/therapy/assets/static/app.css").status_code)
    print("worksheets", len(list(Path(WORKSHEETS_DIR).glob("*.yaml"))))
    print("migrations", len(list((Path(MIGRATIONS_DIR) / "versions").glob("*.py"))))
    print("templates", str(TEMPLATES_DIR).startswith(sys.prefix))
    # The standalone app too, with no top-level config.py anywhere on the path.
    standalone = therapist_app.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path.cwd() / "alone.db")})
    with standalone.app_context():
        Base.metadata.create_all(standalone.extensions["sqlalchemy"].engine)
    print("standalone", standalone.test_client().get("/login").status_code)
''')


def _run(*args, cwd=None):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Built from the tracked files only (a copy, so the build leaves nothing in the work tree)."""
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in _run("git", "ls-files", cwd=ROOT).splitlines():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps", "-w", str(dist),
         str(source))
    return next(dist.glob("therapist_app-*.whl"))


def test_every_python_package_of_the_plugin_is_in_the_wheel(wheel):
    inside = {name.rsplit("/", 1)[0] for name in zipfile.ZipFile(wheel).namelist() if name.endswith("/__init__.py")}
    source = {str(path.parent.relative_to(ROOT)) for path in (ROOT / "therapist_app").rglob("__init__.py")}
    assert source - inside == set()


def test_the_wheel_installs_into_a_fresh_venv_and_mounts_in_a_host(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    site = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    # The dependencies come from the test's own environment, so the test needs no network.
    shared = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "shared-dependencies.pth").write_text("\n".join(sorted(shared)) + "\n")
    _run(sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
         str(wheel))
    workdir = tmp_path / "host"
    workdir.mkdir()
    (workdir / "host.py").write_text(HOST_SCRIPT)
    output = _run(str(python), "host.py", cwd=workdir)
    assert "login 200" in output and "css 200" in output and "templates True" in output
    # Every worksheet and every migration of the source tree made it into the wheel.
    worksheets = len(list((ROOT / "worksheets").glob("*.yaml")))
    migrations = len(list((ROOT / "migrations" / "versions").glob("*.py")))
    assert f"worksheets {worksheets}\n" in output and f"migrations {migrations}\n" in output
    assert "standalone 200" in output
