"""`kiosk qa --input imeis.txt --export out.csv`: a QA batch, headless, on the station's code.

The input is streamed (`kiosk.qa.reader`) and lookups run at most `--concurrency` at once
with at most `window` rows between the oldest unfinished one and the newest: the CSV gets
each row, in input order, as soon as it and every row before it are done, and only counters
stay for the summary. Memory does not grow with the file.

Exit codes: 0 every device passed and every line was an IMEI; 9 a device failed its check or
a line was no IMEI; 5 a lookup could not reach the API (or the API failed); 4 the API key
was refused; 2 the input or the export cannot be used; 1 the export's disk is full.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import errno
import os
import re
import stat
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, BinaryIO, NoReturn

from kiosk.cli.common import (
    EXIT_API, EXIT_AUTH, EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_INVALID, EXIT_OK, CliError,
    connection_parent, emit, reader_present,
)
from kiosk.config import RANGES
from kiosk.gigs import GigsClient
from kiosk.qa import QaBatch, QaRow, QaRules, Verdict
from kiosk.qa.batch import CSV_COLUMNS, csv_row
from kiosk.qa.reader import InputError, entries, open_input
from kiosk.redact import printable

CONCURRENCY = (1, 64)
MODEL_LIMIT = 100  # characters of --expect-model
SHOWN_WARNINGS = 20  # "skipped line N" warnings before only a count
UNREACHABLE = 32  # lookups failing in a row that stop the run: the API is gone, not one device
REFUSED = {"AuthenticationError", "PermissionDeniedError"}  # every further lookup fails too
_WHOLE = re.compile(r"[+-]?[0-9]+")
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_REASONS = {errno.ENOENT: "no such folder", errno.ENOTDIR: "a part of the path is not a folder",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EROFS: "read-only file system", errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is full", errno.EFBIG: "the file is too large",
            errno.EISDIR: "it is a folder"}


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number (ASCII digits) from low to high."""

    def parse(text: str) -> int:
        if not _WHOLE.fullmatch(text.strip()) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, "
                                             f"not {printable(text, 20)}")
        return int(text)

    return parse


def model_text(text: str) -> str:
    if not text.strip() or len(text) > MODEL_LIMIT or not text.isprintable():
        raise argparse.ArgumentTypeError(
            f"must be 1 to {MODEL_LIMIT} printable characters of a model's brand and name")
    return text.strip()


