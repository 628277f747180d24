"""`kiosk qa` against bad inputs, as a user runs it: one line, a documented exit code, bounded
memory (issue 14). The in-process sandbox serves (no GIGS_TOKEN/GIGS_API_URL)."""

from __future__ import annotations

import csv
import io
import os
import random
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.qa.batch import ImeiSet
from kiosk.qa.reader import LINE_LIMIT, InputError, entries
from kiosk.sandbox.seed import DEMO_IMEIS
from kiosk.scan.imei import luhn_check_digit

REPO = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIGS_")}
LIMIT_AS = 2 << 30  # 2 GiB of address space: the old reader died on /dev/zero under it
PASSING = [DEMO_IMEIS["psim"], DEMO_IMEIS["esim"]]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    maxrss_kib: int


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def run_measured(*args: str | bytes, tmp: Path, timeout: float = 300) -> Result:
    """`python -m kiosk qa ARGS` under the memory limit; its own peak RSS (os.wait4)."""
    out, err = tmp / "stdout.txt", tmp / "stderr.txt"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "qa", *args], cwd=REPO,
                                env=ENV, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                                preexec_fn=limited)
        timer = threading.Timer(timeout, proc.kill)  # a hang fails the test, not the suite
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Result(proc.returncode, out.read_text(errors="replace"),
                  err.read_text(errors="replace"), usage.ru_maxrss)


def imei_file(path: Path, count: int, seed: int = 1) -> Path:
    """`count` random valid IMEIs (unregistered: looked up twice, device and model)."""
    rng = random.Random(seed)
    with path.open("w") as handle:
        for _ in range(count):
            body = "35" + "".join(rng.choice("0123456789") for _ in range(12))
            handle.write(body + luhn_check_digit(body) + "\n")
    return path


