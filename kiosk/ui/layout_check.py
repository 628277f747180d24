"""What a customer would see as broken: a widget past the window's edge, a clipped text, a page
that needs scrolling. Used by the layout test at every screen size and language, and the tour.

The checks read the widgets' own size hints (which include the style sheet's padding and
borders), so they hold for any theme and font, not for pixel values written down in a test.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractScrollArea, QHeaderView, QLabel, QScrollArea, QTabBar, QWidget,
)

MIN_TARGET = 48  # WCAG 2.5.5 (target size, enhanced): 44 CSS px; 48 as Material and Apple ask


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QAbstractButton, QLabel)):
        text = widget.text().replace("\n", " ")[:40]
    kind = type(widget).__name__
    name = widget.objectName() or widget.accessibleName() or ""
    return f"{kind}({name}{': ' if text and name else ''}{text!r})" if text else f"{kind}({name})"


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisible() and widget.isVisibleTo(top) and widget.width() > 0


def problems(top: QWidget, scrolls_allowed: tuple[QWidget, ...] = ()) -> list[str]:
    """Every visible fault of `top`'s widgets, as one line each (an empty list: it fits).

    `scrolls_allowed` lists scroll areas that may scroll (a long table in the operator's
    panel); every other scroll area must show its whole content.
    """
    found: list[str] = []
    window = top.rect()
    for widget in top.findChildren(QWidget):
        if not _shown(widget, top):
            continue
        rect = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
        if not _inside_scrolled(widget, scrolls_allowed) and not window.contains(rect):
            found.append(f"{_name(widget)} at {rect.x()},{rect.y()} {rect.width()}x"
                         f"{rect.height()} lies outside the {window.width()}x{window.height()} "
                         "window")
        if isinstance(widget, QScrollArea | QAbstractScrollArea) and not isinstance(
                widget, QHeaderView) and widget not in scrolls_allowed:
            bar = widget.verticalScrollBar()
            if bar is not None and bar.maximum() > 0 and isinstance(widget, QScrollArea):
                found.append(f"{_name(widget.widget() or widget)} needs scrolling: "
                             f"{bar.maximum()} px more than fits")
        if isinstance(widget, QAbstractButton) and not isinstance(widget, QTabBar):
            found.extend(_button(widget))
        elif isinstance(widget, QLabel):
            found.extend(_label(widget))
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.tabRect(index).width() < widget.tabSizeHint(index).width():
                    found.append(f"tab {widget.tabText(index)!r} is clipped")
        elif isinstance(widget, QHeaderView):
            found.extend(_header(widget))
    return found


def _inside_scrolled(widget: QWidget, allowed: tuple[QWidget, ...]) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent in allowed:
            return True
        parent = parent.parentWidget()
    return False


def _button(button: QAbstractButton) -> list[str]:
    out = []
    text = button.text()
    if text:
        hint = button.sizeHint()
        if button.width() < hint.width() - 1:
            out.append(f"{_name(button)} is {button.width()} px wide, its text needs "
                       f"{hint.width()} px")
        if button.height() < button.fontMetrics().height():
            out.append(f"{_name(button)} is {button.height()} px high, shorter than its text")
    if min(button.width(), button.height()) < MIN_TARGET:
        out.append(f"{_name(button)} is {button.width()}x{button.height()} px: a touch target "
                   f"needs {MIN_TARGET} px")
    return out


def _label(widget: QLabel) -> list[str]:
    if not widget.text() or (widget.pixmap() is not None and not widget.pixmap().isNull()):
        return []
    if widget.wordWrap():
        need = widget.heightForWidth(widget.width())
        if need > widget.height() + 1:
            return [f"{_name(widget)} is cut: {widget.height()} px high, its text needs {need}"]
        return []
    need_w = widget.sizeHint().width()
    if widget.width() < need_w - 1:
        return [f"{_name(widget)} is cut: {widget.width()} px wide, its text needs {need_w}"]
    return []


def _header(header: QHeaderView) -> list[str]:
    out = []
    model = header.model()
    if model is None:
        return out
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        size = header.sectionSize(section)
        need = header.sectionSizeFromContents(section)
        if header.orientation().name == "Horizontal" and size < need.width() - 1:
            title = model.headerData(section, header.orientation())
            out.append(f"column {title!r} is {size} px, its title needs {need.width()}")
    return out
