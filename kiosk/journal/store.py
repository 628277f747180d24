"""The journal store: one row per activation, one per state change."""

from __future__ import annotations

import csv
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.journal.pairings import PairingsMixin
from kiosk.journal.schema import migrate
from kiosk.redact import printable

#: Statuses of an activation that may still need work (resume these).
OPEN = ("ordering", "unknown", "provisioning", "pending")
#: Statuses after which nothing more happens ("lost": the API no longer knows its order).
FINAL = ("ready", "active", "failed", "lost")
#: Statuses that mean "we ordered for this SIM": never order again.
ORDERED = (*OPEN, "ready", "active")
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


@dataclass(frozen=True)
class Activation:
    id: str
    reference: str
    target: str
    created_at: float
    updated_at: float
    mode: str
    status: str
    imei_masked: str | None = None
    device_id: str | None = None
    sim_id: str | None = None
    sim_type: str | None = None
    user_id: str | None = None
    plan_id: str | None = None
    address_id: str | None = None
    payment_method_id: str | None = None
    idempotency_key: str | None = None
    order_id: str | None = None
    subscription_id: str | None = None
    outcome: str | None = None
    error_type: str | None = None
    attempts: int = 0
    sent_at: float | None = None  # wall time the order request last left
    ended_at: float | None = None  # wall time that attempt ended without a clear answer
    api_offset: float | None = None  # the API's clock minus ours when the intent was made

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


COLUMNS = [f.name for f in fields(Activation)]
_UPDATABLE = set(COLUMNS) - {"id", "reference", "target", "created_at"}


class JournalError(Exception):
    """The journal could not be written: nothing that depends on the write may happen."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the kiosk cannot write its journal: {reason}")
        self.reason = reason


def _reason(exc: sqlite3.Error) -> str:
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc).lower()
    if code == sqlite3.SQLITE_FULL or "full" in text:
        return "disk full"
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return "read-only"
    if "locked" in text or "busy" in text:
        return "busy (another process holds it)"
    if code == sqlite3.SQLITE_NOTADB or "not a database" in text:
        return "the file is not a journal (not SQLite)"
    if code == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return "the file cannot be opened"
    return type(exc).__name__


def new_reference() -> str:
    """A short reference a customer can read out, e.g. `K7M2-Q9XD`."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


