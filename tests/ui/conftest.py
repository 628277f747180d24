"""A real kiosk window on a qasync loop, the in-process sandbox and the virtual camera."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMEI = "358507311042123"


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kiosk.scan import demo_camera

    return demo_camera.render(tmp_path_factory.mktemp("ui") / "footage", [IMEI], frames=60)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    ts = ROOT / "resources" / "i18n" / "kiosk_de.ts"
    qm = ts.with_suffix(".qm")
    if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)


@dataclass
class Kiosk:
    window: Any
    sandbox: Any
    loop: Any
    qtbot: Any

    def wait_page(self, name: str, timeout: int = 20_000) -> None:
        self.qtbot.waitUntil(lambda: self.window.current == name, timeout=timeout)

    def run(self, coro: Any, timeout: int = 20_000) -> Any:
        task = asyncio.ensure_future(coro)
        self.qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    def to_plan(self, imei: str) -> None:
        self.window.submit([imei])
        self.wait_page("device")
        self.window.device.action.click()
        self.wait_page("plan")

    def choose(self, name: str) -> None:
        plan = next(p for p in self.window.flow.state.plans if p.name == name)
        self.window.plans.plan_chosen.emit(plan.id)

    def customer(self, email: str = "pat@example.com", name: str = "Pat Doe", **address: str) -> None:
        self.wait_page("customer")
        fields = self.window.customer.fields
        fields["email"].setText(email)
        fields["full_name"].setText(name)
        for key, value in address.items():
            fields[key].setText(value)
        self.window.customer.next.click()


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, footage: Path) -> Iterator[Kiosk]:
    import qasync

    from kiosk.app import RESOURCES, Translations
    from kiosk.connect import make_client
    from kiosk.flow import Context, Flow, FlowSettings
    from kiosk.journal import Journal
    from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID
    from kiosk.sandbox.serve import in_process_transport
    from kiosk.scan.camera import FolderSource
    from kiosk.scan.qt_camera import QtCamera
    from kiosk.settings import ApiSettings
    from kiosk.ui.window import KioskWindow, Services

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    qapp.setStyleSheet((RESOURCES / "kiosk.qss").read_text())
    transport = in_process_transport()
    client = make_client(ApiSettings(), transport=transport)
    journal = Journal(":memory:")
    ctx = Context(client, journal, FlowSettings(payment_method=STORE_PAYMENT_METHOD_ID,
                                                poll_initial=0.02, poll_cap=0.1))
    translations = Translations(qapp)
    services = Services(
        make_flow=lambda: Flow(ctx), make_camera=lambda: QtCamera(FolderSource(footage, fps=30)),
        check_pin=lambda pin: pin == "2468", set_language=translations.set,
        idle_seconds=600, countdown_seconds=2, sound=False)
    window = KioskWindow(services)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    kit = Kiosk(window, transport.app.state.sandbox, loop, qtbot)
    yield kit
    kit.run(window.shutdown())
    kit.run(client.aclose())
    translations.set("en")
    journal.close()
    executor = next((v for k, v in vars(loop).items() if k.endswith("__default_executor")), None)
    if executor is not None:  # asyncio.to_thread's threads: stop them before Qt goes
        executor.shutdown(wait=True)


SIZES = [(1280, 800), (1366, 768), (1920, 1080), (1080, 1920)]


def assert_fits(qtbot: Any, top: Any, toggle_language: Any = None,
                allowed: tuple[Any, ...] = ()) -> None:
    """`top` shows everything, uncut, at every kiosk screen size (and in German too when a
    `toggle_language` callable is given, which must re-render the page in the other language)."""
    from kiosk.ui.layout_check import problems

    found: list[str] = []
    for language in ("first", "second") if toggle_language else ("only",):
        for width, height in SIZES:
            top.resize(width, height)
            qtbot.wait(30)
            seen = problems(top, allowed)
            if seen:  # a loaded machine may not have finished the layout: look once more
                qtbot.wait(400)
                seen = problems(top, allowed)
            found += [f"{width}x{height} {language}: {p}" for p in seen]
        if toggle_language and language == "first":
            toggle_language()
    if toggle_language:
        toggle_language()
    top.resize(1280, 800)
    assert not found, "\n".join(found[:30])
