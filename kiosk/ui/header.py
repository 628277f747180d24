"""The kiosk's header (brand, where the customer is, language) and its fit to small screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from kiosk.ui.widgets import Page, StepIndicator, button, label


class Header(QFrame):
    """Brand on the left, the step dots in the middle, the language button on the right.

    The language button names the language it switches to in that language ("Deutsch",
    "English"): a visitor looks for their own language, not for a country code.
    """

    def __init__(self, toggle_language: Callable[[], object]) -> None:
        super().__init__()
        self.setObjectName("Header")
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 8, 24, 8)
        self.brand = label("", "Brand", wrap=False)
        self.steps = StepIndicator()
        self.lang = button("", toggle_language, name="Lang")
        row.addWidget(self.brand)
        row.addStretch(1)
        row.addWidget(self.steps)
        row.addStretch(1)
        row.addWidget(self.lang)

    def show_step(self, index: int | None, language: str) -> None:
        self.brand.setText(self.tr("SIM kiosk"))
        self.steps.steps = [self.tr("Scan"), self.tr("Device"), self.tr("Plan"),
                            self.tr("Details"), self.tr("Confirm"), self.tr("Activate")]
        self.steps.show_step(index)
        self.lang.setText("English" if language == "de" else "Deutsch")
        self.lang.setAccessibleName(self.tr("Change language") + ": " + self.lang.text())


# Small screens (under 900 px high: 1280x800, 1366x768): tighter headings and margins, never
# below 16 pt text or 48 px touch targets.
COMPACT_QSS = """
    QLabel#Title { font-size: 26pt; }
    QLabel#Subtitle { font-size: 19pt; }
    QLabel#Big { font-size: 22pt; }
    QLabel#Mono { font-size: 19pt; padding: 6px; }
    QPushButton#Key { min-height: 56px; font-size: 22pt; }
"""


def fit(window: QWidget, pages: Iterable[Page], compact: bool) -> None:
    """Switch the window between its roomy and its compact sizes."""
    window.setStyleSheet(COMPACT_QSS if compact else "")
    for page in pages:
        page.outer.setContentsMargins(*((40, 16, 40, 16) if compact else (64, 40, 64, 40)))
        page.outer.setSpacing(10 if compact else 20)
