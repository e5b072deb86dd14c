"""Our pages against Flask hello-world, both on gunicorn (2 sync workers) on this machine, one run.

    .venv/bin/python bench/http_bench.py
Needs `wrk` (Debian package). Prints, per page, requests/s, the ratio to the hello-world baseline
measured in the same run, and p50/p99 latency from `wrk --latency`. The demo practice is the data.
"""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import demo  # noqa: E402

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


@dataclass
class Result:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url: str, cookie: str | None = None, script: str | None = None) -> Result:
    command = ["wrk", "-t2", "-c16", f"-d{DURATION}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Result(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
                  _ms(re.search(r"\s50%\s+(\S+)", output).group(1)), _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
                  int(non_2xx.group(1)) if non_2xx else 0)


def signed_in(base: str, login: str, password: str):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = demo.csrf_token(opener.open(f"{base}/login").read().decode())
    data = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=data)
    return opener, "; ".join(f"{c.name}={c.value}" for c in jar)


def must_be_the_page(opener, url: str) -> str:
    """Fails unless `url` answers 200 itself: a lost sign-in would otherwise time the redirect."""
    reply = opener.open(url)
    if reply.status != 200 or reply.geturl() != url:
        raise SystemExit(f"{url} answered {reply.status} at {reply.geturl()}, not the page itself")
    return url


def autosave_script(opener, base: str, workdir: str) -> tuple[str, str]:
    """The partner's first open exercise: its section page, and a wrk script that autosaves it over and
    over, each post changing the answer (a text with a counter, or a rating moving between two values),
    so every post is a real write, as typing is. All connections write the same answer, so on SQLite
    this includes waiting for the write lock; the posts carry no revision (the conflict check, one
    comparison, is skipped)."""
    homework = opener.open(f"{base}/my/").read().decode()
    exercise = re.search(r'status-(?:in_progress|not_started)">\s*<a href="(/my/homework/\d+)"', homework).group(1)
    page = opener.open(f"{base}{exercise}?edit=1").read().decode()
    form = re.search(r'data-autosave="([^"]+)"', page).group(1).replace("&amp;", "&")
    token = demo.csrf_token(page)
    text = re.search(r'<textarea[^>]* name="([^"]+)"', page)
    if text:
        answer = f'"{text.group(1)}=Still+thinking+about+what+I+want+to+say+" .. counter'
    else:
        radios = [(re.search(r'name="([^"]+)"', tag).group(1), re.search(r'value="([^"]+)"', tag).group(1))
                  for tag in re.findall(r'<input[^>]*type="radio"[^>]*>', page)[:2]]
        answer = f'"{radios[0][0]}=" .. (counter % 2 == 0 and "{radios[0][1]}" or "{radios[1][1]}")'
    script = Path(workdir, "autosave.lua")
    script.write_text(f"""
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-CSRFToken"] = "{token}"
request = function()
  counter = counter + 1
  return wrk.format(nil, "{form}", nil, "csrf_token={token}&" .. {answer})
end
""")
    return f"{base}{exercise}?edit=1", str(script)


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("http_bench needs wrk: apt-get install wrk")
    workdir = demo.scratch_folder()
    env = demo.seeded_env(ROOT, workdir, dict(os.environ))

    hello = serve("bench.hello_app:app", 8601, env)
    try:
        baseline = wrk("http://127.0.0.1:8601/")
    finally:
        hello.terminate()
    ours = serve("wsgi:app", 8602, {**env, "RATELIMIT_ENABLED": "0"})
    try:
        base = "http://127.0.0.1:8602"
        results = {"sign-in page": wrk(f"{base}/login")}
        partner, partner_cookie = signed_in(base, *demo.PARTNER)
        section_url, script = autosave_script(partner, base, workdir)
        # The floor for any signed-in page: the session cookie checked, the person loaded (one query),
        # a two-key JSON answer. No page that shows anything can be faster than this.
        results["partner: signed-in floor"] = wrk(must_be_the_page(partner, f"{base}/session/alive"), partner_cookie)
        results["partner: My homework"] = wrk(must_be_the_page(partner, f"{base}/my/"), partner_cookie)
        results["partner: exercise section"] = wrk(must_be_the_page(partner, section_url), partner_cookie)
        results["partner: autosave POST"] = wrk(base + "/", partner_cookie, script)
        counselor, counselor_cookie = signed_in(base, *demo.COUNSELOR)
        results["counselor: caseload"] = wrk(must_be_the_page(counselor, f"{base}/counselor/"), counselor_cookie)
        results["counselor: couple page"] = wrk(must_be_the_page(counselor, f"{base}/counselor/couples/2"),
                                                counselor_cookie)
    finally:
        ours.terminate()
    print(f"gunicorn, 2 sync workers, wrk -t2 -c16 -d{DURATION}s --latency, SQLite, the demo practice, one run")
    print(f"  {'Flask hello world (baseline)':<28} {baseline.rate:7.0f} req/s   ratio 1.00   "
          f"p50 {baseline.p50_ms:5.1f} ms   p99 {baseline.p99_ms:5.1f} ms")
    for name, result in results.items():
        failed = f"   {result.errors} NOT 2xx/3xx" if result.errors else ""
        print(f"  {name:<28} {result.rate:7.0f} req/s   ratio {result.rate / baseline.rate:.2f}   "
              f"p50 {result.p50_ms:5.1f} ms   p99 {result.p99_ms:5.1f} ms{failed}")


if __name__ == "__main__":
    sys.exit(main())
