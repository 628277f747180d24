"""The eSIM QR code, drawn locally from the activation code (never fetched from a URL)."""

from __future__ import annotations

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter


def qr_image(text: str, size: int, quiet_zone: int = 4) -> QImage:
    """A square, black-on-white QR image of at least `size` px, with its quiet zone."""
    code = segno.make(text, error="m", micro=False)
    matrix = list(code.matrix)
    modules = len(matrix) + 2 * quiet_zone
    scale = max(1, size // modules)
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
