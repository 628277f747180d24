"""The journal's schema and its migrations, applied in order by `PRAGMA user_version`."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: activations and their state changes.
    """
    CREATE TABLE activations (
        id TEXT PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        target TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        imei_masked TEXT,
        device_id TEXT,
        sim_id TEXT,
        sim_type TEXT,
        user_id TEXT,
        plan_id TEXT,
        address_id TEXT,
        payment_method_id TEXT,
        mode TEXT NOT NULL,
        idempotency_key TEXT,
        order_id TEXT,
        subscription_id TEXT,
        status TEXT NOT NULL,
        outcome TEXT,
        error_type TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX activations_sim ON activations (target, sim_id, status);
    CREATE INDEX activations_device ON activations (target, device_id, status);
    CREATE INDEX activations_status ON activations (status, updated_at);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        activation_id TEXT NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
        at REAL NOT NULL,
        status TEXT NOT NULL,
        detail TEXT
    );
    CREATE INDEX events_activation ON events (activation_id, at);
    """,
    # 2: QA station batches, one row per scanned device (IMEIs masked, as everywhere here).
    """
    CREATE TABLE qa_rows (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        batch TEXT NOT NULL,
        at REAL NOT NULL,
        imei_masked TEXT NOT NULL,
        verdict TEXT NOT NULL,
        reasons TEXT,
        model TEXT,
        registered INTEGER,
        sims TEXT,
        duplicate INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX qa_rows_batch ON qa_rows (batch, at);
    """,
    # 3: when the order request last left (and when that attempt ended), so that nothing is
    # resent while an earlier request may still be in flight, by this process or another;
    # and the API's clock against ours at the intent, to match what the API made by time.
    """
    ALTER TABLE activations ADD COLUMN sent_at REAL;
    ALTER TABLE activations ADD COLUMN ended_at REAL;
    ALTER TABLE activations ADD COLUMN api_offset REAL;
    CREATE INDEX activations_plan ON activations (target, device_id, plan_id, status);
    """,
    # 4: the pairing station (issue 15): one row per pairing of a box's IMEI(s) with the SIM
    # inside it, written before `POST /devices` leaves (status `sending`), so a lost answer or
    # a crash is reconciled before anything is sent again. IMEIs and ICCIDs masked.
    """
    CREATE TABLE pairings (
        id TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        imei_masked TEXT NOT NULL,
        imei2_masked TEXT,
        iccid_masked TEXT NOT NULL,
        sim_id TEXT NOT NULL,
        sim_type TEXT,
        device_id TEXT,
        action TEXT NOT NULL,
        previous_sims TEXT,
        idempotency_key TEXT,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        detail TEXT
    );
    CREATE INDEX pairings_status ON pairings (status, created_at);
    CREATE INDEX pairings_sim ON pairings (sim_id, status);
    """,
    # 5: what `resume` needs to tell a row's phone from another of its model and a live run's
    # rows from a dead one's: a salted hash of the full IMEI (not the IMEI) and the run.
    """
    ALTER TABLE pairings ADD COLUMN imei_hash TEXT;
    ALTER TABLE pairings ADD COLUMN owner TEXT;
    """,
]
VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the newest schema; returns the version it was at.

    Each step runs under `BEGIN IMMEDIATE` and re-reads the version inside it, so several
    processes opening a new journal at once migrate it once (the others wait, then skip).
    `conn` must be in autocommit mode (`isolation_level=None`).
    """
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > VERSION:
        raise RuntimeError(f"the journal was written by a newer kiosk (schema {found} > {VERSION})")
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version >= VERSION:
                conn.execute("COMMIT")
                return found
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """The statements of a migration (they hold no semicolons inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]
