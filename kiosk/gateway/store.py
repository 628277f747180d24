"""Everything the gateway keeps, in the database: the processes themselves hold no state.

Synchronous (SQLAlchemy Core); the web app calls it from a thread pool. Every method is one
transaction. Nothing here stores a key, a token, a code or a request body: only hashes,
endpoint templates and masked IMEIs.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiosk.gateway import db, tokens

Clock = Callable[[], float]
#: How long a SIM claimed for an order stays claimed when no order for it is recorded.
CLAIM_SECONDS = 15 * 60
#: Rate buckets counted in windows of an hour (the order cap); the others are per minute.
HOURLY = "o:"


@dataclass(frozen=True)
class Kiosk:
    kiosk: str
    store: str
    name: str
    payment_method: str | None  # the store's, None: the gateway's default


@dataclass(frozen=True)
class Joined:
    kiosk: str
    token: str
    store: str
    payment_method: str | None  # the store's, None: the gateway's default


_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _checked(subscription: str | None, status: str | None) -> tuple[str | None, str | None]:
    sub = subscription if isinstance(subscription, str) and _ID.fullmatch(subscription) else None
    kept = status[:20] if isinstance(status, str) and status.isprintable() else None
    return sub, kept or None


class Store:
    def __init__(self, engine: Engine, clock: Clock = time.time) -> None:
        self.engine = engine
        self.clock = clock

    @classmethod
    def open(cls, url: str, clock: Clock = time.time) -> Store:
        store = cls(db.engine_for(url), clock)
        db.migrate(store.engine)
        return store

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()

    # -- enrolment and identity ---------------------------------------------------------------

    def enroll(self, store: str, *, valid_seconds: float, payment_method: str | None) -> str:
        """A one-time code for a kiosk of `store` (only its hash is kept). A payment method
        given here becomes the store's for every kiosk of it."""
        code = tokens.new_code()
        now = self.clock()
        with self.engine.begin() as conn:
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
        with self.engine.begin() as conn:
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
        k, s = db.kiosks.c, db.stores.c
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(k.kiosk, k.store, k.name, k.token_hash, k.revoked_at, s.payment_method)
                .select_from(db.kiosks.outerjoin(db.stores, s.store == k.store))
                .where(k.kiosk == kiosk)).first()
        if row is None or row.revoked_at is not None:
            return None
        if not tokens.secret_matches(secret, row.token_hash):
            return None
        return Kiosk(row.kiosk, row.store, row.name, row.payment_method)

    def revoke(self, kiosk: str) -> bool:
        k = db.kiosks.c
        with self.engine.begin() as conn:
            done = conn.execute(db.kiosks.update().where(k.kiosk == kiosk, k.revoked_at.is_(None))
                                .values(revoked_at=self.clock())).rowcount
        return bool(done)

    def kiosks(self) -> list[dict[str, Any]]:
        k = db.kiosks.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(db.kiosks).order_by(k.store, k.created_at)).mappings()
            return [{key: v for key, v in row.items() if key != "token_hash"} for row in rows]

    def heartbeat(self, kiosk: str, values: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(db.kiosks.update().where(db.kiosks.c.kiosk == kiosk)
                         .values(last_seen=self.clock(), **values))

    # -- rate limits ----------------------------------------------------------------------------

    def hit(self, bucket: str, limit: int, window_seconds: int) -> float | None:
        """Count one request in the current fixed window; seconds to wait when over `limit`."""
        now = self.clock()
        window = int(now // window_seconds)
        with self.engine.begin() as conn:
            count = db.upsert_increment(conn, bucket, window)
        if count <= limit:
            return None
        return max(1.0, math.ceil((window + 1) * window_seconds - now))

    # -- audit ------------------------------------------------------------------------------------

    def audit(self, *, kiosk: str | None, store: str | None, method: str, endpoint: str,
              status: int, latency_ms: float, imei: str | None = None,
              note: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(db.audit.insert().values(
                at=self.clock(), kiosk=kiosk, store=store, method=method[:10],
                endpoint=endpoint[:200], status=status, latency_ms=int(latency_ms),
                imei=imei, note=note[:200] if note else None))

    def audit_rows(self, *, kiosk: str | None = None, since: float | None = None,
                   limit: int = 100) -> list[dict[str, Any]]:
        a = db.audit.c
        query = sa.select(db.audit).order_by(a.id.desc()).limit(limit)
        if kiosk:
            query = query.where(a.kiosk == kiosk)
        if since is not None:
            query = query.where(a.at >= since)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def prune(self, *, audit_days: float, now: float | None = None) -> int:
        """Drop audit rows past retention, old rate windows, spent codes, old events."""
        now = self.clock() if now is None else now
        with self.engine.begin() as conn:
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

    # -- orders and events --------------------------------------------------------------------------

    def order_placed(self, order_id: str, kiosk: Kiosk, subscription: str | None,
                     status: str | None) -> None:
        """What Gigs answered is not trusted to fit: a subscription id not in the id shape
        is dropped, a status cut to its column (else PostgreSQL refuses the row and the
        order would have no owner)."""
        now = self.clock()
        subscription, status = _checked(subscription, status)
        o = db.orders.c
        try:
            with self.engine.begin() as conn:
                if conn.execute(sa.select(o.order_id).where(o.order_id == order_id)).first():
                    return  # a replayed answer (same idempotency key): the first kiosk keeps it
                conn.execute(db.orders.insert().values(
                    order_id=order_id, kiosk=kiosk.kiosk, store=kiosk.store,
                    subscription_id=subscription, status=status, created_at=now,
                    updated_at=now))
        except sa.exc.IntegrityError:
            return

    def order_seen(self, order_id: str, subscription: str | None, status: str | None) -> None:
        """What a forwarded answer or an event says about an order placed here."""
        o = db.orders.c
        values: dict[str, Any] = {"updated_at": self.clock()}
        subscription, status = _checked(subscription, status)
        if subscription:
            values["subscription_id"] = subscription
        if status:
            values["status"] = status[:20]
        with self.engine.begin() as conn:
            conn.execute(db.orders.update().where(o.order_id == order_id).values(**values))

    def sim_ordered(self, sim_id: str, kiosk: str) -> None:
        """This kiosk ordered for this SIM: its eSIM credentials may go to this kiosk only.
        Never moves a SIM from one kiosk to another: only a SIM that is this kiosk's (or
        nobody's, or under a lapsed bare claim) is recorded as this kiosk's."""
        s = db.kiosk_sims.c
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                done = conn.execute(db.kiosk_sims.update().where(
                    s.sim_id == sim_id,
                    sa.or_(s.kiosk == kiosk, sa.and_(s.expires_at.isnot(None),
                                                     s.expires_at <= now)))
                    .values(kiosk=kiosk, at=now, expires_at=None)).rowcount
                if not done and conn.execute(sa.select(s.kiosk).where(
                        s.sim_id == sim_id)).first() is None:
                    conn.execute(db.kiosk_sims.insert().values(sim_id=sim_id, kiosk=kiosk,
                                                               at=now, expires_at=None))
        except sa.exc.IntegrityError:  # the same SIM recorded at the same time elsewhere
            pass

    def claim_sim(self, sim_id: str, kiosk: str) -> bool:
        """Before an order for this SIM leaves: it is this kiosk's unless it is a kiosk's
        already. True: claimed now (released again if Gigs refuses the order). So a kiosk
        whose answer was lost with a replica still gets the eSIM code it ordered. A bare
        claim lapses after `CLAIM_SECONDS` unless an order for it is recorded, so a
        hostile pre-claim cannot hold a store's SIMs for ever."""
        s = db.kiosk_sims.c
        now = self.clock()
        values = {"kiosk": kiosk, "at": now, "expires_at": now + CLAIM_SECONDS}
        try:
            with self.engine.begin() as conn:
                if conn.execute(sa.select(s.kiosk).where(s.sim_id == sim_id)).first():
                    lapsed = conn.execute(db.kiosk_sims.update().where(
                        s.sim_id == sim_id, s.expires_at.isnot(None), s.expires_at <= now)
                        .values(**values)).rowcount
                    return bool(lapsed)
                conn.execute(db.kiosk_sims.insert().values(sim_id=sim_id, **values))
        except sa.exc.IntegrityError:  # claimed at the same time elsewhere
            return False
        return True

    def release_sim(self, sim_id: str, kiosk: str) -> None:
        """Drop this kiosk's bare claim (Gigs refused the order); a recorded order stays."""
        s = db.kiosk_sims.c
        with self.engine.begin() as conn:
            conn.execute(db.kiosk_sims.delete().where(s.sim_id == sim_id, s.kiosk == kiosk,
                                                      s.expires_at.isnot(None)))

    def sim_kiosk(self, sim_id: str) -> str | None:
        """The kiosk this SIM is held by (a lapsed bare claim: nobody's)."""
        s = db.kiosk_sims.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s.kiosk).where(
                s.sim_id == sim_id,
                sa.or_(s.expires_at.is_(None), s.expires_at > self.clock()))).first()
        return row.kiosk if row else None

    def users_seen(self, kiosk: str, users: list[str]) -> None:
        """This kiosk created or found these users: reachable from it for a while."""
        k = db.kiosk_users.c
        now = self.clock()
        for user in dict.fromkeys(users):
            try:
                with self.engine.begin() as conn:
                    if not conn.execute(db.kiosk_users.update().where(
                            k.kiosk == kiosk, k.user_id == user).values(at=now)).rowcount:
                        conn.execute(db.kiosk_users.insert().values(kiosk=kiosk, user_id=user,
                                                                    at=now))
            except sa.exc.IntegrityError:  # recorded at the same time elsewhere
                continue

    def knows_user(self, kiosk: str, user: str, within: float) -> bool:
        k = db.kiosk_users.c
        with self.engine.connect() as conn:
            return conn.execute(sa.select(k.at).where(
                k.kiosk == kiosk, k.user_id == user, k.at >= self.clock() - within)).first() \
                is not None

    def owner_of(self, kind: str, object_id: str) -> str | None:
        """The kiosk that placed this order (or the order of this subscription)."""
        o = db.orders.c
        column = o.order_id if kind == "order" else o.subscription_id
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(o.kiosk).where(column == object_id)).first()
        return row.kiosk if row else None

    def add_event(self, *, event_id: str, kiosk: str, kind: str, object_id: str,
                  status: str | None, type_: str) -> bool:
        """Store an event for a kiosk's stream; False when this event id was stored already."""
        e = db.events.c
        try:
            with self.engine.begin() as conn:
                if conn.execute(sa.select(e.seq).where(e.event_id == event_id)).first():
                    return False
                conn.execute(db.events.insert().values(
                    event_id=event_id, kiosk=kiosk, kind=kind, object_id=object_id,
                    status=status, type=type_, at=self.clock()))
        except sa.exc.IntegrityError:  # the same delivery, at the same time, on another replica
            return False
        return True

    def events_after(self, kiosk: str, after: int, limit: int = 100) -> list[dict[str, Any]]:
        e = db.events.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(e.seq, e.kind, e.object_id, e.status, e.type)
                                .where(e.kiosk == kiosk, e.seq > after)
                                .order_by(e.seq).limit(limit)).mappings()
            return [dict(row) for row in rows]

    def last_event_seq(self, kiosk: str) -> int:
        """The newest stored event's sequence number for `kiosk` (0: none)."""
        e = db.events.c
        with self.engine.connect() as conn:
            seq = conn.execute(sa.select(sa.func.max(e.seq)).where(e.kiosk == kiosk)).scalar()
        return int(seq or 0)

    def is_active(self, kiosk: str) -> bool:
        k = db.kiosks.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(k.revoked_at).where(k.kiosk == kiosk)).first()
        return row is not None and row.revoked_at is None

    def recent_orders(self, limit: int = 30) -> list[dict[str, Any]]:
        o = db.orders.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(db.orders).order_by(o.created_at.desc()).limit(limit))
            return [dict(row) for row in rows.mappings()]
