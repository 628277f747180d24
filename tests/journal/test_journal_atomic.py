"""The journal under stress: a full disk, and several processes opening a new file at once."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.journal import Journal, JournalError
from kiosk.journal.schema import VERSION

T = "http://sandbox/projects/demo"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (root only, as in CI); skipped where mounting is not allowed."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 4096)
    return filler


def test_a_full_disk_records_nothing_half(small_disk: Path) -> None:
    journal = Journal(small_disk / "journal.sqlite3")
    kept = journal.begin(target=T, mode="orders", sim_id="sim_1")
    filler = fill(small_disk)
    with pytest.raises(JournalError, match="disk full"):
        for n in range(1000):  # big enough rows that the WAL must grow
            journal.begin(target=T, mode="orders", sim_id=f"sim_{n}", device_id="d" * 4000)
    rows = journal.activations()
    for row in rows:  # whatever was written is whole: every activation has its intent event
        assert journal.events(row.id)[0][1:] == ("ordering", "intent")
    with pytest.raises(JournalError):
        journal.update(kept.id, status="unknown", detail="x" * 100_000)
    assert journal.get(kept.id).status == "ordering"  # unchanged, no half update
    filler.unlink()
    journal.update(kept.id, status="unknown")  # space again: it works again
    journal.close()


def test_a_full_disk_places_no_order_and_says_so(small_disk: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from kiosk.flow import Context, CustomerInput, Flow, FlowSettings
    from kiosk.flow.states import Failed
    from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
    from tests.conftest import RecordedSleep, client_for

    store = sandbox.sandbox.store
    journal = Journal(small_disk / "journal.sqlite3")
    fill(small_disk)

    async def visit() -> Failed:
        async with client_for(sandbox, RecordedSleep()) as client:
            flow = Flow(Context(client, journal, FlowSettings(
                payment_method=STORE_PAYMENT_METHOD_ID, poll_initial=0.01)))
            await flow.submit_imei(DEMO_IMEIS["nosim"])
            await flow.confirm_device()
            plan = next(p for p in flow.state.plans if p.name == "Travel 5 GB")  # type: ignore[union-attr]
            await flow.choose_plan(plan.id)
            await flow.enter_customer(CustomerInput("full@example.com", "Full Disk"))
            await flow.confirm()
            assert isinstance(flow.state, Failed), flow.state
            return flow.state

    failed = asyncio.run(visit())
    assert failed.error.code == "journal_unwritable" and not failed.can_retry
    assert "cannot save its records" in failed.error.user_message
    assert "disk full" in failed.error.detail
    assert len(store.orders) == 0 and store.requests.get("POST /orders", 0) == 0
    assert journal.activations() == []  # nothing for a later resume to place
    journal.close()


def test_the_cli_on_a_full_disk_says_so_in_one_line(small_disk: Path) -> None:
    import sys

    from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS

    fill(small_disk)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "activate", DEMO_IMEIS["esim"], "--plan",
         PLAN_IDS["travel"], "--email", "full@example.com", "--name", "Full Disk",
         "--journal", str(small_disk / "journal.sqlite3")],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: the kiosk cannot write its journal: disk full"], done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def _open(path: str, barrier: multiprocessing.synchronize.Barrier) -> None:  # type: ignore[name-defined]
    barrier.wait()
    journal = Journal(path)
    journal.begin(target=T, mode="orders", sim_id=str(uuid.uuid4()))
    journal.close()


def test_several_processes_open_a_new_journal_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "new.sqlite3")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(6)
    workers = [context.Process(target=_open, args=(path, barrier)) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0] * 6
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
        assert conn.execute("SELECT COUNT(*) FROM activations").fetchone()[0] == 6
