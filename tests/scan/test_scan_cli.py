"""`kiosk scan` as a user runs it: a subprocess, one line on stderr, documented exit codes.

Every case: the exit code is the documented one and not a signal (a negative return code);
stderr is exactly one line (none on success), never a traceback, never an OpenCV `[ WARN`.
"""

from __future__ import annotations

import argparse
import logging
import os
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.cli.common import CliError

from kiosk.scan import code128
from kiosk.scan.camera import CameraState, CameraWorker, FolderSource
from kiosk.scan.decode import Code

REPO = Path(__file__).resolve().parents[2]
IMEI = "358507311042123"
ESC_CODE = "AB\x1b[2JCD"


def run(*args: str | bytes, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    argv: list[bytes] = [os.fsencode(sys.executable), b"-m", b"kiosk", b"scan"]
    argv += [os.fsencode(a) if isinstance(a, str) else a for a in args]
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, timeout=timeout)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming width x height, with a few hundred bytes of pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 100_000, 9)) + chunk(b"IEND", b""))


def bomb_bmp(width: int, height: int) -> bytes:
    """A BMP header claiming a huge size, a format the command does not parse itself (this
    OpenCV refuses it as short of data before its pixel limit, which is tested below)."""
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + 64, 0, 0, 14 + 40) + info + b"\0" * 64


def code128_set_a(text: str, module_px: int = 3, height_px: int = 120) -> np.ndarray:
    """Code 128 in code set A, which carries ASCII controls (kiosk.scan.code128 renders
    sets B and C only: printable ASCII)."""
    values = [103]  # start A
    values += [ord(ch) + 64 if ord(ch) < 32 else ord(ch) - 32 for ch in text]
    values.append((values[0] + sum(i * v for i, v in enumerate(values[1:], 1))) % 103)
    line = np.where(code128.pattern(values) == 1, 0, 255).astype(np.uint8)
    return np.repeat(np.tile(line, (height_px, 1)), module_px, axis=1)


def on_white(code: np.ndarray) -> np.ndarray:
    page = np.full((code.shape[0] + 200, code.shape[1] + 200), 255, np.uint8)
    page[100:100 + code.shape[0], 100:100 + code.shape[1]] = code
    return cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)


def png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    assert ok
    return data.tobytes()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("scan")
    (d / "empty.png").write_bytes(b"")
    (d / "text.png").write_text("not an image at all\n")
    white = png(np.full((200, 300, 3), 255, np.uint8))
    (d / "truncated.png").write_bytes(png(on_white(code128.render(IMEI)))[:400])
    (d / "white.png").write_bytes(white)
    with open(d / "sparse.png", "wb") as f:
        f.truncate(60 * 1024 * 1024)
    (d / "bomb.png").write_bytes(bomb_png(60000, 60000))
    (d / "bomb.bmp").write_bytes(bomb_bmp(20000, 20000))  # 400 Mpx: under OpenCV's default
    (d / "esc.png").write_bytes(png(on_white(code128_set_a(ESC_CODE))))
    (d / "imei.png").write_bytes(png(on_white(code128.render(IMEI))))
    os.mkfifo(d / "fifo.png")  # opening it for reading must not wait for a writer
    (d / "noimages").mkdir()
    (d / "noimages" / "notes.txt").write_text("x")
    return d


@dataclass(frozen=True)
class Case:
    name: str
    args: Callable[[Path], list[str | bytes]]
    code: int
    stderr: str  # a fragment of the one line
    stdout: Callable[[bytes], bool] = lambda out: out == b""


CASES = [
    Case("non-utf8-name", lambda d: ["--image", b"\xff"], 2, "\\xff: no such file"),
    Case("non-utf8-existing", lambda d: ["--image", bytes(d) + b"/\xff.png"], 2, "no such file"),
    Case("directory", lambda d: ["--image", str(d)], 2, "is a folder"),
    Case("dev-zero", lambda d: ["--image", "/dev/zero"], 2, "not a regular file"),
    Case("fifo", lambda d: ["--image", str(d / "fifo.png")], 2, "not a regular file"),
    Case("missing", lambda d: ["--image", str(d / "missing.png")], 2, "no such file"),
    Case("empty", lambda d: ["--image", str(d / "empty.png")], 2, "is empty"),
    Case("text", lambda d: ["--image", str(d / "text.png")], 2, "not an image OpenCV can read"),
    Case("truncated", lambda d: ["--image", str(d / "truncated.png")], 2, "not an image"),
    Case("sparse-60mb", lambda d: ["--image", str(d / "sparse.png")], 2, "50 MB limit"),
    Case("png-bomb", lambda d: ["--image", str(d / "bomb.png")], 2, "100-megapixel limit"),
    Case("bmp-bomb", lambda d: ["--image", str(d / "bomb.bmp")], 2, "bomb.bmp"),  # refused
    Case("no-barcode", lambda d: ["--image", str(d / "white.png")], 3, "no barcode found in"),
    Case("esc-code", lambda d: ["--image", str(d / "esc.png")], 3, "no IMEI among the code in",
         lambda out: b"\x1b" not in out and b"AB" in out and b"CD" in out),
    Case("imei", lambda d: ["--image", str(d / "imei.png")], 0, "",
         lambda out: out.split()[-1] == IMEI.encode() and out.startswith(b"IMEI")),
    Case("imei-json", lambda d: ["--image", str(d / "imei.png"), "--json"], 0, "",
         lambda out: b'"imeis": ["358507311042123"]' in out),
    Case("camera-missing-folder", lambda d: ["--camera", "/nonexistent/folder"], 2,
         "no such file or folder"),
    Case("camera-folder-no-images", lambda d: ["--camera", str(d / "noimages")], 2, "no images"),
    Case("camera-not-a-video", lambda d: ["--camera", str(d / "text.png"), "--seconds", "5"], 2,
         "cannot open the video"),
    Case("camera-non-utf8", lambda d: ["--camera", b"/nonexistent/\xff"], 2, "\\xff"),
    Case("seconds-nan", lambda d: ["--seconds", "nan"], 2, "--seconds must be"),
    Case("seconds-negative", lambda d: ["--seconds", "-1"], 2, "--seconds must be"),
    Case("budget-inf", lambda d: ["--image", "x.png", "--budget", "inf"], 2, "--budget must be"),
]


