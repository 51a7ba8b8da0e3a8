"""The benchmark: `make bench` runs this. See docs/performance.md for the last results.

Seeds a PostgreSQL database if needed, starts the production server (gunicorn, DEBUG off) on
loopback, drives each endpoint with wrk for a fixed time, measures search, import and worker
memory in-process, and writes the figures to bench/results/ and docs/performance.md.
Throughput is reported as a ratio of /healthz measured in the same run, because absolute
figures on a shared machine drift.
"""

import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "factcheck_bench")
CLAIMS = int(os.environ.get("BENCH_CLAIMS", "100000"))
DURATION = int(os.environ.get("BENCH_SECONDS", "6"))
# Each endpoint is measured in ROUNDS short runs, each right after a /healthz run: the figures
# are the medians, and each ratio is taken against the /healthz run just before it, so a burst
# of load from elsewhere on a shared machine moves one round, not the result.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# 16, as the issue that set the editing targets measured (issue 13); BENCH_CONNECTIONS=64 shows
# the queueing of many more readers than the 2 x 4 threads a core here serves.
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8077"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
SAMPLE = ROOT.parent / "shared" / "data" / "claimreview" / "claimreview_sample.json"
IMPORT_FILE_MB = int(os.environ.get("BENCH_IMPORT_FILE_MB", "200"))
# The editing phase: an editor's saves per second while each endpoint is measured again, in
# every round right after its calm run, so each ratio compares runs seconds apart.
EDIT_RATES = [1, 5]


REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")


def env(database: str) -> dict:
    # Production settings: DEBUG off, one Redis cache shared by every worker.
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "DEBUG": "",
        "HTTPS": "0",  # plain HTTP on loopback; in production a TLS proxy sits in front
        "PYTHONUNBUFFERED": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "API_THROTTLE_ANON": "100000000/minute",
        "REDIS_URL": REDIS,
    }


def manage(*args, database: str = DB, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env(database),
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{PG}/{database}", "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def ensure_database(name: str, fresh: bool = False) -> None:
    if fresh:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name],
            check=True,
        )
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    manage("migrate", "--noinput", "-v0", database=name)


def seed() -> int:
    ensure_database(DB)
    count = int(psql("SELECT count(*) FROM claims_claim", DB))
    if count < CLAIMS:
        if count:
            sys.exit(f"{DB} holds {count} claims, fewer than {CLAIMS}: drop it and run again.")
        started = time.perf_counter()
        manage("seed_bench", "--claims", str(CLAIMS))
        print(f"seeded {CLAIMS} claims in {time.perf_counter() - started:.0f} s")
    return int(psql("SELECT count(*) FROM claims_claim", DB))


def paths_file(name: str, paths: list[str]) -> str:
    RESULTS.mkdir(parents=True, exist_ok=True)  # the load drill comes here first
    path = RESULTS / f"paths-{name}.txt"
    path.write_text("\n".join(paths) + "\n")
    return str(path)


def endpoints() -> dict[str, list[str]]:
    rng = random.Random(7)
    ids = psql(
        "SELECT id || '-' || slug FROM claims_claim WHERE publication_state='published' "
        "ORDER BY random() LIMIT 500",
        DB,
    ).split()
    claimants = psql(
        "SELECT c.slug FROM claims_claimant c WHERE EXISTS (SELECT 1 FROM "
        "claims_claim k WHERE k.claimant_id = c.id AND k.publication_state = "
        "'published') ORDER BY random() LIMIT 500",
        DB,
    ).split()
    # Readers search for names (people, places, programmes): seed_bench puts generated ones in
    # every claim, so take real ones from the data.
    words = psql(
        "SELECT split_part(text, ' ', 2) FROM claims_claim ORDER BY id LIMIT 40", DB
    ).split()
    ratings = ["false", "true", "misleading", "mostly-false"]
    searches = [
        f"/en/claims/?q={quote(rng.choice(words))}&rating={rng.choice(ratings)}"
        f"&language={rng.choice(['fr', 'en'])}"
        for _ in range(200)
    ]
    return {
        "/healthz": ["/healthz"],
        "home": ["/en/"],  # pages carry their language: an unprefixed one redirects
        "claim list": ["/en/claims/"],
        "list + filters + search": searches,
        "claim page (random)": [f"/en/claims/{i}/" for i in ids],  # canonical: no redirect
        "claimant page": [f"/en/claimants/{s}/" for s in claimants],
        "feed": ["/en/feed/"],
        "API claim list": ["/api/claims/?format=json"],
    }


