"""The gateway's bookkeeping of orders, SIMs, customers and events (part of `Store`).

Who placed which order, which kiosk a SIM's eSIM credentials may go to, which customers a
kiosk may reach, and the events waiting for kiosks' streams.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiosk.gateway import db

Clock = Callable[[], float]
#: How long a SIM claimed for an order stays claimed when no order for it is recorded.
CLAIM_SECONDS = 15 * 60


@dataclass(frozen=True)
class Kiosk:
    kiosk: str
    store: str
    name: str
    payment_method: str | None  # the store's, None: the gateway's default


_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def checked_fields(subscription: str | None,
                   status: str | None) -> tuple[str | None, str | None]:
    sub = subscription if isinstance(subscription, str) and _ID.fullmatch(subscription) else None
    kept = status[:20] if isinstance(status, str) and status.isprintable() else None
    return sub, kept or None


class StoreBase:
    def __init__(self, engine: Engine, clock: Clock = time.time) -> None:
        self.engine = engine
        self.clock = clock

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """A connection for reads. PostgreSQL: in autocommit, so one SELECT is one round
        trip (no BEGIN before it, no ROLLBACK after): a request makes several."""
        if self.postgres:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                yield conn
        else:
            with self.engine.connect() as conn:
                yield conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """A transaction that writes. SQLite: it takes the write lock at BEGIN, so one that
        reads first cannot fail at its first write because another committed meanwhile
        (WAL mode refuses that upgrade at once, past any busy timeout)."""
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.info["sqlite_begin"] = "BEGIN IMMEDIATE"
            with conn.begin():
                yield conn


class OrderBook(StoreBase):
    # -- orders and events --------------------------------------------------------------------------

    def order_placed(self, order_id: str, kiosk: Kiosk, subscription: str | None,
                     status: str | None) -> None:
        """What Gigs answered is not trusted to fit: a subscription id not in the id shape
        is dropped, a status cut to its column (else PostgreSQL refuses the row and the
        order would have no owner)."""
        now = self.clock()
        subscription, status = checked_fields(subscription, status)
        o = db.orders.c
        try:
            with self._writing() as conn:
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
        subscription, status = checked_fields(subscription, status)
        if subscription:
            values["subscription_id"] = subscription
        if status:
            values["status"] = status[:20]
        with self._writing() as conn:
            conn.execute(db.orders.update().where(o.order_id == order_id).values(**values))

    def sim_ordered(self, sim_id: str, kiosk: str) -> None:
        """This kiosk ordered for this SIM: its eSIM credentials may go to this kiosk only.
        Never moves a SIM from one kiosk to another: only a SIM that is this kiosk's (or
        nobody's, or under a lapsed bare claim) is recorded as this kiosk's."""
        s = db.kiosk_sims.c
        now = self.clock()
        try:
            with self._writing() as conn:
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
            with self._writing() as conn:
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
        with self._writing() as conn:
            conn.execute(db.kiosk_sims.delete().where(s.sim_id == sim_id, s.kiosk == kiosk,
                                                      s.expires_at.isnot(None)))

    def sim_kiosk(self, sim_id: str) -> str | None:
        """The kiosk this SIM is held by (a lapsed bare claim: nobody's)."""
        s = db.kiosk_sims.c
        with self._reading() as conn:
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
                with self._writing() as conn:
                    if not conn.execute(db.kiosk_users.update().where(
                            k.kiosk == kiosk, k.user_id == user).values(at=now)).rowcount:
                        conn.execute(db.kiosk_users.insert().values(kiosk=kiosk, user_id=user,
                                                                    at=now))
            except sa.exc.IntegrityError:  # recorded at the same time elsewhere
                continue

    def knows_user(self, kiosk: str, user: str, within: float) -> bool:
        k = db.kiosk_users.c
        with self._reading() as conn:
            return conn.execute(sa.select(k.at).where(
                k.kiosk == kiosk, k.user_id == user, k.at >= self.clock() - within)).first() \
                is not None

    def owner_of(self, kind: str, object_id: str) -> str | None:
        """The kiosk that placed this order (or the order of this subscription)."""
        o = db.orders.c
        column = o.order_id if kind == "order" else o.subscription_id
        with self._reading() as conn:
            row = conn.execute(sa.select(o.kiosk).where(column == object_id)).first()
        return row.kiosk if row else None

    def add_event(self, *, event_id: str, kiosk: str, kind: str, object_id: str,
                  status: str | None, type_: str) -> bool:
        """Store an event for a kiosk's stream; False when this event id was stored already."""
        e = db.events.c
        try:
            with self._writing() as conn:
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
        with self._reading() as conn:
            rows = conn.execute(sa.select(e.seq, e.kind, e.object_id, e.status, e.type)
                                .where(e.kiosk == kiosk, e.seq > after)
                                .order_by(e.seq).limit(limit)).mappings()
            return [dict(row) for row in rows]

    def last_event_seq(self, kiosk: str) -> int:
        """The newest stored event's sequence number for `kiosk` (0: none)."""
        e = db.events.c
        with self._reading() as conn:
            seq = conn.execute(sa.select(sa.func.max(e.seq)).where(e.kiosk == kiosk)).scalar()
        return int(seq or 0)

    def last_event_seq_overall(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.max(db.events.c.seq))).scalar() or 0)

    def event_kiosks_after(self, low: int, limit: int) -> list[tuple[int, str]]:
        """(sequence number, kiosk) of the events numbered above `low`, oldest first."""
        e = db.events.c
        with self._reading() as conn:
            rows = conn.execute(sa.select(e.seq, e.kiosk).where(e.seq > low)
                                .order_by(e.seq).limit(limit))
            return [(int(row.seq), str(row.kiosk)) for row in rows]

    def inactive_among(self, kiosks: list[str]) -> list[str]:
        """Those of `kiosks` that are revoked or unknown."""
        k = db.kiosks.c
        with self._reading() as conn:
            active = set(conn.execute(sa.select(k.kiosk).where(
                k.kiosk.in_(kiosks), k.revoked_at.is_(None))).scalars())
        return [kiosk for kiosk in kiosks if kiosk not in active]

    def is_active(self, kiosk: str) -> bool:
        k = db.kiosks.c
        with self._reading() as conn:
            row = conn.execute(sa.select(k.revoked_at).where(k.kiosk == kiosk)).first()
        return row is not None and row.revoked_at is None

    def recent_orders(self, limit: int = 30) -> list[dict[str, Any]]:
        o = db.orders.c
        with self._reading() as conn:
            rows = conn.execute(sa.select(db.orders).order_by(o.created_at.desc()).limit(limit))
            return [dict(row) for row in rows.mappings()]
