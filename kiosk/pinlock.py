"""The staff PIN guard: wrong PINs back off, the back-off survives a restart, the default must go.

Five wrong PINs in a row lock the PIN page for 30 s, and every further wrong PIN doubles the
lock up to 15 minutes: a loop that tried every 4-digit PIN would need more than three months.
While locked, an attempt is refused without looking at the PIN, so there is nothing to learn from
it (not even timing). The count and the end of the lock are kept in a small owner-only file beside
the config, so that pulling the plug does not reset them. Qt-free: the PIN page is a thin layer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kiosk.config import DEFAULT_PIN, ConfigStore, KioskConfig, hash_pin

log = logging.getLogger("kiosk.staff")

FREE_TRIES = 5
FIRST_DELAY = 30.0
MAX_DELAY = 15 * 60.0
STATE_FILE = "staff-lock.json"
_MAX_STATE_BYTES = 4096  # the file is ours, but read it as untrusted input all the same


@dataclass(frozen=True)
class PinAttempt:
    """What one attempt gave: `accepted`, or refused, `checked` or not (locked), and the wait."""

    accepted: bool
    checked: bool
    wait: float  # seconds until the next attempt is checked; 0 when it is checked at once


def delay_after(failures: int, free_tries: int = FREE_TRIES, first: float = FIRST_DELAY,
                cap: float = MAX_DELAY) -> float:
    """The lock that follows `failures` wrong PINs in a row: 0, then 30 s, 60 s, 120 s ... 15 min."""
    if failures < free_tries:
        return 0.0
    return min(first * 2.0 ** min(failures - free_tries, 32), cap)


def new_pin_problem(pin: str, again: str | None = None) -> str | None:
    """Why `pin` cannot be the new staff PIN, as a code the page words (None: it can).

    Codes: "digits" (digits only), "length" (4 to 12), "default" (the documented default),
    "one_digit" (like 0000), "differ" (the repeat does not match).
    """
    if not pin.isdigit() or not pin.isascii():
        return "digits"
    if not 4 <= len(pin) <= 12:
        return "length"
    if pin == DEFAULT_PIN:
        return "default"
    if len(set(pin)) == 1:
        return "one_digit"
    if again is not None and not hmac.compare_digest(pin, again):
        return "differ"
    return None


class PinGuard:
    """Wraps a PIN check with a back-off; callable like the check, for `Services.check_pin`.

    `is_default` says whether the PIN in force is the documented default (then staff must choose
    a new one before the panel opens) and `set_pin` stores a new one; without `set_pin` there is
    nothing staff could change, so no change is asked for.
    """

    def __init__(self, check: Callable[[str], bool], state_path: str | Path | None = None, *,
                 clock: Callable[[], float] = time.time, free_tries: int = FREE_TRIES,
                 first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY,
                 is_default: Callable[[], bool] | None = None,
                 set_pin: Callable[[str], None] | None = None) -> None:
        self._check = check
        self.state_path = Path(state_path) if state_path is not None else None
        self._clock = clock
        self.free_tries, self.first_delay, self.max_delay = free_tries, first_delay, max_delay
        self._is_default = is_default
        self._set_pin = set_pin
        self.failures = 0
        self._locked_until = 0.0  # wall clock, so that it means something after a restart
        self._lock_length = 0.0  # how long that lock was: the most a lock can have left
        self._load()

    # -- attempts ---------------------------------------------------------------------------

    def attempt(self, pin: str) -> PinAttempt:
        wait = self.wait()
        if wait > 0:
            log.warning("staff PIN refused unchecked: locked for %d s more", round(wait))
            return PinAttempt(accepted=False, checked=False, wait=wait)
        if self._check(pin):
            if self.failures:
                log.info("staff PIN accepted after %d wrong attempt(s)", self.failures)
            self._record(0, 0.0)
            return PinAttempt(accepted=True, checked=True, wait=0.0)
        failures = self.failures + 1
        delay = delay_after(failures, self.free_tries, self.first_delay, self.max_delay)
        log.warning("wrong staff PIN (%d in a row)", failures)
        if delay:
            log.warning("staff PIN page locked for %d s after %d wrong PINs", round(delay),
                        failures)
        self._record(failures, delay)
        return PinAttempt(accepted=False, checked=True, wait=delay)

    def __call__(self, pin: str) -> bool:
        return self.attempt(pin).accepted

    def wait(self) -> float:
        """Seconds until a PIN is checked again (0: now)."""
        now = self._clock()
        left = self._locked_until - now
        if left <= 0:
            return 0.0
        if left > self._lock_length:
            # The clock went back (or the file came from the future): the lock counts again
            # from now, never longer than it was, and never ends early.
            left = self._lock_length
            self._locked_until = now + left
            self._save()
        return left

    @property
    def locked(self) -> bool:
        return self.wait() > 0

    # -- the default PIN ----------------------------------------------------------------------

    @property
    def is_default(self) -> bool:
        return self._set_pin is not None and self._is_default is not None and self._is_default()

    def set_pin(self, pin: str) -> None:
        """Store a new PIN; ValueError names the rule it breaks, OSError the store's trouble."""
        if self._set_pin is None:
            raise ValueError("this kiosk's PIN is not set here")
        problem = new_pin_problem(pin)
        if problem:
            raise ValueError(problem)
        self._set_pin(pin)
        log.info("staff PIN changed")

    # -- the state file -----------------------------------------------------------------------

    def _record(self, failures: int, delay: float) -> None:
        if failures == self.failures and not delay and not self._locked_until:
            return  # nothing changed: no write on every good login
        self.failures = failures
        self._lock_length = delay
        self._locked_until = self._clock() + delay if delay else 0.0
        self._save()

    def _load(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            with self.state_path.open("rb") as handle:
                data: Any = json.loads(handle.read(_MAX_STATE_BYTES + 1)[:_MAX_STATE_BYTES])
            failures = int(data["failures"])
            until, length = float(data["locked_until"]), float(data["lock_length"])
        except (OSError, ValueError, TypeError, KeyError) as exc:
            # Unreadable: someone tampered or the disk failed. Fail closed-ish: the next wrong
            # PIN locks, but staff who know the PIN are not kept out.
            log.warning("staff lock state unreadable (%s): one wrong PIN locks", type(exc).__name__)
            self.failures = max(self.free_tries - 1, 0)
            return
        self.failures = max(failures, 0)
        self._lock_length = min(max(length, 0.0), self.max_delay)
        self._locked_until = until if self._lock_length else 0.0

    def _save(self) -> None:
        if self.state_path is None:
            return
        text = json.dumps({"failures": self.failures, "locked_until": self._locked_until,
                           "lock_length": self._lock_length})
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.state_path)
        except OSError as exc:
            # The lock still holds in memory: a full disk must not open the PIN page.
            log.error("could not save the staff lock state: %s", exc.strerror or exc)


