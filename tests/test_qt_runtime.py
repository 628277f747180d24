"""The Qt runtime the kiosk ships with must not corrupt the interpreter over time."""

from __future__ import annotations

import sys


def test_signal_emit_does_not_leak_references_to_true(qapp) -> None:  # type: ignore[no-untyped-def]
    # PySide6 6.12.0 returned a borrowed True from emit(): each call dropped one reference
    # to True, and after a few thousand signals Python deallocated True and aborted.
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal(int)

    emitter = Emitter()
    emitter.fired.connect(lambda value: None)
    before_true, before_false = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(1000):
        emitter.fired.emit(n)
    assert abs(sys.getrefcount(True) - before_true) < 50
    assert abs(sys.getrefcount(False) - before_false) < 50
