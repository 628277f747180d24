"""The eSIM QR code, drawn locally from the activation code (never fetched from a URL)."""

from __future__ import annotations

import segno
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget


def qr_image(text: str, size: int, quiet_zone: int = 4) -> QImage:
    """A square, black-on-white QR image of at least `size` px, with its quiet zone."""
    code = segno.make(text, error="m", micro=False)
    matrix = list(code.matrix)
    modules = len(matrix) + 2 * quiet_zone
    scale = max(1, size // modules)  # size 0: one pixel per module
    image = QImage(modules * scale, modules * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, bit in enumerate(row):
            if bit:
                painter.drawRect((x + quiet_zone) * scale, (y + quiet_zone) * scale, scale, scale)
    painter.end()
    return image


class QrView(QWidget):
    """The QR image drawn as large as the space allows, in whole pixels per module.

    A fixed-size pixmap made for one screen pushed the page out of a smaller one; this view
    takes what the layout gives it (never under `MINIMUM` px, which phones still read at
    20-40 cm) and keeps the modules crisp (nearest-neighbour scaling, no blur).
    """

    MINIMUM = 240

    def __init__(self) -> None:
        super().__init__()
        self._image: QImage | None = None
        self.setMinimumSize(self.MINIMUM, self.MINIMUM)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def drawn_size(self) -> int:
        """The QR's side on screen now: whole pixels per module (0 when there is none)."""
        image = self._image
        if image is None:
            return 0
        side = min(self.width(), self.height())
        return max(1, side // image.width()) * image.width()

    def pixmap(self) -> QPixmap:
        """What is on screen, as a pixmap (null when the page shows no code)."""
        if self._image is None:
            return QPixmap()
        side = self.drawn_size()
        return QPixmap.fromImage(self._image.scaled(side, side))

    def paintEvent(self, event: object) -> None:
        image = self._image
        if image is None:
            return
        drawn = self.drawn_size()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        target = QRect((self.width() - drawn) // 2, (self.height() - drawn) // 2, drawn, drawn)
        painter.drawImage(target, image)
        painter.end()
