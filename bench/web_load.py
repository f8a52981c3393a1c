"""Load on `sillok serve`: the search page and the search API under concurrent clients, with
wrk (Debian package `wrk`), and the server's memory sampled all along.

    python bench/build_archive.py --data-dir /tmp/nkdb --scale 0.2     # a FICTIONAL archive
    python bench/web_load.py --data-dir /tmp/nkdb --duration 600 --out bench/out/web-load.json

The two phases (page, then API) share the duration; each request takes the next query of a
fixed list of Korean, English and cross-script words, so that caches see a realistic mix
rather than one query. With ``--new-share F``, that share of the requests instead carries a
query not asked before in the run (two words of the archive's texts, or a word and a
person's name, made up from build_archive.py's word lists; 10,000 different ones per phase,
more than a 5-minute phase asks for) — searches no kept answer can serve (search/cache.py).
Reports p50/p75/p90/p99 latency, requests/s, errors (socket errors and
answers other than 2xx/3xx) and the resident memory of all server processes (start, peak,
end).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

QUERIES = [
    "탈북민", "강제북송", "forced repatriation", "Kim Jong Un", "김정은", "구류장", "detention",
    "온성", "Onsong", "public execution", "공개처형", "노동단련대", "South Korean drama",
    "한국 드라마", "China arrest", "체포", "Hoeryong", "회령", "집결소", "beating",
]

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def new_queries(count: int, seed: int = 11) -> list[str]:
    """``count`` different two-word queries over the bench archive's own words and names."""
    sys.path.insert(0, str(Path(__file__).parent))
    from build_archive import EN, GIVEN, KO, SURNAMES  # a sibling script

    words = sorted({w.strip(".,[]()\"'") for line in KO + EN for w in line.split()} - {""})
    names = [s + g for s in SURNAMES for g in GIVEN]
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < count:
        first = rng.choice(words)
        second = rng.choice(names) if rng.random() < 0.3 else rng.choice(words)
        if first != second:
            out[f"{first} {second}"] = None
    return list(out)


def mixed(head: list[str], new: list[str], share: float, seed: int = 5) -> list[str]:
    """The list of queries a phase cycles through: ``head`` in turn, and with probability
    ``share`` the next of ``new`` instead (each asked once)."""
    if share <= 0:
        return head
    rng = random.Random(seed)
    out, fresh, i = [], iter(new), 0
    for query in fresh:
        while rng.random() >= share:
            out.append(head[i % len(head)])
            i += 1
        out.append(query)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(root: int) -> float:
    """Resident memory of a process and its children (the server's workers)."""
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(root), "-p", str(root)],
                         capture_output=True, text=True, check=False).stdout
    return sum(int(x) for x in out.split()) / 1024


def _wait(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"error: the server did not answer {url} within {timeout:.0f} s")


def _parse_wrk(out: str) -> dict[str, object]:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    result: dict[str, object] = {}
    for pct in ("50", "75", "90", "99"):
        found = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        if found:
            result[f"p{pct}_ms"] = round(ms(found.group(1)), 1)
    found = re.search(r"(\d+) requests in", out)
    result["requests"] = int(found.group(1)) if found else 0
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    result["requests_per_s"] = float(found.group(1)) if found else 0.0
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx_3xx"] = int(found.group(1)) if found else 0
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      out)
    result["socket_errors"] = sum(int(x) for x in found.groups()) if found else 0
    return result


def _phase(base: str, paths: list[str], seconds: int, connections: int, threads: int,
           lua_dir: Path, name: str) -> dict[str, object]:
    script = lua_dir / f"{name}.lua"
    script.write_text(LUA % ", ".join(json.dumps(p) for p in paths), encoding="utf-8")
    out = subprocess.run(
        ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
         "--timeout", "10s", "-s", str(script), base], capture_output=True, text=True,
        check=True).stdout
    return {"seconds": seconds, **_parse_wrk(out)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--duration", type=int, default=600, help="seconds, both phases together")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--warmup", type=int, default=30,
                    help="seconds of the same load before measuring, reported apart (0: none)")
    ap.add_argument("--new-share", type=float, default=0.0,
                    help="share of requests with a query not asked before (0–1)")
    ap.add_argument("--search-backend", default="database", choices=("database", "tantivy"),
                    help="SILLOK_SEARCH_BACKEND of the server")
    ap.add_argument("--api-first", action="store_true",
                    help="the API phase before the page phase (the first meets the new "
                         "questions' words for the first time)")
    args = ap.parse_args()
    if not 0 <= args.new_share < 1:
        raise SystemExit("error: --new-share must be at least 0 and below 1")
    if shutil.which("wrk") is None:
        raise SystemExit("error: wrk is not installed (Debian: apt-get install wrk)")

    port = _free_port()
    env = {**os.environ, "SILLOK_DATA_DIR": str(args.data_dir),
           "SILLOK_SEARCH_BACKEND": args.search_backend}
    if args.database_url:
        env["SILLOK_DATABASE_URL"] = args.database_url
    server = subprocess.Popen([sys.executable, "-m", "sillok.cli.main", "serve", "--port",
                               str(port), "--workers", str(args.workers)], env=env)
    base = f"http://127.0.0.1:{port}"
    samples: list[float] = []
    stop = threading.Event()
    try:
        _wait(f"{base}/")
        quoted = [urllib.parse.quote(q) for q in QUERIES]
        # One pass, so that the server has started.
        for q in quoted:
            urllib.request.urlopen(f"{base}/search?q={q}", timeout=60).read()

        def sample() -> None:
            while not stop.wait(10):
                samples.append(_rss_mb(server.pid))

        samples.append(_rss_mb(server.pid))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        load_before = os.getloadavg()
        with tempfile.TemporaryDirectory() as tmp:
            # A started server under the same load for --warmup seconds, reported on its own:
            # the phases below measure the steady state (each worker has read the archive's
            # pages from disk and met the queries once), the warm-up what a cold start costs.
            warmup = _phase(base, [f"/search?q={q}" for q in quoted] + [
                f"/api/v1/search?q={q}&facets=true" for q in quoted], args.warmup,
                args.connections, args.threads, Path(tmp), "warmup") if args.warmup else {}
            half = args.duration // 2
            new = [urllib.parse.quote(q) for q in new_queries(20_000)]
            phases = {
                "page": [f"/search?q={q}" for q in mixed(quoted, new[:10_000], args.new_share)],
                "api": [f"/api/v1/search?q={q}&facets=true"
                        for q in mixed(quoted, new[10_000:], args.new_share)]}
            done = {name: _phase(base, phases[name], half, args.connections, args.threads,
                                 Path(tmp), name)
                    for name in (("api", "page") if args.api_first else ("page", "api"))}
            page, api = done["page"], done["api"]
        stop.set()
        samples.append(_rss_mb(server.pid))
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=60)

    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "archive": str(args.data_dir), "backend": "postgresql" if args.database_url
        else "sqlite", "search_backend": args.search_backend, "workers": args.workers,
        "connections": args.connections,
        "new_share": args.new_share, "order": "api, page" if args.api_first else "page, api",
        "warmup": warmup, "search_page": page, "search_api": api,
        "rss_mb": {"start": round(samples[0], 1), "peak": round(max(samples), 1),
                   "end": round(samples[-1], 1), "samples": len(samples),
                   "every_10_s": [round(x) for x in samples]},
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
