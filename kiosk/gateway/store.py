"""Everything the gateway keeps, in the database: the processes themselves hold no state.

Synchronous (SQLAlchemy Core); the web app calls it from a thread pool. Every method is one
transaction. Nothing here stores a key, a token, a code or a request body: only hashes,
endpoint templates and masked IMEIs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from kiosk.gateway import db, tokens
from kiosk.gateway.store_orders import CLAIM_SECONDS, Clock, Kiosk, OrderBook

#: Rate buckets counted in windows of an hour (the order cap); the others are per minute.
HOURLY = "o:"


@dataclass(frozen=True)
class Joined:
    kiosk: str
    token: str
    store: str
    payment_method: str | None  # the store's, None: the gateway's default


#: `admit` on PostgreSQL (here and in kiosk/gateway/fastpath.py): the kiosk (not revoked,
#: its token's hash) and, only then, its request counted, in one statement. The hash is
#: compared again in constant time.
ADMIT_SQL = """
WITH k AS (
    SELECT kiosks.kiosk, kiosks.store, kiosks.name, kiosks.token_hash, stores.payment_method
    FROM kiosks LEFT OUTER JOIN stores ON stores.store = kiosks.store
    WHERE kiosks.kiosk = :kiosk AND kiosks.revoked_at IS NULL
      AND kiosks.token_hash = :hash),
hit AS (
    INSERT INTO rate_windows (bucket, "window", count)
    SELECT :bucket, :window, 1 FROM k
    ON CONFLICT (bucket, "window") DO UPDATE SET count = rate_windows.count + 1
    RETURNING count)
SELECT k.kiosk, k.store, k.name, k.token_hash, k.payment_method,
       (SELECT count FROM hit) AS hits