class Export:
    """The CSV, written as rows finish into a temporary file beside it, renamed at the end:
    a failed run leaves no half-written CSV. A device (`/dev/null`, `/dev/full`) is written
    directly: there is nothing to rename there."""

    def __init__(self, target: Path, mask_imeis: bool) -> None:
        self.target, self.mask = target, mask_imeis
        self.name = printable(os.fspath(target))
        self.temp: str | None = None
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise self.failed(exc) from None
        if mode is not None and stat.S_ISDIR(mode):
            raise CliError(f"cannot write {self.name}: it is a folder", EXIT_INVALID)
        try:
            if mode is not None and not stat.S_ISREG(mode):
                with reader_present(target):  # a pipe nobody reads: one line, not a hang
                    handle: IO[str] = open(target, "w", newline="",  # noqa: SIM115
                                           encoding="utf-8")
            else:
                fd, self.temp = tempfile.mkstemp(dir=target.parent or ".",
                                                 prefix=f".{target.name}.", suffix=".part")
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(fd, stat.S_IMODE(mode) if mode is not None else 0o666 & ~umask)
                handle = open(fd, "w", newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise self.failed(exc) from None
        self.handle = handle
        self.writer = csv.writer(handle)
        self.write_row(CSV_COLUMNS)

    def failed(self, exc: OSError) -> CliError:
        reason = _REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
        if exc.errno == errno.ENOENT and self.target.parent.is_dir():
            reason = "no file can be created in that folder"  # /proc, /sys
        code = EXIT_ERROR if exc.errno in _FULL or exc.errno not in _REASONS else EXIT_INVALID
        return CliError(f"cannot write {self.name}: {reason}", code)

    def write_row(self, values: list[str]) -> None:
        try:
            self.writer.writerow(values)
        except OSError as exc:
            raise self.failed(exc) from None

    def row(self, row: QaRow) -> None:
        self.write_row(csv_row(row, self.mask))

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
            raise self.failed(exc) from None

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()  # a full device may refuse the last flush again
        if self.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = None


class Run:
    """Feeds the batch line by line and keeps counters; rows leave memory once written."""

    def __init__(self, client: GigsClient, rules: QaRules, concurrency: int,
                 export: Export | None) -> None:
        self.batch = QaBatch(client, rules, concurrency=concurrency, keep_rows=False,
                             on_change=self._changed)
        self.window = 2 * concurrency + 16  # rows between the oldest unwritten and the newest
        self.pending: deque[QaRow] = deque()
        self.changed = asyncio.Event()
        self.export = export
        self.counts = {"scanned": 0, "passed": 0, "failed": 0, "errors": 0, "duplicates": 0,
                       "skipped": 0}
        self.errors: dict[str, int] = {}
        self.in_a_row = 0  # lookups that failed since the last one that did not

    def _changed(self, row: QaRow) -> None:  # from a lookup's task: never raises
        if row.done:
            self.changed.set()

    def drain(self) -> None:
        while self.pending and self.pending[0].done:
            row = self.pending.popleft()
            self.in_a_row = self.in_a_row + 1 if row.error else 0
            if row.error:
                self.counts["errors"] += 1
                self.errors[row.error] = self.errors.get(row.error, 0) + 1
            else:
                self.counts["passed" if row.verdict is Verdict.PASS else "failed"] += 1
            if self.export:
                self.export.row(row)
        if REFUSED & self.errors.keys():
            raise CliError("the API key was refused (401/403): check GIGS_TOKEN and the "
                           "project; the run stopped", EXIT_AUTH)
        if self.in_a_row >= UNREACHABLE:
            raise CliError(f"{self.in_a_row} lookups in a row failed "
                           f"({', '.join(sorted(self.errors))}): the API cannot be reached; "
                           "the run stopped", EXIT_API)

    async def room(self) -> None:
        while True:
            self.changed.clear()
            self.drain()
            if len(self.pending) < self.window:
                return
            await self.changed.wait()

    async def feed(self, handle: BinaryIO, name: str) -> None:
        shown = 0
        for entry in entries(handle, name):
            if entry.imei is None:
                self.counts["skipped"] += 1
                if shown < SHOWN_WARNINGS:
                    shown += 1
                    print(f"[qa] skipped line {entry.line}: {entry.reason}", file=sys.stderr)
                continue
            await self.room()
            row = self.batch.add(entry.imei)
            self.counts["scanned"] += 1
            self.counts["duplicates"] += row.duplicate
            self.pending.append(row)
        await self.batch.wait()
        self.drain()
        if self.counts["skipped"] > shown:
            print(f"[qa] {self.counts['skipped'] - shown} more lines were not IMEIs "
                  "(not shown)", file=sys.stderr)


def rules_from(args: argparse.Namespace) -> QaRules:
    return QaRules(
        require_registered=not args.allow_unregistered,
        expect_sim_types=tuple(args.expect_sim_type) if args.expect_sim_type else None,
        expect_sim_count=args.expect_sims, require_inactive=not args.allow_active,
        expect_model=args.expect_model)


async def qa(client: GigsClient, args: argparse.Namespace) -> int:
    name = printable(args.input)
    try:
        handle = open_input(Path(args.input))  # before the export and before any lookup
    except InputError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    with handle:
        if args.export and os.path.exists(args.export) and os.path.samefile(args.export,
                                                                             args.input):
            raise CliError(f"cannot write {printable(args.export)}: it is the input",
                           EXIT_INVALID)
        export = Export(Path(args.export), args.mask_imeis) if args.export else None
        run = Run(client, rules_from(args), args.concurrency, export)
        started = time.perf_counter()
        try:
            await run.feed(handle, name)
            if export:
                export.commit()
        except BaseException as exc:
            await run.batch.cancel()
            if export:
                export.discard()
            if isinstance(exc, InputError):
                raise CliError(str(exc), EXIT_INVALID) from None
            raise
    took = time.perf_counter() - started
    c = run.counts
    summary = c | {"lookupsPerSecond": round(c["scanned"] / took, 1) if took else 0}
    emit(args, summary, "  ".join(f"{k}: {v}" for k, v in summary.items()))
    if c["errors"]:
        kinds = ", ".join(sorted(run.errors))
        raise CliError(f"{c['errors']} of {c['scanned']} lookups failed ({kinds}): those "
                       "devices were not checked; run them again", EXIT_API)
    if c["failed"] or c["skipped"]:
        raise CliError(f"{c['failed']} of {c['scanned']} devices failed their check, "
                       f"{c['skipped']} lines were not IMEIs", EXIT_CHECK_FAILED)
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    low, high = RANGES["qa_expect_sims"]
    p = sub.add_parser("qa", parents=[connection_parent()],
                       help="check a batch of devices (one IMEI per line) and export a CSV; "
                            "exit 0 all passed, 9 a device failed or a line was no IMEI")
    p.add_argument("--input", required=True, help="a text file, one IMEI per line")
    p.add_argument("--export", help="write the rows to this CSV file (replaced at the end)")
    p.add_argument("--concurrency", type=whole_number(*CONCURRENCY), default=16,
                   help=f"lookups in flight at once ({CONCURRENCY[0]}-{CONCURRENCY[1]})")
    p.add_argument("--expect-sim-type", action="append", choices=["eSIM", "pSIM"])
    p.add_argument("--expect-sims", type=whole_number(int(low), int(high)),
                   help=f"exact number of SIMs a device must have ({low:g}-{high:g})")
    p.add_argument("--expect-model", type=model_text,
                   help="text the model's brand and name must contain")
    p.add_argument("--allow-unregistered", action="store_true")
    p.add_argument("--allow-active", action="store_true", help="an active SIM is not a failure")
    p.add_argument("--mask-imeis", action="store_true", help="mask IMEIs and ICCIDs in the CSV")

    def one_line(message: str) -> NoReturn:  # not argparse's usage block: one line, exit 2
        print(f"error: kiosk qa: {message} (see kiosk qa --help)", file=sys.stderr)
        raise SystemExit(EXIT_INVALID)

    p.error = one_line
