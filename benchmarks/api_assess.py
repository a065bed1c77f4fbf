"""Benchmark: `POST /api/v1/assess` over HTTP on loopback, served by uvicorn with N workers (default 2),
loaded by `wrk` (Debian: `apt-get install -y wrk`) from a second process.

    .venv/bin/python benchmarks/api_assess.py                  # 2 workers, 16 connections, 15 s
    .venv/bin/python benchmarks/api_assess.py --check          # exit 1 below 1,000 req/s or above 50 ms p99

The server runs exactly as `aidesk serve --workers N` runs it (`aidesk.api.serving.uvicorn_options`),
without the access log, over a throw-away SQLite data dir. The body is the bundled example profile
(a high-risk CV screening assistant: one of the heavier assessments). Every response must be a 200.
Target (issue 8): ≥ 1,000 requests/s with p99 ≤ 50 ms on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

TARGET_RPS = 1000.0
TARGET_P99_MS = 50.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def example_profile() -> dict[str, Any]:
    from aidesk.rules import example_profile as example
    from aidesk.rules.profile import parse_text

    data = parse_text(example().read_text(encoding="utf-8"), "yaml")
    assert isinstance(data, dict)
    return data


def start_server(port: int, workers: int, data_dir: Path) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from aidesk.api.serving import APP_FACTORY, uvicorn_options\n"
        f"uvicorn.run(APP_FACTORY, **uvicorn_options(port={port}, workers={workers}, access_log=False, "
        "log_level='warning'))\n"
    )
    env = {
        **os.environ,
        "AIDESK_DATA_DIR": str(data_dir),
        "AIDESK_DATABASE_URL": f"sqlite+pysqlite:///{data_dir / 'aidesk.db'}",
    }
    return subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return int(response.status)


def wait_ready(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on {base} within {timeout:.0f} s")


LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[%s]]
"""


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, body: bytes, connections: int, threads: int, seconds: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % body.decode("utf-8"))
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url,
    ]  # fmt: skip
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {
        p: _ms(v, u)
        for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    }
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "tool": "wrk",
        "command": " ".join([*command[:-3], "-s", "assess.lua", url]),
        "requests": total,
        "requests_per_s": rps,
        "p50_ms": latency.get("50"),
        "p90_ms": latency.get("90"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(0) if errors else None,
        "raw": out,
    }


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its children (the uvicorn workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        if int(entry.name) == pid or ppid == pid:
            total += (utime + stime) / ticks
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    body = json.dumps(example_profile()).encode("utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = base + "/api/v1/assess"
    with tempfile.TemporaryDirectory(prefix="aidesk-bench-") as tmp:
        server = start_server(port, args.workers, Path(tmp))
        try:
            wait_ready(base)
            for _ in range(200 * args.workers):  # warm every worker (imports, regime data, caches)
                assert post(url, body) == 200
            cpu_before = process_tree_cpu(server.pid)
            result = run_wrk(url, body, args.connections, args.threads, args.seconds)
            cpu = process_tree_cpu(server.pid) - cpu_before
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
    result.update(
        workers=args.workers, connections=args.connections, seconds=args.seconds, cpus=os.cpu_count()
    )
    # Load-independent: the server's CPU time per request, and the rate the machine's cores could serve.
    result["server_cpu_ms_per_request"] = round(cpu / max(result["requests"], 1) * 1000, 3)
    result["load_average"] = os.getloadavg()[0]
    ok = (
        result["requests_per_s"] >= TARGET_RPS
        and result["p99_ms"] is not None
        and result["p99_ms"] <= TARGET_P99_MS
        and result["non_2xx"] == 0
    )
    result["target_met"] = ok
    raw = result.pop("raw")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(raw)
        print(
            f"POST /api/v1/assess, {args.workers} workers, {args.connections} connections, {args.seconds} s: "
            f"{result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, p90 {result['p90_ms']:.2f} ms, "
            f"p99 {result['p99_ms']:.2f} ms, non-2xx {result['non_2xx']}; server CPU "
            f"{result['server_cpu_ms_per_request']:.3f} ms/request; load average {result['load_average']:.1f} — target "
            f"{'met' if ok else 'MISSED'} (≥ {TARGET_RPS:.0f} req/s, p99 ≤ {TARGET_P99_MS:.0f} ms)"
        )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
