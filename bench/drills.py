"""Reliability drills (docs/reliability.md): `python bench/drills.py load|outage`.

load    200 clients read public pages for 60 s (wrk) while chief editors save status changes
        through the admin over HTTP; afterwards: no server error, readers' p95 under 500 ms,
        and every change the admin accepted is in the database.
outage  PostgreSQL is stopped under the running server and started again: while it is down,
        pages answer 503 (never 500) and /readyz says so; after, pages come back without
        restarting the app.

Both run against the benchmark's database (seeded by `make bench` if missing) and the
production server (gunicorn, DEBUG off), and append their results to docs/reliability.md.
"""

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, date, datetime

import run  # the benchmark's helpers: database, server, wrk

CLIENTS = int(os.environ.get("DRILL_CLIENTS", "200"))
SECONDS = int(os.environ.get("DRILL_SECONDS", "60"))
EDITORS = int(os.environ.get("DRILL_EDITORS", "4"))
P95_MS = float(os.environ.get("DRILL_P95_MS", "500"))  # readers' p95 while the editors save
BASE = f"http://127.0.0.1:{run.PORT}"
REPORT = run.ROOT / "docs" / "reliability.md"


def get(path: str, opener=None) -> tuple[int, str, dict]:
    opener = opener or urllib.request.build_opener()
    try:
        with opener.open(BASE + path, timeout=15) as response:
            return response.status, response.read().decode("utf-8", "replace"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), error.headers
    except OSError as error:
        return 0, str(error), {}


class Editor:
    """A chief editor in a browser: a session cookie, CSRF tokens from the forms."""

    def __init__(self, username: str, password: str):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        status, _, _ = self.post_form(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )
        if status != 302:
            raise SystemExit(f"drill editor could not log in ({status})")

    def post_form(self, path: str, fields: dict) -> tuple[int, str, dict]:
        status, page, _ = get(path, self.opener)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = urllib.parse.urlencode(
            {**fields, "csrfmiddlewaretoken": token.group(1) if token else ""}
        )
        request = urllib.request.Request(
            BASE + path, data=data.encode(), headers={"Referer": BASE + path}
        )
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, "", response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")[:300], error.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def drill_account() -> tuple[str, str]:
    password = uuid.uuid4().hex
    run.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        "u, _ = U.objects.get_or_create(username='drill-chief'); "
        "u.is_staff = u.is_superuser = True; "
        f"u.set_password('{password}'); u.save()",
    )
    return "drill-chief", password


def load() -> dict:
    run.seed()
    username, password = drill_account()
    claims = run.psql(
        "SELECT id FROM claims_claim WHERE publication_state = 'published' ORDER BY random() "
        "LIMIT 200",
        run.DB,
    ).split()
    ratings = run.psql("SELECT id FROM claims_rating WHERE is_final", run.DB).split()
    paths = [p for name, ps in run.endpoints().items() if name != "/healthz" for p in ps]
    marker = f"drill-{uuid.uuid4().hex[:8]}"
    server = run.start_server()
    accepted, refused, stop = [], [], threading.Event()

    def edit(n: int) -> None:
        editor = Editor(username, password)
        i = 0
        while not stop.is_set():
            claim = claims[(n * 997 + i) % len(claims)]
            explanation = f"{marker} editor {n} change {i}"
            # A rating other than the claim's own, as an editor would choose (the same one is
            # refused: "record 'Reviewed, no change' instead").
            current = run.psql(f"SELECT rating_id FROM claims_claim WHERE id = {claim}", run.DB)
            others = [r for r in ratings if r != current]
            status, body, _ = editor.post_form(
                f"/admin/claims/claim/{claim}/status/",
                {
                    "to_rating": others[i % len(others)],
                    "kind": "update",
                    "facts_known_on": date.today().isoformat(),
                    "explanation": explanation,
                },
            )
            (accepted if status == 302 else refused).append((explanation, status, body))
            i += 1

    try:
        # As in production behind the cache: every page rendered once before the readers
        # come (what the drill measures is the editing, not the first render of 1,700 pages).
        run.warm(paths)
        editors = [threading.Thread(target=edit, args=(n,)) for n in range(EDITORS)]
        for thread in editors:
            thread.start()
        try:
            readers = run.wrk("drill", paths, connections=CLIENTS, seconds=SECONDS)
        finally:
            stop.set()
            for thread in editors:
                thread.join()
    finally:
        os.killpg(server.pid, 15)
        server.wait()
    stored = set(
        run.psql(
            f"SELECT explanation FROM claims_statuschange WHERE explanation LIKE '{marker}%'",
            run.DB,
        ).splitlines()
    )
    lost = [e for e, _, _ in accepted if e not in stored]
    return {
        "drill": "load",
        "clients": CLIENTS,
        "seconds": SECONDS,
        "reader_requests": readers["requests"],
        "reader_rps": readers["rps"],
        "reader_p95_ms": readers["p95_ms"],
        "reader_errors": readers["errors"],
        "status_changes_accepted": len(accepted),
        "status_changes_refused": len(refused),
        "refused_statuses": sorted({s for _, s, _ in refused}),
        "refusals": sorted({_form_errors(body) for _, _, body in refused})[:5],
        "status_changes_lost": len(lost),
        "reader_p95_target_ms": P95_MS,
        "ok": readers["errors"] == 0
        and not refused
        and not lost
        and len(accepted) > 0
        and readers["p95_ms"] < P95_MS,
    }


