"""The gateway's store on SQLite and on a real PostgreSQL: enrolment, tokens, revocation,
rate windows, audit retention, events, migrations."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from kiosk.gateway import db, tokens
from kiosk.gateway import store as store_module
from kiosk.gateway.store import Kiosk, Store


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database_url: str, clock: Clock) -> Store:
    s = Store(db.engine_for(database_url), clock)
    db.migrate(s.engine)
    yield s  # type: ignore[misc]
    s.close()


def test_a_code_joins_once_in_any_case_and_with_or_without_dashes(store: Store) -> None:
    code = store.enroll("STORE-042", valid_seconds=1800, payment_method="pm_store")
    assert tokens.normal_code(code) is not None and len(code) == 14
    joined = store.join(code.lower().replace("-", ""), name="till 1", version="0.1.0")
    assert joined is not None and joined.store == "STORE-042"
    assert joined.token.startswith(f"kt_{joined.kiosk}_")
    assert store.join(code, name="till 2", version="0.1.0") is None  # single use
    kiosk, secret = tokens.parse_token("Bearer " + joined.token)  # type: ignore[misc]
    found = store.authenticate(kiosk, secret)
    assert found is not None and found.payment_method == "pm_store"


def test_wrong_and_expired_codes_do_not_join(store: Store, clock: Clock) -> None:
    code = store.enroll("STORE-042", valid_seconds=60, payment_method=None)
    assert store.join("2222-3333-4444", name="k", version="") is None
    assert store.join("not a code", name="k", version="") is None
    clock.now += 61
    assert store.join(code, name="k", version="") is None


def test_only_hashes_are_stored(store: Store) -> None:
    code = store.enroll("STORE-042", valid_seconds=600, payment_method=None)
    joined = store.join(code, name="k", version="")
    assert joined is not None
    with store.engine.connect() as conn:
        dump = repr([conn.execute(sa.select(t)).all() for t in db.metadata.sorted_tables])
    assert tokens.normal_code(code) not in dump and code not in dump
    assert joined.token not in dump and joined.token[-43:] not in dump  # the secret part (it may hold "_")


def test_a_wrong_secret_or_a_revoked_kiosk_is_refused(store: Store) -> None:
    joined = store.join(store.enroll("S1", valid_seconds=600, payment_method=None),
                        name="k", version="")
    assert joined is not None
    kiosk, secret = tokens.parse_token("Bearer " + joined.token)  # type: ignore[misc]
    assert store.authenticate(kiosk, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.authenticate(kiosk, secret) is not None
    assert store.revoke(kiosk) and not store.revoke(kiosk)
    assert store.authenticate(kiosk, secret) is None
    assert not store.is_active(kiosk)
    assert all("token_hash" not in row for row in store.kiosks())


def test_the_rate_window_counts_and_resets(store: Store, clock: Clock) -> None:
    assert [store.hit("k:a", 3, 60) for _ in range(3)] == [None, None, None]
    wait = store.hit("k:a", 3, 60)
    assert wait is not None and 1 <= wait <= 60
    assert store.hit("k:b", 3, 60) is None  # per kiosk
    clock.now += 60
    assert store.hit("k:a", 3, 60) is None


def test_audit_is_pruned_after_its_retention(store: Store, clock: Clock) -> None:
    store.audit(kiosk="ksk_a", store="S", method="GET", endpoint="/x", status=200, latency_ms=3)
    clock.now += 2 * 86400
    store.audit(kiosk="ksk_b", store="S", method="GET", endpoint="/y", status=200, latency_ms=3)
    assert store.prune(audit_days=1) == 1
    assert [r["kiosk"] for r in store.audit_rows()] == ["ksk_b"]
    assert store.audit_rows(kiosk="ksk_a") == []
    assert len(store.audit_rows(since=clock.now - 10)) == 1


def test_events_are_stored_once_and_read_in_order(store: Store) -> None:
    assert store.add_event(event_id="evt_1", kiosk="ksk_a", kind="order.updated",
                           object_id="ord_1", status="paid", type_="com.gigs.order.updated")
    assert not store.add_event(event_id="evt_1", kiosk="ksk_a", kind="order.updated",
                               object_id="ord_1", status="paid", type_="com.gigs.order.updated")
    store.add_event(event_id="evt_2", kiosk="ksk_b", kind="order.updated", object_id="ord_2",
                    status="paid", type_="com.gigs.order.updated")
    store.add_event(event_id="evt_3", kiosk="ksk_a", kind="subscription.updated",
                    object_id="sub_1", status="active", type_="com.gigs.subscription.activated")
    rows = store.events_after("ksk_a", 0)
    assert [r["object_id"] for r in rows] == ["ord_1", "sub_1"]
    assert [r["object_id"] for r in store.events_after("ksk_a", rows[0]["seq"])] == ["sub_1"]


def test_migrations_run_once_even_when_replicas_start_together(database_url: str) -> None:
    engines = [db.engine_for(database_url) for _ in range(4)]
    errors: list[BaseException] = []

    def go(engine: sa.Engine) -> None:
        try:
            db.migrate(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engines[0].connect() as conn:
        assert conn.execute(sa.select(db.schema_version.c.version)).scalars().all() == [
            len(db.MIGRATIONS)]
    assert db.migrate(engines[0]) == len(db.MIGRATIONS)
    for e in engines:
        e.dispose()


def test_a_newer_schema_is_refused(database_url: str) -> None:
    engine = db.engine_for(database_url)
    db.migrate(engine)
    with engine.begin() as conn:
        conn.execute(db.schema_version.update().values(version=99))
    with pytest.raises(RuntimeError, match="newer"):
        db.migrate(engine)
    engine.dispose()


def test_a_database_of_an_older_schema_is_upgraded_in_order(database_url: str) -> None:
    engine = db.engine_for(database_url)
    with engine.begin() as conn:  # what a gateway of schema 1 left behind
        db.schema_version.create(conn)
        conn.execute(db.schema_version.insert().values(version=1))
        db.MIGRATIONS[0](conn)
    assert not sa.inspect(engine).has_table("kiosk_sims")
    assert db.migrate(engine) == len(db.MIGRATIONS) >= 2
    assert sa.inspect(engine).has_table("kiosk_sims")
    store = Store(engine)
    store.sim_ordered("sim_1", "ksk_a")
    store.sim_ordered("sim_1", "ksk_b")  # another kiosk: never moved to it
    assert store.sim_kiosk("sim_1") == "ksk_a" and store.sim_kiosk("sim_2") is None
    engine.dispose()


def test_a_sim_is_never_moved_to_another_kiosk_and_a_bare_claim_lapses(
        store: Store, clock: Clock) -> None:
    store.sim_ordered("sim_1", "ksk_a")
    store.sim_ordered("sim_1", "ksk_b")
    assert not store.claim_sim("sim_1", "ksk_b") and store.sim_kiosk("sim_1") == "ksk_a"
    clock.now += 10 * 86400  # an order recorded: held for good
    assert not store.claim_sim("sim_1", "ksk_b") and store.sim_kiosk("sim_1") == "ksk_a"
    assert store.claim_sim("sim_2", "ksk_evil")  # a bare claim, no order follows
    assert not store.claim_sim("sim_2", "ksk_a") and store.sim_kiosk("sim_2") == "ksk_evil"
    store.sim_ordered("sim_2", "ksk_a")  # not taken over while the claim holds
    assert store.sim_kiosk("sim_2") == "ksk_evil"
    clock.now += store_module.CLAIM_SECONDS + 1
    assert store.sim_kiosk("sim_2") is None
    assert store.claim_sim("sim_2", "ksk_a") and store.sim_kiosk("sim_2") == "ksk_a"
    store.sim_ordered("sim_2", "ksk_a")
    clock.now += store_module.CLAIM_SECONDS + 1
    store.release_sim("sim_2", "ksk_a")  # an order recorded: not released
    assert store.sim_kiosk("sim_2") == "ksk_a"


def test_an_order_is_recorded_whatever_status_and_subscription_gigs_answered(
        store: Store) -> None:
    kiosk = Kiosk("ksk_a", "STORE-042", "till", None)
    store.order_placed("ord_1", kiosk, "sub/" + "x" * 100, "pending" * 10)
    assert store.owner_of("order", "ord_1") == "ksk_a"
    [row] = store.recent_orders()
    assert row["subscription_id"] is None and row["status"] == ("pending" * 10)[:20]
    store.order_seen("ord_1", "s" * 65, "\x1b[31mactive" + "x" * 40)
    [row] = store.recent_orders()
    assert row["subscription_id"] is None and row["status"] == ("pending" * 10)[:20]
    store.order_seen("ord_1", "sub_1", "active")
    [row] = store.recent_orders()
    assert row["subscription_id"] == "sub_1" and row["status"] == "active"


def test_a_migration_that_found_sqlite_locked_is_tried_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite can say "database is locked" at once, past its busy timeout (a fresh file
    turning to WAL while another replica migrates): the replica waits and tries again."""
    engine = db.engine_for(f"sqlite:///{tmp_path / 'gateway.sqlite3'}")
    real, tries = db._migrate_once, []

    def locked_twice(e: sa.Engine) -> int:
        tries.append(1)
        if len(tries) <= 2:
            raise sa.exc.OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        return real(e)

    monkeypatch.setattr(db, "_migrate_once", locked_twice)
    monkeypatch.setattr(db.time, "sleep", lambda _: None)
    assert db.migrate(engine) == len(db.MIGRATIONS) and len(tries) == 3
    engine.dispose()
