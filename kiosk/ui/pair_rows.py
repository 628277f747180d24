"""The pairing station's rows: one per phone, its verdict in words *and* colour."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from kiosk.pair.types import PairResult, Verdict
from kiosk.redact import mask_digits

# A row's state: waiting for the SIM card, pairing, then a verdict (Verdict.value), or
# "abandoned" when another box came before this one's SIM card.
WAITING, PAIRING, ABANDONED = "waiting", "pairing", "abandoned"
COLOURS = {
    WAITING: "#fff8d6", PAIRING: "#eef1f5", ABANDONED: "#eeeeee",
    Verdict.PAIRED.value: "#d7f5dd", Verdict.ALREADY.value: "#dde6f3",
    Verdict.REFUSED.value: "#fadbd8", Verdict.ERROR.value: "#fbe3b4",
    Verdict.UNDONE.value: "#e4e4e4",
}
COLUMNS = 6
VERDICT, WHY, IMEI, ICCID, MODEL = 1, 2, 3, 4, 5
WIDTHS = (50, 0, 0, 0, 0, 170)  # the titles may ask for more; 0: measured
WHY_WIDTH = 230
# The line that says what to scan next: large, and on its colour when something went wrong.
BANNER = ("QLabel { font-size: 22pt; padding: 6px 12px; border-radius: 8px; } "
          "QLabel#Error { background: #fadbd8; } QLabel#Warning { background: #fbe3b4; } "
          "QLabel#Success { background: #d7f5dd; } QLabel#Hint { background: #eef1f5; }")
# The columns of `kiosk pair --export` (kiosk/cli/pair.py), in its order, for one import.
EXPORT_COLUMNS = ["imei", "imei2", "iccid", "brand", "model", "verdict", "device_id"]


@dataclass
class PairRow:
    """One phone of this session: its IMEIs, then its SIM card, then its verdict."""

    imeis: tuple[str, ...] = field(repr=False)
    iccid: str | None = field(default=None, repr=False)
    state: str = WAITING
    result: PairResult | None = field(default=None, repr=False)
    forgotten: bool = False  # abandoned because it waited too long for its SIM card

    @property
    def busy(self) -> bool:
        return self.state == PAIRING


class PairTable(QTableWidget):
    """The session's phones, newest at the bottom; a long reason is elided, never lost
    (its tooltip has it); the "why" column takes the width the others leave."""

    def __init__(self) -> None:
        super().__init__(0, COLUMNS)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setStyleSheet("QTableWidget { font-size: 15pt; }")  # staff at a desk
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(44)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rows: list[PairRow] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("Verdict"), self.tr("Why / next"), self.tr("IMEI"),
            self.tr("ICCID"), self.tr("Model")])
        self.setAccessibleName(self.tr("Paired phones"))
        header = self.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        self.fit()
        for n in range(len(self.rows)):
            self.show_row(n)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)  # the viewport has its new width after this
        self.fit()

    def fit(self) -> None:
        """No column narrower than its title; "why" takes what is left, at least WHY_WIDTH."""
        header = self.horizontalHeader()
        self.ensurePolished()
        metrics = self.fontMetrics()
        for column, texts in ((VERDICT, self.verdicts()),
                              (IMEI, [self.tr("%1 +1 IMEI").replace("%1", "35067221******1")]),
                              (ICCID, ["89883071***********4"])):
            header.resizeSection(column, max(metrics.horizontalAdvance(t) + 14 for t in texts))
        for column in range(COLUMNS):
            title = header.sectionSizeFromContents(column).width()
            if column != WHY and header.sectionSize(column) < title:
                header.resizeSection(column, title)
        model = max(WIDTHS[MODEL], header.sectionSizeFromContents(MODEL).width())
        spare = self.viewport().width() - sum(header.sectionSize(c) for c in range(COLUMNS)
                                              if c not in (WHY, MODEL)) - model - WHY_WIDTH
        header.resizeSection(MODEL, model + min(140, max(0, spare // 3)))  # room: longer names
        others = sum(header.sectionSize(c) for c in range(COLUMNS) if c != WHY)
        title = header.sectionSizeFromContents(WHY).width()
        header.resizeSection(WHY, max(WHY_WIDTH, title, self.viewport().width() - others))

    # -- rows ------------------------------------------------------------------------------------

    def add(self, row: PairRow) -> int:
        self.rows.append(row)
        self.insertRow(self.rowCount())
        n = len(self.rows) - 1
        self.show_row(n)
        self.scrollToBottom()
        return n

    def clear_rows(self) -> None:
        self.rows.clear()
        self.setRowCount(0)

    def show_row(self, n: int) -> None:
        row = self.rows[n]
        verdict, why = self.words(row)
        result = row.result
        imeis = mask_digits(row.imeis[0]) if row.imeis else ""
        if len(row.imeis) > 1:  # a dual-SIM box: both IMEIs are in the tooltip
            imeis = self.tr("%1 +1 IMEI").replace("%1", imeis)
        values = [str(n + 1), verdict, why, imeis,
                  mask_digits(row.iccid) if row.iccid else "",
                  model_name(result)]
        colour = QBrush(QColor(COLOURS[row.state]))
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip("  ".join(mask_digits(i) for i in row.imeis) if column == 3
                            else value)
            item.setBackground(colour)
            item.setForeground(QBrush(QColor("#111111")))
            self.setItem(n, column, item)

    def text(self, n: int, column: int) -> str:
        item = self.item(n, column)
        return item.text() if item else ""

    def verdicts(self) -> list[str]:
        """Every verdict's words in this language: the column is as wide as the widest."""
        return [self.tr("▶ Scan the SIM card"), self.tr("… Pairing"), self.tr("✘ Not paired"),
                self.tr("✔ Paired"), self.tr("= Already paired"), self.tr("↩ Undone"),
                self.tr("✘ Refused"), self.tr("⚠ Try again")]

    def words(self, row: PairRow) -> tuple[str, str]:
        """(verdict, why) in this language: the mark and the word carry the meaning, the
        colour repeats it."""
        if row.state == WAITING:
            return self.tr("▶ Scan the SIM card"), self.tr("Box scanned: now the SIM card's ICCID")
        if row.state == PAIRING:
            return self.tr("… Pairing"), self.tr("Wait for the verdict")
        if row.state == ABANDONED:
            return self.tr("✘ Not paired"), (
                self.tr("Forgotten: too long without its SIM card") if row.forgotten
                else self.tr("Another box was scanned before its SIM card"))
        result = row.result
        assert result is not None
        if row.state == Verdict.PAIRED.value:
            return self.tr("✔ Paired"), (self.tr("Device created with this SIM") if result.created
                                         else self.tr("SIM card attached to the device"))
        if row.state == Verdict.ALREADY.value:
            return self.tr("= Already paired"), self.tr("Nothing changed")
        if row.state == Verdict.UNDONE.value:
            return self.tr("↩ Undone"), self.tr("The pairing was taken back")
        if row.state == Verdict.REFUSED.value:
            return self.tr("✘ Refused"), self.reason(result)
        return self.tr("⚠ Try again"), self.reason(result)

    def reason(self, result: PairResult) -> str:
        known = {
            "sim_unknown": self.tr("This SIM card is not in the project"),
            "sim_retired": self.tr("This SIM card is retired: put another one in"),
            "sim_in_other_device": self.tr("This SIM card is already in another phone"),
            "sim_type_unsupported": self.tr("This phone model does not take this kind of SIM"),
            "imei_unknown_model": self.tr("The phone model of this IMEI is not known"),
            "device_has_sim": self.tr("This phone already holds another SIM card"),
            "api_unavailable": self.tr("The Gigs API could not be reached: scan the box and "
                                       "the SIM card again"),
            "api_key": self.tr("The API key was refused: ask for the station's key to be "
                               "checked"),
            "sim_ambiguous": self.tr("Several SIMs have this ICCID: ask support"),
            "imeis_in_two_devices": self.tr("These IMEIs are two registered devices, not one "
                                            "box: ask support"),
            "imei_registered": self.tr("This IMEI was registered meanwhile: scan the box again"),
            "device_owned": self.tr("This IMEI belongs to a customer's phone: ask support"),
            "sim_placeholder": self.tr("That is a test placeholder, not a SIM card: scan the "
                                       "card's own ICCID"),
            "unconfirmed": self.tr("The answer was lost: scan the box and the SIM card again in "
                                   "a minute to check"),
            "sims_lost": self.tr("Another station changed this phone at the same moment: scan "
                                 "the box and the SIM card again"),
            "journal": self.tr("The station cannot write its journal (disk full?): nothing "
                               "was sent"),
            "api_refused": self.tr("The Gigs API refused this pairing: ask support"),
        }
        if result.reason in known:
            return known[result.reason]
        if result.verdict is Verdict.ERROR:
            return self.tr("Something went wrong: scan the box and the SIM card "
                           "again")
        return result.message or result.reason


