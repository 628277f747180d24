"""The staff PIN guard: a lock that a loop cannot outrun, a restart cannot reset, a clock cannot fool."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import DEFAULT_PIN, ConfigStore, KioskConfig
from kiosk.pinlock import STATE_FILE, PinGuard, delay_after, new_pin_problem, staff_guard


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class CountingCheck:
    """The PIN check, counting how often the guard let it look at a PIN."""

    def __init__(self, right: str = "8642") -> None:
        self.right, self.calls = right, 0

    def __call__(self, pin: str) -> bool:
        self.calls += 1
        return pin == self.right


def guard(tmp_path: Path, clock: Clock, check: CountingCheck | None = None) -> PinGuard:
    return PinGuard(check or CountingCheck(), tmp_path / STATE_FILE, clock=clock)


def test_the_sixth_wrong_pin_is_refused_without_being_checked(tmp_path: Path) -> None:
    check, clock = CountingCheck(), Clock()
    g = guard(tmp_path, clock, check)
    for n in range(1, 5):
        result = g.attempt("0000")
        assert not result.accepted and result.checked and result.wait == 0
        assert g.failures == n and g.wait() == 0
    fifth = g.attempt("0000")
    assert not fifth.accepted and fifth.checked and fifth.wait == 30
    assert check.calls == 5
    sixth = g.attempt("8642")  # even the right PIN: the lock does not look
    assert not sixth.accepted and not sixth.checked and sixth.wait == 30
    assert check.calls == 5
    clock.now += 29.5
    assert not g("8642") and check.calls == 5
    clock.now += 1
    assert g("8642") and check.calls == 6


def test_delays_grow_to_a_cap_and_a_right_pin_resets(tmp_path: Path) -> None:
    check, clock = CountingCheck(), Clock()
    g = guard(tmp_path, clock, check)
    waits = []
    for _ in range(12):
        result = g.attempt("1111")
        clock.now += result.wait
        waits.append(result.wait)
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]
    assert [delay_after(n) for n in (4, 5, 6, 40, 10**6)] == [0, 30, 60, 900, 900]
    assert g("8642") and g.failures == 0 and g.wait() == 0
    for _ in range(4):  # five free tries again after a right PIN
        assert g.attempt("1111").wait == 0


def test_the_lock_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    g = guard(tmp_path, clock)
    for _ in range(3):
        g("0000")
    check = CountingCheck()
    g = guard(tmp_path, clock, check)  # the kiosk restarts: three tries are spent
    assert g.failures == 3
    g("0000")
    assert g.attempt("0000").wait == 30
    clock.now += 10
    check = CountingCheck()
    g = guard(tmp_path, clock, check)  # pulled the plug to get around the lock
    assert g.wait() == 20
    assert not g("8642") and check.calls == 0
    clock.now += 20
    assert g("8642")
    assert guard(tmp_path, clock).failures == 0


def test_the_state_file_is_owner_only_and_says_nothing_of_the_pin(tmp_path: Path) -> None:
    g = guard(tmp_path, Clock())
    g("9753")
    path = tmp_path / STATE_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "9753" not in path.read_text()
    assert json.loads(path.read_text())["failures"] == 1


def test_a_clock_moved_back_neither_unlocks_nor_locks_for_ever(tmp_path: Path) -> None:
    check, clock = CountingCheck(), Clock()
    g = guard(tmp_path, clock, check)
    for _ in range(5):
        g("0000")
    clock.now -= 3600  # an hour back: the lock's end is now an hour and a half away
    assert g.wait() == 30  # never longer than the lock was...
    clock.now += 15
    assert g.wait() == 15  # ...and it counts down from there
    assert not g("8642") and check.calls == 5
    assert guard(tmp_path, clock).wait() == 15  # the correction is saved
    clock.now += 15
    assert g("8642")


def test_a_write_failure_neither_crashes_nor_unlocks(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)  # whatever level an earlier in-process command left
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the directory should be")
    check, clock = CountingCheck(), Clock()
    g = PinGuard(check, blocked / STATE_FILE, clock=clock)
    for _ in range(5):
        g("0000")
    assert g.wait() == 30 and not g("8642") and check.calls == 5
    assert "could not save the staff lock state" in caplog.text


def test_a_broken_state_file_leaves_one_try(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text("{not json")
    check = CountingCheck()
    g = guard(tmp_path, Clock(), check)
    assert g.attempt("0000").wait == 30
    assert not g("8642") and check.calls == 1


def test_wrong_pins_and_locks_are_logged_without_the_pin(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.staff")
    g = guard(tmp_path, Clock())
    for _ in range(6):
        g("97531")
    records = [r for r in caplog.records if r.name == "kiosk.staff"]
    text = "\n".join(r.getMessage() for r in records)
    assert "wrong staff PIN (5 in a row)" in text
    assert "locked for 30 s after 5 wrong PINs" in text
    assert "refused unchecked" in text
    assert "97531" not in caplog.text


def test_new_pin_rules() -> None:
    assert new_pin_problem("8642", "8642") is None
    assert new_pin_problem("864213") is None
    assert new_pin_problem("86a2") == "digits"
    assert new_pin_problem("٨٦٤٢") == "digits"  # Arabic-Indic digits are not on the keypad
    assert new_pin_problem("864") == "length"
    assert new_pin_problem("1" * 13) == "length"
    assert new_pin_problem(DEFAULT_PIN) == "default"
    assert new_pin_problem("7777") == "one_digit"
    assert new_pin_problem("8642", "8624") == "differ"


def test_the_default_pin_asks_for_a_change_that_counts_at_once(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    store.save(KioskConfig(idle_seconds=120))
    g = staff_guard(store, store.load(env={}))
    assert g.is_default and g(DEFAULT_PIN)
    with pytest.raises(ValueError, match="one_digit"):
        g.set_pin("1111")
    g.set_pin("8642")
    assert not g.is_default
    assert not g(DEFAULT_PIN) and g("8642")  # no restart needed
    config = store.load(env={})
    assert config.idle_seconds == 120 and config.check_pin("8642")  # the rest is kept
    assert g.state_path == tmp_path / STATE_FILE


def test_a_pin_given_at_start_is_not_asked_to_change(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "kiosk.toml")
    g = staff_guard(store, KioskConfig(), fixed_pin="2468")
    assert g("2468") and not g.is_default
    with pytest.raises(ValueError):
        g.set_pin("8642")
    assert not staff_guard(store, KioskConfig(), ask_for_change=False).is_default


def test_the_guard_does_not_load_qt() -> None:
    code = ("import sys, kiosk.pinlock; "
            "sys.exit(1 if {'PySide6', 'qasync'} & set(sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], env={**os.environ}).returncode == 0
