"""Every command with every bad input the issue lists: one line on stderr, the documented exit
code, no traceback, no signal, within a memory limit (issue 14).

Run as a user would (`python -m kiosk ...` in a subprocess), in the in-process sandbox unless a
case points GIGS_API_URL at a hostile server started here.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.sandbox.seed import DEMO_IMEIS, PLAN_IDS

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
MEMORY_LIMIT = 3 << 30  # address space: a read that grows without bound dies, not the machine
FF = os.fsdecode(b"\xff")  # a path that is not UTF-8
TOKEN = "sk_live_Hostile0123456789"
IMEI = DEMO_IMEIS["esim"]
PLAN = PLAN_IDS["travel"]
CUSTOMER = ["--email", "bad@example.com", "--name", "Bad Input"]


class Hostile(BaseHTTPRequestHandler):
    """An API that answers every request with what `self.server.mode` says."""

    def _answer(self) -> None:
        mode = self.server.mode  # type: ignore[attr-defined]
        if mode == "nested":
            status, body = 200, b"[" * 100_000 + b"]" * 100_000
        else:  # an error that repeats the request: the key, the IMEI, an escape sequence
            status = 422
            body = (b'{"object":"error","type":"invalidRequest","message":"bad request '
                    b'Authorization: Bearer ' + TOKEN.encode() + b" key " + TOKEN.encode()
                    + b" imei " + IMEI.encode()
                    + b' \\u001b[2J\\u001b]0;pwned\\u0007"}')
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[dict[str, str]]:
    urls = {}
    servers = []
    for mode in ("nested", "echo"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
        server.mode = mode  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[mode] = f"http://127.0.0.1:{server.server_address[1]}"
    yield urls
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("bad")
    (d / "malformed.toml").write_text("[kiosk\nidle_seconds = ")
    (d / "binary.toml").write_bytes(bytes(range(256)) * 8)
    (d / "nan.toml").write_text("[kiosk]\nidle_seconds = nan\n")
    (d / "huge.toml").write_text("[kiosk]\nidle_seconds = 1e12\n")
    (d / "zero.toml").write_text("[kiosk]\nidle_seconds = 0\n")
    (d / "section.toml").write_text("kiosk = 5\n")
    (d / "latin1.txt").write_bytes("Gerät\n".encode("latin-1"))
    (d / "good.txt").write_text(f"{IMEI}\n")
    (d / "failing.txt").write_text(f"{DEMO_IMEIS['active']}\n{DEMO_IMEIS['psim']}\n")
    (d / "white.png").write_bytes(_white_png())
    os.mkfifo(d / "fifo")  # nobody reads it: writing there must not hang
    return {p.name: str(p) for p in d.iterdir()} | {"dir": str(d), "journal": str(d / "j.sqlite3")}


def _white_png() -> bytes:
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        import struct

        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    import struct

    raw = b"".join(b"\x00" + b"\xff" * 64 for _ in range(64))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# (id, argv, env, exit code). {name} in argv is a file from `files`, {nested}/{echo} a server.
CASES = [
    # the parser: flags and values
    ("unknown flag", ["--no-sound", "--pin", "1234", "--bogus"], {}, 2),
    ("unknown command", ["frob"], {}, 2),
    ("gui mode", ["gui", "--mode", "shop"], {}, 2),
    ("idle nan", ["--idle-seconds", "nan"], {}, 2),
    ("idle zero", ["--demo", "--idle-seconds", "0"], {}, 2),
    ("sim type", ["plans", "--sim-type", "x"], {}, 2),
    ("port", ["sandbox", "--port", "99999"], {}, 2),
    ("latency nan", ["sandbox", "--latency-ms", "nan"], {}, 2),
    ("fault", ["sandbox", "--fault", "zzz"], {}, 2),
    ("deadline inf", ["activate", IMEI, "--plan", PLAN, "--deadline", "inf"], {}, 2),
    ("journal deadline", ["journal", "--deadline", "-1"], {}, 2),
    ("plan escape", ["activate", IMEI, "--plan", "pln\x1b[2J"], {}, 2),
    ("email huge", ["activate", IMEI, "--plan", PLAN, "--email", "a" * 100_000], {}, 2),
    ("sandbox url", ["doctor", "--sandbox-url", "notaurl"], {}, 2),
    # IMEIs
    ("imei not utf-8", ["lookup", FF], {}, 2),
    ("imei arabic-indic", ["lookup", "٣٥٨٥٠٧٣١١٠٤٢١٢٣٤"], {}, 2),
    ("imei full-width", ["lookup", "３５８５０７３１１０４２１２３"], {}, 2),
    ("imei devanagari", ["lookup", "३५८५०७३११०४२१२३"], {}, 2),
    ("imei superscript", ["lookup", "³⁵⁸⁵⁰⁷³¹¹⁰⁴²¹²³"], {}, 2),
    ("imei check digit", ["lookup", IMEI[:-1] + str((int(IMEI[-1]) + 1) % 10)], {}, 2),
    ("imei huge", ["lookup", "9" * 100_000], {}, 2),  # near the 128 KiB a single argument may have
    ("three imeis", ["lookup", IMEI, IMEI, IMEI], {}, 2),
    # results that are not success
    ("not registered", ["lookup", DEMO_IMEIS["unregistered_psim"]], {}, 3),
    ("already subscribed", ["activate", DEMO_IMEIS["active"], "--plan", PLAN, *CUSTOMER], {}, 7),
    # config and environment
    ("config malformed", ["--demo", "--config", "{malformed.toml}"], {}, 2),
    ("config binary", ["--demo", "--config", "{binary.toml}"], {}, 2),
    ("config nan", ["--demo", "--config", "{nan.toml}"], {}, 2),
    ("config 1e12", ["--demo", "--config", "{huge.toml}"], {}, 2),
    ("config zero", ["--demo", "--config", "{zero.toml}"], {}, 2),
    ("config section", ["--demo", "--config", "{section.toml}"], {}, 2),
    ("config dev zero", ["--demo"], {"KIOSK_CONFIG": "/dev/zero"}, 2),
    ("config a folder", ["--demo", "--config", "{dir}"], {}, 2),
    ("env idle abc", ["--demo"], {"KIOSK_IDLE_SECONDS": "abc"}, 2),
    ("env api url", ["plans"], {"GIGS_API_URL": "garbage"}, 2),
    ("env token", ["plans"], {"GIGS_TOKEN": "a b\nc"}, 2),
    ("env keys", ["plans"], {"GIGS_IDEMPOTENCY_KEYS": "maybe"}, 2),
    ("env project", ["plans"], {"GIGS_PROJECT": "\x1b[2J"}, 2),
    ("journal dev zero", ["journal"], {"KIOSK_JOURNAL": "/dev/zero"}, 1),
    ("journal not sqlite", ["journal", "--journal", "{good.txt}"], {}, 1),
    ("env payment method", ["activate", IMEI, "--plan", PLAN, *CUSTOMER],
     {"KIOSK_PAYMENT_METHOD": "pm_\x1b]0;x\x07"}, 2),
    ("payment method path", ["activate", IMEI, "--plan", PLAN, "--payment-method", "../x"], {}, 2),
    ("journal no folder", ["journal", "--journal", "/nonexistent/j.sqlite3"], {}, 2),
    ("journal escape", ["journal"], {"KIOSK_JOURNAL": "/tmp/\x1b]0;x"}, 2),
    ("export over journal", ["journal", "--journal", "{journal}", "--export", "{journal}"],
     {}, 2),
    ("export to a fifo", ["journal", "--export", "{fifo}"], {}, 2),
    ("sheet to a fifo", ["demo-sheet", "--out", "{fifo}"], {}, 2),
    ("qa export to a fifo", ["qa", "--input", "{good.txt}", "--export", "{fifo}"], {}, 2),
    ("pair export to a fifo", ["pair", "--input", "{good.txt}", "--export", "{fifo}"], {}, 2),
    ("pair export over input", ["pair", "--input", "{good.txt}", "--export", "{good.txt}"],
     {}, 2),
    # output files
    ("export no folder", ["journal", "--export", "/nonexistent/out.csv"], {}, 2),
    ("export a folder", ["journal", "--export", "{dir}"], {}, 2),
    ("export disk full", ["journal", "--export", "/dev/full"], {}, 1),
    ("sheet no folder", ["demo-sheet", "--out", "/nonexistent/sheet.png"], {}, 2),
    ("sheet suffix", ["demo-sheet", "--out", "sheet.txt"], {}, 2),
    # scan
    ("scan not utf-8", ["scan", "--image", FF], {}, 2),
    ("scan dev zero", ["scan", "--image", "/dev/zero"], {}, 2),
    ("scan a folder", ["scan", "--image", "{dir}"], {}, 2),
    ("scan text file", ["scan", "--image", "{good.txt}"], {}, 2),
    ("scan no barcode", ["scan", "--image", "{white.png}"], {}, 3),
    ("scan no camera", ["scan", "--camera", "/nonexistent/folder"], {}, 2),
    ("scan seconds nan", ["scan", "--seconds", "nan"], {}, 2),
    # qa
    ("qa dev zero", ["qa", "--input", "/dev/zero"], {}, 2),
    ("qa not utf-8", ["qa", "--input", "{latin1.txt}"], {}, 2),
    ("qa missing", ["qa", "--input", "/nonexistent.txt"], {}, 2),
    ("qa path not utf-8", ["qa", "--input", FF], {}, 2),
    ("qa concurrency 0", ["qa", "--input", "{good.txt}", "--concurrency", "0"], {}, 2),
    ("qa expect sims 0", ["qa", "--input", "{good.txt}", "--expect-sims", "0"], {}, 2),
    ("qa export no folder", ["qa", "--input", "{good.txt}", "--export", "/nonexistent/o.csv"],
     {}, 2),
    ("qa fails", ["qa", "--input", "{failing.txt}"], {}, 9),
    # pair
    ("pair dev zero", ["pair", "--input", "/dev/zero"], {}, 2),
    ("pair not utf-8", ["pair", "--input", "{latin1.txt}"], {}, 2),
    ("pair missing", ["pair", "--input", "/nonexistent.csv"], {}, 2),
    ("pair a folder", ["pair", "--input", "{dir}"], {}, 2),
    ("pair concurrency 0", ["pair", "--input", "{good.txt}", "--concurrency", "0"], {}, 2),
    ("pair export no folder", ["pair", "--input", "{good.txt}", "--export", "/nonexistent/o.csv"],
     {}, 2),
    ("pair no iccid", ["pair", "--input", "{good.txt}"], {}, 9),
    # hostile API answers
    ("nested json", ["plans"], {"GIGS_API_URL": "{nested}"}, 5),
    ("echoing error", ["lookup", IMEI], {"GIGS_API_URL": "{echo}", "GIGS_TOKEN": TOKEN}, 5),
]


def test_a_closed_stdout_is_one_line_not_a_lost_result() -> None:
    result = subprocess.run(f"{sys.executable} -m kiosk plans >&-", shell=True, text=True,
                            capture_output=False, stderr=subprocess.PIPE, env=ENV, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("argv,env,code", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_input_is_one_line_and_its_exit_code(argv: list[str], env: dict[str, str],
                                                   code: int, files: dict[str, str],
                                                   hostile: dict[str, str],
                                                   tmp_path: Path) -> None:
    fill = files | hostile
    argv = [fill[a[1:-1]] if a.startswith("{") else a for a in argv]
    env = {k: fill[v[1:-1]] if v.startswith("{") else v for k, v in env.items()}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", *argv], capture_output=True, cwd=tmp_path, timeout=50,
        env={**ENV, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), **env},
        preexec_fn=_limit_memory)
    err = result.stderr.decode("utf-8")  # what a terminal shows: it must be UTF-8
    assert result.returncode == code, (result.returncode, err, result.stdout[-500:])
    lines = err.splitlines()
    if code == 9:  # a batch: a line per row that failed (masked), then the one error line
        assert all(line.startswith(("[qa] ", "[pair] ")) for line in lines[:-1]), err
        lines = lines[-1:]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "\x1b" not in err and "\x07" not in err
    assert TOKEN not in err and IMEI not in err  # redacted like the logs
    if code != 9:
        assert not result.stdout.strip() or code in (3, 7), result.stdout