def wrk(
    name: str, paths: list[str], connections: int = CONNECTIONS, seconds: int = DURATION
) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "stats.lua"),
            f"http://127.0.0.1:{PORT}",
        ],
        env={
            **os.environ,
            "PATHS_FILE": paths_file(name.replace(" ", "_").replace("/", ""), paths),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json_line(out)


def json_line(output: str) -> dict:
    """The figures a measuring script printed on its `JSON …` line."""
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    return json.loads(line[5:])


def measure(name: str, paths: list[str], floor: list[str], edited: list[str] | None) -> dict:
    """ROUNDS rounds of: /healthz, the endpoint calm, then (when `edited` claims are given)
    the endpoint while an editor saves at each of EDIT_RATES. Medians over the rounds."""
    rounds = []
    for _ in range(ROUNDS):
        healthz = wrk("/healthz", floor)
        run = wrk(name, paths)
        run["ratio"] = run["rps"] / healthz["rps"]
        run["editing"] = {}
        for rate in EDIT_RATES if edited else []:
            with Editing(rate, edited, DURATION + 3) as editing:
                busy = wrk(name, paths)
            busy["of_calm"] = busy["rps"] / run["rps"]
            busy["saves"] = editing.saved
            run["editing"][str(rate)] = busy
        rounds.append(run)
    result = _medians(rounds)
    result["ratio"] = statistics.median(r["ratio"] for r in rounds)
    result["rounds"] = rounds
    if edited:
        result["editing"] = {
            str(rate): {
                **_medians([r["editing"][str(rate)] for r in rounds]),
                "of_calm": statistics.median(r["editing"][str(rate)]["of_calm"] for r in rounds),
                "saves": sum(r["editing"][str(rate)]["saves"] for r in rounds),
            }
            for rate in EDIT_RATES
        }
    return result


def _medians(runs: list[dict]) -> dict:
    keys = ["rps", "p50_ms", "p95_ms", "p99_ms"]
    medians = {key: statistics.median(r[key] for r in runs) for key in keys}
    medians["errors"] = sum(r["errors"] for r in runs)  # status >= 400 included
    return medians


def warm(paths: list[str]) -> None:
    def fetch(path: str) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as response:
            response.read()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(fetch, sorted(set(paths))))


def start_server() -> subprocess.Popen:
    manage("collectstatic", "--noinput", "-v0")
    server = subprocess.Popen(
        # Workers and threads from gunicorn.conf.py, as in production; BENCH_WORKERS overrides.
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "factcheck.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env(DB),
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start")


def worker_peak_mb(server: subprocess.Popen) -> float:
    children = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks) if peaks else 0.0


def search_timing() -> dict:
    script = """
import time, statistics
from claims.models import Claim
words = [c.text.split()[1] for c in Claim.objects.order_by("id")[:200:25]]
def timed(fn):
    runs = []
    for w in words:
        for _ in range(3):
            t = time.perf_counter(); fn(w); runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000
fts = timed(lambda w: list(Claim.objects.published().search(w)[:20]))
naive = timed(lambda w: list(Claim.objects.published().filter(text__icontains=w)
                            .order_by("-said_on")[:20]))
ranked = list(Claim.objects.published().search(words[0])[:3])
print(f"{fts:.3f} {naive:.3f} {int(all(hasattr(c, 'rank') for c in ranked))}")
"""
    out = manage("shell", "-c", script, capture=True).strip().splitlines()[-1].split()
    return {"fts_ms": float(out[0]), "icontains_ms": float(out[1]), "ranked": out[2] == "1"}


COLD_SCRIPT = """
import json, random, statistics, sys, time
from django.conf import settings
settings.ALLOWED_HOSTS.append("testserver")
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
pages = json.loads(sys.stdin.read())
out = {}
for name, paths in pages.items():
    client.get(paths[0])  # templates loaded, connection open
    runs, queries = [], []
    for path in paths:
        # A query string no page was cached under: rendered afresh, as after a change.
        fresh = f"{path}{'&' if '?' in path else '?'}fresh={random.random()}"
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(fresh)
            runs.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (fresh, response.status_code)
        queries.append(len(captured))
    out[name] = {"median_ms": statistics.median(runs), "p90_ms": sorted(runs)[int(len(runs) * 0.9)],
                 "queries": max(queries)}
print("JSON " + json.dumps(out))
"""


def cold_renders(every: dict[str, list[str]]) -> dict:
    """Each page rendered with nothing of it cached, one request at a time, in one process:
    the time a reader waits right after a change, and how many queries it costs."""
    names = ["home", "claim list", "list + filters + search", "claim page (random)"]
    pages = {name: every[name][:40] for name in names}
    result = subprocess.run(
        [PY, "manage.py", "shell", "-c", COLD_SCRIPT],
        cwd=ROOT,
        env=env(DB),
        input=json.dumps(pages),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json_line(result)


EDIT_SCRIPT = """
import sys, time
from claims.models import Evidence
rate, seconds, ids = float(sys.argv[1]), float(sys.argv[2]), [int(i) for i in sys.argv[3:]]
evidence = list(Evidence.objects.filter(claim_id__in=ids).order_by("id"))
saved, started = 0, time.monotonic()
while time.monotonic() - started < seconds:
    item = evidence[saved % len(evidence)]
    item.excerpt = f"{item.excerpt.split(' [edit', 1)[0]} [edit {saved}]"
    item.save()  # the model's save, as the admin's: history, re-review, the triggers
    saved += 1
    time.sleep(max(0.0, started + saved / rate - time.monotonic()))
print(f"SAVED {saved}")
"""


class Editing:
    """An editor saving an evidence excerpt `rate` times a second, on the claims whose pages
    are measured, in a process of its own, while `with Editing(...)` lasts."""

    def __init__(self, rate: float, claim_ids: list[str], seconds: float):
        self.args = [str(rate), str(seconds), *claim_ids]

    def __enter__(self):
        self.process = subprocess.Popen(
            [PY, "-c", _django_script(EDIT_SCRIPT), *self.args],
            cwd=ROOT,
            env=env(DB),
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)  # Django is up and saving before wrk starts
        return self

    def __exit__(self, *exc):
        out, _ = self.process.communicate(timeout=120)
        self.saved = int(out.rsplit("SAVED ", 1)[1]) if "SAVED " in out else 0


def _django_script(body: str) -> str:
    return (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'factcheck.settings'); django.setup()\n" + body
    )


def import_rate() -> dict:
    """The shared sample into an empty database. The rate is the command's own figure (from
    opening the file to the commit); the process's wall time, with Python and Django
    starting, is kept beside it."""
    if not SAMPLE.exists():
        return {"skipped": f"{SAMPLE} not found"}
    ensure_database("factcheck_bench_import", fresh=True)
    psql("CHECKPOINT")  # creating the database leaves writes that would land on the import
    started = time.perf_counter()
    out = manage(
        "import_claimreview",
        str(SAMPLE),
        "--show",
        "0",
        database="factcheck_bench_import",
        capture=True,
    )
    wall = time.perf_counter() - started
    first, *rest = out.splitlines()
    match = re.search(r"(\d+) records read in ([\d.]+) s", first)
    records, seconds = int(match.group(1)), float(match.group(2))
    counts = {line.split()[0]: int(line.split()[1]) for line in rest[:5]}
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": round(records / seconds),
        "process_seconds": round(wall, 1),
        **counts,
    }


def claimreview_file(path: Path, megabytes: int) -> int:
    """Write a JSON array of the shared sample's records, copied over and over (each copy
    under review URLs of its own, so it makes claims rather than duplicates) until the file
    holds `megabytes` MB: real records' shapes and mess, at a big archive's size. Returns
    how many records it holds."""
    records = json.loads(SAMPLE.read_text(encoding="utf-8"))
    target, written, count = megabytes * 10**6, 1, 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for copy in itertools.count():
            for record in records:
                url = record.get("url") if isinstance(record, dict) else None
                if copy and isinstance(url, str):
                    address, hash_, fragment = url.partition("#")
                    joint = "&" if "?" in address else "?"
                    record = {**record, "url": f"{address}{joint}copy={copy}{hash_}{fragment}"}
                text = (",\n" if count else "") + json.dumps(record, ensure_ascii=False)
                written += out.write(text)  # characters: the file has at least as many bytes
                count += 1
                if written >= target:
                    out.write("]")
                    return count


def import_memory() -> dict:
    """Peak memory of an import of a generated file of IMPORT_FILE_MB MB (`--dry-run`, into an
    empty database): the largest resident set of the command's processes (its own and its
    parser's), as the kernel reports it when the command ends."""
    if not SAMPLE.exists():
        return {"skipped": f"{SAMPLE} not found"}
    database = "factcheck_bench_memory"
    ensure_database(database, fresh=True)
    with tempfile.TemporaryDirectory() as scratch:
        path, output = Path(scratch) / "claimreview.json", Path(scratch) / "output.txt"
        records = claimreview_file(path, IMPORT_FILE_MB)
        size = path.stat().st_size
        with output.open("w") as out:
            command = [PY, "manage.py", "import_claimreview", str(path), "--dry-run", "--show", "0"]
            process = subprocess.Popen(command, cwd=ROOT, env=env(database), stdout=out)
            # wait4 reports this child alone (and the parser it waited for), where
            # RUSAGE_CHILDREN would also hold every earlier child of the benchmark (gunicorn).
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command)
        first, *rest = output.read_text().splitlines()
    match = re.search(r"(\d+) records read in ([\d.]+) s", first)
    counts = {line.split()[0]: int(line.split()[1]) for line in rest[:5]}
    return {
        "file_mb": round(size / 10**6),
        "records": int(match.group(1)),
        "written": records,
        "seconds": float(match.group(2)),
        "records_per_s": round(int(match.group(1)) / float(match.group(2))),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        **counts,
    }


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return f"{os.cpu_count()} cores ({model}), {memory} GiB, Python {platform.python_version()}"


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench does it)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    claims = seed()
    server = start_server()
    try:
        table = {}
        every = endpoints()
        edited = [
            p.rstrip("/").rsplit("/", 1)[1].split("-")[0] for p in every["claim page (random)"]
        ]
        for name, paths in every.items():
            warm(paths)  # as a proxy or CDN in front would be: every page rendered once
            others = edited if name != "/healthz" else None
            table[name] = e = measure(name, paths, every["/healthz"], others)
            print(
                f"{name:<26} {e['rps']:>9.0f} req/s  {e['ratio']:>4.0%} of "
                f"/healthz  p95 {e['p95_ms']:.1f} ms  errors {e['errors']}"
            )
            if others:
                for rate, phase in e["editing"].items():
                    print(
                        f"{'':<26} {rate} save/s: {phase['rps']:>7.0f} req/s "
                        f"({phase['of_calm']:.0%} of calm)  p99 {phase['p99_ms']:.1f} ms"
                    )
        peak = worker_peak_mb(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "claims": claims,
        "duration_s": DURATION,
        "rounds": ROUNDS,
        "connections": CONNECTIONS,
        "workers": WORKERS,
        "threads": int(os.environ.get("GUNICORN_THREADS", "4")),
        "endpoints": table,
        "cold": cold_renders(every),
        "search": search_timing(),
        "import": import_rate(),
        "import_memory": import_memory(),
        "worker_peak_mb": round(peak, 1),
    }
    stamp = results["date"].replace(":", "")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(results, indent=1))
    write_report(results)


