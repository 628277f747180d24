"""Identifiers for the sandbox: Gigs-like ids, and Luhn-valid IMEIs and ICCIDs."""

from __future__ import annotations

import functools
import hashlib
import random
import secrets
import string
import time

_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase  # base62, sortable


def _base62(number: int, width: int) -> str:
    out = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        out.append(_ALPHABET[rem])
    return "".join(reversed(out))


def new_id(prefix: str, rng: random.Random | None = None) -> str:
    """A time-sortable id like `sub_0SNlurA049MEWV2gSfSxi00xlPIi` (28 characters after `_`)."""
    millis = int(time.time() * 1000)
    tail = rng.getrandbits(96) if rng else secrets.randbits(96)
    return f"{prefix}_{_base62(millis, 8)}{_base62(tail, 20)}"


@functools.lru_cache(maxsize=4096)
def stable_id(prefix: str, name: str) -> str:
    """A fixed id for seed data, so documentation and demo sheets can name it."""
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:20], "big")
    return f"{prefix}_0SNl{_base62(digest, 24)}"


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that makes `payload + digit` valid."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # doubled positions, counted from the right of the payload
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def imei(tac: str, serial: str) -> str:
    """An IMEI from an 8-digit TAC and a 6-digit serial, with its check digit."""
    assert len(tac) == 8 and len(serial) == 6 and (tac + serial).isdigit()
    return tac + serial + luhn_check_digit(tac + serial)


def iccid(prefix: str, rng: random.Random, length: int = 20) -> str:
    """An ICCID starting with `prefix`, `length` digits long, ending in a Luhn digit."""
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - 1 - len(prefix)))
    return body + luhn_check_digit(body)


def matching_id(rng: random.Random) -> str:
    """An SM-DP+ matching id in the usual grouped form, e.g. `K2-4ZP1Q-9XW3TR`."""
    chars = string.ascii_uppercase + string.digits
    groups = (2, 5, 6)
    return "-".join("".join(rng.choice(chars) for _ in range(n)) for n in groups)
