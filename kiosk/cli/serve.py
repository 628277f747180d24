"""`kiosk sandbox` and `kiosk demo-sheet`: the sandbox for booths and tests."""

from __future__ import annotations

import argparse

from kiosk.cli.common import (
    EXIT_INVALID, EXIT_OK, CliError, bounded, output_file, text,
    write_error,
)
from kiosk.redact import printable


def sandbox(args: argparse.Namespace) -> int:
    from kiosk.sandbox.config import SandboxConfig
    from kiosk.sandbox.faults import FaultRule
    from kiosk.sandbox.serve import run

    try:
        rules = [FaultRule.parse(spec) for spec in args.fault]
    except (ValueError, TypeError) as exc:
        raise CliError(f"invalid --fault: {exc}", EXIT_INVALID) from None
    # Unset: the sandbox's own default (SandboxConfig), changed there in one line.
    strictness = {"undocumented_filters": args.undocumented_filters} if args.undocumented_filters else {}
    config = SandboxConfig(
        project=args.sandbox_project, token=args.token or None, idempotency=args.idempotency,
        delayed_sim_seconds=args.delayed_sim_seconds,
        sim_stock=args.sim_stock,
        faults={"latency_ms": args.latency_ms, "rules": [vars(r) for r in rules]},
        **strictness,
    )
    url = f"http://{args.host}:{args.port}"
    print(f"Gigs sandbox on {url}  project {config.project}", flush=True)
    print(f"Use it with: GIGS_API_URL={url} GIGS_PROJECT={config.project} kiosk ...", flush=True)
    print(f"Control: {url}/_sandbox (faults, clock, stats). Ctrl-C stops.", flush=True)
    run(config, args.host, args.port)
    return EXIT_OK


def demo_sheet(args: argparse.Namespace) -> int:
    from kiosk.sandbox.demo_sheet import write

    target = output_file(args.out, seekable=True)
    if target.suffix.lower() not in (".png", ".pdf"):
        raise CliError(f"--out {printable(args.out)}: a .png or .pdf file", EXIT_INVALID)
    try:
        paths = write(target)
    except OSError as exc:
        raise write_error(target, exc) from None
    print(f"wrote {', '.join(map(str, paths))} (every barcode decoded back and checked)")
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sandbox", help="serve the Gigs sandbox on a loopback port")
    p.add_argument("--host", default="127.0.0.1", type=text(253))
    p.add_argument("--port", type=bounded(0, 65535, integer=True), default=8089)
    p.add_argument("--project", dest="sandbox_project", default="demo")
    p.add_argument("--token", type=text(200), help="accept only this bearer token (default: any)")
    p.add_argument("--latency-ms", type=bounded(0, 60_000, unit="ms"), default=0.0,
                   help="added latency per request")
    p.add_argument("--fault", action="append", default=[], metavar="SPEC",
                   help="e.g. kind=429,path=*/plans,rate=0.3,retry_after=2 or "
                        "kind=drop_after,method=POST,path=*/orders,count=1 (repeatable)")
    p.add_argument("--idempotency", choices=["enabled", "ignored", "reject"], default="enabled")
    p.add_argument("--sim-stock", type=bounded(0, 100_000, integer=True), default=0,
                   metavar="N", help="N more unattached pSIMs for pairing benchmarks "
                   "(ICCIDs: kiosk.sandbox.seed.stock_iccids)")
    p.add_argument("--delayed-sim-seconds", type=bounded(0, 3600, unit="seconds"),
                   default=45.0)
    p.add_argument("--undocumented-filters", choices=["honour", "ignore", "refuse"],
                   help="query filters the Gigs docs do not document, such as "
                        "GET /subscriptions?sim=: honour them, ignore them (answer as if "
                        "absent) or refuse them (422); default: the sandbox's")
    p = sub.add_parser("demo-sheet", help="render the demo IMEIs as printable barcodes")
    p.add_argument("--out", default="demo-sheet.png", type=text(4096), help="a .png or .pdf path")
