"""Enrolment codes and kiosk tokens (docs/gateway-protocol.md, "Identity"): made, parsed, hashed.

Only SHA-256 hashes are stored; a token's secret part is compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE = re.compile(f"[{CODE_ALPHABET}]{{12}}")
KIOSK_ID = re.compile(r"ksk_[a-z2-7]{12}")
_TOKEN = re.compile(r"kt_(ksk_[a-z2-7]{12})_([A-Za-z0-9_-]{43})")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_code() -> str:
    """`7K3M-Q9TX-2HPW`: 12 characters of an alphabet without look-alikes, in 3 groups."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normal_code(text: str) -> str | None:
    """The code as stored (case and dashes ignored), or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    raw = text.replace("-", "").replace(" ", "").upper()
    return raw if _CODE.fullmatch(raw) else None


def new_kiosk_id() -> str:
    return "ksk_" + base64.b32encode(secrets.token_bytes(10)).decode().lower()[:12]


def new_token(kiosk: str) -> tuple[str, str]:
    """(token, hash of its secret part)."""
    secret = secrets.token_urlsafe(32)
    return f"kt_{kiosk}_{secret}", sha256(secret)


def parse_token(header: str | None) -> tuple[str, str] | None:
    """(kiosk id, secret) from an `Authorization: Bearer kt_…` header, or None."""
    if not header or len(header) > 200:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    match = _TOKEN.fullmatch(value.strip())
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(sha256(secret), stored_hash)
