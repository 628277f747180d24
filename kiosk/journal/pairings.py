"""The pairing station's rows in the journal (issue 15): intent first, then the outcome.

A pairing is written (status `sending`) before `POST /devices` or `PATCH /devices/{id}`
leaves; `done` once the API answered and the device holds the SIM; `failed` when it
certainly does not (refused, or provably never sent); `unconfirmed` when the answer was lost
and the pairing was not seen after re-checks (the request may still land: it is never resent);
`undone` after an undo. A row left `sending` (a crash) or `unconfirmed` is reconciled by
`Pairer.resume()` by its SIM id. IMEIs and ICCIDs are masked here, as in the
rest of the journal.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from typing import Any

from kiosk.redact import mask_digits

PAIRING_STATUSES = ("sending", "unconfirmed", "done", "failed", "undone")


@dataclass(frozen=True)
class Pairing:
    id: str
    created_at: float
    updated_at: float
    imei_masked: str
    iccid_masked: str
    sim_id: str
    action: str  # "create" (POST /devices) or "attach" (PATCH: the SIM added to a device)
    status: str
    imei2_masked: str | None = None
    sim_type: str | None = None
    device_id: str | None = None
    previous_sims: str | None = None  # comma-separated SIM ids before an attach
    idempotency_key: str | None = None
    attempts: int = 0
    detail: str | None = None
    imei_hash: str | None = None  # `imei_digest(id, imei)` of the first IMEI: matched by resume
    owner: str | None = None  # "host:pid:run" of the run that wrote it (`run_owner()`)

    @property
    def previous(self) -> tuple[str, ...]:
        return tuple(s for s in (self.previous_sims or "").split(",") if s)


_COLUMNS = {f.name for f in fields(Pairing)}


def imei_digest(pairing_id: str, imei: str) -> str:
    """A full IMEI made comparable without keeping it: salted with the row's own id."""
    return hashlib.sha256(f"{pairing_id}:{imei}".encode()).hexdigest()


def run_owner(run: str) -> str:
    """The owner of a run's rows: this host, this process and the run's token."""
    return f"{socket.gethostname()}:{os.getpid()}:{run}"


def owner_alive(owner: str | None) -> bool:
    """Whether the process that wrote a row still runs: asked on this host; a run on
    another host (a shared journal) counts as alive (its rows wait for their age)."""
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname():
        return True
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's live process
        return True
    return True
_UPDATABLE = {"device_id", "status", "attempts", "detail", "idempotency_key", "previous_sims"}


class PairingsMixin:
    """Mixed into `Journal`, whose lock, connection, clock and `_write` it uses."""

    _lock: threading.Lock
    _conn: sqlite3.Connection
    _clock: Callable[[], float]

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    def pairing_intent(self, *, imeis: tuple[str, ...], iccid: str, sim_id: str,
                       action: str, sim_type: str | None = None, device_id: str | None = None,
                       previous_sims: tuple[str, ...] | None = None,
                       idempotency_key: str | None = None, owner: str | None = None) -> Pairing:
        """Record, durably, that this pairing is about to be sent (status `sending`)."""
        now = self._clock()
        row_id = str(uuid.uuid4())
        row: dict[str, Any] = {
            "id": row_id, "created_at": now, "updated_at": now,
            "imei_hash": imei_digest(row_id, imeis[0]), "owner": owner,
            "imei_masked": mask_digits(imeis[0]),
            "imei2_masked": mask_digits(imeis[1]) if len(imeis) > 1 else None,
            "iccid_masked": mask_digits(iccid), "sim_id": sim_id, "sim_type": sim_type,
            "device_id": device_id, "action": action,
            "previous_sims": ",".join(previous_sims) if previous_sims is not None else None,
            "idempotency_key": idempotency_key, "status": "sending", "attempts": 1,
            "detail": None}
        with self._write() as conn:
            conn.execute(f"INSERT INTO pairings ({', '.join(row)}) "
                         f"VALUES ({', '.join('?' for _ in row)})", list(row.values()))
            return self._pairing(conn, row["id"])

    def pairings_left(self, statuses: tuple[str, ...], *, older_than: float,
                      owner: str | None = None) -> list[Pairing]:
        """Rows in `statuses` that no live run is still sending: written by `owner` (the
        caller), by no known run, by a process gone, or last updated more than `older_than`
        seconds ago (by the journal's clock: past any request's deadline)."""
        cutoff = self._clock() - older_than
        return [row for status in statuses for row in self.pairings(status=status)
                if row.owner is None or row.owner == owner or row.updated_at < cutoff
                or not owner_alive(row.owner)]

    def pairing_update(self, pairing_id: str, **values: Any) -> Pairing:
        unknown = set(values) - _UPDATABLE
        if unknown:
            raise ValueError(f"not pairing fields: {sorted(unknown)}")
        if values.get("status", "sending") not in PAIRING_STATUSES:
            raise ValueError(f"not a pairing status: {values['status']!r}")
        values["updated_at"] = self._clock()
        with self._write() as conn:
            conn.execute(f"UPDATE pairings SET {', '.join(f'{k} = ?' for k in values)} "
                         "WHERE id = ?", [*values.values(), pairing_id])
            return self._pairing(conn, pairing_id)

    def pairing(self, pairing_id: str) -> Pairing:
        with self._lock:
            return self._pairing(self._conn, pairing_id)

    def pairings(self, *, status: str | None = None, limit: int = 100_000) -> list[Pairing]:
        """Oldest first; only those in `status` if given."""
        query, params = "SELECT * FROM pairings", []
        if status is not None:
            query, params = query + " WHERE status = ?", [status]
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY created_at, rowid LIMIT ?",
                                      [*params, limit]).fetchall()
        return [Pairing(**{k: v for k, v in dict(r).items() if k in _COLUMNS}) for r in rows]

    @staticmethod
    def _pairing(conn: sqlite3.Connection, pairing_id: str) -> Pairing:
        row = conn.execute("SELECT * FROM pairings WHERE id = ?", (pairing_id,)).fetchone()
        if row is None:
            raise KeyError(pairing_id)
        return Pairing(**{k: v for k, v in dict(row).items() if k in _COLUMNS})
