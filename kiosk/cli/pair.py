"""`kiosk pair --input pairs.csv [--export results.csv] [--dry-run]`: a pallet, headless.

Each CSV row is a box: its IMEI (both of a dual-SIM phone, in two columns, allowed) and the
ICCID of the SIM card inside it, with or without a header; every cell is classified by the one
IMEI/ICCID rule (`kiosk.pair.scans.classify`), other cells (a serial, a note) are ignored.
The file is streamed one line at a time (at most `LINE_LIMIT` bytes a line), at most
`--concurrency` pairings run at once, and the export gets one row per input row, in input
order, in a temporary file renamed at the end (Gigs' import: "a CSV table of an ICCID to IMEI
mapping", so IMEIs and ICCIDs are full there; everywhere else they are masked).

Before the first row: the journal's pairings a crash left `sending` are settled, then every
SIM and device is fetched once, so each new device costs one request. Re-running the same
file changes nothing (every row ALREADY).

Exit codes: 0 every row paired or already paired; 9 a row was refused, failed or was not an
IMEI and an ICCID; 4 the API key was refused; 5 the API could not be reached at the start
or for many rows in a row; 2 the input or the export cannot be used; 1 a full disk.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import os
import re
import stat
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from kiosk.cli.common import (
    EXIT_API, EXIT_AUTH, EXIT_CHECK_FAILED, EXIT_INVALID, EXIT_OK, CliError, bounded,
    connection_parent, emit, output_file, reader_present, say, text, write_error,
)
from kiosk.gigs import GigsClient
from kiosk.journal import default_path, open_journal
from kiosk.pair.engine import Pairer
from kiosk.pair.scans import classify, same_box
from kiosk.pair.types import PairResult, Verdict
from kiosk.qa.reader import InputError, lines, open_input
from kiosk.redact import mask_digits, printable

LINE_LIMIT = 512
CONCURRENCY = (1, 64)
SHOWN = 20  # row problems told on stderr before only a count
UNREACHABLE = 32  # rows failing with an API error in a row: the API is gone, stop
COLUMNS = ["line", "imei", "imei2", "iccid", "brand", "model", "verdict", "reason", "message"]


@dataclass(frozen=True)
class Row:
    """One input row: the box's IMEI(s) and ICCID, or why it is not one."""

    line: int
    imeis: tuple[str, ...] = ()
    iccid: str = ""
    problem: str | None = None


DELIMITERS = (",", ";", "\t")


def delimiter_of(first: str) -> str:
    """The CSV's delimiter from its first line: a comma, or the `;` of a German Excel export
    or a tab, whichever the line has most of (a comma on a tie)."""
    return max(DELIMITERS, key=lambda d: (first.count(d), d == ","))


