"""Load on `reportcheck serve`: uploads per second and latency with 1, 4 and 16 clients.

Starts `python -m reportcheck serve` on a free port of 127.0.0.1 (loopback only), then for
each number of concurrent clients posts corpus reports to ``POST /api/check`` (the whole
answer: upload, read, check, JSON) until ``--requests`` uploads are done or ``--seconds``
have passed, whichever comes first. Uploads rotate over the corpus's .docx reports (typical
reports, ~23 KB each) so the text caches do not see the same report over and over. Prints
requests/second, p50/p95 latency, how many answers were 503 "busy", and the server's CPU time
per request (from /proc: independent of what else the machine is doing).

    python benchmarks/bench_server.py [--requests 80] [--seconds 30] [--workers 2] [--clients 1,4,16]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything else


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def start_server(port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "reportcheck", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode(errors='replace')}")
        try:
            if httpx.get(f"http://{HOST}:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("server did not start within 30 s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def level(base: str, reports: list[tuple[str, bytes]], clients: int, requests: int, seconds: float) -> dict:
    """``clients`` threads posting uploads until ``requests`` are done or ``seconds`` pass."""
    lock = threading.Lock()
    counter = itertools.count()
    latencies: list[float] = []
    statuses: list[int] = []
    deadline = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter)
                if n >= requests:
                    return
                name, data = reports[n % len(reports)]
                t0 = time.perf_counter()
                try:
                    status = http.post("/api/check", files={"file": (name, data)}).status_code
                except httpx.HTTPError:
                    status = 0
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    statuses.append(status)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ok = [lat for lat, st in zip(latencies, statuses) if st == 200]
    return {
        "clients": clients, "requests": len(statuses), "ok": len(ok), "busy": statuses.count(503),
        "failed": sum(1 for st in statuses if st not in (200, 503)),
        "rps": len(ok) / wall if wall else float("nan"),
        "p50": percentile(ok, 50) * 1000, "p95": percentile(ok, 95) * 1000, "wall": wall,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=80, help="uploads per concurrency level (default 80)")
    ap.add_argument("--seconds", type=float, default=30.0, help="time limit per level (default 30 s)")
    ap.add_argument("--workers", type=int, default=2, help="the server's --workers (default 2)")
    ap.add_argument("--clients", default="1,4,16", help="concurrency levels (default 1,4,16)")
    args = ap.parse_args()
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    if args.requests > 2000 or args.seconds > 300 or max(levels) > 64:
        raise SystemExit("bounded benchmark: at most 2000 requests, 300 s and 64 clients per level")

    paths = sorted((REPO / "corpora" / "reports").glob("*.docx"))
    reports = [(p.name, p.read_bytes()) for p in paths]
    size = sum(len(d) for _, d in reports) / len(reports) / 1024
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    port = free_port()
    base = f"http://{HOST}:{port}"
    proc = start_server(port, args.workers)
    try:
        with httpx.Client(base_url=base, timeout=120) as http:  # warm-up: imports, rubrics, model
            for name, data in reports[:3]:
                assert http.post("/api/check", files={"file": (name, data)}).status_code == 200
        rows = []
        for c in levels:
            cpu0 = cpu_seconds(proc.pid)
            row = level(base, reports, c, args.requests, args.seconds)
            cpu1 = cpu_seconds(proc.pid)
            row["cpu_ms"] = (cpu1 - cpu0) * 1000 / row["ok"] if None not in (cpu0, cpu1) and row["ok"] else float("nan")
            rows.append(row)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()

    print(f"reportcheck serve on {HOST}: POST /api/check, {len(reports)} corpus .docx reports in rotation "
          f"(mean {size:.0f} KB), server --workers {args.workers}, {os.cpu_count()} cores")
    print(f"load average before: {load_before}")
    print(f"{'clients':>7} {'requests':>8} {'ok':>5} {'busy':>5} {'failed':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}"
          f" {'server CPU ms/req':>18}")
    for r in rows:
        print(f"{r['clients']:>7} {r['requests']:>8} {r['ok']:>5} {r['busy']:>5} {r['failed']:>6} "
              f"{r['rps']:>7.1f} {r['p50']:>8.0f} {r['p95']:>8.0f} {r['cpu_ms']:>18.0f}")
    return 0 if all(r["failed"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
