"""Benchmark of the pairing station's batch (issue 15): pairs per second for a 1,000-row CSV.

    .venv/bin/python -m tests.bench.bench_pair [--count 1000] [--concurrency 8]

The sandbox runs as `kiosk sandbox --sim-stock COUNT` in its own process on loopback (COUNT
unattached pSIMs, `seed.stock_iccids`); the batch runs here through `kiosk pair` itself
(`kiosk.cli.main`), journal on disk, export written. Requests per new device come from the
sandbox's `/_sandbox/stats` (everything the run sent, the prefetch included). Targets: >= 20
pairs/s, <= 2 requests per new device. A second run of the same CSV must pair nothing and send no write.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kiosk.cli import main as kiosk
from kiosk.sandbox.seed import stock_iccids, stock_imeis
from kiosk.sandbox.serve import free_port
from tests.bench.bench_flow import rss_kib

def start_sandbox(stock: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "sandbox", "--port", str(port),
                             "--sim-stock", str(stock)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url + "/_sandbox", timeout=1)
            return proc, url
        except httpx.TransportError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)


def sent(url: str) -> dict[str, int]:
    return dict(httpx.get(url + "/_sandbox/stats", timeout=10).json()["requests"])


def pair_once(url: str, source: Path, folder: Path, concurrency: int) -> tuple[int, dict, float]:
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = kiosk(["pair", "--input", str(source), "--export", str(folder / "out.csv"),
                      "--journal", str(folder / "journal.sqlite3"), "--api-url", url,
                      "--concurrency", str(concurrency), "--json"])
    return code, json.loads(out.getvalue()), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith(("GIGS_", "KIOSK_"))]:
        del os.environ[name]
    proc, url = start_sandbox(args.count)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            source = folder / "pallet.csv"
            rows = zip(stock_imeis(args.count), stock_iccids(args.count), strict=True)
            source.write_text("imei,iccid\n" + "".join(f"{i},{s}\n" for i, s in rows))
            before_rss, before = rss_kib(), sent(url)
            code, summary, took = pair_once(url, source, folder, args.concurrency)
            after_rss, after = rss_kib(), sent(url)
            spent = sum(after.values()) - sum(before.values())
            paired = summary["paired"]
            print(f"{args.count} rows in {took:.2f} s: {args.count / took:.0f} pairs/s "
                  f"(target >= 20); exit {code}, {paired} paired, {summary['already']} already, "
                  f"{summary['refused']} refused, {summary['errors']} errors")
            print(f"{spent} requests for {paired} new devices: "
                  f"{spent / max(paired, 1):.3f} per new device (target <= 2); "
                  f"POST /devices {after.get('POST /devices', 0) - before.get('POST /devices', 0)}")
            print(f"RSS {before_rss / 1024:.1f} MiB before the batch, "
                  f"{after_rss / 1024:.1f} MiB after")
            code2, summary2, took2 = pair_once(url, source, folder, args.concurrency)
            again = sent(url)
            writes = sum(again.get(k, 0) - after.get(k, 0)
                         for k in ("POST /devices", "PATCH /devices/{device}"))
            print(f"re-run: exit {code2}, {summary2['already']} already, {summary2['paired']} "
                  f"paired, {writes} writes, {sum(again.values()) - sum(after.values())} "
                  f"requests, {took2:.2f} s; RSS {rss_kib() / 1024:.1f} MiB")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
