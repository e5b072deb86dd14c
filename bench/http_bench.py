"""Our pages against Flask hello-world, both on gunicorn (2 sync workers) on this machine, one run.

    .venv/bin/python bench/http_bench.py
Needs `wrk` (Debian package). Prints requests/s and the ratio to the hello-world baseline.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
GUNICORN = str(ROOT / ".venv/bin/gunicorn")
DURATION = os.environ.get("BENCH_SECONDS", "8")


def serve(module: str, port: int, env: dict):
    process = subprocess.Popen([GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", module],
                               cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except Exception:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{module} did not start")


def wrk(url: str, cookie: str | None = None) -> float:
    command = ["wrk", "-t2", "-c16", f"-d{DURATION}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def signed_in_cookie(base: str, login: str, password: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main():
    workdir = tempfile.mkdtemp()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir}/bench.db", "FLASK_APP": "wsgi",
           "THERAPIST_IDLE_MINUTES_CLIENT": "600", "THERAPIST_IDLE_MINUTES_COUNSELOR": "600"}
    flask = [str(ROOT / ".venv/bin/flask")]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)

    hello = serve("bench.hello_app:app", 8601, env)
    try:
        baseline = wrk("http://127.0.0.1:8601/")
    finally:
        hello.terminate()
    ours = serve("wsgi:app", 8602, {**env, "RATELIMIT_ENABLED": "0"})
    try:
        base = "http://127.0.0.1:8602"
        login_page = wrk(f"{base}/login")
        partner = wrk(f"{base}/my/", signed_in_cookie(base, "sam@demo.example", "demo-partner-passphrase"))
        counselor_cookie = signed_in_cookie(base, "counselor@demo.example", "demo-counselor-passphrase")
        dashboard = wrk(f"{base}/counselor/", counselor_cookie)
        couple = wrk(f"{base}/counselor/couples/1", counselor_cookie)
    finally:
        ours.terminate()
    print(f"gunicorn, 2 sync workers, wrk -t2 -c16 -d{DURATION}s, SQLite, same machine, same run")
    print(f"  Flask hello world (baseline): {baseline:8.0f} req/s")
    for name, rate in (("sign-in page", login_page), ("partner: My homework", partner),
                       ("counselor: caseload", dashboard), ("counselor: couple page", couple)):
        print(f"  {name:<28}  {rate:8.0f} req/s   ratio {rate / baseline:.2f} of baseline")


if __name__ == "__main__":
    sys.exit(main())
