"""The ready page takes its eSIM code off the screen while the idle countdown is up."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk.flow.lpa import ActivationCode
from kiosk.flow.states import Ready
from kiosk.gigs.models import SimType
from kiosk.sandbox.seed import DEMO_IMEIS
from kiosk.ui.pages_finish import ReadyPage
from tests.ui.conftest import Kiosk

CODE = ActivationCode("smdp.one.example", "MATCH-ONE-4411-SECRET")
OTHER = ActivationCode("other-smdp.example", "ZZZZ-TWO-0000-ELSEWHERE")


def esim(code: ActivationCode) -> Ready:
    return Ready(activation_id="act_1", reference="K-1", sim_type=SimType.ESIM, code=code)


def page(qtbot: Any, code: ActivationCode) -> ReadyPage:
    ready = ReadyPage()
    qtbot.addWidget(ready)
    ready.resize(1280, 800)
    ready.show()
    ready.render(esim(code))
    qtbot.waitExposed(ready)
    return ready


def picture(widget: QWidget) -> QImage:
    """The widget as drawn, once its layout settled (word-wrapped labels take a few passes)."""
    last = None
    for _ in range(50):
        QApplication.processEvents()
        image = widget.grab().toImage()
        if image == last:
            return image
        last = image
        QTest.qWait(20)
    raise AssertionError("the page never settled")


def readable(root: QWidget) -> str:
    return "\n".join([w.text() for w in root.findChildren(QLabel)]
                     + [w.accessibleName() for w in root.findChildren(QWidget)])


def assert_no_code(ready: ReadyPage, code: ActivationCode) -> None:
    assert ready.qr.isHidden() and ready.qr.pixmap().isNull()
    for w in (ready.smdp, ready.code, ready.smdp_label, ready.code_label, ready.manual_title):
        assert w.isHidden()
    assert ready.smdp.text() == "" and ready.code.text() == ""
    everything = readable(ready)
    assert code.matching_id not in everything and code.smdp_address not in everything


def test_conceal_takes_the_code_off_and_reveal_brings_it_back(qtbot: Any) -> None:
    ready = page(qtbot, CODE)
    shown = picture(ready)
    assert ready.qr.isVisible() and ready.code.text() == CODE.matching_id
    ready.conceal()
    assert_no_code(ready, CODE)
    concealed = picture(ready)
    assert concealed != shown
    ready.reveal()
    assert ready.qr.isVisible() and not ready.qr.pixmap().isNull()
    assert ready.smdp.text() == CODE.smdp_address and ready.code.text() == CODE.matching_id
    assert picture(ready) == shown
    # What is left on screen does not depend on the code: another code, concealed, looks the same.
    ready.render(esim(OTHER))
    assert picture(ready) != shown
    ready.conceal()
    assert picture(ready) == concealed


def test_a_ready_arriving_during_the_countdown_stays_hidden(qtbot: Any) -> None:
    ready = page(qtbot, CODE)
    ready.conceal()
    ready.render(esim(OTHER))  # e.g. the profile status changed while nobody was there
    assert_no_code(ready, OTHER)
    ready.reveal()
    assert ready.code.text() == OTHER.matching_id and ready.qr.isVisible()


def test_reveal_after_a_reset_shows_nothing(qtbot: Any) -> None:
    ready = page(qtbot, CODE)
    ready.conceal()
    ready.clear()
    ready.reveal()
    assert_no_code(ready, CODE)
    ready.render(esim(OTHER))  # the next visit's code is shown as usual
    assert ready.qr.isVisible() and ready.code.text() == OTHER.matching_id


def test_a_sim_card_page_has_nothing_to_conceal(qtbot: Any) -> None:
    ready = page(qtbot, CODE)
    ready.render(Ready(activation_id="act_2", reference="K-2", sim_type=SimType.PSIM,
                       phone_number="+49 151 000"))
    ready.conceal()
    ready.reveal()
    assert_no_code(ready, CODE)
    assert "+49 151 000" in ready.profile.text()


def test_the_idle_countdown_hides_the_code_in_the_window(kiosk: Kiosk) -> None:
    w = kiosk.window
    w.services.countdown_seconds = 30  # time enough to look at the page under the overlay
    kiosk.to_plan(DEMO_IMEIS["esim"])
    kiosk.choose("Travel 5 GB")
    kiosk.customer()
    kiosk.wait_page("review")
    w.review.confirm.click()
    kiosk.wait_page("ready")
    code = w.flow.state.code
    w.idle.timer.setInterval(100)
    w.idle.poke()
    kiosk.qtbot.waitUntil(lambda: w.overlay.isVisible(), timeout=5000)
    assert_no_code(w.ready, code)
    w.overlay.still_here.click()
    assert not w.overlay.isVisible()
    assert w.ready.qr.isVisible() and w.ready.code.text() == code.matching_id
