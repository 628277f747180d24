"""The gateway's one schema, on PostgreSQL (a fleet) or SQLite (one store), with migrations.

Migrations are an ordered list in code; `schema_version` holds how many have run. They run
in one transaction guarded by a PostgreSQL advisory lock (SQLite: `BEGIN IMMEDIATE`), so two
replicas starting at once do not both apply them. Times are UNIX seconds (floats): the same
on both databases, and compared by the processes, never by the database's clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kiosk.redact import add_secret

metadata = sa.MetaData()

stores = sa.Table(
    "stores", metadata,
    sa.Column("store", sa.String(64), primary_key=True),
    sa.Column("payment_method", sa.String(100)),
    sa.Column("updated_at", sa.Float, nullable=False),
)
codes = sa.Table(
    "enrol_codes", metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("used_at", sa.Float),
    sa.Column("kiosk", sa.String(32)),
)
kiosks = sa.Table(
    "kiosks", metadata,
    sa.Column("kiosk", sa.String(32), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float),
    sa.Column("last_seen", sa.Float),
    sa.Column("version", sa.String(40)),
    sa.Column("mode", sa.String(10)),
    sa.Column("camera_fps", sa.Float),
    sa.Column("activations_today", sa.Integer),
    sa.Column("failures_today", sa.Integer),
    sa.Column("pending", sa.Integer),
)
rate = sa.Table(
    "rate_windows", metadata,
    sa.Column("bucket", sa.String(100), primary_key=True),
    sa.Column("window", sa.BigInteger, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)
audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("kiosk", sa.String(32), index=True),
    sa.Column("store", sa.String(64)),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("endpoint", sa.String(200), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("latency_ms", sa.Integer, nullable=False),
    sa.Column("imei", sa.String(20)),
    sa.Column("note", sa.String(200)),
)
orders = sa.Table(
    "orders", metadata,
    sa.Column("order_id", sa.String(64), primary_key=True),
    sa.Column("kiosk", sa.String(32), nullable=False, index=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("subscription_id", sa.String(64), index=True),
    sa.Column("status", sa.String(20)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
events = sa.Table(
    "events", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("event_id", sa.String(100), nullable=False, unique=True),
    sa.Column("kiosk", sa.String(32), nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("object_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(30)),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

#: Added by migration 2: the SIMs of orders (and subscriptions) a kiosk placed, so an eSIM's
#: credentials go to that kiosk only. `expires_at` (migration 3): a bare claim (taken before
#: an order leaves, no order recorded yet) lapses then; NULL once an order is recorded.
_KIOSK_SIMS_V2 = (
    lambda: sa.Column("sim_id", sa.String(64), primary_key=True),
    lambda: sa.Column("kiosk", sa.String(32), nullable=False, index=True),
    lambda: sa.Column("at", sa.Float, nullable=False),
)
kiosk_sims = sa.Table("kiosk_sims", metadata, *(c() for c in _KIOSK_SIMS_V2),
                      sa.Column("expires_at", sa.Float))
#: Added by migration 4: the Gigs users a kiosk created or found (by email, or as a scanned
#: device's owner); only these are reachable from that kiosk (`kiosk/gateway/customers.py`).
kiosk_users = sa.Table(
    "kiosk_users", metadata,
    sa.Column("kiosk", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
)


def _v1(conn: Connection) -> None:
    # Named, not all of `metadata`: a table a later migration adds must not appear here.
    metadata.create_all(conn, tables=[stores, codes, kiosks, rate, audit, orders, events])


def _v2(conn: Connection) -> None:
    # The table as migration 2 shipped it: later columns come with their own migrations.
    sa.Table("kiosk_sims", sa.MetaData(), *(c() for c in _KIOSK_SIMS_V2)).create(conn)


def _v3(conn: Connection) -> None:
    conn.execute(sa.text("ALTER TABLE kiosk_sims ADD COLUMN expires_at FLOAT"))


def _v4(conn: Connection) -> None:
    kiosk_users.create(conn)


#: Append only; never edit one that has shipped.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2, _v3, _v4]
ADVISORY_LOCK = 0x6B696F736B  # "kiosk": the one key the gateway locks migrations with

schema_version = sa.Table("schema_version", sa.MetaData(),
                          sa.Column("version", sa.Integer, nullable=False))


POOL_SIZE = 16
POOL_OVERFLOW = 4


def default_url() -> str:
    folder = Path(platformdirs.user_data_dir("sim-kiosk", appauthor=False))
    return f"sqlite:///{folder / 'gateway.sqlite3'}"


def engine_for(url: str) -> Engine:
    """An engine for `postgresql://…` (psycopg 3) or `sqlite:///path`."""
    add_secret(sa.engine.make_url(url).password)  # a password in the URL: never in a log line
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_transactions(engine)
        return engine
    # No ping before each use (a round trip on every checkout, several per request): a
    # connection the server dropped fails its statement, SQLAlchemy then drops the whole
    # pool, and `Gateway.db` tries that call once more on a fresh connection.
    # Connections kept open: a request may use three side by side, and opening one costs
    # PostgreSQL a process (~10 ms). Beyond POOL_SIZE a request waits for a connection rather
    # than opening one that is closed again right after. Size PostgreSQL's max_connections
    # for POOL_SIZE + POOL_OVERFLOW per worker process, and the fast path's pool of
    # POOL_SIZE (kiosk/gateway/fastpath.py; packaging/README.md).
    return sa.create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                            pool_recycle=1800, pool_timeout=10)


def _sqlite_transactions(engine: Engine) -> None:
    """pysqlite's own transaction handling defers BEGIN past SELECTs; take it over so a
    transaction is a transaction (and a migration can start with BEGIN IMMEDIATE)."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None
        dbapi.execute("PRAGMA journal_mode=WAL")
        dbapi.execute("PRAGMA busy_timeout=30000")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.info.pop("sqlite_begin", "BEGIN"))


