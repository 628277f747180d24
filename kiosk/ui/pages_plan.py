"""The plan page: the plans for this device and SIM, on cards whose rows line up."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout, QHBoxLayout, QLabel, QStyle,
    QStyleOption, QWidget,
)

from kiosk.flow.catalog import summary
from kiosk.flow.states import ChoosingPlan
from kiosk.gigs.models import Plan, SimType
from kiosk.ui import formatting as fmt
from kiosk.ui.widgets import Page, button, label


class PlanCard(QObject):
    """One plan's widgets. They sit in the plan page's grid, one grid row per kind of fact, so
    every card in a row shows its name, price, facts and Choose button at the same heights; the
    page draws the card's box around them."""

    chosen = Signal(str)
    ROWS = 5  # name, price, facts, note, button

    def __init__(self, plan: Plan, locale: QLocale, parent: QWidget) -> None:
        super().__init__(parent)
        s = summary(plan)
        self.summary = s
        self.name = label(s.name, "Big")
        self.price = label(fmt.price_period(s, locale), "Subtitle")
        self.facts = label(fmt.allowances(s, locale), "Hint")
        self.note = label(self.tr("Starts when you first use it") if s.starts_on_first_use
                          else "", "Hint")
        self.pick = button(self.tr("Choose"), lambda: self.chosen.emit(s.id), primary=True)
        self.pick.setAccessibleName(self.tr("Choose %1, %2").replace("%1", s.name).replace(
            "%2", self.price.text()))
        for widget in self.widgets():
            widget.setParent(parent)
            if isinstance(widget, QLabel):  # a short text starts where its neighbours' do
                widget.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def widgets(self) -> list[QWidget]:
        return [self.name, self.price, self.facts, self.note, self.pick]

    def dispose(self) -> None:
        for widget in self.widgets():
            widget.hide()
            widget.deleteLater()
        self.deleteLater()


class PlanPage(Page):
    plan_chosen = Signal(str)
    back_requested = Signal()
    PAD = 12  # inside a card's box, around its texts
    GAP = 14  # between two boxes
    #: On a low screen the buttons lose some padding (56 px high, still a large target), so
    #: two rows of cards fit 768 px.
    LOW_QSS = "QPushButton { min-height: 42px; padding: 4px 24px; }"

    def __init__(self) -> None:
        super().__init__()
        # Back sits beside the title: the grid gets the whole height of small screens.
        self.outer.removeWidget(self.title)
        top = QHBoxLayout()
        self.back = button("", self.back_requested.emit)
        top.addWidget(self.title, 1)
        top.addWidget(self.back)
        self.outer.insertLayout(0, top)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(self.PAD, self.PAD, self.PAD, self.PAD)
        self.grid.setHorizontalSpacing(2 * self.PAD + self.GAP)
        self.grid.setVerticalSpacing(2)
        self.outer.addLayout(self.grid)
        self.outer.addStretch(1)
        self.cards: list[PlanCard] = []
        self._columns = 0
        self._low: bool | None = None

    def render(self, state: ChoosingPlan, locale: QLocale) -> None:
        choice = state.choices[0] if len(state.choices) == 1 else None
        self.title.setText(self.tr("Choose a plan") if choice is None
                           else self.tr("Choose a plan for your new eSIM") if choice.sim is None
                           else self.tr("Choose a plan for your eSIM")
                           if choice.type is SimType.ESIM
                           else self.tr("Choose a plan for your SIM card"))
        withheld = self.tr("%n more plan(s) need details this kiosk cannot take: please ask "
                           "staff.", "", state.withheld) if state.withheld else ""
        self.subtitle.setText("\n".join(filter(None, [
            self.tr("Prices include everything. You pay at the counter."), withheld])))
        self.back.setText(self.tr("Back"))
        self.clear()
        for plan in state.plans:
            card = PlanCard(plan, locale, self)
            card.chosen.connect(self.plan_chosen.emit)
            self.cards.append(card)
        self._lay_out(force=True)

    def columns(self) -> int:
        """Three cards a row on a landscape screen (two for four plans: a square), two upright."""
        top = self.window()
        count = len(self.cards)
        if top.height() > top.width():
            return 2
        return 2 if count in (1, 2, 4) else 3

    def _lay_out(self, force: bool = False) -> None:
        columns = self.columns()
        if columns == self._columns and not force:
            return
        self._columns = columns
        for card in self.cards:
            for widget in card.widgets():
                self.grid.removeWidget(widget)
        for row in range(self.grid.rowCount()):
            self.grid.setRowMinimumHeight(row, 0)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        for n, card in enumerate(self.cards):
            band, column = divmod(n, columns)
            base = band * (PlanCard.ROWS + 1)
            for offset, widget in enumerate(card.widgets()):
                self.grid.addWidget(widget, base + offset, column)
                widget.show()
            if band:  # the gap between two rows of boxes
                self.grid.setRowMinimumHeight(base - 1, max(  # an empty row: one spacing
                    0, 2 * self.PAD + self.GAP - self.grid.verticalSpacing()))
        for column in range(columns):
            self.grid.setColumnStretch(column, 1)
        self.update()

    def card_rect(self, card: PlanCard) -> QRect:
        """The box around a card: its widgets' cells and a margin."""
        rect = QRect()
        for widget in card.widgets():
            rect = rect.united(widget.geometry())
        return rect.adjusted(-self.PAD, -self.PAD, self.PAD, self.PAD)

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        low = self.window().height() < 900
        if low != self._low:
            self._low = low
            self.setStyleSheet(self.LOW_QSS if low else "")
            self.grid.setVerticalSpacing(2 if low else 10)
            self._columns = 0  # lay out again, with the new spacing
        if self.cards:
            self._lay_out()

    def paintEvent(self, event: object) -> None:  # type: ignore[override]
        option = QStyleOption()
        option.initFrom(self)
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#9aa4b2"), 3))
        for card in self.cards:
            if card.pick.isVisible():
                painter.drawRoundedRect(self.card_rect(card), 14, 14)
        painter.end()

    def clear(self) -> None:
        for card in self.cards:
            for widget in card.widgets():
                self.grid.removeWidget(widget)
            card.dispose()
        self.cards = []
        self._columns = 0
