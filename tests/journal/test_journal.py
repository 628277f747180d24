"""The activation journal: schema, durability settings, queries, retention, export."""

from __future__ import annotations

import csv
import re
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from kiosk.journal import Journal
from kiosk.journal.schema import VERSION

T = "http://sandbox/projects/demo"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journal(tmp_path: Path, clock: Clock) -> Journal:
    j = Journal(tmp_path / "j.sqlite3", clock=clock)
    yield j
    j.close()


def test_schema_is_versioned_wal_and_private(journal: Journal, tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "j.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE((tmp_path / "j.sqlite3").stat().st_mode) == 0o600


def test_reopening_keeps_data_and_a_newer_schema_is_refused(tmp_path: Path, clock: Clock) -> None:
    j = Journal(tmp_path / "j.sqlite3", clock=clock)
    act = j.begin(target=T, mode="orders", sim_id="sim_1")
    j.close()
    again = Journal(tmp_path / "j.sqlite3", clock=clock)
    assert again.get(act.id).sim_id == "sim_1"
    again.close()
    conn = sqlite3.connect(tmp_path / "j.sqlite3")
    conn.execute(f"PRAGMA user_version = {VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer kiosk"):
        Journal(tmp_path / "j.sqlite3")


def test_begin_update_and_events(journal: Journal, clock: Clock) -> None:
    act = journal.begin(target=T, mode="orders", sim_id="sim_1", idempotency_key="k",
                        imei_masked="35850731******3")
    assert act.status == "ordering" and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", act.reference)
    clock.now += 5
    act = journal.update(act.id, order_id="ord_1", status="provisioning", detail="placed")
    assert act.order_id == "ord_1" and act.updated_at == clock.now
    journal.update(act.id, subscription_id="sub_1")  # no status change, no event
    assert [e[1:] for e in journal.events(act.id)] == [
        ("ordering", "intent"), ("provisioning", "placed")]
    assert journal.by_reference(act.reference.lower()) == journal.get(act.id)
    with pytest.raises(ValueError):
        journal.update(act.id, activation_code="nope")


def test_ordered_for_is_the_never_twice_question(journal: Journal) -> None:
    assert journal.ordered_for(T, sim_id="sim_1") is None
    act = journal.begin(target=T, mode="orders", sim_id="sim_1")
    assert journal.ordered_for(T, sim_id="sim_1") == act
    assert journal.ordered_for("http://other/projects/x", sim_id="sim_1") is None
    journal.update(act.id, status="failed")
    assert journal.ordered_for(T, sim_id="sim_1") is None  # a failed order frees the SIM
    auto = journal.begin(target=T, mode="orders", device_id="dev_1", sim_type="eSIM")
    assert journal.ordered_for(T, device_id="dev_1") == auto


def test_unfinished_and_pending(journal: Journal) -> None:
    a = journal.begin(target=T, mode="orders", sim_id="a")
    b = journal.begin(target=T, mode="orders", sim_id="b")
    journal.update(b.id, status="active")
    c = journal.begin(target=T, mode="orders", sim_id="c")
    journal.update(c.id, status="pending")
    assert {x.id for x in journal.unfinished()} == {a.id, c.id}
    assert {x.id for x in journal.activations(pending_only=True)} == {a.id, c.id}
    assert len(journal.activations()) == 3


def test_retention_prunes_only_finished_old_rows(journal: Journal, clock: Clock) -> None:
    old_done = journal.begin(target=T, mode="orders", sim_id="a")
    journal.update(old_done.id, status="active")
    old_open = journal.begin(target=T, mode="orders", sim_id="b")
    clock.now += 91 * 86400
    fresh = journal.begin(target=T, mode="orders", sim_id="c")
    journal.update(fresh.id, status="failed")
    assert journal.prune(90) == 1
    assert {a.id for a in journal.activations()} == {old_open.id, fresh.id}
    assert journal.events(old_done.id) == []  # cascaded


def test_csv_export_has_no_keys_and_no_full_imeis(journal: Journal, tmp_path: Path) -> None:
    act = journal.begin(target=T, mode="orders", sim_id="sim_1", idempotency_key="secret-key",
                        imei_masked="35850731******3", plan_id="pln_1")
    journal.update(act.id, status="active", order_id="ord_1")
    out = tmp_path / "out.csv"
    assert journal.export_csv(out) == 1
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["reference"] == act.reference and rows[0]["status"] == "active"
    assert rows[0]["imei_masked"] == "35850731******3" and rows[0]["order_id"] == "ord_1"
    assert rows[0]["created_at"].endswith("Z")
    assert "secret-key" not in out.read_text()


def test_concurrent_writers(journal: Journal) -> None:
    act = journal.begin(target=T, mode="orders", sim_id="sim_1")

    def bump(n: int) -> None:
        for i in range(50):
            journal.update(act.id, outcome=f"{n}-{i}", detail="x")

    threads = [threading.Thread(target=bump, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(journal.events(act.id)) == 1 + 200