def session_pairings(rows: list[PairRow]) -> list[PairResult]:
    """The phones that hold their SIM card now (paired or already), once each; an undone
    pairing is not one."""
    out: dict[tuple[tuple[str, ...], str], PairResult] = {}
    for row in rows:
        if row.result is None or row.iccid is None:
            continue
        key = (row.imeis, row.iccid)
        if row.state in (Verdict.PAIRED.value, Verdict.ALREADY.value):
            out.setdefault(key, row.result)
        elif row.state == Verdict.UNDONE.value:
            out.pop(key, None)
    return list(out.values())


def write_pairings(path: Path, pairings: list[PairResult]) -> None:
    """The CSV for Gigs' device import (IMEI, ICCID), with the second IMEI, brand and model:
    full numbers, as the import needs them (the screen and the journal mask them)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_COLUMNS)
        for r in pairings:
            writer.writerow([r.imeis[0], r.imeis[1] if len(r.imeis) > 1 else "", r.iccid,
                             r.brand or "", r.model or "", r.verdict.value, r.device_id or ""])


def model_name(result: PairResult | None) -> str:
    """"Samsung Galaxy A15"; "Fairphone 5", not "Fairphone Fairphone 5"."""
    if result is None:
        return ""
    brand, model = result.brand or "", result.model or ""
    return model if brand and model.lower().startswith(brand.lower()) else f"{brand} {model}".strip()