def parse_row(line: int, text_: str, delimiter: str = ",") -> Row | None:
    """The row of a CSV line; None for a header (no cell an identifier or a near miss)."""
    try:
        cells = next(csv.reader([text_], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return Row(line, problem="not a CSV row")
    imeis: list[str] = []
    iccids: list[str] = []
    problems: list[str] = []
    for cell in (c for c in cells if c.strip()):
        scan = classify(cell)
        if scan.kind in ("imei", "iccid") and scan.problem:
            problems.append(f"{scan.kind.upper()} {scan.masked}: {scan.problem}")
        elif scan.kind == "imei" and scan.value not in imeis:
            imeis.append(scan.value)
        elif scan.kind == "iccid":
            iccids.append(scan.value)
        elif scan.kind == "unknown" and scan.problem and scan.value.isascii() and \
                scan.value.isdigit() and len(scan.value) >= 10:
            problems.append(f"{mask_digits(scan.value)}: {scan.problem}")
    row = Row(line, tuple(imeis), iccids[0] if len(iccids) == 1 else "")
    if problems:
        return Row(line, row.imeis, row.iccid, problems[0])
    if not imeis and not iccids:
        return None
    if not iccids:
        return Row(line, row.imeis, problem="no ICCID in the row")
    if len(iccids) > 1:
        return Row(line, row.imeis, problem="two ICCIDs in one row: one SIM card per box")
    if not imeis:
        return Row(line, (), row.iccid, problem="no IMEI in the row")
    if len(imeis) > 2:
        return Row(line, row.imeis, row.iccid, problem="more than two IMEIs in one row")
    if len(imeis) == 2 and not same_box(*imeis):
        return Row(line, row.imeis, row.iccid,
                   problem="the two IMEIs are not of one box (their TAC or serial differ)")
    return row


class Export:
    """The CSV written as rows finish, into a temporary file renamed at the end; a device
    (/dev/null, /dev/full) or a pipe is written directly, never replaced."""

    def __init__(self, target: Path) -> None:
        self.target, self.temp = target, None
        try:
            mode: int | None = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise write_error(target, exc) from None
        if mode is not None and stat.S_ISDIR(mode):
            raise CliError(f"cannot write {printable(target)}: it is a folder", EXIT_INVALID)
        try:
            if mode is not None and not stat.S_ISREG(mode):
                with reader_present(target):  # a pipe nobody reads: one line, not a hang
                    handle: IO[str] = open(target, "w", newline="",  # noqa: SIM115
                                           encoding="utf-8")
            else:
                fd, self.temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                                 suffix=".part")
                os.fchmod(fd, 0o644 if mode is None else stat.S_IMODE(mode))
                handle = open(fd, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self.handle = handle
            self.writer = csv.writer(handle)
            self.writer.writerow(COLUMNS)
        except OSError as exc:
            raise write_error(target, exc) from None

    def write(self, values: list[str]) -> None:
        try:
            self.writer.writerow(values)
        except OSError as exc:
            raise write_error(self.target, exc) from None

    def commit(self) -> None:
        try:
            self.handle.flush()
            if self.temp is not None:
                os.fsync(self.handle.fileno())
            self.handle.close()
            if self.temp is not None:
                os.replace(self.temp, self.target)
                self.temp = None
        except OSError as exc:
            self.discard()
            raise write_error(self.target, exc) from None

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        if self.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)


def export_values(row: Row, result: PairResult | None) -> list[str]:
    imeis = result.imeis if result else row.imeis
    iccid = result.iccid if result else row.iccid
    if result is None:
        verdict, reason, message, brand, model = "invalid", "bad_row", row.problem or "", "", ""
    else:
        verdict, reason, message = result.verdict.value, result.reason, result.message
        brand, model = result.brand or "", result.model or ""
    return [str(row.line), imeis[0] if imeis else "", imeis[1] if len(imeis) > 1 else "",
            iccid, brand, model, verdict, reason, message]


class Run:
    def __init__(self, pairer: Pairer, concurrency: int, export: Export | None) -> None:
        self.pairer, self.export = pairer, export
        self.limit = asyncio.Semaphore(concurrency)
        self.window = 2 * concurrency + 16
        self.pending: deque[tuple[Row, asyncio.Task[PairResult] | None]] = deque()
        self.counts = {"rows": 0, "paired": 0, "already": 0, "refused": 0, "errors": 0,
                       "invalid": 0}
        self.shown = 0
        self.in_a_row = 0
        self.progress = sys.stderr is not None and sys.stderr.isatty()
        self.started = time.perf_counter()
        self._drawn = 0.0

    async def one(self, row: Row) -> PairResult:
        async with self.limit:
            return await self.pairer.pair(row.imeis, row.iccid)

    def tell(self, row: Row, message: str) -> None:
        self.shown += 1
        if self.shown <= SHOWN:
            self.clear_progress()
            say(f"[pair] line {row.line}: {message}")

    def drain(self) -> None:
        while self.pending and (self.pending[0][1] is None or self.pending[0][1].done()):
            row, task = self.pending.popleft()
            result = task.result() if task is not None else None
            self.count(row, result)
            if self.export:
                self.export.write(export_values(row, result))
        self.draw()

    def count(self, row: Row, result: PairResult | None) -> None:
        self.counts["rows"] += 1
        if result is None:
            self.counts["invalid"] += 1
            self.tell(row, f"not paired: {row.problem}")
            return
        key = {Verdict.PAIRED: "paired", Verdict.ALREADY: "already",
               Verdict.ERROR: "errors"}.get(result.verdict, "refused")
        self.counts[key] += 1
        self.in_a_row = self.in_a_row + 1 if result.verdict is Verdict.ERROR else 0
        if not result.ok:
            self.tell(row, f"{result.verdict.value}: {result.message}")
        if result.reason == "api_key":
            raise CliError("the API key was refused (401/403): check GIGS_TOKEN and the "
                           "project; the run stopped", EXIT_AUTH)
        if self.in_a_row >= UNREACHABLE:
            raise CliError(f"{self.in_a_row} rows in a row failed: the API cannot be reached; "
                           "the run stopped (run the same file again to go on)", EXIT_API)

    def draw(self, final: bool = False) -> None:
        now = time.perf_counter()
        if not self.progress or (not final and now - self._drawn < 0.1):
            return
        self._drawn = now
        c = self.counts
        rate = c["rows"] / max(now - self.started, 1e-6)
        sys.stderr.write(f"\r[pair] {c['rows']} rows  paired {c['paired']}  already "
                         f"{c['already']}  refused {c['refused']}  errors {c['errors']}  "
                         f"invalid {c['invalid']}  {rate:.0f}/s ")
        sys.stderr.flush()

    def clear_progress(self) -> None:
        if self.progress and self._drawn:
            sys.stderr.write("\r\x1b[K")

    async def feed(self, handle: BinaryIO, name: str) -> None:
        header_allowed = True
        delimiter: str | None = None
        for number, line in lines(handle, name, LINE_LIMIT, "a CSV of IMEIs and ICCIDs"):
            delimiter = delimiter or delimiter_of(line)
            row = parse_row(number, line, delimiter)
            if row is None:
                # The first row, or one without a number (the header of a second CSV joined
                # below the first: "imei2" is no number) is a header; anything else a mistake.
                if header_allowed or not re.search(r"\d{5}", line):
                    header_allowed = False
                    continue
                row = Row(number, problem="no IMEI or ICCID in the row")
            header_allowed = False
            while len(self.pending) >= self.window:
                front = self.pending[0][1]
                if front is not None and not front.done():
                    await asyncio.wait({front})
                self.drain()
            task = None if row.problem else asyncio.ensure_future(self.one(row))
            self.pending.append((row, task))
            self.drain()
        tasks = [t for _, t in self.pending if t is not None]
        if tasks:
            await asyncio.wait(tasks)
        self.drain()
        self.draw(final=True)
        if self.progress and self._drawn:
            sys.stderr.write("\n")

    async def cancel(self) -> None:
        tasks = [t for _, t in self.pending if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def pair(client: GigsClient, args: argparse.Namespace) -> int:
    name = printable(args.input)
    try:
        handle = open_input(Path(args.input))  # before the export and before any request
    except InputError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    journal_path = args.journal or os.environ.get("KIOSK_JOURNAL") or (
        None if client.settings.in_process else str(default_path()))
    try:
        target = output_file(args.export, not_over=[(args.input, "the input"),
                                                    (journal_path, "the journal")]) \
            if args.export else None
    except CliError:
        handle.close()
        raise
    journal = open_journal(args.journal, client.settings.in_process)
    with handle, contextlib.closing(journal):
        export = Export(target) if target is not None else None
        pairer = Pairer(client, journal, dry_run=args.dry_run)
        run = Run(pairer, args.concurrency, export)
        try:
            if not args.dry_run:
                settled = await pairer.resume()
                if settled:
                    say(f"[pair] settled {len(settled)} pairing(s) a previous run left unfinished")
            await pairer.prefetch()
            await run.feed(handle, name)
            if export:
                export.commit()
        except BaseException as exc:
            await run.cancel()
            if export:
                export.discard()
            if isinstance(exc, InputError):
                raise CliError(str(exc), EXIT_INVALID) from None
            raise
    took = time.perf_counter() - run.started
    c = run.counts
    summary = c | {"dryRun": args.dry_run,
                   "rowsPerSecond": round(c["rows"] / took, 1) if took else 0}
    emit(args, summary, "  ".join(f"{k}: {v}" for k, v in summary.items()))
    bad = c["refused"] + c["errors"] + c["invalid"]
    if run.shown > SHOWN:
        say(f"[pair] {run.shown - SHOWN} more rows were not paired (not shown)")
    if bad:
        raise CliError(f"{bad} of {c['rows']} rows were not paired ({c['refused']} refused, "
                       f"{c['errors']} errors, {c['invalid']} not an IMEI and an ICCID)",
                       EXIT_CHECK_FAILED)
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("pair", parents=[connection_parent()],
                       help="pair each box's IMEI with the SIM card inside it, from a CSV; "
                            "exit 0 every row paired, 9 a row was not")
    p.add_argument("--input", required=True, type=text(4096),
                   help="a CSV: a column of IMEIs (a second for dual-SIM boxes) and one of "
                        "ICCIDs, with or without a header")
    p.add_argument("--export", type=text(4096),
                   help="write one result row per input row to this CSV (replaced at the end)")
    p.add_argument("--dry-run", action="store_true", help="check every row, change nothing")
    p.add_argument("--concurrency", type=bounded(*CONCURRENCY, integer=True), default=8,
                   help=f"pairings in flight at once ({CONCURRENCY[0]}-{CONCURRENCY[1]})")
    p.add_argument("--journal", type=text(4096), help="journal file (env KIOSK_JOURNAL)")
