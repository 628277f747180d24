"""The camera worker (no Qt): grab frames, always decode the newest, report codes and states.

Two threads: a grabber that reads the source as fast as it delivers and keeps only the newest
frame (a one-slot mailbox: nothing queues up), and a decoder that takes whatever is newest
and decodes it. No camera, a camera unplugged mid-session and a video that ended are states
with messages, followed by reconnect attempts; `stop()` ends both threads within a second.
A thin Qt adapter (`kiosk.scan.qt_camera`) turns the callbacks into signals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from kiosk.redact import printable
from kiosk.scan import MAX_IMEIS, imei_from_code
from kiosk.scan.agreement import ScanSession
from kiosk.scan.decode import Code, find_codes

log = logging.getLogger("kiosk.scan.camera")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
MAX_FRAME_BYTES = 50 * 1024 * 1024  # a folder frame larger than this is skipped, not read


def opencv_can_open(path: str) -> bool:
    """False for a file name OpenCV must never see: one that is not UTF-8 (a byte name that
    Python keeps as surrogate escapes) crashes cv2.VideoCapture/cv2.imread with SIGSEGV."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_image_file(path: Path) -> np.ndarray | None:
    """A regular image file decoded in Python bytes (any file name, bounded size), or None."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_FRAME_BYTES:
            return None
        data = np.fromfile(path, np.uint8)
        return cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except (OSError, ValueError, cv2.error):
        return None


class CameraState(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    NO_CAMERA = "no_camera"
    LOST = "lost"
    ENDED = "ended"
    STOPPED = "stopped"


MESSAGES = {
    CameraState.STARTING: "Starting the camera...",
    CameraState.RUNNING: "Hold the barcode on the box to the camera.",
    CameraState.NO_CAMERA: "No camera found. Trying again... You can also type the IMEI.",
    CameraState.LOST: "The camera stopped responding. Reconnecting...",
    CameraState.ENDED: "The demo video ended. Starting it again...",
    CameraState.STOPPED: "The camera is off.",
}


class FrameSource(Protocol):
    name: str

    def open(self) -> bool: ...

    def read(self) -> np.ndarray | None:
        """The next frame (BGR), or None when the source failed or ended."""

    @property
    def ended(self) -> bool:
        """True when the last None meant "end of file" rather than "failure"."""

    def close(self) -> None: ...


class CaptureSource:
    """An OpenCV VideoCapture: a device index or a video file."""

    def __init__(self, target: int | str, width: int = 1280, height: int = 720,
                 fps: float | None = None) -> None:
        self.target = target
        self.name = f"camera {target}" if isinstance(target, int) else Path(target).name
        self.width, self.height = width, height
        self._fps = fps
        self._cap: cv2.VideoCapture | None = None
        self._is_file = not isinstance(target, int)
        self._next = 0.0
        self.ended = False

    def open(self) -> bool:
        self.close()
        if isinstance(self.target, str) and not opencv_can_open(self.target):
            return False
        cap = cv2.VideoCapture(self.target)
        if not cap.isOpened():
            cap.release()
            return False
        if not self._is_file:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        elif self._fps is None:
            self._fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        self._cap, self.ended, self._next = cap, False, time.monotonic()
        return True

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        if self._is_file and self._fps:  # a file plays at its own pace, like a camera
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next = max(self._next + 1.0 / self._fps, time.monotonic() - 0.5)
        ok, frame = self._cap.read()
        if not ok or frame is None:
            self.ended = self._is_file
            return None
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class FolderSource:
    """The virtual camera: a folder of images played in name order at `fps`, then "ended".

    Decoded frames are kept up to `CACHE_BYTES` (the demo's 91 frames of 1280x720 would be
    250 MB; the rest is decoded again on each loop, a few ms a frame).
    """

    CACHE_BYTES = 64 * 1024 * 1024

    def __init__(self, folder: str | Path, fps: float = 30.0) -> None:
        self.folder = Path(folder)
        self.name = f"images in {self.folder.name}"
        self.fps = fps
        self._files: list[Path] = []
        self._index = 0
        self._next = 0.0
        self._cache: dict[Path, np.ndarray] = {}
        self._cached_bytes = 0
        self.ended = False

    def open(self) -> bool:
        if not self.folder.is_dir():
            return False
        try:
            self._files = sorted(p for p in self.folder.iterdir()
                                 if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        except OSError:  # unreadable folder: no camera, not a crash
            self._files = []
        self._index, self.ended, self._next = 0, False, time.monotonic()
        return bool(self._files)

    def read(self) -> np.ndarray | None:
        if self._index >= len(self._files):
            self.ended = True
            return None
        delay = self._next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._next = max(self._next + 1.0 / self.fps, time.monotonic() - 0.5)
        while self._index < len(self._files):  # an unreadable file is skipped, not "lost"
            path = self._files[self._index]
            self._index += 1
            frame = self._cache.get(path)
            if frame is None:
                frame = read_image_file(path)  # never cv2.imread: a non-UTF-8 name crashes it
                if frame is None:
                    continue
                if self._cached_bytes + frame.nbytes <= self.CACHE_BYTES:
                    self._cache[path] = frame  # a short demo loop stays decoded
                    self._cached_bytes += frame.nbytes
            return frame.copy()
        self.ended = True
        return None

    def close(self) -> None:
        self._files = []


def source_for(spec: str | int, fps: float = 30.0) -> FrameSource:
    """A device index (`0`), a video file, or a folder of images."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CaptureSource(int(spec))
    path = Path(spec)
    if path.is_dir():
        return FolderSource(path, fps)
    return CaptureSource(str(path))


