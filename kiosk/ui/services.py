"""What the kiosk window needs from the composition root (app.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import ConfigStore
from kiosk.flow import Flow
from kiosk.journal import Journal
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


@dataclass
class OperatorServices:
    """What the operator panel needs; here, so the kiosk starts without loading the panel."""

    store: ConfigStore
    journal: Journal
    resume: Callable[[Any], None] = lambda activation: None
    diagnostics: Callable[[], dict[str, Any]] = dict
    cameras: Callable[[], list[str]] = lambda: ["demo", "0"]
    #: Opens a camera by its setting ("demo", an index, a file): for the live preview.
    open_camera: Callable[[str], Any] | None = None
    bundle_dir: Path = field(default_factory=Path.home)
    run: Callable[[Awaitable[Any]], Any] = asyncio.ensure_future
