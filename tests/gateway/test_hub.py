"""The event hub: one database look per process for all open streams, not one per stream."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import sqlalchemy as sa

from kiosk.gateway.hub import TRAIL, EventHub
from tests.gateway.conftest import GatewayFactory
from tests.gateway.helpers import Stream, join


class Events:
    """A store holding (seq, kiosk) rows, some committed late (below the highest seen)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str]] = []
        self.revoked: set[str] = set()
        self.looks = 0

    def last_event_seq_overall(self) -> int:
        return max((seq for seq, _ in self.rows), default=0)

    def event_kiosks_after(self, low: int, limit: int) -> list[tuple[int, str]]:
        self.looks += 1
        return sorted(row for row in self.rows if row[0] > low)[:limit]

    def inactive_among(self, kiosks: list[str]) -> list[str]:
        return [k for k in kiosks if k in self.revoked]


async def _direct(fn: Any, *args: Any) -> Any:
    return fn(*args)


def test_late_committed_events_wake_their_kiosk_and_nothing_else() -> None:
    async def go() -> None:
        store = Events()
        store.rows = [(1, "a"), (2, "b")]
        hub = EventHub(_direct, store, poll_seconds=0.01, revocation_seconds=0.02)
        a, b = hub.listen("a"), hub.listen("b")
        await asyncio.sleep(0.05)
        a.wake.clear(), b.wake.clear()
        store.rows.append((5, "b"))
        await asyncio.sleep(0.05)
        assert b.wake.is_set() and not a.wake.is_set()
        b.wake.clear()
        store.rows.append((4, "a"))  # numbered before 5, committed after it was seen
        await asyncio.sleep(0.05)
        assert a.wake.is_set() and not b.wake.is_set()
        a.wake.clear()
        await asyncio.sleep(0.05)
        assert not a.wake.is_set() and not b.wake.is_set(), "woken again for a seen event"
        store.rows.append((5 + TRAIL + 10, "a"))
        await asyncio.sleep(0.05)
        assert a.wake.is_set() and not b.wake.is_set()
        store.revoked.add("b")
        await asyncio.sleep(0.08)
        assert b.ended and not a.ended
        newer = hub.listen("a")
        assert a.ended and not newer.ended and len(hub) == 1
        hub.leave(newer)
        await asyncio.sleep(0.05)
        looks = store.looks
        await asyncio.sleep(0.05)
        assert hub.task is None and store.looks == looks, "the hub looks on with no stream"
        await hub.close()

    asyncio.run(go())


def test_database_looks_do_not_grow_with_open_streams(make_gateway: GatewayFactory,
                                                      database_url: str) -> None:
    gw, store, config = make_gateway(database_url, GATEWAY_JOIN_LIMIT="100")
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's own, per query
            statements.append(statement)

    def looks_per_second(streams: list[Stream]) -> float:
        deadline = time.monotonic() + 10
        while sum(1 for s in streams if s.lines) < len(streams):
            assert time.monotonic() < deadline, "streams did not start"
            time.sleep(0.05)
        statements.clear()
        time.sleep(2.0)
        return len(statements) / 2.0

    sa.event.listen(store.engine, "before_cursor_execute", count)
    tokens = [join(gw.url, store, name=f"till {n}")["token"] for n in range(25)]
    one = [Stream(gw.url, tokens[0])]
    try:
        alone = looks_per_second(one)
        many = one + [Stream(gw.url, token) for token in tokens[1:]]
        try:
            crowd = looks_per_second(many)
        finally:
            for stream in many[1:]:
                stream.close()
    finally:
        one[0].close()
        sa.event.remove(store.engine, "before_cursor_execute", count)
    # One look per poll (0.1 s here) and one revocation look a second, for any number of
    # streams, plus each stream's own read at its keep-alive (0.5 s here, 12 s by
    # default): 25 streams polling on their own made ~25x as many.
    assert alone <= 1 / config.poll_seconds + 5
    assert crowd <= alone + 3 + 1.5 * (len(tokens) - 1) / config.keepalive_seconds, (alone,
                                                                                      crowd)


class FlakyAudit:
    """A store whose audit table is away for its first `failures` writes."""

    def __init__(self, failures: int) -> None:
        self.failures, self.written, self.batches = failures, [], 0

    def audit_row(self, **fields: Any) -> dict[str, Any]:
        return dict(fields)

    def audit_many(self, rows: list[dict[str, Any]]) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("the database is away")
        self.batches += 1
        self.written.extend(rows)


def test_audit_rows_wait_for_the_database_and_none_is_lost_or_doubled(
        monkeypatch: Any) -> None:
    from kiosk.gateway import auditor

    monkeypatch.setattr(auditor, "RETRY_SECONDS", 0.01)

    async def go() -> None:
        store = FlakyAudit(failures=auditor.ONE_BY_ONE_AFTER - 1)
        writer = auditor.AuditWriter(_direct, store)
        for n in range(1200):
            writer.add(endpoint=f"/e/{n}", status=200)
            if n % 100 == 0:
                await asyncio.sleep(0)
        deadline = time.monotonic() + 5
        while writer.pending and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert writer.pending == 0
        assert [r["endpoint"] for r in store.written] == [f"/e/{n}" for n in range(1200)]
        assert store.batches < 1200 / 10, "rows were written one by one"
        writer.add(endpoint="/last", status=200)
        await writer.close()
        assert store.written[-1]["endpoint"] == "/last"

    asyncio.run(go())


def test_a_row_the_database_refuses_for_good_costs_only_itself(monkeypatch: Any) -> None:
    from kiosk.gateway import auditor

    monkeypatch.setattr(auditor, "RETRY_SECONDS", 0.01)

    class Refusing(FlakyAudit):
        def audit_many(self, rows: list[dict[str, Any]]) -> None:
            if any(r["endpoint"] == "/poison" for r in rows):
                raise ValueError("refused")
            super().audit_many(rows)

    async def go() -> list[str]:
        store = Refusing(failures=0)
        writer = auditor.AuditWriter(_direct, store)
        for n in range(20):
            writer.add(endpoint="/poison" if n == 7 else f"/e/{n}", status=200)
        deadline = time.monotonic() + 5
        while writer.pending and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert writer.pending == 0, "a refused row blocked the audit"
        return [r["endpoint"] for r in store.written]

    assert asyncio.run(go()) == [f"/e/{n}" for n in range(20) if n != 7]