#: SQLite: how often a migration that found the database locked is tried again. Replicas
#: starting together wait for each other through the busy timeout, but SQLite answers
#: "database is locked" at once in a few cases (a fresh file turning to WAL, a WAL being
#: recovered); the migration is one transaction, so nothing of a locked try was kept.
LOCKED_TRIES = 6


def migrate(engine: Engine) -> int:
    """Bring the schema up to date; returns the version. Safe to run from many replicas."""
    for attempt in range(1, LOCKED_TRIES):
        try:
            return _migrate_once(engine)
        except sa.exc.OperationalError as exc:
            if engine.dialect.name != "sqlite" or "database is locked" not in str(exc):
                raise
            time.sleep(0.1 * 2 ** attempt)
    return _migrate_once(engine)  # the last try: whatever it raises goes up


def _migrate_once(engine: Engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.info["sqlite_begin"] = "BEGIN IMMEDIATE"
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
            schema_version.create(conn, checkfirst=True)
            current = conn.execute(sa.select(schema_version.c.version)).scalar()
            if current is None:
                conn.execute(schema_version.insert().values(version=0))
                current = 0
            if current > len(MIGRATIONS):
                raise RuntimeError(f"the database's schema ({current}) is newer than this "
                                   f"gateway's ({len(MIGRATIONS)}): upgrade the gateway")
            for step in MIGRATIONS[current:]:
                step(conn)
            conn.execute(schema_version.update().values(version=len(MIGRATIONS)))
    return len(MIGRATIONS)


def upsert_increment(conn: Connection, bucket: str, window: int) -> int:
    """One more hit in (bucket, window), atomically across replicas; the new count."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        pg = pg_insert(rate).values(bucket=bucket, window=window, count=1)
        stmt: Any = pg.on_conflict_do_update(index_elements=[rate.c.bucket, rate.c.window],
                                             set_={"count": rate.c.count + 1})
    else:
        from sqlalchemy.dialects.sqlite import insert as lite_insert
        lite = lite_insert(rate).values(bucket=bucket, window=window, count=1)
        stmt = lite.on_conflict_do_update(index_elements=[rate.c.bucket, rate.c.window],
                                          set_={"count": rate.c.count + 1})
    return int(conn.execute(stmt.returning(rate.c.count)).scalar_one())
