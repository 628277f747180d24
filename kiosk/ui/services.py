"""What the kiosk window needs from the composition root (app.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.flow import Flow
from kiosk.scan.qt_camera import QtCamera


@dataclass
class Services:
    """What the window needs from the composition root (app.py)."""

    make_flow: Callable[[], Flow]
    make_camera: Callable[[], QtCamera | None]
    check_pin: Callable[[str], bool]
    set_language: Callable[[str], None]
    idle_seconds: float = 90.0
    countdown_seconds: float = 20.0
    sound: bool = True
    windowed: bool = True  # development and demos; the locked-down kiosk passes False
    default_language: str | None = None  # after each visit; None: leave it as it is
    operator: Any = None  # OperatorServices: the operator panel behind the PIN