def _editing_report(r: dict) -> tuple[str, str]:
    rows = [
        "| endpoint | calm req/s | 1 save/s | p99 ms | 5 saves/s | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, e in r["endpoints"].items():
        if "editing" not in e:
            continue
        one, five = e["editing"]["1"], e["editing"]["5"]
        rows.append(
            f"| {name} | {e['rps']:.0f} | {one['rps']:.0f} ({one['of_calm']:.0%}) | "
            f"{one['p99_ms']:.1f} | {five['rps']:.0f} ({five['of_calm']:.0%}) | "
            f"{five['p99_ms']:.1f} |"
        )
    cold = ["| page | median ms | p90 ms | queries |", "|---|---:|---:|---:|"]
    for name, c in r.get("cold", {}).items():
        cold.append(f"| {name} | {c['median_ms']:.1f} | {c['p90_ms']:.1f} | {c['queries']} |")
    return "\n".join(rows), "\n".join(cold)


def _editing_checks(r: dict) -> list[tuple[str, bool, str]]:
    edited = {n: e["editing"] for n, e in r["endpoints"].items() if "editing" in e}
    one = {n: p["1"] for n, p in edited.items()}
    five = {n: p["5"] for n, p in edited.items()}
    worst_one = min(one, key=lambda n: one[n]["of_calm"])
    slowest_one = max(one, key=lambda n: one[n]["p99_ms"])
    worst_five = min(five, key=lambda n: five[n]["of_calm"])
    cold = r.get("cold", {})
    claim = cold.get("claim page (random)", {}).get("median_ms", 999)
    search = cold.get("list + filters + search", {}).get("median_ms", 999)
    return [
        (
            "1 save/s: every page >= 70% of calm",
            one[worst_one]["of_calm"] >= 0.7,
            f"lowest {one[worst_one]['of_calm']:.0%} ({worst_one})",
        ),
        (
            "1 save/s: every page p99 < 250 ms",
            one[slowest_one]["p99_ms"] < 250,
            f"highest {one[slowest_one]['p99_ms']:.1f} ms ({slowest_one})",
        ),
        (
            "5 saves/s: every page >= 50% of calm",
            five[worst_five]["of_calm"] >= 0.5,
            f"lowest {five[worst_five]['of_calm']:.0%} ({worst_five})",
        ),
        ("claim page rendered afresh <= 15 ms", claim <= 15, f"{claim:.1f} ms"),
        ("search page rendered afresh <= 30 ms", search <= 30, f"{search:.1f} ms"),
    ]


def write_report(r: dict) -> None:
    lines = [
        "| endpoint | req/s | vs /healthz | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e in r["endpoints"].items():
        lines.append(
            f"| {name} | {e['rps']:.0f} | {e['ratio']:.0%} | {e['p50_ms']:.1f} | "
            f"{e['p95_ms']:.1f} | {e['p99_ms']:.1f} | {e['errors']} |"
        )
    s, imp, mem = r["search"], r["import"], r.get("import_memory", {})
    speedup = s["icontains_ms"] / s["fts_ms"] if s["fts_ms"] else 0
    ep = r["endpoints"]
    checks = [
        (
            "claim page >= 50% of /healthz",
            ep["claim page (random)"]["ratio"] >= 0.5,
            f"{ep['claim page (random)']['ratio']:.0%}",
        ),
        (
            "home >= 50% of /healthz",
            ep["home"]["ratio"] >= 0.5,
            f"{ep['home']['ratio']:.0%}",
        ),
        (
            "list with filters and search: p95 < 100 ms",
            ep["list + filters + search"]["p95_ms"] < 100,
            f"{ep['list + filters + search']['p95_ms']:.1f} ms",
        ),
        (
            f"zero errors at {r['connections']} connections",
            all(e["errors"] == 0 for e in ep.values()),
            str(sum(e["errors"] for e in ep.values())),
        ),
        (
            "search >= 10x faster than icontains, ranked",
            speedup >= 10 and s["ranked"],
            f"{speedup:.1f}x",
        ),
        (
            "import >= 2,000 records/s",
            imp.get("records_per_s", 0) >= 2000,
            f"{imp.get('records_per_s', 'n/a')} records/s",
        ),
        ("worker peak memory < 150 MB", r["worker_peak_mb"] < 150, f"{r['worker_peak_mb']} MB"),
        (
            f"import peak memory on a {mem.get('file_mb', IMPORT_FILE_MB)} MB file < 150 MB",
            mem.get("peak_mb", 150) < 150,
            f"{mem.get('peak_mb', 'n/a')} MB",
        ),
    ]
    editing, cold = _editing_report(r)
    checks += _editing_checks(r)
    table = "\n".join(lines)
    targets = "\n".join(
        f"| {name} | {'met' if ok else '**missed**'} | {value} |" for name, ok, value in checks
    )
    report = f"""# Performance

Measured by `make bench` (bench/run.py) on {r["date"]}, {r["machine"]}.
{r["claims"]:,} claims on PostgreSQL (seed_bench: 1,000,000 evidence links, 300,000 status
changes, 300,000 sources); gunicorn with {r["workers"]} processes x {r.get("threads")} threads
(gunicorn.conf.py), `DEBUG` off; wrk with
{r["connections"]} connections, after every page of the endpoint was fetched once; each
endpoint run {r.get("rounds", 1)} times for {r["duration_s"]} s, each time right after a /healthz
run: medians, with each ratio taken against the /healthz run just before it.
Raw results: `bench/results/` (git-ignored).

{table}

### While the newsroom edits

The same endpoints again while an editor saves an evidence excerpt once a second, then five
times a second (through the model, as the admin does: history, re-review, triggers), on the
claims whose pages are measured. In each round the endpoint's calm run is followed at once by
one {r["duration_s"]} s run at each rate: the share of calm is the median over the rounds of
the busy run against the calm run just before it; req/s and p99 are medians.

{editing}

### Rendered afresh

Each page rendered with nothing of it cached (a query string no page was cached under), one
request at a time in one process: what the first reader after a change waits, and the
queries it costs (40 pages each).

{cold}

Search over the same rows (median of 24 queries): PostgreSQL full-text {s["fts_ms"]:.2f} ms,
`icontains` {s["icontains_ms"]:.2f} ms ({speedup:.1f}x), results ranked: {s["ranked"]}.

ClaimReview import of the shared sample ({imp.get("records", "n/a")} records) into an empty
database: {imp.get("seconds", "n/a")} s, {imp.get("records_per_s", "n/a")} records/s
({imp.get("created", "n/a")} created, {imp.get("duplicate", "n/a")} duplicates,
{imp.get("rejected", "n/a")} rejected), as the command reports it, from opening the file to
the commit; the whole process, with Python and Django starting, took
{imp.get("process_seconds", "n/a")} s.

Import memory: a generated file of {mem.get("file_mb", "n/a")} MB (the sample's records copied
under new review URLs, {mem.get("records", "n/a")} records), `--dry-run` into an empty
database, in {mem.get("seconds", "n/a")} s ({mem.get("records_per_s", "n/a")} records/s): peak
resident memory {mem.get("peak_mb", "n/a")} MB (the largest of the command's processes).

Server worker peak memory (VmHWM of the largest worker): {r["worker_peak_mb"]} MB.

## Targets

| target | result | measured |
|---|---|---|
{targets}
"""
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    existing = (docs / "performance.md").read_text() if (docs / "performance.md").exists() else ""
    notes = existing.split("## Notes", 1)[1] if "## Notes" in existing else "\n"
    (docs / "performance.md").write_text(report + "\n## Notes" + notes)
    print(report)


if __name__ == "__main__":
    main()
