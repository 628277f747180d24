"""Full screen that really covers the screen, with or without a window manager.

`showFullScreen()` only asks the window manager for the full-screen state. On xcb with no
window manager (a kiosk started from xinit) nobody answers, and the window keeps its size
hint in the corner (1116x720 on a 1920x1080 screen was seen). So the window also takes the
screen's geometry itself, frameless and on top, and follows the screen when it changes
(a monitor plugged in, a rotation). Under a compositor such as cage (Wayland) the request
is honoured and the geometry is the same, so one path serves every platform plugin.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


class _Follower(QObject):
    """Keeps a widget on its screen's whole geometry when the screen changes."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.screen: QScreen | None = None

    def attach(self, screen: QScreen | None) -> None:
        if screen is self.screen:
            return
        if self.screen is not None:
            self.screen.geometryChanged.disconnect(self.cover)
        self.screen = screen
        if screen is not None:
            screen.geometryChanged.connect(self.cover)

    def cover(self, *_: object) -> None:
        screen = self.screen
        if screen is not None:
            self.widget.setGeometry(screen.geometry())


def cover_screen(widget: QWidget) -> None:
    """Show `widget` on the whole of its screen: frameless, full screen, every plugin."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    widget.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    follower = widget.findChild(_Follower) or _Follower(widget)
    follower.attach(screen)
    if screen is not None:
        widget.setGeometry(screen.geometry())
    widget.showFullScreen()
    follower.cover()
    handle = widget.windowHandle()
    if handle is not None:
        handle.screenChanged.connect(lambda s: (follower.attach(s), follower.cover()))


def covers_screen(widget: QWidget) -> bool:
    """True when the widget's frame is exactly its screen (what the real-display test asks)."""
    screen = widget.screen()
    return screen is not None and widget.frameGeometry() == screen.geometry()
