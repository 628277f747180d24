"""Masking of personal data and secrets before anything reaches a log line or a report."""

from __future__ import annotations

import logging
import re

# IMEIs (15, IMEISV 16) and ICCIDs (19-20, optionally ending in F) are long digit runs.
# Keep the first 8 digits (the TAC, or the issuer prefix of an ICCID) and the last one:
# enough for support to tell devices apart, not enough to identify one.
_LONG_DIGITS = re.compile(r"(?<![0-9])([0-9]{8})([0-9]{5,11})([0-9])(F?)(?![0-9])", re.IGNORECASE)
# LPA activation codes (eSIM credentials), in any case, anywhere in a message.
_LPA = re.compile(r"LPA:[^\s\"',}]*", re.IGNORECASE)
# Bearer tokens and anything that looks like `token=...` / `"activationCode": "..."`.
_BEARER = re.compile(r"(Bearer\s+)[^\s\"',]+", re.IGNORECASE)
_SECRET_FIELDS = re.compile(
    r"""(["']?(?:activationCode|activation_code|qrCodeUrl|qr_code_url|iosInstallUrl|androidInstallUrl|"""
    r"""clientSecret|client_secret|api_key|apiKey|token|authorization)["']?\s*[:=]\s*)"""
    r"""(["']?)[^\s"',}]+""",
    re.IGNORECASE,
)
_URL_CARDDATA = re.compile(r"(carddata=)[^\s\"',]+", re.IGNORECASE)


def mask_digits(value: str) -> str:
    """Mask an IMEI or ICCID: keep the first 8 digits and the last one."""
    digits = value.strip()
    if len(digits) <= 9:
        return "*" * len(digits)
    return digits[:8] + "*" * (len(digits) - 9) + digits[-1]


#: Secret values this process holds (the API key): masked wherever they appear, whatever
#: surrounds them (an API error that repeats a request may quote the key bare).
_SECRETS: set[str] = set()


def add_secret(value: str | None) -> None:
    """Mask `value` in everything `redact` sees from now on (values under 8 characters are too
    short to find safely: an API key is far longer)."""
    if value and len(value) >= 8:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """Scrub every IMEI/ICCID-like digit run and every secret from free text."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "[redacted]")
    text = _LPA.sub("LPA:[redacted]", text)
    text = _BEARER.sub(r"\1[redacted]", text)
    text = _SECRET_FIELDS.sub(r"\1\2[redacted]", text)
    text = _URL_CARDDATA.sub(r"\1[redacted]", text)
    return _LONG_DIGITS.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3) + m.group(4), text)


# What a log line may not carry to a terminal: escape sequences and other controls, bidi
# overrides. Newlines and tabs stay (tracebacks).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the final message of every record it sees.

    Code is expected to mask on its own; this is the safety net for the line somebody forgets.
    It formats the message once, redacts it, and freezes it so handlers cannot re-expand args.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = _CONTROLS.sub("?", redact(message))
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse a cached exc_text: fill it now, redacted, so an exception
            # message holding an IMEI or a code is scrubbed too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _CONTROLS.sub("?", redact(record.exc_text))
        return True


_redaction_installed = False


def install_redaction() -> None:
    """Redact every log record as it is created, whichever handler ends up writing it.

    A filter on one handler protects that handler only; a record factory also covers
    handlers added later (a file log, a crash reporter, pytest's caplog). Idempotent.
    """
    global _redaction_installed
    if _redaction_installed:
        return
    previous = logging.getLogRecordFactory()
    scrub = RedactingFilter()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        scrub.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _redaction_installed = True


def mask_email(email: str | None) -> str:
    """`jerry@example.com` -> `j…@example.com` (as the customer page shows an owner)."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


def mask_name(name: str | None) -> str:
    """`Jerry Seinfeld` -> `J… S…`: enough to tell the store's user from a customer."""
    return " ".join(f"{word[:1]}…" for word in (name or "").split())


# C0 and C1 controls, DEL, and the bidi overrides and isolates that reorder what a terminal
# shows (a "Trojan Source" line can look like another one). Tabs and newlines included: one
# value prints as one line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(value: object, limit: int = 300) -> str:
    """Text from outside (the API, a barcode, a file name) made safe to print on a terminal.

    Control characters (escape sequences among them) and bidi overrides become `?`; file
    names that were not UTF-8 (surrogate escapes) show their bytes as `\\xNN`; anything over
    `limit` characters is cut with an ellipsis. Not redaction: pass the result to `redact`
    too when it may hold an IMEI or a secret.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _UNPRINTABLE.sub("?", text)
