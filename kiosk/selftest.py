"""`kiosk --self-test`: does this installation (or bundle) work? Offscreen, in seconds.

Exits 0 only if Qt starts and paints, the decoder reads the bundled barcode image, a QR code
renders and reads back, the journal opens, and an in-process sandbox activation completes.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

EXPECTED_IMEI = "358507311042123"


def resources() -> Path:
    return Path(__file__).resolve().parent.parent / "resources"


def check_qt() -> str:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QLabel

    if QApplication.instance() is None:
        QApplication([])
    widget = QLabel("self-test")
    widget.resize(200, 50)
    image = widget.grab().toImage()
    if image.isNull() or image.width() != 200:
        raise RuntimeError("Qt could not paint a widget")
    return f"Qt {QGuiApplication.platformName()} platform"


def check_decoder() -> str:
    import cv2

    from kiosk.scan import find_imeis

    frame = cv2.imread(str(resources() / "selftest-barcode.png"))
    if frame is None:
        raise RuntimeError("the bundled barcode image is missing")
    found = find_imeis(frame, budget_ms=500)
    if found != [EXPECTED_IMEI]:
        raise RuntimeError(f"the decoder read {found}")
    return "barcode decoded (zxing-cpp and pyzbar)" if _pyzbar_ok(frame) else "barcode decoded"


def _pyzbar_ok(frame: object) -> bool:
    from pyzbar import pyzbar

    return any(s.data.decode() == EXPECTED_IMEI for s in pyzbar.decode(frame))


def check_qr() -> str:
    import numpy as np
    import zxingcpp

    from kiosk.ui.qr import qr_image

    image = qr_image("LPA:1$smdp.example$SELF-TEST", 300)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                               image.bytesPerLine())
    grey = array[:, 0: image.width() * 4: 4].copy()
    texts = [b.text for b in zxingcpp.read_barcodes(grey)]
    if texts != ["LPA:1$smdp.example$SELF-TEST"]:
        raise RuntimeError(f"the QR code read back as {texts}")
    return "QR code renders and reads back"


def check_journal() -> str:
    from kiosk.journal import Journal

    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal(Path(tmp) / "journal.sqlite3")
        act = journal.begin(target="self-test", mode="orders")
        ok = journal.get(act.id).reference == act.reference
        journal.close()
    if not ok:
        raise RuntimeError("the journal lost a row")
    return "journal opens and writes"


def check_activation() -> str:
    from kiosk.connect import make_client
    from kiosk.flow import Context, CustomerInput, Flow, FlowSettings
    from kiosk.flow.states import Ready
    from kiosk.journal import Journal
    from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS, STORE_PAYMENT_METHOD_ID
    from kiosk.settings import ApiSettings

    async def activate() -> Ready:
        async with make_client(ApiSettings()) as client:
            flow = Flow(Context(client, Journal(":memory:"),
                                FlowSettings(payment_method=STORE_PAYMENT_METHOD_ID)))
            await flow.submit_imei(DEMO_IMEIS["esim"])
            await flow.confirm_device()
            await flow.choose_plan(PLAN_IDS["travel"])
            await flow.enter_customer(CustomerInput("self.test@example.com", "Self Test"))
            await flow.confirm()
            state = flow.state
            await flow.cancel()
            if not isinstance(state, Ready) or state.code is None:
                raise RuntimeError(f"the activation ended in {type(state).__name__}")
            return state

    asyncio.run(activate())
    return "sandbox activation completed with an eSIM code"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("qt", check_qt), ("decoder", check_decoder), ("qr", check_qr),
    ("journal", check_journal), ("activation", check_activation)]


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    failed = 0
    for name, check in CHECKS:
        t0 = time.perf_counter()
        try:
            detail = check()
            print(f"ok    {name:<11} {detail} ({(time.perf_counter() - t0) * 1000:.0f} ms)")
        except Exception as exc:  # every check reports, whatever it raised
            failed += 1
            print(f"FAIL  {name:<11} {type(exc).__name__}: {exc}")
    total = time.perf_counter() - started
    print(f"self-test {'passed' if not failed else 'FAILED'} in {total:.1f} s")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