@dataclass(frozen=True)
class Detection:
    """What one decoded frame showed: every code, and the IMEIs among them."""

    codes: tuple[Code, ...]
    imeis: tuple[str, ...]
    frame_size: tuple[int, int]  # width, height of the decoded frame
    decode_ms: float


def _find_imei_codes(frame: np.ndarray) -> list[Code]:
    """The worker's decoder: every code, up to the second IMEI (a phone has two at most)."""
    return find_codes(frame, imeis_enough=MAX_IMEIS)


class CameraWorker:
    """Runs a FrameSource in background threads; all callbacks come from those threads."""

    def __init__(
        self,
        source: FrameSource,
        *,
        on_state: Callable[[CameraState, str], None] = lambda s, m: None,
        on_preview: Callable[[np.ndarray], None] = lambda f: None,
        on_detection: Callable[[Detection], None] = lambda d: None,
        on_accepted: Callable[[list[str]], None] = lambda imeis: None,
        decode: Callable[[np.ndarray], Sequence[Code]] = _find_imei_codes,
        session: ScanSession | None = None,
        preview_width: int = 640,
        preview_fps: float = 15.0,
        reconnect_delay: float = 2.0,
    ) -> None:
        self.source = source
        self._on_state, self._on_preview = on_state, on_preview
        self._on_detection, self._on_accepted = on_detection, on_accepted
        self._decode = decode
        self.session = session or ScanSession()
        self.preview_width, self.preview_interval = preview_width, 1.0 / preview_fps
        self.reconnect_delay = reconnect_delay
        self._abort = threading.Event()
        self._slot_lock = threading.Lock()
        self._slot: np.ndarray | None = None
        self._fresh = threading.Event()
        self._threads: list[threading.Thread] = []
        self.state = CameraState.STOPPED
        self._logged: CameraState | None = None  # the last state logged at INFO
        self._failing = False  # in a streak of failed opens/reads, logged once at its start
        self.frames_grabbed = 0
        self.frames_decoded = 0

    # -- control ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            return
        self._abort.clear()
        self._threads = [threading.Thread(target=self._grab_loop, name="camera-grab", daemon=True),
                         threading.Thread(target=self._decode_loop, name="camera-decode",
                                          daemon=True)]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 1.0) -> bool:
        """Ask both threads to end and wait for them; True if they did within `timeout`."""
        self._abort.set()
        self._fresh.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        done = not any(t.is_alive() for t in self._threads)
        self._threads = []
        self._set_state(CameraState.STOPPED)
        return done

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    # -- threads ---------------------------------------------------------------------------------

    def _set_state(self, state: CameraState) -> None:
        if state != self.state:
            previous, self.state = self.state, state
            self._log_state(previous, state)
            self._on_state(state, MESSAGES[state])

    def _log_state(self, previous: CameraState, state: CameraState) -> None:
        """INFO for news only: a looping demo/folder/video (ended, running again) and every
        retry of a failing camera are DEBUG, so a kiosk left a day logs a handful of lines."""
        trouble = state in (CameraState.NO_CAMERA, CameraState.LOST)
        routine = (state is CameraState.ENDED
                   or (previous is CameraState.ENDED and state is CameraState.RUNNING)
                   or (self._failing and state is not CameraState.STOPPED)
                   or state == self._logged)
        name = printable(self.source.name)  # a folder or file name: from outside
        if routine:
            log.debug("camera %s: %s", name, state.value)
            return
        self._failing = trouble
        self._logged = state
        log.info("camera %s: %s%s", name, state.value,
                 " (retrying quietly until it works)" if trouble else "")

    def _frame_arrived(self) -> None:
        if self._failing:  # the end of a failure streak is news
            self._failing = False
            self._logged = CameraState.RUNNING
            log.info("camera %s: running again", printable(self.source.name))

    def _grab_loop(self) -> None:
        self._set_state(CameraState.STARTING)
        last_preview = 0.0
        while not self._abort.is_set():
            if not self.source.open():
                self._set_state(CameraState.NO_CAMERA)
                self._abort.wait(self.reconnect_delay)
                continue
            self._set_state(CameraState.RUNNING)
            while not self._abort.is_set():
                frame = self.source.read()
                if frame is None:
                    self._set_state(CameraState.ENDED if self.source.ended else CameraState.LOST)
                    break
                self.frames_grabbed += 1
                if self._failing:
                    self._frame_arrived()
                with self._slot_lock:  # newest wins: an undecoded older frame is dropped
                    self._slot = frame
                self._fresh.set()
                now = time.monotonic()
                if now - last_preview >= self.preview_interval:
                    last_preview = now
                    self._on_preview(self._preview(frame))
            self.source.close()
            if not self._abort.is_set():
                self._abort.wait(0.2 if self.state == CameraState.ENDED else self.reconnect_delay)
        self.source.close()

    def _preview(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        if w <= self.preview_width:
            return frame.copy()
        size = (self.preview_width, int(h * self.preview_width / w))
        return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)

    def _decode_loop(self) -> None:
        while not self._abort.is_set():
            if not self._fresh.wait(0.25):
                continue
            with self._slot_lock:
                frame, self._slot = self._slot, None
                self._fresh.clear()
            if frame is None or self._abort.is_set():
                continue
            started = time.perf_counter()
            try:
                codes = tuple(self._decode(frame))
            except Exception:  # a decoder bug must not kill the camera
                log.exception("decoding a frame failed")
                continue
            took = (time.perf_counter() - started) * 1000
            self.frames_decoded += 1
            imeis = tuple(i for i in (imei_from_code(c.text) for c in codes) if i)
            self._on_detection(Detection(codes, imeis, (frame.shape[1], frame.shape[0]), took))
            distinct = list(dict.fromkeys(imeis))
            # A phone box shows two IMEIs at most: a frame of more (a printed sheet, several
            # boxes) is not one box, and none of them counts towards an answer.
            accepted = self.session.feed(distinct if len(distinct) <= MAX_IMEIS else [])
            if accepted:
                self._on_accepted(accepted)


def detect_cameras(limit: int = 8) -> list[str]:
    """Video devices this machine has (Linux: /dev/video*), as indices for `source_for`."""
    from pathlib import Path as _Path

    found = []
    for n in range(limit):
        if _Path(f"/dev/video{n}").exists():
            found.append(str(n))
    return found