class Journal(PairingsMixin):
    """Thread-safe (one connection behind a lock), so callers may use `asyncio.to_thread`."""

    def __init__(self, path: str | Path = ":memory:", *, clock: Callable[[], float] = time.time,
                 retention_days: float = 90) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            where = Path(self.path)
            if where.exists() and not where.is_file():  # /dev/null, a folder, a FIFO
                raise JournalError(f"{printable(self.path)} is not a file")
            try:
                where.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise JournalError(f"cannot make its folder ({exc.strerror})") from exc
        self._clock = clock
        self._lock = threading.Lock()
        # Autocommit mode: every write below opens its own `BEGIN IMMEDIATE` (see `_write`),
        # because Python's implicit transactions would make `with conn:` a no-op here.
        self._conn = self._connect()
        if self.path != ":memory:":
            Path(self.path).chmod(0o600)
        self.prune(retention_days)

    def _connect(self, patience: float = 15.0) -> sqlite3.Connection:
        """Open, switch to WAL and migrate; several processes may do this to a new file at once.

        Switching a fresh file to WAL can answer "locked" at once, without waiting for the
        busy timeout, while another process is doing the same: so the whole opening is
        tried again for a while.
        """
        give_up = time.monotonic() + patience
        while True:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                   timeout=10.0)
            try:
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute("PRAGMA journal_mode=WAL")
                # The order intent must be on disk before the request leaves: full sync.
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA foreign_keys=ON")
                migrate(conn)
                return conn
            except sqlite3.Error as exc:
                conn.close()
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > give_up:
                    raise JournalError(_reason(exc)) from exc
                time.sleep(0.05)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is committed together or not at all.

        A failure (disk full, read-only, locked) rolls back and becomes a `JournalError`.
        """
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise JournalError(_reason(exc)) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise JournalError(_reason(exc)) from exc
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        # SQLite may have ended the transaction itself (e.g. on a full disk): nothing to undo.
        with suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")

    def begin(self, *, target: str, mode: str, **values: Any) -> Activation:
        """Record the intent to activate (status `ordering`), durably, before any order is sent."""
        now = self._clock()
        row = {"id": str(uuid.uuid4()), "reference": new_reference(), "target": target,
               "created_at": now, "updated_at": now, "mode": mode, "status": "ordering",
               "attempts": 0, **{k: v for k, v in values.items() if k in _UPDATABLE}}
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._write() as conn:
            conn.execute(f"INSERT INTO activations ({names}) VALUES ({marks})",
                         list(row.values()))
            conn.execute("INSERT INTO events (activation_id, at, status, detail) "
                         "VALUES (?, ?, ?, ?)", (row["id"], now, "ordering", "intent"))
            return self._get(row["id"])

    def update(self, activation_id: str, *, detail: str | None = None, **values: Any) -> Activation:
        """Change fields of an activation; a status change is also recorded as an event."""
        unknown = set(values) - _UPDATABLE
        if unknown:
            raise ValueError(f"not journal fields: {sorted(unknown)}")
        now = self._clock()
        values["updated_at"] = now
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self._write() as conn:
            before = conn.execute("SELECT status FROM activations WHERE id = ?",
                                  (activation_id,)).fetchone()
            if before is None:
                raise KeyError(activation_id)
            conn.execute(f"UPDATE activations SET {assignments} WHERE id = ?",
                         [*values.values(), activation_id])
            status = values.get("status", before["status"])
            if status != before["status"] or detail:
                conn.execute("INSERT INTO events (activation_id, at, status, detail) "
                             "VALUES (?, ?, ?, ?)", (activation_id, now, status, detail))
            return self._get(activation_id)

    def claim_send(self, activation_id: str, *, attempts: int) -> Activation | None:
        """Take the right to send the order request once more; None if someone else took it.

        A compare-and-set on `attempts`: two flows, or two processes, that both decided to
        send the same intent cannot both get it. The winner's `sent_at` is then on disk
        before its request leaves, so a restart knows a request may be in flight.
        """
        now = self._clock()
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE activations SET attempts = attempts + 1, sent_at = ?, ended_at = NULL, "
                "updated_at = ? WHERE id = ? AND attempts = ? AND status IN ('ordering', 'unknown')",
                (now, now, activation_id, attempts))
            if cursor.rowcount != 1:
                return None
            conn.execute("INSERT INTO events (activation_id, at, status, detail) "
                         "VALUES (?, ?, (SELECT status FROM activations WHERE id = ?), ?)",
                         (activation_id, now, activation_id, f"sent (attempt {attempts + 1})"))
            return self._get(activation_id)

    def prune(self, retention_days: float) -> int:
        """Delete finished activations older than the retention period; returns how many."""
        cutoff = self._clock() - retention_days * 86400
        marks = ", ".join("?" for _ in FINAL)
        with self._write() as conn:
            cursor = conn.execute(
                f"DELETE FROM activations WHERE status IN ({marks}) AND updated_at < ?",
                [*FINAL, cutoff])
            return cursor.rowcount

    # -- reading -------------------------------------------------------------------------------

    def _get(self, activation_id: str) -> Activation:
        row = self._conn.execute("SELECT * FROM activations WHERE id = ?",
                                 (activation_id,)).fetchone()
        if row is None:
            raise KeyError(activation_id)
        return Activation(**dict(row))

    def get(self, activation_id: str) -> Activation:
        with self._lock:
            return self._get(activation_id)

    def by_reference(self, reference: str) -> Activation | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM activations WHERE reference = ?",
                                     (reference.upper(),)).fetchone()
        return Activation(**dict(row)) if row else None

    def ordered_for(self, target: str, *, sim_id: str | None = None,
                    device_id: str | None = None, plan_id: str | None = None,
                    modes: tuple[str, ...] = ("orders", "subscriptions")) -> Activation | None:
        """The newest activation that ordered for this SIM, or (a new `auto` eSIM) this device.

        `plan_id` narrows a device match to one plan; `modes` leaves out rows that only
        recorded an existing subscription being shown.
        """
        column, value = ("sim_id", sim_id) if sim_id else ("device_id", device_id)
        if value is None:
            return None
        query = (f"SELECT * FROM activations WHERE target = ? AND {column} = ? "
                 f"AND status IN ({', '.join('?' for _ in ORDERED)}) "
                 f"AND mode IN ({', '.join('?' for _ in modes)})")
        params: list[Any] = [target, value, *ORDERED, *modes]
        if plan_id is not None:
            query += " AND plan_id = ?"
            params.append(plan_id)
        with self._lock:
            row = self._conn.execute(query + " ORDER BY created_at DESC LIMIT 1",
                                     params).fetchone()
        return Activation(**dict(row)) if row else None

    def claimed(self, target: str, *, order_id: str | None = None,
                subscription_id: str | None = None, besides: str = "") -> bool:
        """Whether another activation of ours already owns this order or subscription."""
        column, value = ("order_id", order_id) if order_id else ("subscription_id",
                                                                   subscription_id)
        if value is None:
            return False
        with self._lock:
            row = self._conn.execute(
                f"SELECT 1 FROM activations WHERE target = ? AND {column} = ? AND id != ? "
                "LIMIT 1", (target, value, besides)).fetchone()
        return row is not None

    def unfinished(self, target: str | None = None) -> list[Activation]:
        marks = ", ".join("?" for _ in OPEN)
        query = f"SELECT * FROM activations WHERE status IN ({marks})"
        params: list[Any] = list(OPEN)
        if target is not None:
            query += " AND target = ?"
            params.append(target)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY created_at", params).fetchall()
        return [Activation(**dict(r)) for r in rows]

    def activations(self, *, pending_only: bool = False, limit: int = 10_000) -> list[Activation]:
        """Newest first; with `pending_only`, only those still open (what the operator chases)."""
        query = "SELECT * FROM activations"
        params: list[Any] = []
        if pending_only:
            query += f" WHERE status IN ({', '.join('?' for _ in OPEN)})"
            params += OPEN
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY created_at DESC LIMIT ?",
                                      [*params, limit]).fetchall()
        return [Activation(**dict(r)) for r in rows]

    def events(self, activation_id: str) -> list[tuple[float, str, str | None]]:
        with self._lock:
            rows = self._conn.execute("SELECT at, status, detail FROM events WHERE activation_id = ?"
                                      " ORDER BY id", (activation_id,)).fetchall()
        return [(r["at"], r["status"], r["detail"]) for r in rows]

    def record_qa(self, batch: str, *, at: float, imei_masked: str, verdict: str,
                  reasons: str, model: str, registered: bool | None, sims: str,
                  duplicate: bool) -> None:
        """One QA station row (the IMEI comes masked: the journal holds no full IMEI)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO qa_rows (batch, at, imei_masked, verdict, reasons, model, "
                "registered, sims, duplicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (batch, at, imei_masked, verdict, reasons, model,
                 None if registered is None else int(registered), sims, int(duplicate)))

    def qa_rows(self, batch: str | None = None) -> list[dict[str, Any]]:
        query, params = "SELECT * FROM qa_rows", []
        if batch is not None:
            query, params = query + " WHERE batch = ?", [batch]
        with self._lock:
            return [dict(r) for r in self._conn.execute(query + " ORDER BY id", params)]

    def size_bytes(self) -> int:
        if self.path == ":memory:":
            return 0
        return sum(Path(self.path + suffix).stat().st_size for suffix in ("", "-wal")
                   if Path(self.path + suffix).exists())

    def export_csv(self, path: str | Path, rows: Iterable[Activation] | None = None) -> int:
        """Write activations as CSV (no idempotency keys: they are of no use outside)."""
        columns = ["reference", "created_at", "updated_at", "status", "outcome", "error_type",
                   "imei_masked", "sim_type", "device_id", "sim_id", "user_id", "plan_id",
                   "order_id", "subscription_id", "mode", "target"]
        items = list(rows) if rows is not None else self.activations()
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for a in items:
                values = {**{c: getattr(a, c) for c in columns},
                          "created_at": _iso(a.created_at), "updated_at": _iso(a.updated_at)}
                writer.writerow([values[c] if values[c] is not None else "" for c in columns])
        return len(items)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
