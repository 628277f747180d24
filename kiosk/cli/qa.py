"""`kiosk qa --input imeis.txt --export out.csv`: a QA batch, headless, on the station's code."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kiosk.cli.common import EXIT_INVALID, EXIT_OK, CliError, connection_parent, emit
from kiosk.gigs import GigsClient
from kiosk.qa import QaBatch, QaRules
from kiosk.scan.imei import InvalidIdentifier, parse_imei


def read_imeis(path: Path) -> tuple[list[str], list[str]]:
    """Valid IMEIs in file order, and a message for every other non-empty line."""
    imeis, problems = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", EXIT_INVALID) from None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            imeis.append(parse_imei(line))
        except InvalidIdentifier as exc:
            problems.append(f"line {number}: {exc.reason}")
    return imeis, problems


async def qa(client: GigsClient, args: argparse.Namespace) -> int:
    imeis, problems = read_imeis(Path(args.input))
    for problem in problems:
        print(f"[qa] skipped {problem}", file=sys.stderr)
    rules = QaRules(
        require_registered=not args.allow_unregistered,
        expect_sim_types=tuple(args.expect_sim_type) if args.expect_sim_type else None,
        expect_sim_count=args.expect_sims, require_inactive=not args.allow_active,
        expect_model=args.expect_model)
    batch = QaBatch(client, rules, concurrency=args.concurrency)
    started = time.perf_counter()
    for imei in imeis:
        batch.add(imei)
    await batch.wait()
    took = time.perf_counter() - started
    if args.export:
        batch.export_csv(Path(args.export), mask_imeis=args.mask_imeis)
    summary = batch.summary() | {"skipped": len(problems),
                                 "lookupsPerSecond": round(len(imeis) / took, 1) if took else 0}
    emit(args, summary, "  ".join(f"{k}: {v}" for k, v in summary.items()))
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("qa", parents=[connection_parent()],
                       help="check a batch of devices (one IMEI per line) and export a CSV")
    p.add_argument("--input", required=True, help="a text file, one IMEI per line")
    p.add_argument("--export", help="write the rows to this CSV file")
    p.add_argument("--concurrency", type=int, default=16, help="lookups in flight at once")
    p.add_argument("--expect-sim-type", action="append", choices=["eSIM", "pSIM"])
    p.add_argument("--expect-sims", type=int, help="exact number of SIMs a device must have")
    p.add_argument("--expect-model", help="text the model's brand and name must contain")
    p.add_argument("--allow-unregistered", action="store_true")
    p.add_argument("--allow-active", action="store_true", help="an active SIM is not a failure")
    p.add_argument("--mask-imeis", action="store_true", help="mask IMEIs and ICCIDs in the CSV")
