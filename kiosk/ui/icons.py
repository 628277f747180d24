"""Small line icons drawn with QPainter: crisp at any size, no image files, no icon font.

Each icon is a function of (painter, rect, colour); `icon(name, size, colour)` gives a
pixmap. They stand beside words (never instead of them), where a shape is read faster:
a barcode for "scan", a card for "plan", a tick for "done", a phone, a tablet, a watch.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPainterPath, QPen, QPixmap

Draw = Callable[[QPainter, QRectF], None]


def _barcode(p: QPainter, r: QRectF) -> None:
    widths = [2, 1, 3, 1, 1, 2, 1, 3, 2, 1, 1, 2]
    unit = r.width() * 0.8 / (sum(widths) + len(widths))
    x = r.left() + r.width() * 0.1
    for n, w in enumerate(widths):
        if n % 2 == 0:
            p.fillRect(QRectF(x, r.top() + r.height() * 0.2, w * unit, r.height() * 0.6), p.pen().color())
        x += (w + 1) * unit


def _card(p: QPainter, r: QRectF) -> None:
    box = r.adjusted(r.width() * 0.12, r.height() * 0.2, -r.width() * 0.12, -r.height() * 0.2)
    p.drawRoundedRect(box, r.width() * 0.06, r.width() * 0.06)
    for n in range(3):
        y = box.top() + box.height() * (0.3 + 0.2 * n)
        end = box.right() - box.width() * (0.15 if n else 0.4)
        p.drawLine(QPointF(box.left() + box.width() * 0.15, y), QPointF(end, y))


def _tick(p: QPainter, r: QRectF) -> None:
    p.drawEllipse(r.adjusted(r.width() * 0.1, r.height() * 0.1, -r.width() * 0.1, -r.height() * 0.1))
    path = QPainterPath(QPointF(r.left() + r.width() * 0.3, r.top() + r.height() * 0.52))
    path.lineTo(r.left() + r.width() * 0.45, r.top() + r.height() * 0.66)
    path.lineTo(r.left() + r.width() * 0.71, r.top() + r.height() * 0.36)
    p.drawPath(path)


def _device(p: QPainter, r: QRectF, w: float, h: float, radius: float) -> None:
    box = QRectF(r.center().x() - r.width() * w / 2, r.center().y() - r.height() * h / 2,
                 r.width() * w, r.height() * h)
    p.drawRoundedRect(box, r.width() * radius, r.width() * radius)
    y = box.bottom() - box.height() * 0.1
    p.drawLine(QPointF(box.center().x() - box.width() * 0.12, y),
               QPointF(box.center().x() + box.width() * 0.12, y))


def _phone(p: QPainter, r: QRectF) -> None:
    _device(p, r, 0.42, 0.8, 0.07)


def _tablet(p: QPainter, r: QRectF) -> None:
    _device(p, r, 0.66, 0.8, 0.06)


def _watch(p: QPainter, r: QRectF) -> None:
    band, cx, h = r.width() * 0.2, r.center().x(), r.height()
    for dx in (-band, band):  # the strap, above and below the face
        p.drawLine(QPointF(cx + dx, r.top() + h * 0.08), QPointF(cx + dx, r.top() + h * 0.28))
        p.drawLine(QPointF(cx + dx, r.bottom() - h * 0.08), QPointF(cx + dx, r.bottom() - h * 0.28))
    face = QRectF(cx - r.width() * 0.28, r.center().y() - h * 0.22, r.width() * 0.56, h * 0.44)
    p.drawRoundedRect(face, r.width() * 0.1, r.width() * 0.1)


def _sim(p: QPainter, r: QRectF) -> None:
    box = r.adjusted(r.width() * 0.22, r.height() * 0.12, -r.width() * 0.22, -r.height() * 0.12)
    path = QPainterPath(QPointF(box.left(), box.top()))
    path.lineTo(box.right() - box.width() * 0.3, box.top())
    path.lineTo(box.right(), box.top() + box.width() * 0.3)
    path.lineTo(box.right(), box.bottom())
    path.lineTo(box.left(), box.bottom())
    path.closeSubpath()
    p.drawPath(path)
    chip = QRectF(box.center().x() - box.width() * 0.25, box.center().y() - box.height() * 0.05,
                  box.width() * 0.5, box.height() * 0.35)
    p.drawRoundedRect(chip, 2, 2)


def _warning(p: QPainter, r: QRectF) -> None:
    path = QPainterPath(QPointF(r.center().x(), r.top() + r.height() * 0.12))
    path.lineTo(r.right() - r.width() * 0.08, r.bottom() - r.height() * 0.14)
    path.lineTo(r.left() + r.width() * 0.08, r.bottom() - r.height() * 0.14)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(r.center().x(), r.top() + r.height() * 0.4),
               QPointF(r.center().x(), r.top() + r.height() * 0.6))
    p.drawPoint(QPointF(r.center().x(), r.top() + r.height() * 0.72))


ICONS: dict[str, Draw] = {"scan": _barcode, "plan": _card, "done": _tick, "phone": _phone,
                          "tablet": _tablet, "watch": _watch, "sim": _sim, "warning": _warning}


def icon(name: str, size: int, colour: str = "#0b1f3a") -> QPixmap:
    """The named icon as a `size` px square pixmap, sharp on high-DPI screens too."""
    app = QGuiApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(colour), max(2.0, size / 16))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    ICONS[name](painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap
