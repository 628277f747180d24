"""The reads every forwarded request makes, on PostgreSQL, on the event loop itself.

Through SQLAlchemy each of them is a hop to a worker thread and back, and the worker's
Python competes with the event loop for the interpreter: measured in the benchmark, a 0.4 ms
round trip to PostgreSQL took 1.2 ms at the median and 5-8 ms at the 99th percentile that
way, on each of one to three reads a request. Here they go through psycopg's asynchronous
driver and its connection pool (psycopg_pool), in autocommit: one round trip each, no
thread. The methods take what the Store's of the same name take (`Gateway` calls either);
the statements do what `Store.admit`, `hit`, `owner_of`, `sim_kiosk`, `knows_user`,
`claim_sim`, `sim_ordered`, `order_placed`, `users_seen` and `audit_many` do, each in one
statement (on conflict ..., unnest); tests/gateway/test_fastpath.py holds them to the same
answers, and tests/gateway run every request path against both (SQLite takes the Store's).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import psycopg
import psycopg.sql
import sqlalchemy as sa
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from kiosk.gateway import tokens
from kiosk.gateway.store import ADMIT_SQL, CLAIM_SECONDS, Kiosk, retry_after
from kiosk.gateway.store_orders import checked_fields

_OWNER = {
    "order": "SELECT kiosk FROM orders WHERE order_id = %s",
    "subscription": "SELECT kiosk FROM orders WHERE subscription_id = %s",
}
_SIM = ("SELECT kiosk FROM kiosk_sims WHERE sim_id = %s"
        " AND (expires_at IS NULL OR expires_at > %s)")
_USER = "SELECT 1 FROM kiosk_users WHERE kiosk = %s AND user_id = %s AND at >= %s"
_HIT = ("INSERT INTO rate_windows (bucket, \"window\", count) VALUES (%s, %s, 1)"
        " ON CONFLICT (bucket, \"window\") DO UPDATE SET count = rate_windows.count + 1"
        " RETURNING count")
#: `Store.claim_sim`: a row when claimed now (new, or a lapsed bare claim taken over).
_CLAIM = ("INSERT INTO kiosk_sims (sim_id, kiosk, at, expires_at) VALUES (%s, %s, %s, %s)"
          " ON CONFLICT (sim_id) DO UPDATE SET kiosk = EXCLUDED.kiosk, at = EXCLUDED.at,"
          " expires_at = EXCLUDED.expires_at"
          " WHERE kiosk_sims.expires_at IS NOT NULL AND kiosk_sims.expires_at <= %s"
          " RETURNING kiosk")
#: `Store.sim_ordered`: this kiosk's (new, its own, or over a lapsed bare claim), never
#: another kiosk's.
_SIM_ORDERED = (
    "INSERT INTO kiosk_sims (sim_id, kiosk, at, expires_at) VALUES (%s, %s, %s, NULL)"
    " ON CONFLICT (sim_id) DO UPDATE SET kiosk = EXCLUDED.kiosk, at = EXCLUDED.at,"
    " expires_at = NULL WHERE kiosk_sims.kiosk = EXCLUDED.kiosk"
    " OR (kiosk_sims.expires_at IS NOT NULL AND kiosk_sims.expires_at <= %s)")
#: `Store.order_placed`: the first kiosk keeps a replayed order.
_ORDER_PLACED = (
    "INSERT INTO orders (order_id, kiosk, store, subscription_id, status, created_at,"
    " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (order_id) DO NOTHING")
#: `Store.order_seen`: what an answer or an event says of an order (nothing said: kept).
_ORDER_SEEN = ("UPDATE orders SET updated_at = %s,"
               " subscription_id = COALESCE(%s, subscription_id), status = COALESCE(%s, status)"
               " WHERE order_id = %s")
#: `Store.heartbeat`: the columns a heartbeat may set (kiosk_api checks their values).
HEARTBEAT_COLUMNS = ("version", "mode", "camera_fps", "activations_today", "failures_today",
                     "pending")
#: `Store.users_seen`: each user reachable from this kiosk from now on.
_USERS_SEEN = ("INSERT INTO kiosk_users (kiosk, user_id, at) SELECT %s, u, %s"
               " FROM unnest(%s::text[]) AS u"
               " ON CONFLICT (kiosk, user_id) DO UPDATE SET at = EXCLUDED.at")
#: `Store.audit_many`: the rows of a batch, one array per column.
_AUDIT_COLUMNS = ("at", "kiosk", "store", "method", "endpoint", "status", "latency_ms",
                  "imei", "note")
_AUDIT = (f"INSERT INTO audit ({', '.join(_AUDIT_COLUMNS)}) SELECT * FROM unnest("
          "%s::float8[], %s::text[], %s::text[], %s::text[], %s::text[], %s::int[], %s::int[],"
          " %s::text[], %s::text[])")
#: `ADMIT_SQL` with psycopg's placeholders.
_ADMIT = ADMIT_SQL
for _name in ("kiosk", "hash", "bucket", "window"):
    _ADMIT = _ADMIT.replace(f":{_name}", f"%({_name})s")


def conninfo(url: sa.engine.URL) -> str:
    """libpq's URL for SQLAlchemy's (password included: it never reaches a log)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class FastPath:
    def __init__(self, url: sa.engine.URL, size: int, clock: Callable[[], float]) -> None:
        self.clock = clock  # the Store's: the same times on both paths
        self.pool = AsyncConnectionPool(conninfo(url), min_size=2, max_size=size, open=False,
                                        kwargs={"autocommit": True}, timeout=5.0)
        self._opened: asyncio.Task[None] | None = None

    async def _ready(self) -> None:
        if self._opened is None:
            self._opened = asyncio.ensure_future(self.pool.open(wait=False))
        await asyncio.shield(self._opened)

    async def close(self) -> None:
        if self._opened is not None:
            await self.pool.close()

    async def _one(self, sql: str | psycopg.sql.Composed, params: Any) -> tuple[Any, ...] | None:
        """One statement's first row; once more when the connection taken was dead (the
        database restarted), after the pool has dropped all its dead ones."""
        await self._ready()
        for attempt in (1, 2):
            conn: psycopg.AsyncConnection[Any] | None = None
            try:
                async with self.pool.connection() as conn:
                    cursor = await conn.execute(sql, params)
                    row: tuple[Any, ...] | None = (await cursor.fetchone()
                                                   if cursor.description else None)
                    return row
            except PoolTimeout:
                raise  # every connection busy: waiting twice as long would not help
            except psycopg.OperationalError:
                # Only a connection found dead goes again (the server restarted: the
                # statement never ran); any other failure may have committed.
                if attempt == 2 or self.pool.closed or conn is None or not conn.broken:
                    raise
                await self.pool.check()  # drop every idle connection the server dropped
        return None

    async def admit(self, kiosk: str, secret: str, limit: int,
                    window_seconds: int = 60) -> tuple[Kiosk | None, float | None]:
        now = self.clock()
        window = int(now // window_seconds)
        row = await self._one(_ADMIT, {"kiosk": kiosk, "hash": tokens.sha256(secret),
                                       "bucket": f"k:{kiosk}", "window": window})
        if row is None or row[5] is None or not tokens.secret_matches(secret, row[3]):
            return None, None
        found = Kiosk(row[0], row[1], row[2], row[4])
        return found, retry_after(int(row[5]), limit, window_seconds, now)

    async def owner_of(self, kind: str, object_id: str) -> str | None:
        row = await self._one(_OWNER[kind], (object_id,))
        return str(row[0]) if row else None

    async def sim_kiosk(self, sim_id: str) -> str | None:
        row = await self._one(_SIM, (sim_id, self.clock()))
        return str(row[0]) if row else None

    async def knows_user(self, kiosk: str, user: str, within: float) -> bool:
        return await self._one(_USER, (kiosk, user, self.clock() - within)) is not None

    async def hit(self, bucket: str, limit: int, window_seconds: int) -> float | None:
        now = self.clock()
        row = await self._one(_HIT, (bucket, int(now // window_seconds)))
        return retry_after(int(row[0]), limit, window_seconds, now) if row else None

    async def claim_sim(self, sim_id: str, kiosk: str) -> bool:
        now = self.clock()
        row = await self._one(_CLAIM, (sim_id, kiosk, now, now + CLAIM_SECONDS, now))
        return row is not None

    async def sim_ordered(self, sim_id: str, kiosk: str) -> None:
        now = self.clock()
        await self._one(_SIM_ORDERED, (sim_id, kiosk, now, now))

    async def users_seen(self, kiosk: str, users: list[str]) -> None:
        if users:  # each once: one statement may not update a row twice
            await self._one(_USERS_SEEN, (kiosk, self.clock(), list(dict.fromkeys(users))))

    async def audit_many(self, rows: list[dict[str, Any]]) -> None:
        if rows:  # rows as `Store.audit_row` makes them
            await self._one(_AUDIT, tuple([r[c] for r in rows] for c in _AUDIT_COLUMNS))

    async def order_seen(self, order_id: str, subscription: str | None,
                         status: str | None) -> None:
        subscription, status = checked_fields(subscription, status)
        await self._one(_ORDER_SEEN, (self.clock(), subscription, status, order_id))

    async def heartbeat(self, kiosk: str, values: dict[str, Any]) -> None:
        unknown = set(values) - set(HEARTBEAT_COLUMNS)
        if unknown:  # never a name from outside into the statement
            raise ValueError(f"not a heartbeat column: {sorted(unknown)}")
        names = [c for c in HEARTBEAT_COLUMNS if c in values]
        statement = psycopg.sql.SQL("UPDATE kiosks SET last_seen = %s{} WHERE kiosk = %s").format(
            psycopg.sql.SQL("").join(psycopg.sql.SQL(", {} = %s").format(psycopg.sql.Identifier(c))
                                     for c in names))
        await self._one(statement, (self.clock(), *(values[c] for c in names), kiosk))

    async def order_placed(self, order_id: str, kiosk: Kiosk, subscription: str | None,
                           status: str | None) -> None:
        now = self.clock()
        subscription, status = checked_fields(subscription, status)
        await self._one(_ORDER_PLACED, (order_id, kiosk.kiosk, kiosk.store, subscription,
                                        status, now, now))