class ConfiguredPin:
    """The PIN the config file keeps, read at each check: a change counts without a restart."""

    def __init__(self, store: ConfigStore, started_with: KioskConfig) -> None:
        self.store = store
        self._fallback = started_with

    def _config(self) -> KioskConfig:
        try:
            return self.store.load(env={})
        except (OSError, ValueError) as exc:  # a broken file: the PIN the kiosk started with
            log.error("config unreadable for the PIN check: %s", type(exc).__name__)
            return self._fallback

    def check(self, pin: str) -> bool:
        return self._config().check_pin(pin)

    def is_default(self) -> bool:
        return not self._config().pin_hash

    def set(self, pin: str) -> None:
        """Only the PIN changes: the file's other settings are written back as they were."""
        config = self.store.load(env={})
        self.store.save(replace(config, pin_hash=hash_pin(pin)))


def staff_guard(store: ConfigStore, config: KioskConfig, fixed_pin: str | None = None, *,
                ask_for_change: bool = True, clock: Callable[[], float] = time.time) -> PinGuard:
    """The kiosk's guard: the PIN from --pin/$KIOSK_OPERATOR_PIN, else the config's.

    A PIN given on the command line is the operator's own choice, and the page could not change
    it anyway: no change is asked for then.
    """
    state = store.path.with_name(STATE_FILE)
    if fixed_pin:
        digest = hashlib.sha256(fixed_pin.encode()).digest()

        def check(pin: str) -> bool:
            return hmac.compare_digest(hashlib.sha256(pin.encode()).digest(), digest)

        return PinGuard(check, state, clock=clock)
    configured = ConfiguredPin(store, config)
    return PinGuard(configured.check, state, clock=clock,
                    is_default=configured.is_default if ask_for_change else None,
                    set_pin=configured.set if ask_for_change else None)
