"""A whole visit by clicks alone, on a real X display: run under Xvfb by test_real_display.

The kiosk runs as it does in a shop (`kiosk --demo`, full screen, no window manager). This
script only finds where things are on screen (it reads the widget tree: where is the Start
button?) and then clicks there with xdotool, through the X server, as a finger would. It
never calls a page's methods, sets a field's text or emits a signal. Prints one line per
step and `VISIT DONE` at the end; any failure exits non-zero with the reason.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

STEP_TIMEOUT = 30.0
SHOTS = Path(sys.argv[1]) if len(sys.argv) > 1 else None


def say(text: str) -> None:
    print(text, flush=True)


async def until(what: str, check: Any, timeout: float = STEP_TIMEOUT) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def click(widget: Any, what: str) -> None:
    """A real click through the X server at the widget's centre."""
    await until(f"{what} to be visible", widget.isVisible)
    centre = widget.mapToGlobal(widget.rect().center())
    proc = await asyncio.create_subprocess_exec(
        "xdotool", "mousemove", "--sync", str(centre.x()), str(centre.y()), "click", "1")
    await proc.wait()
    await asyncio.sleep(0.12)


def visible_buttons(root: Any) -> list[Any]:
    from PySide6.QtWidgets import QAbstractButton

    return [b for b in root.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]


def find_button(root: Any, *, text: str | None = None, name: str | None = None) -> Any:
    for b in visible_buttons(root):
        if (text is not None and b.text() == text) or (
                name is not None and name in b.accessibleName()):
            return b
    return None


async def press(root: Any, what: str, *, text: str | None = None,
                name: str | None = None) -> None:
    button = await until(what, lambda: find_button(root, text=text, name=name))
    await click(button, what)


async def type_on_keyboard(window: Any, text: str) -> None:
    """Each character by a tap on the on-screen keyboard (Shift for a capital)."""
    keyboard = window.keyboard
    await until("the on-screen keyboard", keyboard.isVisible)
    for char in text:
        if char == " ":
            await press(keyboard, "Space", name="Space")
            continue
        if char.isupper():  # the letter keys then read in capitals, for one letter
            await press(keyboard, "Shift", name="Shift")
        key = find_button(keyboard, text=char)
        if key is None:  # on the symbols page
            await press(keyboard, "the symbols page", text="123")
            key = await until(f"key {char!r}", lambda c=char: find_button(keyboard, text=c))
            await click(key, f"key {char!r}")
            await press(keyboard, "the letters page", text="ABC")
            continue
        await click(key, f"key {char!r}")


async def shot(window: Any, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / f"{name}.png"))


async def visit(window: Any) -> None:
    from PySide6.QtGui import QGuiApplication

    from kiosk.sandbox.seed import DEMO_IMEIS
    from kiosk.ui.screen import covers_screen

    screen = QGuiApplication.primaryScreen().geometry()
    await until("the window to cover the screen", lambda: covers_screen(window))
    say(f"window {window.frameGeometry().width()}x{window.frameGeometry().height()} covers the "
        f"{screen.width()}x{screen.height()} screen")
    await shot(window, "01-welcome")
    await click(window.welcome.start, "Start")
    await until("the scan page", lambda: window.current == "scan")
    await click(window.scan.type_button, "Type the IMEI instead")
    for digit in DEMO_IMEIS["profile"]:
        await press(window.scan.keypad, f"key {digit}", text=digit)
    await shot(window, "02-keypad")
    await press(window.scan.keypad, "OK", text="OK")
    await until("the device page", lambda: window.current == "device")
    say("device page")
    await shot(window, "03-device")
    await click(window.device.action, "Choose a plan")
    await until("the plan page", lambda: window.current == "plan")
    await shot(window, "04-plan")
    await press(window.plans, "Choose Resident 20 GB", name="Resident 20 GB")
    await until("the details page", lambda: window.current == "customer")
    say("details page")
    fields = window.customer.fields
    entries = [("email", "pat@example.com"), ("full_name", "Pat Demo"),
               ("line1", "Hauptstr 1"), ("postal_code", "10115"), ("city", "Berlin"),
               ("country", "DE")]
    for key, text in entries:
        if not fields[key].isVisible():
            continue
        await click(fields[key], key)
        await type_on_keyboard(window, text)
        if fields[key].text() != text:
            raise AssertionError(f"{key}: typed {text!r} by clicks, the field reads "
                                 f"{fields[key].text()!r}")
    await shot(window, "05-details-keyboard")
    await press(window.keyboard, "Hide keyboard", name="Hide keyboard")
    await until("the keyboard to go", lambda: not window.keyboard.isVisible())
    await click(window.customer.next, "Continue")
    await until("the review page", lambda: window.current == "review")
    say("review page")
    await shot(window, "06-review")
    await click(window.review.confirm, "Confirm")
    await until("the ready page", lambda: window.current == "ready", 90)
    say("ready page")
    await shot(window, "07-ready")
    await click(window.ready.done, "I'm done")
    await until("the welcome page", lambda: window.current == "welcome")
    say("VISIT DONE")


def main() -> int:
    import kiosk.ui.screen as screen

    cover = screen.cover_screen
    failures: list[str] = []

    def cover_and_drive(window: Any) -> None:
        cover(window)
        from PySide6.QtWidgets import QApplication

        async def run() -> None:
            try:
                await visit(window)
            except Exception as exc:  # the reason, then out
                failures.append(f"{type(exc).__name__}: {exc}")
                await shot(window, "99-failed")
            finally:
                window.allow_close = True
                QApplication.instance().quit()

        task = asyncio.ensure_future(run())
        window._xdrive = task  # a reference, so the task is not collected

    screen.cover_screen = cover_and_drive
    from kiosk.cli import main as kiosk_main

    code = kiosk_main(["gui", "--demo", "--no-sound", "--idle-seconds", "600"])
    for failure in failures:
        say(f"FAILED: {failure}")
    return 1 if failures else code


if __name__ == "__main__":
    raise SystemExit(main())
