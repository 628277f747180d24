"""Where the journal lives: the data dir by default, `--journal`/`KIOSK_JOURNAL` when given
(checked before anything starts), in memory for the in-process sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from kiosk.journal.store import Journal
from kiosk.redact import printable


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("sim-kiosk", appauthor=False)) / "journal.sqlite3"


def journal_problem(path: str | None) -> str | None:
    """What is wrong with a journal path given by hand (--journal, KIOSK_JOURNAL), checked
    before anything starts: its folder must exist (a typo must not start an empty journal
    elsewhere, where `--resume` would find nothing), and no control characters."""
    path = path or os.environ.get("KIOSK_JOURNAL")
    if not path or path == ":memory:":
        return None
    if printable(path, 4096) != path:
        return "the journal's path has control characters or bytes that are not UTF-8"
    where = Path(path)
    if where.is_dir():
        return f"the journal {printable(path)} is a folder"
    if not where.parent.is_dir():
        return f"the journal's folder {printable(where.parent)} does not exist"
    return None


def open_journal(path: str | None, in_process: bool) -> Journal:
    """`path` (a --journal flag), else $KIOSK_JOURNAL, else: in memory for the in-process
    sandbox (which starts afresh every run, so a lasting journal would contradict it), the data
    dir otherwise."""
    path = path or os.environ.get("KIOSK_JOURNAL")
    if path:
        return Journal(path)
    return Journal(":memory:" if in_process else default_path())