def one_error_line(result: Result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# name, how to build the arguments from tmp_path, exit code, text the one error line holds
BAD_INPUTS = [
    ("dev-zero", lambda t: ["--input", "/dev/zero"], 2, f"line 1 is longer than {LINE_LIMIT}"),
    ("not-utf8", lambda t: ["--input", write(t / "latin1.txt", b"35391811\xe9\n")], 2,
     "latin1.txt line 1 is not UTF-8 text"),
    ("not-utf8-later", lambda t: ["--input", write(
        t / "late.txt", (PASSING[0] + "\n").encode() * 3 + b"\xff\xfe\n"),
        "--export", str(t / "out.csv")], 2,
     "late.txt line 4 is not UTF-8 text"),
    ("utf16", lambda t: ["--input", write(t / "u16.txt", PASSING[0].encode("utf-16"))], 2,
     "is not UTF-8 text"),
    ("folder", lambda t: ["--input", str(t)], 2, "it is a folder"),
    ("missing", lambda t: ["--input", str(t / "nope.txt")], 2, "nope.txt: no such file"),
    ("non-utf8-name", lambda t: ["--input", os.fsencode(t) + b"/imeis-\xff.txt"], 2,
     "imeis-\\xff.txt: no such file"),
    ("long-line", lambda t: ["--input", write(t / "long.txt", PASSING[0].encode() + b"\n"
                                              + b"1" * (LINE_LIMIT + 1) + b"\n"),
                         "--export", str(t / "out.csv")], 2,
     f"line 2 is longer than {LINE_LIMIT} bytes"),
    ("concurrency-0", lambda t: ["--input", "x", "--concurrency", "0"], 2, "from 1 to 64"),
    ("concurrency-neg", lambda t: ["--input", "x", "--concurrency", "-1"], 2, "from 1 to 64"),
    ("concurrency-arabic", lambda t: ["--input", "x", "--concurrency", "١٦"], 2, "whole number"),
    ("expect-sims-0", lambda t: ["--input", "x", "--expect-sims", "0"], 2, "from 1 to 8"),
    ("expect-model-long", lambda t: ["--input", "x", "--expect-model", "x" * 101], 2,
     "1 to 100"),
    ("export-missing-folder", lambda t: ["--input", write(t / "ok.txt", b"1\n"), "--export",
                                         "/nonexistent/dir/out.csv"], 2,
     "cannot write /nonexistent/dir/out.csv: no such folder"),
    ("export-folder", lambda t: ["--input", write(t / "ok.txt", b"1\n"), "--export", str(t)],
     2, "it is a folder"),
]
if os.access("/dev/full", os.W_OK):
    BAD_INPUTS.append(("export-full-disk", lambda t: [
        "--input", str(imei_file(t / "many.txt", 400)), "--export", "/dev/full"], 1,
        "cannot write /dev/full: the disk is full"))
if os.geteuid() != 0:  # root writes anywhere
    BAD_INPUTS.append(("export-read-only", lambda t: [
        "--input", write(t / "ok.txt", b"1\n"), "--export", "/proc/out.csv"], 2,
        "cannot write /proc/out.csv"))


@pytest.mark.parametrize("name,make,code,text", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_line_and_a_documented_code(tmp_path: Path, name: str, make,
                                                    code: int, text: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = run_measured(*make(work), tmp=tmp_path, timeout=60)
    assert result.code == code, (result.code, result.stderr)
    assert text in one_error_line(result)
    # No half-written CSV, and no temporary file left beside it.
    assert [p.name for p in work.iterdir() if p.name.endswith((".part", ".csv"))] == []


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_measured("--input", str(fifo), tmp=tmp_path)
    assert result.code == 2 and "not a file" in one_error_line(result)


def test_only_passing_devices_exit_0_quietly_with_the_csv_in_order(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("# a comment\n\n" + "\n".join(PASSING * 1) + "\r\n")
    out = tmp_path / "out.csv"
    result = run_measured("--input", str(source), "--export", str(out), tmp=tmp_path)
    assert (result.code, result.stderr) == (0, "")
    assert "passed: 2" in result.stdout and "failed: 0" in result.stdout
    assert [r["imei"] for r in csv.DictReader(out.open())] == PASSING


def test_a_failing_device_exits_9_with_one_line(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("\n".join([PASSING[0], DEMO_IMEIS["active"], PASSING[1]]) + "\n")
    out = tmp_path / "out.csv"
    result = run_measured("--input", str(source), "--export", str(out), tmp=tmp_path)
    assert result.code == 9
    assert "1 of 3 devices failed" in one_error_line(result)
    assert [r["verdict"] for r in csv.DictReader(out.open())] == ["PASS", "FAIL", "PASS"]


def test_lines_that_are_no_imei_exit_9_masked_and_counted(tmp_path: Path) -> None:
    wrong = PASSING[0][:-1] + str((int(PASSING[0][-1]) + 1) % 10)  # a mistyped check digit
    source = tmp_path / "in.txt"
    source.write_text("\n".join([PASSING[0], *[wrong] * 30, "abc"]) + "\n")
    result = run_measured("--input", str(source), tmp=tmp_path)
    assert result.code == 9 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 20 + 2 and lines[0].startswith("[qa] skipped line 2: ")
    assert "11 more lines were not IMEIs" in lines[20] and lines[21].startswith("error: ")
    assert wrong not in result.stderr and "skipped: 31" in result.stdout


def test_an_unreachable_api_is_exit_5_not_a_fail(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(PASSING[0] + "\n")
    result = run_measured("--input", str(source), "--api-url", "http://127.0.0.1:9",
                          "--json", tmp=tmp_path)
    assert result.code == 5 and "APIConnectionError" in one_error_line(result)
    assert '"errors": 1' in result.stdout and '"failed": 0' in result.stdout


def test_qa_does_not_import_qt() -> None:
    code = ("import sys, kiosk.cli.qa, kiosk.qa.reader; "
            "sys.exit(1 if 'PySide6' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


def test_20k_lines_do_not_grow_memory(tmp_path: Path) -> None:
    """The old reader kept every line and row: ~2 KB a line, 40 MB for 20,000 lines."""
    small = run_measured("--input", str(imei_file(tmp_path / "small.txt", 200)),
                         "--allow-unregistered", "--concurrency", "64", tmp=tmp_path)
    out = tmp_path / "big.csv"
    big = run_measured("--input", str(imei_file(tmp_path / "big.txt", 20_000)),
                       "--allow-unregistered", "--concurrency", "64", "--export", str(out),
                       tmp=tmp_path)
    assert (small.code, big.code) == (0, 0), big.stderr
    assert "scanned: 20000" in big.stdout
    grew_mib = (big.maxrss_kib - small.maxrss_kib) / 1024
    assert grew_mib < 15, f"RSS grew {grew_mib:.1f} MiB for 19,800 more lines"
    assert sum(1 for _ in out.open()) == 20_001


# The line reader, fed anything: an Entry or InputError, nothing else; ASCII digits only.

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_reader_on_random_bytes_raises_only_input_error(data: bytes) -> None:
    try:
        for entry in entries(io.BytesIO(data), "f", limit=64):
            assert entry.line >= 1
            if entry.imei is not None:
                assert len(entry.imei) == 15 and entry.imei.isascii() and entry.imei.isdigit()
            else:
                assert entry.reason
    except InputError as exc:
        assert str(exc).startswith("f line ") and "\n" not in str(exc)


UNICODE_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(UNICODE_DIGITS, st.sampled_from("0123456789")),
                min_size=15, max_size=15).filter(lambda cs: any(not c.isascii() for c in cs)))
def test_reader_never_accepts_unicode_digits(chars: list[str]) -> None:
    text = "".join(chars)
    [entry] = list(entries(io.BytesIO(text.encode() + b"\n"), "f"))
    assert entry.imei is None and entry.reason


def test_reader_skips_blank_and_comment_lines_and_a_bom() -> None:
    data = ("\ufeff" + PASSING[0] + "\n\n  # note\n" + PASSING[1] + "\r\n").encode()
    assert [(e.line, e.imei) for e in entries(io.BytesIO(data), "f")] == [
        (1, PASSING[0]), (4, PASSING[1])]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 10**15 - 1).map(lambda n: f"{n:015d}"), max_size=300))
def test_imei_set_is_a_set(imeis: list[str]) -> None:
    seen, reference = ImeiSet(), set()
    for imei in imeis:
        assert (imei in seen) == (imei in reference)
        seen.add(imei)
        reference.add(imei)
    assert len(seen) == len(reference) and all(i in seen for i in reference)
    assert "not digits" not in seen