def _form_errors(body: str) -> str:
    """What the admin's form said when it refused a change."""
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
    errors += re.findall(r'<p class="errornote">(.*?)</p>', body, re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", e).strip() for e in errors)[:300] or body[:200]


def pg(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(x) for x in v.split(".")])
    # "fast": a smart shutdown would wait for the app's kept connections to close, forever.
    extra = ["-m", "fast"] if action == "stop" else []
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version[-1], "main", action, *extra],
        check=True,
        timeout=60,
    )


def outage() -> dict:
    run.seed()
    server = run.start_server()
    seen: dict[str, list[int]] = {"down": [], "readyz_down": [], "up": []}
    try:
        assert get("/en/claims/")[0] == 200
        pg("stop")
        stopped = time.monotonic()
        retry_after = ""
        while time.monotonic() - stopped < 10:
            status, _, headers = get("/en/claims/")
            seen["down"].append(status)
            retry_after = retry_after or (headers.get("Retry-After") if headers else "")
            seen["readyz_down"].append(get("/readyz")[0])
            time.sleep(0.2)
        healthz_while_down = get("/healthz")[0]
        pg("start")
        started = time.monotonic()
        recovered = None
        while time.monotonic() - started < 60:
            status = get("/en/claims/")[0]
            seen["up"].append(status)
            if status == 200:
                recovered = time.monotonic() - started
                break
            time.sleep(0.2)
    finally:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode != 0:
            pg("start")  # whatever happened, leave PostgreSQL running
        os.killpg(server.pid, 15)
        server.wait()
    every = seen["down"] + seen["readyz_down"] + seen["up"]
    return {
        "drill": "outage",
        "page_statuses_while_down": sorted(set(seen["down"])),
        "readyz_statuses_while_down": sorted(set(seen["readyz_down"])),
        "retry_after": retry_after,
        "healthz_while_down": healthz_while_down,
        "seconds_to_recover": round(recovered, 2) if recovered is not None else None,
        "server_errors_500": every.count(500),
        "ok": set(seen["down"]) == {503}
        and set(seen["readyz_down"]) == {503}
        and recovered is not None
        and 500 not in every,
    }


def record(result: dict) -> None:
    result["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = run.machine()
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    (run.RESULTS / f"drill-{result['drill']}-{result['date'].replace(':', '')}.json").write_text(
        json.dumps(result, indent=1)
    )
    text = REPORT.read_text() if REPORT.exists() else "# Reliability\n"
    marker = "<!-- drill results: bench/drills.py appends below -->"
    if marker not in text:
        text = text.rstrip() + f"\n\n## Last drill results\n\n{marker}\n"
    line = (
        f"- `{result['drill']}` {result['date']} ({'passed' if result['ok'] else '**FAILED**'}): "
        + ", ".join(
            f"{k} {v}" for k, v in result.items() if k not in {"drill", "date", "machine", "ok"}
        )
    )
    REPORT.write_text(text.rstrip() + "\n" + line + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which not in {"load", "outage"}:
        sys.exit("usage: python bench/drills.py load|outage")
    outcome = load() if which == "load" else outage()
    record(outcome)
    sys.exit(0 if outcome["ok"] else 1)
