"""`kiosk scan`: read IMEIs from an image, a camera, a video, a folder, or the demo footage.

Quiet on success (the IMEIs, or the codes of an image, on stdout), one line on stderr when
something is wrong, never a traceback. OpenCV never sees a file name: an image is opened,
checked and read here, bounded, and decoded from its bytes (cv2.imread of a name that is not
UTF-8 crashes with SIGSEGV); a decompression bomb is refused by the pixel limit.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import math
import os
import stat
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from kiosk.cli.common import EXIT_INVALID, EXIT_NOT_FOUND, EXIT_OK, CliError
from kiosk.redact import printable

if TYPE_CHECKING:
    import numpy as np

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 100_000_000  # 100 megapixels: 300 MB once decoded to BGR
MAX_SECONDS = 24 * 3600.0
MAX_BUDGET_MS = 10_000.0


def _opencv() -> Any:
    """cv2, with its limits and its logging set before it loads: the pixel limit is read
    once, when OpenCV is loaded (verified: setting it later has no effect), and its
    `[ WARN:...]` lines (no camera at index 0, a truncated PNG) are not for our stderr
    (verified with this OpenCV build: the environment variables, and the call after import
    in case cv2 was loaded earlier)."""
    if "cv2" not in sys.modules:
        os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_IMAGE_PIXELS))
        os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "8")  # FFmpeg's own "[png @ 0x..]"
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    return cv2


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 for a moment: libpng writes "libpng error: ..." to it itself,
    whatever OpenCV's log level. Only around single-threaded decoding in this command."""
    if sys.stderr is not None:
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _megabytes(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


def read_image_bytes(path: str) -> bytes:
    """The bytes of a regular image file, at most MAX_IMAGE_BYTES, or a one-line CliError."""
    shown = printable(path)
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        reason = {errno.ENOENT: "no such file", errno.EACCES: "permission denied",
                  errno.ENXIO: "not a regular file (a socket?)",
                  errno.ENOTDIR: "no such file"}.get(exc.errno or 0)
        raise CliError(f"cannot read the image {shown}: "
                       f"{reason or (exc.strerror or str(exc)).lower()}", EXIT_INVALID) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise CliError(f"{shown} is a folder, not an image (use --camera for a folder)",
                           EXIT_INVALID)
        if not stat.S_ISREG(info.st_mode):
            raise CliError(f"{shown} is not a regular file (a device, FIFO or socket)",
                           EXIT_INVALID)
        if info.st_size > MAX_IMAGE_BYTES:
            raise CliError(f"{shown} is larger than the {_megabytes(MAX_IMAGE_BYTES)} limit "
                           "for an image", EXIT_INVALID)
        chunks, size = [], 0
        while size <= MAX_IMAGE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_IMAGE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise CliError(f"cannot read the image {shown}: "
                       f"{(exc.strerror or str(exc)).lower()}", EXIT_INVALID) from None
    finally:
        os.close(fd)
    if size > MAX_IMAGE_BYTES:  # it grew while we read
        raise CliError(f"{shown} is larger than the {_megabytes(MAX_IMAGE_BYTES)} limit "
                       "for an image", EXIT_INVALID)
    if not size:
        raise CliError(f"{shown} is empty, not an image", EXIT_INVALID)
    return b"".join(chunks)


def header_pixels(data: bytes) -> int | None:
    """Width x height a PNG or JPEG claims in its header (None: another format or unknown).
    A second guard beside OpenCV's own limit, which only applies if set before cv2 loaded."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width) * int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return int(width) * int(height)
            i += 2 + length
    return None


def decode_image(data: bytes, path: str) -> np.ndarray:
    cv2 = _opencv()
    import numpy as np

    shown = printable(path)
    too_big = CliError(f"{shown} is larger than the {MAX_IMAGE_PIXELS // 1_000_000}-megapixel "
                       "limit for an image", EXIT_INVALID)
    pixels = header_pixels(data)
    if pixels is not None and pixels > MAX_IMAGE_PIXELS:
        raise too_big
    try:
        with _quiet_stderr():
            frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as exc:
        if "MAX_IMAGE_PIXELS" in str(exc):
            raise too_big from None
        frame = None
    if frame is None or frame.size == 0:
        raise CliError(f"{shown} is not an image OpenCV can read (or it is truncated)",
                       EXIT_INVALID)
    result: np.ndarray = frame
    return result


def scan_image(args: argparse.Namespace) -> int:
    from kiosk.scan import find_codes, imei_from_code

    frame = decode_image(read_image_bytes(args.image), args.image)
    codes = find_codes(frame, budget_ms=args.budget)
    imeis = [i for i in dict.fromkeys(imei_from_code(c.text) for c in codes) if i]
    if args.json:
        print(json.dumps({"imeis": imeis, "codes": [
            {"text": printable(c.text, limit=1000), "symbology": c.symbology,
             "polygon": c.polygon}
            for c in codes]}))
    else:
        for code in codes:
            mark = "IMEI" if imei_from_code(code.text) else "    "
            print(f"{mark} {printable(code.symbology):<8} {printable(code.text, limit=1000)}")
    sys.stdout.flush()
    if not codes:
        raise CliError(f"no barcode found in {printable(args.image)}", EXIT_NOT_FOUND)
    if not imeis:
        count = "the code" if len(codes) == 1 else f"the {len(codes)} codes"
        raise CliError(f"no IMEI among {count} in {printable(args.image)}", EXIT_NOT_FOUND)
    return EXIT_OK


def check_camera_spec(spec: str) -> str:
    """What kind of source `spec` is ("device", "folder", "video"), or a one-line CliError
    for a path that cannot be one (checked here, before any OpenCV call sees it)."""
    from kiosk.scan.camera import IMAGE_SUFFIXES, opencv_can_open

    if spec.isdigit():
        return "device"
    shown = printable(spec)
    try:
        info = os.stat(spec)
    except OSError as exc:
        reason = "no such file or folder" if exc.errno in (errno.ENOENT, errno.ENOTDIR) else (
            exc.strerror or str(exc)).lower()
        raise CliError(f"cannot open the camera source {shown}: {reason}", EXIT_INVALID) from None
    if stat.S_ISDIR(info.st_mode):
        try:
            names = os.listdir(spec)
        except OSError as exc:
            raise CliError(f"cannot read the folder {shown}: "
                           f"{(exc.strerror or str(exc)).lower()}", EXIT_INVALID) from None
        if not any(os.path.splitext(n)[1].lower() in IMAGE_SUFFIXES for n in names):
            raise CliError(f"no images in the folder {shown} "
                           f"(expected {', '.join(IMAGE_SUFFIXES)})", EXIT_INVALID)
        return "folder"
    if not stat.S_ISREG(info.st_mode):
        raise CliError(f"{shown} is not a video file, a folder or a camera index", EXIT_INVALID)
    if not opencv_can_open(spec):  # a folder is read in Python; a video by OpenCV
        raise CliError(f"cannot open the video {shown}: OpenCV cannot open a file name that "
                       "is not UTF-8 (rename it)", EXIT_INVALID)
    return "video"


def scan_camera(args: argparse.Namespace) -> int:
    _opencv()
    from kiosk.scan.camera import CameraState, CameraWorker, source_for

    spec: str = args.camera
    if spec == "demo":
        from kiosk.sandbox.seed import DEMO_IMEIS
        from kiosk.scan import demo_camera

        spec = str(demo_camera.ensure([DEMO_IMEIS["esim"]]))
    kind = check_camera_spec(spec)
    if args.verbose == 1:  # the [camera] lines below say what its INFO log lines would
        logging.getLogger("kiosk.scan.camera").setLevel(logging.WARNING)
    accepted: list[str] = []
    seen_states: set[CameraState] = set()
    done, failed = threading.Event(), threading.Event()
    source = source_for(spec)

    def on_state(state: CameraState, message: str) -> None:
        # Never opened, or opened and gave no frame: give up now (the GUI keeps retrying).
        if (state in (CameraState.NO_CAMERA, CameraState.LOST, CameraState.ENDED)
                and not worker.frames_grabbed):
            failed.set()
            done.set()
        quiet = args.verbose < 1 and state is not CameraState.LOST
        if state not in seen_states and not quiet and not failed.is_set():
            print(f"[camera] {printable(source.name)}: {state.value}", file=sys.stderr, flush=True)
        seen_states.add(state)

    def on_accepted(imeis: list[str]) -> None:
        for imei in imeis:
            print(imei, flush=True)
        accepted.extend(imeis)
        if args.once:
            done.set()

    worker = CameraWorker(source, on_state=on_state, on_accepted=on_accepted)
    worker.start()
    try:
        done.wait(args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
    if failed.is_set():
        shown = printable(spec)
        opened = CameraState.RUNNING in seen_states
        raise CliError({
            "device": f"the camera at index {shown} gives no picture" if opened else
                      f"no camera at index {shown} (is it plugged in? ls /dev/video*)",
            "folder": f"cannot read the images in the folder {shown}",
            "video": f"cannot open the video {shown} (not a video OpenCV can read?)",
        }[kind], EXIT_INVALID)
    if args.verbose:
        print(f"[camera] {worker.frames_grabbed} frames, {worker.frames_decoded} decoded in "
              f"{'less than ' if done.is_set() else ''}{args.seconds:g} s", file=sys.stderr)
    if not accepted:
        print(f"no IMEI seen in {args.seconds:g} s from {printable(source.name)}",
              file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


def scan(args: argparse.Namespace) -> int:
    if args.image is not None:
        return scan_image(args)
    return scan_camera(args)


def _bounded(name: str, low: float, high: float, unit: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low < value <= high):
            raise argparse.ArgumentTypeError(
                f"{name} must be a number of {unit} above {low:g} and at most {high:g}, "
                f"not {printable(text, limit=40)}")
        return value
    return parse


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("scan", help="read IMEI barcodes from an image or a camera")
    p.add_argument("--image", help="decode one image file and list every code in it")
    p.add_argument("--camera", default="demo",
                   help="a device index (0), a video file, a folder of images, or demo")
    p.add_argument("--seconds", type=_bounded("--seconds", 0, MAX_SECONDS, "seconds"),
                   default=30.0, help="how long to watch the camera (default 30)")
    p.add_argument("--once", action="store_true", help="stop at the first accepted IMEI(s)")
    p.add_argument("--budget", type=_bounded("--budget", 0, MAX_BUDGET_MS, "milliseconds"),
                   default=300.0, help="a safety net on one image's decoding, in CPU ms (at "
                   "least 300): the work itself is counted in steps, so the same image gives "
                   "the same answer on a slow or busy machine")
    p.add_argument("--json", action="store_true")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="camera states and a frame count on stderr")