FROM k"""
_ADMIT = sa.text(ADMIT_SQL)


def retry_after(count: int, limit: int, window_seconds: int, now: float) -> float | None:
    """None while `count` hits of the current fixed window are within `limit`; else the
    seconds until the next window."""
    if count <= limit:
        return None
    window = int(now // window_seconds)
    return max(1.0, math.ceil((window + 1) * window_seconds - now))


def _kiosk(conn: sa.Connection, kiosk: str, secret: str) -> Kiosk | None:
    k, s = db.kiosks.c, db.stores.c
    row = conn.execute(
        sa.select(k.kiosk, k.store, k.name, k.token_hash, k.revoked_at, s.payment_method)
        .select_from(db.kiosks.outerjoin(db.stores, s.store == k.store))
        .where(k.kiosk == kiosk)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not tokens.secret_matches(secret, row.token_hash):
        return None
    return Kiosk(row.kiosk, row.store, row.name, row.payment_method)


class Store(OrderBook):
    @classmethod
    def open(cls, url: str, clock: Clock = time.time) -> Store:
        store = cls(db.engine_for(url), clock)
        db.migrate(store.engine)
        return store

    def ping(self) -> None:
        with self._reading() as conn:
            conn.execute(sa.text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()

    # -- enrolment and identity ---------------------------------------------------------------

    def enroll(self, store: str, *, valid_seconds: float, payment_method: str | None) -> str:
        """A one-time code for a kiosk of `store` (only its hash is kept). A payment method
        given here becomes the store's for every kiosk of it."""
        code = tokens.new_code()
        now = self.clock()
        with self._writing() as conn:
            conn.execute(db.codes.insert().values(
                code_hash=tokens.sha256(tokens.normal_code(code) or ""), store=store,
                created_at=now, expires_at=now + valid_seconds))
            if payment_method is not None:
                self._set_payment_method(conn, store, payment_method, now)
            elif conn.execute(sa.select(db.stores.c.store).where(
                    db.stores.c.store == store)).first() is None:
                conn.execute(db.stores.insert().values(store=store, payment_method=None,
                                                       updated_at=now))
        return code

    @staticmethod
    def _set_payment_method(conn: sa.Connection, store: str, method: str, now: float) -> None:
        updated = conn.execute(db.stores.update().where(db.stores.c.store == store).values(
            payment_method=method, updated_at=now)).rowcount
        if not updated:
            conn.execute(db.stores.insert().values(store=store, payment_method=method,
                                                   updated_at=now))

    def join(self, code: str, *, name: str, version: str) -> Joined | None:
        """Exchange a code for a kiosk token; None for a wrong, used or expired code."""
        normal = tokens.normal_code(code)
        if normal is None:
            return None
        digest = tokens.sha256(normal)
        now = self.clock()
        kiosk = tokens.new_kiosk_id()
        token, token_hash = tokens.new_token(kiosk)
        c = db.codes.c
        with self._writing() as conn:
            row = conn.execute(sa.select(c.store).where(
                c.code_hash == digest, c.used_at.is_(None), c.expires_at > now)).first()
            if row is None:
                return None
            # Single use even when two joins race: only one UPDATE finds it unused.
            taken = conn.execute(db.codes.update().where(
                c.code_hash == digest, c.used_at.is_(None)).values(used_at=now, kiosk=kiosk))
            if taken.rowcount != 1:
                return None
            conn.execute(db.kiosks.insert().values(
                kiosk=kiosk, store=row.store, name=name[:100], token_hash=token_hash,
                created_at=now, version=version[:40]))
            method = conn.execute(sa.select(db.stores.c.payment_method).where(
                db.stores.c.store == row.store)).scalar()
        return Joined(kiosk, token, row.store, method)

    def authenticate(self, kiosk: str, secret: str) -> Kiosk | None:
        """The kiosk behind a token, read fresh on every request (revocation is immediate)."""
        with self._reading() as conn:
            return _kiosk(conn, kiosk, secret)

    def admit(self, kiosk: str, secret: str, limit: int,
              window_seconds: int = 60) -> tuple[Kiosk | None, float | None]:
        """`authenticate`, and the kiosk's request counted against `limit` a window, in one
        transaction: (the kiosk or None, seconds to wait when over the limit)."""
        now = self.clock()
        window = int(now // window_seconds)
        found: Kiosk | None
        if self.postgres:
            # One statement in autocommit: one round trip on every request a kiosk makes.
            with self._reading() as conn:
                row = conn.execute(_ADMIT, {"kiosk": kiosk, "hash": tokens.sha256(secret),
                                            "bucket": f"k:{kiosk}", "window": window}).first()
            if row is None or row.hits is None or not tokens.secret_matches(
                    secret, row.token_hash):
                return None, None
            found = Kiosk(row.kiosk, row.store, row.name, row.payment_method)
            count = int(row.hits)
        else:
            with self._writing() as conn:
                found = _kiosk(conn, kiosk, secret)
                if found is None:
                    return None, None
                count = db.upsert_increment(conn, f"k:{kiosk}", window)
        return found, retry_after(count, limit, window_seconds, now)

    def revoke(self, kiosk: str) -> bool:
        k = db.kiosks.c
        with self._writing() as conn:
            done = conn.execute(db.kiosks.update().where(k.kiosk == kiosk, k.revoked_at.is_(None))
                                .values(revoked_at=self.clock())).rowcount
        return bool(done)

    def kiosks(self) -> list[dict[str, Any]]:
        k = db.kiosks.c
        with self._reading() as conn:
            rows = conn.execute(sa.select(db.kiosks).order_by(k.store, k.created_at)).mappings()
            return [{key: v for key, v in row.items() if key != "token_hash"} for row in rows]

    def heartbeat(self, kiosk: str, values: dict[str, Any]) -> None:
        with self._writing() as conn:
            conn.execute(db.kiosks.update().where(db.kiosks.c.kiosk == kiosk)
                         .values(last_seen=self.clock(), **values))

    # -- rate limits ----------------------------------------------------------------------------

    def hit(self, bucket: str, limit: int, window_seconds: int) -> float | None:
        """Count one request in the current fixed window; seconds to wait when over `limit`."""
        now = self.clock()
        window = int(now // window_seconds)
        with self._writing() as conn:
            count = db.upsert_increment(conn, bucket, window)
        return retry_after(count, limit, window_seconds, now)

    # -- audit ------------------------------------------------------------------------------------

    def audit(self, **fields: Any) -> None:
        """One audit row, written now (fields as `audit_row` takes them)."""
        self.audit_many([self.audit_row(**fields)])

    def audit_many(self, rows: list[dict[str, Any]]) -> None:
        """Rows made by `audit_row`, in one transaction."""
        if rows:
            with self._writing() as conn:
                conn.execute(db.audit.insert(), rows)

    def audit_row(self, *, kiosk: str | None, store: str | None, method: str, endpoint: str,
                  status: int, latency_ms: float, imei: str | None = None,
                  note: str | None = None) -> dict[str, Any]:
        return {"at": self.clock(), "kiosk": kiosk, "store": store, "method": method[:10],
                "endpoint": endpoint[:200], "status": status, "latency_ms": int(latency_ms),
                "imei": imei, "note": note[:200] if note else None}

    def audit_rows(self, *, kiosk: str | None = None, since: float | None = None,
                   limit: int = 100) -> list[dict[str, Any]]:
        a = db.audit.c
        query = sa.select(db.audit).order_by(a.id.desc()).limit(limit)
        if kiosk:
            query = query.where(a.kiosk == kiosk)
        if since is not None:
            query = query.where(a.at >= since)
        with self._reading() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def prune(self, *, audit_days: float, now: float | None = None) -> int:
        """Drop audit rows past retention, old rate windows, spent codes, old events."""
        now = self.clock() if now is None else now
        with self._writing() as conn:
            gone = conn.execute(db.audit.delete().where(
                db.audit.c.at < now - audit_days * 86400)).rowcount
            r = db.rate.c
            hourly = r.bucket.startswith(HOURLY)  # windows of an hour, numbered so
            conn.execute(db.rate.delete().where(~hourly, r.window < int(now // 60) - 60))
            conn.execute(db.rate.delete().where(hourly, r.window < int(now // 3600) - 2))
            conn.execute(db.codes.delete().where(db.codes.c.expires_at < now - 86400))
            conn.execute(db.events.delete().where(db.events.c.at < now - 30 * 86400))
            conn.execute(db.kiosk_users.delete().where(db.kiosk_users.c.at < now - 2 * 86400))
        return int(gone)


__all__ = ["CLAIM_SECONDS", "HOURLY", "Joined", "Kiosk", "Store", "retry_after"]
