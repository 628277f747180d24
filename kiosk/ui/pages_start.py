"""The first pages: welcome (attract) and scan (camera preview, guidance, keypad)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QApplication, QBoxLayout, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout,
)

from kiosk.scan.camera import Detection
from kiosk.scan.imei import code_is_imei
from kiosk.ui.icons import icon
from kiosk.ui.widgets import message as message_tr
from kiosk.ui.widgets import Keypad, Page, button, label


class StepCard(QFrame):
    """One of the welcome page's three steps: an icon, a number, a few words."""

    def __init__(self, number: int, icon_name: str) -> None:
        super().__init__()
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        self.icon = QLabel()
        self.icon.setPixmap(icon(icon_name, 56))
        self.icon.setFixedSize(60, 60)
        self.number = label(str(number), "StepNumber", wrap=False)
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.number)
        top.addWidget(self.icon)
        top.addStretch(1)
        self.text = label("", "Subtitle")
        layout.addLayout(top)
        layout.addWidget(self.text)
        layout.addStretch(1)


class WelcomePage(Page):
    start_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.cards = [StepCard(1, "scan"), StepCard(2, "plan"), StepCard(3, "done")]
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setSpacing(20)
        for card in self.cards:
            self.row.addWidget(card, 1)
        self.how = label("", "Hint")
        self.start = button("", self.start_requested.emit, primary=True)
        self.start.setProperty("hero", True)
        self.outer.addStretch(1)
        self.outer.addLayout(self.row)
        self.outer.addWidget(self.how)
        self.outer.addSpacing(12)
        self.outer.addWidget(self.start, 0, Qt.AlignmentFlag.AlignHCenter)
        self.outer.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Activate your new phone's SIM"))
        self.subtitle.setText(self.tr("Get connected in a few minutes, right here."))
        for card, text in zip(self.cards, [self.tr("Scan the barcode on the box"),
                                           self.tr("Choose a plan"),
                                           self.tr("Confirm, and your SIM or eSIM is ready")],
                              strict=True):
            card.text.setText(text)
            card.setAccessibleName(text)
        self.how.setText(self.tr("Hold the box's IMEI label to the camera, or dial *#06# on "
                                 "the phone and show its screen."))
        self.start.setText(self.tr("Start"))
        self.start.setAccessibleName(self.tr("Start"))

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        self.row.setDirection(QBoxLayout.Direction.TopToBottom if self.height() > self.width()
                              else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)  # type: ignore[arg-type]


class ScanPage(Page):
    imei_typed = Signal(str)
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        # Side by side on a landscape screen, the preview above the keypad in portrait.
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.preview = QLabel()
        self.preview.setObjectName("Preview")
        self.preview.setMinimumSize(400, 240)
        # Ignored: the frame last drawn must not ask for more room (it grew with every resize).
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setAccessibleName(self.tr("Camera preview"))
        self.body.addWidget(self.preview, 3)
        # The keypad takes the preview's place: the whole width for big keys, no scrolling.
        self.keypad = Keypad()
        self.keypad.submitted.connect(self.imei_typed.emit)
        self.keypad.hide()
        self.body.addWidget(self.keypad, 3)
        side = QVBoxLayout()
        self.guidance = label("", "Big")
        self.status = label("", "Hint")
        self.type_button = button("", self.toggle_keypad)
        self.back = button("", self.back_requested.emit)
        side.addWidget(self.guidance)
        side.addWidget(self.status)
        side.addWidget(self.type_button)
        side.addStretch(1)
        side.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addLayout(side, 2)
        self.outer.addLayout(self.body, 1)
        self._image: QImage | None = None
        self._codes: Detection | None = None
        self._flash = 0
        self._chose_keypad = False
        self.sound = True
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Scan the barcode on the box"))
        self.subtitle.setText(self.tr("Hold the barcode labelled IMEI flat, about 20 cm from "
                                      "the camera."))
        self.back.setText(self.tr("Back"))
        self._label_toggle()

    def _label_toggle(self) -> None:
        self.guidance.setText(self.tr("Type the 15 digits of the IMEI, then tap OK.")
                              if self.keypad.isVisibleTo(self)
                              else self.tr("Looking for the barcode…"))
        self.type_button.setText(self.tr("Use the camera instead") if self.keypad.isVisibleTo(self)
                                 else self.tr("Type the IMEI instead"))

    def toggle_keypad(self) -> None:
        self._chose_keypad = not self.keypad.isVisibleTo(self)
        self.set_keypad(self._chose_keypad)

    def set_keypad(self, shown: bool) -> None:
        self.preview.setVisible(not shown)
        self.keypad.setVisible(shown)
        self._label_toggle()
        if shown:
            self.keypad.field.setFocus()

    def typing(self) -> bool:
        """Someone is typing an IMEI: a barcode the camera sees meanwhile must not take them
        off the keypad half-way (the demo video shows a box all the time)."""
        return self.keypad.isVisibleTo(self) and (self._chose_keypad
                                                  or bool(self.keypad.field.text()))

    def show_camera_state(self, state: str, message: str) -> None:
        if state in ("stopped", "ended"):
            # "Off" comes as the page is left; a looping demo video is the kiosk's business.
            return
        self.status.setText(message_tr(message))
        if state != "running":
            self._codes = None
            self._label_toggle()  # no "Got it, hold still" beside "the camera stopped"
        if state in ("no_camera", "lost"):
            self.set_keypad(True)

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        portrait = self.height() > self.width()
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                               else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._paint()

    def show_preview(self, image: QImage) -> None:
        self._image = image
        self._paint()

    def show_detection(self, detection: Detection) -> None:
        self._codes = detection
        if self.keypad.isVisibleTo(self):
            return  # the customer is typing: the camera's words would contradict the keypad
        if detection.imeis:
            self.guidance.setText(self.tr("Got it, hold still…"))
        elif detection.codes:
            self.guidance.setText(self.tr("That barcode is not an IMEI: look for the one "
                                          "labelled IMEI."))
        else:
            self.guidance.setText(self.tr("Looking for the barcode… hold the label flat and "
                                          "a little closer."))

    def accepted(self) -> None:
        """A code was accepted: a short flash, and a beep unless sound is off."""
        self._flash = 3
        self.guidance.setText(self.tr("Scanned. Looking up your phone…"))
        if self.sound:
            QApplication.beep()
        QTimer.singleShot(180, self._fade)
        self._paint()

    def _fade(self) -> None:
        self._flash = 0
        self._paint()

    def _paint(self) -> None:
        if self._image is None:
            return
        target = self.preview.size()
        pixmap = QPixmap.fromImage(self._image).scaled(
            target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        detection = self._codes
        if detection is not None and detection.codes:
            sx = pixmap.width() / detection.frame_size[0]
            sy = pixmap.height() / detection.frame_size[1]
            painter = QPainter(pixmap)
            for code in detection.codes:
                ok = any(code_is_imei(code.text, i) for i in detection.imeis)
                pen = QPen(QColor("#00c853") if ok else QColor("#ffab00"), 5)
                pen.setStyle(Qt.PenStyle.SolidLine if ok else Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawPolygon(QPolygonF([QPointF(x * sx, y * sy) for x, y in code.polygon]))
            painter.end()
        if self._flash:
            painter = QPainter(pixmap)
            painter.fillRect(pixmap.rect(), QColor(255, 255, 255, 150))
            painter.end()
        self.preview.setPixmap(pixmap)

    def clear(self) -> None:
        self._image = None
        self._codes = None
        self.preview.clear()
        self.keypad.clear()
        self._chose_keypad = False
        self.set_keypad(False)
        self.retranslate()
