"""The activation journal: SQLite, the single source of truth for "did we already order?".

It holds ids, masked IMEIs, idempotency keys, statuses and error types: never a full IMEI,
an activation code or any other secret.
"""

from kiosk.journal.pairings import Pairing
from kiosk.journal.paths import default_path, journal_problem, open_journal
from kiosk.journal.store import FINAL, OPEN, Activation, Journal, JournalError

__all__ = ["FINAL", "OPEN", "Activation", "Journal", "JournalError", "Pairing", "default_path",
           "journal_problem", "open_journal"]