def check(result: subprocess.CompletedProcess[bytes], case: Case) -> None:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode >= 0, f"killed by signal {-result.returncode}: {err}"
    assert result.returncode == case.code, (result.returncode, err, result.stdout)
    assert "Traceback" not in err and "[ WARN" not in err and "libpng" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    if case.name.startswith(("seconds-", "budget-")):  # argparse: usage, then the error
        lines = [line for line in lines if not line.startswith(("usage:", " "))]
    if case.code == 0:
        assert lines == [], err
    else:
        assert len(lines) == 1 and case.stderr in lines[0], err
    assert case.stdout(result.stdout), result.stdout


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_scan_command(case: Case, files: Path) -> None:
    check(run(*case.args(files)), case)


def test_no_camera_is_one_line_at_once() -> None:
    if Path("/dev/video0").exists():
        pytest.skip("this machine has a camera at index 0")
    started = time.monotonic()
    result = run("--camera", "0", "--seconds", "30")
    assert time.monotonic() - started < 5
    check(result, Case("camera-0", lambda d: [], 2, "no camera at index 0"))


def test_control_characters_in_a_code_are_not_printed(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str],
                                                      files: Path) -> None:
    """zxing-cpp already shows ESC as <ESC>; the pyzbar backend hands it over raw."""
    import kiosk.scan
    from kiosk.cli import scan

    fake = [Code(ESC_CODE, "CODE128", ((0.0, 0.0),) * 4, "frame")]
    monkeypatch.setattr(kiosk.scan, "find_codes", lambda frame, budget_ms: fake)
    for as_json in (False, True):
        args = argparse.Namespace(image=str(files / "white.png"), budget=25.0, json=as_json)
        with pytest.raises(CliError) as info:
            scan.scan(args)
        out, _ = capsys.readouterr()
        assert "\x1b" not in out and "AB" in out and out.isascii()
        assert info.value.code == 3
        assert str(info.value) == f"no IMEI among the code in {files / 'white.png'}"


def test_opencv_pixel_limit_is_in_force() -> None:
    """The limit only works if set before cv2 loads: check it in a fresh process."""
    code = ("from kiosk.cli import scan; cv2 = scan._opencv(); import numpy as np\n"
            "from tests.scan.test_scan_cli import bomb_png\n"
            "try:\n cv2.imdecode(np.frombuffer(bomb_png(20000, 20000), np.uint8), 1)\n"
            "except cv2.error as e: print('refused' if 'MAX_IMAGE_PIXELS' in str(e) else e)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            timeout=60, text=True)
    assert result.stdout.strip() == "refused", result.stderr


def test_a_looping_folder_logs_a_couple_of_info_lines(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    footage = tmp_path / "loop"
    footage.mkdir()
    for n in range(4):
        (footage / f"frame-{n}.png").write_bytes(png(np.full((72, 128, 3), n * 60, np.uint8)))
    states: list[CameraState] = []
    worker = CameraWorker(FolderSource(footage, fps=400), on_state=lambda s, m: states.append(s),
                          decode=lambda frame: [])
    with caplog.at_level(logging.DEBUG, logger="kiosk.scan.camera"):
        worker.start()
        end = time.monotonic() + 10
        while states.count(CameraState.RUNNING) < 5 and time.monotonic() < end:
            time.sleep(0.01)
        worker.stop()
    assert states.count(CameraState.ENDED) >= 4  # it did loop
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert info == [f"camera {worker.source.name}: {s}" for s in ("starting", "running", "stopped")]


def test_a_failing_camera_logs_once_per_streak(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        name, ended, opens = "broken", False, 0

        def open(self) -> bool:
            self.opens += 1
            return self.opens % 2 == 0  # opens every other time, then fails to read

        def read(self) -> np.ndarray | None:
            return None

        def close(self) -> None:
            pass

    source = Broken()
    worker = CameraWorker(source, reconnect_delay=0.01)
    with caplog.at_level(logging.DEBUG, logger="kiosk.scan.camera"):
        worker.start()
        end = time.monotonic() + 10
        while source.opens < 12 and time.monotonic() < end:
            time.sleep(0.01)
        worker.stop()
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len(info) == 3, info  # starting, no_camera (once), stopped
    assert "no_camera" in info[1]
