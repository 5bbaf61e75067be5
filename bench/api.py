"""API load benchmark: 100k synthetic articles in the embedded store, served by `rasad serve`,
driven by a load generator in a second process on loopback.

    python bench/api.py                 build the corpus (cached in var/bench/), serve, load
    python bench/api.py --db PATH       reuse a store built before

Prints requests per second, median and p95 latency for the search and series endpoints.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = ROOT / "var" / "bench" / "api-100k.db"
TOKEN_VARIABLE = "RASAD_BENCH_TOKEN"  # the load process reads the token here


def build(db: Path, n: int) -> None:
    from store import chunks

    from rasad.index.sqlite_store import SQLiteStore

    db.parent.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(db)
    for articles, _ in chunks(n):  # made and normalized a chunk at a time: memory stays flat
        for i in range(0, len(articles), 1000):
            store.upsert(articles[i : i + 1000])
    store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, port: int, workers: int, cache: bool) -> subprocess.Popen[bytes]:
    # absolute: sqlite:/// before a relative path would name one from the root
    env = os.environ | {"RASAD_STORE": f"sqlite:///{db.resolve()}"}
    if not cache:
        env["RASAD_CACHE_SECONDS"] = "0"
    command = [sys.executable, "-m", "rasad", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--log-level", "warning", "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


# ---- the load generator (runs in its own process: `bench/api.py --load ...`) ---------------


def load(port: int, paths: list[str], seconds: float, concurrency: int) -> dict[str, float]:
    """Keep `concurrency` keep-alive connections busy for `seconds`; latency per request."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", rng.choice(paths), headers=_auth())
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            failed += response.status != 200
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "median": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "errors": errors,
    }


def drive(
    port: int, label: str, paths: list[str], seconds: float, concurrency: int, quiet: bool = False
) -> int:
    """Run the load generator as a second process and print its figures."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--load",
            str(port),
            "--seconds",
            str(seconds),
            "--concurrency",
            str(concurrency),
        ],
        input=json.dumps(paths),
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(out.stdout)
    if quiet:
        return int(r["requests"])
    print(
        f"{label:34s} {r['rps']:7.1f} req/s   median {r['median']:6.1f} ms   "
        f"p95 {r['p95']:6.1f} ms   ({r['requests']} requests, {r['errors']} not 200)"
    )
    return int(r["requests"])


def resident_mb(pid: int) -> dict[int, float]:
    """Resident memory of a process and its children (the server's workers), in MB."""
    out: dict[int, float] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        rss = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        out[current] = int(rss.split()[1]) / 1024
        pending += [int(c) for c in children]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="server processes")
    ap.add_argument("--no-cache-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--load", type=int, help=argparse.SUPPRESS)  # internal: be the load process
    args = ap.parse_args()
    if args.load:
        paths = json.loads(sys.stdin.read())
        print(json.dumps(load(args.load, paths, args.seconds, args.concurrency)))
        return

    if not args.db.exists():
        started = time.perf_counter()
        build(args.db, args.articles)
        took = time.perf_counter() - started
        print(f"built {args.articles} articles into {args.db} in {took:.0f} s")
    for cache in (False, True)[: 1 if args.no_cache_only else 2]:
        print(f"-- search cache {'on (10 s, the default)' if cache else 'off'}")
        bench_server(args, cache)


def bench_server(args: argparse.Namespace, cache: bool) -> None:
    from corpus import CITIES, WORDS

    port = _free_port()
    os.environ[TOKEN_VARIABLE] = viewer_token(args.db)
    server = serve(args.db, port, args.workers, cache)
    try:
        metrics = [m["metric"] for m in json.loads(_get(port, "/api/metrics?size=200"))]
        health = json.loads(_get(port, "/api/health"))
        print(
            f"serving {health['detail']['articles']:,} articles with {args.workers} server "
            f"processes; load from another process, {args.concurrency} connections, "
            f"{args.seconds:g} s each"
        )
        rng = random.Random(7)
        words = [f"/api/search?{urlencode({'q': rng.choice(WORDS)})}" for _ in range(300)]
        filtered = [
            "/api/search?"
            + urlencode(
                {
                    "q": rng.choice(WORDS),
                    "city": rng.choice(CITIES),
                    "sort": "date",
                    "from": "1402-03-11",
                    "to": "1402-12-10",
                    "facets": "true",
                }
            )
            for _ in range(300)
        ]
        series = [f"/api/series?{urlencode({'metric': rng.choice(metrics)})}" for _ in range(300)]
        # warm up: a new server's caches (SQLite pages, hazm) start cold
        served = drive(port, "warm-up", words + filtered + series, 5, args.concurrency, True)
        served += drive(port, "search (word)", words, args.seconds, args.concurrency)
        if not cache:
            served += drive(
                port, "search (filtered, facets, by date)", filtered, args.seconds, args.concurrency
            )
            served += drive(port, "series (month)", series, args.seconds, args.concurrency)
        memory = resident_mb(server.pid)
        print(
            f"resident memory after {served:,} requests: "
            + ", ".join(f"{mb:,.0f} MB" for mb in memory.values())
            + f" (the server and its workers; {sum(memory.values()):,.0f} MB in all)"
        )
    finally:
        server.terminate()
        server.wait(10)


def _get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path, headers=_auth())
    return conn.getresponse().read()


def viewer_token(db: Path) -> str:
    """Requests carry a viewer's API token, as an integrator's would (reads need a login)."""
    from rasad.accounts import Accounts
    from rasad.index.sqlite_store import SQLiteStore

    store = SQLiteStore(db)
    try:
        accounts = Accounts(store)
        if accounts.get("bench") is None:
            return str(accounts.add("bench", "viewer")[1])
        return accounts.new_token("bench")
    finally:
        store.close()


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {os.environ[TOKEN_VARIABLE]}"}


if __name__ == "__main__":
    main()
