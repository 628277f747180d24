"""A QA batch's input file, streamed: one IMEI a line, every line bounded, no Qt.

The file is read in binary, one line at a time, and no line longer than `LINE_LIMIT` bytes is
ever taken in: `/dev/zero` (no newline, ever) or a multi-gigabyte file costs what one line
(and the read buffer) costs. What
cannot be a list of IMEIs stops the read with one `InputError` line (the CLI exits 2): a
folder, a pipe, a missing or unreadable file, a line over the limit, a line that is not UTF-8.
A line that is text but no IMEI is an `Entry` with a `reason` (which never repeats the line).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kiosk.redact import printable
from kiosk.scan.imei import InvalidIdentifier, parse_imei

#: Bytes a line may hold, its line ending aside. An IMEI with a label ("IMEI: ...") and some
#: spaces is under 40; anything past this is not a list of IMEIs.
LINE_LIMIT = 256
_BOM = "\ufeff"


class InputError(Exception):
    """The input cannot be read as a list of IMEIs; the message is one line, safe to print."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A line that is neither blank nor a `#` comment: an IMEI, or why it is not one."""

    line: int
    imei: str | None
    reason: str | None = None


def reason_for(exc: OSError) -> str:
    """A short reason for a failed open or read, in words people read."""
    return {errno.ENOENT: "no such file", errno.EACCES: "permission denied",
            errno.EPERM: "permission denied", errno.EISDIR: "it is a folder, not a file",
            errno.ENOTDIR: "a part of the path is not a folder",
            errno.ENAMETOOLONG: "the name is too long",
            errno.ELOOP: "too many symbolic links"}.get(exc.errno or 0,
                                                        exc.strerror or type(exc).__name__)


def open_input(path: Path) -> BinaryIO:
    """The file opened for reading, or InputError: folders, pipes and sockets are refused
    before opening (a FIFO with no writer would block the open for ever)."""
    name = printable(os.fspath(path))
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"cannot read {name}: it is a folder, not a file")
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise InputError(f"cannot read {name}: it is a pipe or socket, not a file")
        return open(path, "rb")  # the caller closes it
    except OSError as exc:
        raise InputError(f"cannot read {name}: {reason_for(exc)}") from None
    except ValueError:  # a NUL byte in the name
        raise InputError(f"cannot read {name}: not a valid file name") from None


def lines(handle: BinaryIO, name: str, limit: int = LINE_LIMIT,
          expected: str = "a list of IMEIs (one a line)") -> Iterator[tuple[int, str]]:
    """(line number, text) of every line that is not blank or a `#` comment, in file order.

    `name` is already printable. Raises InputError for a line over `limit` bytes (without
    reading past it) or one that is not UTF-8; nothing else.
    """
    number = 0
    while True:
        try:
            raw = handle.readline(limit + 2)  # the limit, "\r\n", and no more
        except OSError as exc:
            raise InputError(f"cannot read {name}: {reason_for(exc)}") from None
        if not raw:
            return
        number += 1
        body = raw[:-1] if raw.endswith(b"\n") else raw
        body = body[:-1] if body.endswith(b"\r") else body
        if len(body) > limit:
            raise InputError(f"{name} line {number} is longer than {limit} bytes: "
                             f"not {expected}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name} line {number} is not UTF-8 text") from None
        if number == 1 and text.startswith(_BOM):
            text = text[1:]
        if text.strip() and not text.lstrip().startswith("#"):
            yield number, text


def entries(handle: BinaryIO, name: str, limit: int = LINE_LIMIT) -> Iterator[Entry]:
    """Every IMEI line parsed by the one IMEI rule (`parse_imei`: ASCII digits only)."""
    for number, text in lines(handle, name, limit):
        try:
            yield Entry(number, parse_imei(text))
        except InvalidIdentifier as exc:
            yield Entry(number, None, exc.reason)
