"""The camera worker on the virtual camera, and its Qt adapter."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kiosk.scan import demo_camera
from kiosk.scan.camera import CameraState, CameraWorker, FolderSource, source_for
import itertools

IMEI = "358507311042123"


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_camera.render(tmp_path_factory.mktemp("cam") / "demo", [IMEI], frames=45)


def wait(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_footage_reads_back(footage: Path) -> None:
    assert demo_camera.verify(footage, [IMEI]) >= 10


def test_virtual_camera_detects_and_stops_within_a_second(footage: Path) -> None:
    accepted: list[list[str]] = []
    previews: list[np.ndarray] = []
    states: list[CameraState] = []
    worker = CameraWorker(FolderSource(footage, fps=30), on_accepted=accepted.append,
                          on_preview=previews.append, on_state=lambda s, m: states.append(s))
    worker.start()
    wait(lambda: accepted)
    assert accepted[0] == [IMEI]
    assert previews and previews[0].shape[1] == 640 and previews[0].dtype == np.uint8
    assert worker.frames_grabbed > 0 and worker.frames_decoded > 0
    started = time.monotonic()
    assert worker.stop() and time.monotonic() - started < 1.0
    assert not worker.running and CameraState.RUNNING in states


def test_missing_camera_is_a_state_not_a_crash() -> None:
    states: list[tuple[CameraState, str]] = []
    worker = CameraWorker(source_for("/nonexistent/camera"), reconnect_delay=0.05,
                          on_state=lambda s, m: states.append((s, m)))
    worker.start()
    wait(lambda: any(s is CameraState.NO_CAMERA for s, _ in states))
    message = next(m for s, m in states if s is CameraState.NO_CAMERA)
    assert "type the IMEI" in message
    started = time.monotonic()
    assert worker.stop() and time.monotonic() - started < 1.0


class FlakySource:
    """Delivers frames, then fails as if unplugged, then works again."""

    name = "flaky"

    def __init__(self) -> None:
        self.opens = 0
        self.reads = 0
        self.ended = False

    def open(self) -> bool:
        self.opens += 1
        return True

    def read(self) -> np.ndarray | None:
        self.reads += 1
        time.sleep(0.005)
        if self.reads % 20 == 0:
            return None  # unplugged
        return np.full((720, 1280, 3), 128, np.uint8)

    def close(self) -> None:
        pass


def test_unplugged_camera_reconnects() -> None:
    states: list[CameraState] = []
    source = FlakySource()
    worker = CameraWorker(source, reconnect_delay=0.05, on_state=lambda s, m: states.append(s))
    worker.start()
    wait(lambda: source.opens >= 3)
    worker.stop()
    assert CameraState.LOST in states and states.count(CameraState.RUNNING) >= 2


def test_video_end_restarts(footage: Path) -> None:
    states: list[CameraState] = []
    worker = CameraWorker(FolderSource(footage, fps=300), on_state=lambda s, m: states.append(s))
    worker.start()
    wait(lambda: states.count(CameraState.RUNNING) >= 2)
    worker.stop()
    assert CameraState.ENDED in states


def test_a_slow_decoder_only_ever_sees_the_newest_frame() -> None:
    seen: list[int] = []
    busy = threading.Lock()

    class Counting(FlakySource):
        def read(self) -> np.ndarray | None:
            self.reads += 1
            time.sleep(0.002)
            frame = np.zeros((72, 128, 3), np.uint8)
            frame[0, 0, 0] = self.reads % 256
            return frame

    def slow_decode(frame: np.ndarray) -> list:  # type: ignore[type-arg]
        with busy:
            seen.append(int(frame[0, 0, 0]))
            time.sleep(0.05)
        return []

    source = Counting()
    worker = CameraWorker(source, decode=slow_decode)
    worker.start()
    time.sleep(0.6)
    worker.stop()
    assert worker.frames_grabbed > 5 * max(1, worker.frames_decoded)  # most were dropped
    gaps = [b - a for a, b in itertools.pairwise(seen) if b > a]
    assert gaps and min(gaps) > 1  # it skipped to the newest, never worked through a backlog


def test_qt_adapter_signals(qtbot, footage: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    from kiosk.scan.qt_camera import QtCamera

    camera = QtCamera(FolderSource(footage, fps=30))
    previews: list[QImage] = []
    camera.preview_ready.connect(previews.append)
    with qtbot.waitSignal(camera.imeis_accepted, timeout=10_000) as blocker:
        camera.start()
    assert blocker.args == [[IMEI]]
    assert previews and previews[0].width() == 640 and not previews[0].isNull()
    assert camera.stop()


def test_a_frame_of_more_imeis_than_a_box_holds_is_never_accepted() -> None:
    """A printed sheet of IMEIs (or several boxes at once) is not one box: its IMEIs must not
    reach the flow, which would look each one up."""
    from kiosk.scan.decode_codes import Code

    sheet = ["358507311042123", "356938035643809", "352090170711993"]
    shown = {"imeis": sheet}
    accepted: list[list[str]] = []

    class Still(FlakySource):
        def read(self) -> np.ndarray | None:
            time.sleep(0.01)
            return np.zeros((72, 128, 3), np.uint8)

    def decode(frame: np.ndarray) -> list[Code]:
        return [Code(i, "CODE128", ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)))
                for i in shown["imeis"]]

    worker = CameraWorker(Still(), decode=decode, on_accepted=accepted.append)
    worker.start()
    wait(lambda: worker.frames_decoded >= 8)
    assert accepted == []
    shown["imeis"] = sheet[:2]  # the same kiosk, one dual-SIM box: accepted
    wait(lambda: bool(accepted))
    worker.stop()
    assert accepted == [sheet[:2]]
