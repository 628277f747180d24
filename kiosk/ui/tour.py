"""The tour: one whole activation offscreen, a PNG of every page at two screen sizes."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from kiosk.flow.errors import KioskError
from kiosk.flow.states import NotRegistered, PendingInBackground
from kiosk.ui.probe import LagProbe

SIZES = [(1920, 1080), (1280, 800), (1366, 768), (1080, 1920)]
LANGUAGES = ("en", "de")
# A narrower tour (a benchmark comparing with the old two-size English one): KIOSK_TOUR_SIZES=
# "1920x1080,1280x800", KIOSK_TOUR_LANGUAGES="en".
if os.environ.get("KIOSK_TOUR_SIZES"):
    SIZES = [(int(w), int(h)) for w, h in (s.split("x") for s in
                                           os.environ["KIOSK_TOUR_SIZES"].split(","))]
if os.environ.get("KIOSK_TOUR_LANGUAGES"):
    LANGUAGES = tuple(os.environ["KIOSK_TOUR_LANGUAGES"].split(","))
PROBLEMS: list[str] = []


async def settle(window: Any, seconds: float = 0.15) -> None:
    await asyncio.sleep(seconds)


async def wait_for(window: Any, page: str, timeout: float = 30.0) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while window.current != page:
        if asyncio.get_running_loop().time() > end:
            raise TimeoutError(f"the tour never reached the {page} page (at {window.current})")
        await asyncio.sleep(0.05)


PROBE: list[Any] = []


def folder(out: Path, size: tuple[int, int], language: str) -> Path:
    path = out / f"{size[0]}x{size[1]}" / language
    path.mkdir(parents=True, exist_ok=True)
    return path


async def shoot(window: Any, out: Path, name: str) -> None:
    """Photograph the page at every size in both languages, and note what does not fit.

    The lag probe pauses: this is the tour's own work, not the kiosk's.
    """
    from kiosk.ui.layout_check import problems

    for probe in PROBE:
        probe.pause()
    start = window.language
    for language in (start, *(lang for lang in LANGUAGES if lang != start)):
        if window.language != language:
            window.toggle_language()
        for width, height in SIZES:
            window.resize(width, height)
            await settle(window)
            seen = problems(window, window.allowed_scrolls())
            if seen:  # a loaded machine may not have finished the layout: look once more
                await settle(window, 0.5)
                seen = problems(window, window.allowed_scrolls())
            for problem in seen:
                PROBLEMS.append(f"{name} {width}x{height} {language}: {problem}")
            window.grab().save(str(folder(out, (width, height), language) / f"{name}.png"))
    if window.language != start:
        window.toggle_language()
    window.resize(*SIZES[0])
    # Back to the first size re-styles the whole window (the compact sizes go): let that
    # finish before the probe listens again, or the tour's own resizing counts as the
    # kiosk's lag (a kiosk's screen does not change size).
    await settle(window, 0.3)
    for probe in PROBE:
        probe.resume()


async def run_tour(window: Any, out: Path) -> int:
    from kiosk.sandbox.seed import DEMO_IMEIS

    out.mkdir(parents=True, exist_ok=True)
    probe = LagProbe()
    PROBE[:] = [probe]
    window.resize(*SIZES[0])
    window.show()
    await settle(window, 0.3)
    n = 0

    async def snap(name: str) -> None:
        nonlocal n
        n += 1
        await shoot(window, out, f"{n:02d}-{name}")

    await snap("welcome")
    window.welcome.start_requested.emit()
    await wait_for(window, "scan")
    window.resize(*SIZES[0])
    camera = window.camera
    camera.worker.session.min_frames = 10**6  # hold acceptance: photograph the outlined box
    seen: list[Any] = []
    camera.codes_detected.connect(lambda d: seen.append(d) if d.imeis else None)
    end = asyncio.get_running_loop().time() + 20
    while len(seen) < 3 and asyncio.get_running_loop().time() < end:
        await asyncio.sleep(0.05)
    await snap("scan")
    camera.worker.session.min_frames = 2
    await wait_for(window, "device", 60)
    await snap("device")
    window.device.next_requested.emit()
    await wait_for(window, "plan")
    await snap("plan")
    plan = next(p for p in window.flow.state.plans if p.name == "Travel 5 GB")
    window.plans.plan_chosen.emit(plan.id)
    await wait_for(window, "customer")
    window.customer.fields["email"].setText("pat.demo@example.com")
    window.customer.fields["full_name"].setText("Pat Demo")
    await snap("customer")
    window.customer.next.click()
    await wait_for(window, "review")
    await snap("review")
    window.review.confirmed.emit()
    await wait_for(window, "activating", 10)
    await snap("activating")
    await wait_for(window, "ready", 60)
    await snap("ready-esim")
    window.overlay.start(600)  # the idle countdown: the code goes before it is drawn
    window.ready.conceal()
    await snap("idle-countdown")
    window._still_here()
    await window.reset()
    # The other endings: a physical SIM, and pages that explain why not.
    window.submit([DEMO_IMEIS["psim"]])
    await wait_for(window, "device")
    window.device.next_requested.emit()
    await wait_for(window, "plan")
    plan = next(p for p in window.flow.state.plans if p.name == "Classic 10 GB")
    window.plans.plan_chosen.emit(plan.id)
    await wait_for(window, "customer")
    window.customer.fields["email"].setText("sam.demo@example.com")
    window.customer.fields["full_name"].setText("Sam Demo")
    window.customer.next.click()
    await wait_for(window, "review")
    window.review.confirmed.emit()
    await wait_for(window, "ready", 60)
    await snap("ready-psim")
    await window.reset()
    window.submit([DEMO_IMEIS["dual1"]])  # a SIM card and an eSIM: the customer chooses
    await wait_for(window, "device")
    await snap("device-dual-sim")
    await window.reset()
    # A plan that needs the home address: the longest form, with the keyboard up.
    window.submit([DEMO_IMEIS["profile"]])
    await wait_for(window, "device")
    window.device.next_requested.emit()
    await wait_for(window, "plan")
    plan = next(p for p in window.flow.state.plans if p.name == "Resident 20 GB")
    window.plans.plan_chosen.emit(plan.id)
    await wait_for(window, "customer")
    window.customer.fields["email"].setText("pat.demo@example.com")
    window.customer.fields["full_name"].setText("Pat Demo")
    await snap("customer-address")
    window.customer.fields["line1"].setFocus()
    await snap("customer-address-keyboard")
    for key, text in (("line1", "Hauptstraße 1"), ("postal_code", "10115"), ("city", "Berlin"),
                      ("country", "DE")):
        window.customer.fields[key].setText(text)
    window.setFocus()
    window.customer.next.click()
    await wait_for(window, "review")
    await snap("review-address")
    await window.reset()
    window.show_page("pending")
    window.pending.render(PendingInBackground("act_tour", "K-7Q4-2M9"))
    await snap("pending")
    await window.reset()
    window.show_page("scan")
    window.scan.toggle_keypad()
    window.scan.keypad.field.setText("358507311042120")
    window.scan.keypad._submit()
    await snap("scan-keypad-check-digit")
    window.submit([DEMO_IMEIS["active"]])
    await wait_for(window, "device")
    await snap("already-active")
    window.device.action.click()  # its status: plan and since when, never the code
    end = asyncio.get_running_loop().time() + 10
    while window.device.action.isVisible() and asyncio.get_running_loop().time() < end:
        await asyncio.sleep(0.05)
    await snap("already-active-status")
    window.device.render(NotRegistered(()))
    await snap("not-registered")
    for code in ("api_unavailable", "auth_failed"):
        window.show_error(KioskError(code), can_retry=code == "api_unavailable")
        await snap(f"error-{code}")
    await window.reset()
    window.show_page("operator")
    await snap("operator")
    window.operator.pin.setText("2468")  # the documented default: a demo machine's PIN
    window.operator._unlock()
    await snap("operator-settings")
    await window.reset()
    window.toggle_language()  # German
    await snap("welcome-de")
    window.submit([DEMO_IMEIS["watch"]])  # the phone was activated above: the journal knows
    await wait_for(window, "device")
    window.device.next_requested.emit()
    await wait_for(window, "plan")
    await snap("plan-de")
    await window.reset()
    window.toggle_language()
    print(probe.report(), flush=True)
    pages = sorted(p.name for p in folder(out, SIZES[0], "en").glob("*.png"))
    print(f"tour: {len(pages)} pages at {len(SIZES)} sizes in {out}", flush=True)
    (out / "layout-problems.txt").write_text("".join(f"{p}\n" for p in PROBLEMS))
    for problem in PROBLEMS:
        print(f"layout: {problem}", flush=True)
    return 1 if PROBLEMS else 0
