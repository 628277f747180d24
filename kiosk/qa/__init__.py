"""The warehouse QA station's engine (no Qt): lookups, verdict rules, duplicates, CSV."""

from kiosk.qa.batch import QaBatch, QaRow
from kiosk.qa.intake import InView, KeyLine, Source
from kiosk.qa.rules import QaRules, Verdict

__all__ = ["InView", "KeyLine", "QaBatch", "QaRow", "QaRules", "Source", "Verdict"]
