"""The decoder's second thread: callers wait in order, nothing hangs, nothing is lost."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kiosk.scan import decode_pool, find_codes
from kiosk.scan.synth_hard import hard_frames

ROOT = Path(__file__).resolve().parents[2]


def test_work_handed_over_from_the_decoder_thread_runs_there_at_once() -> None:
    """A nested hand-over would wait for the one thread it runs on: it must not queue."""
    def outer() -> str:
        inner = decode_pool.submit(threading.current_thread)
        return f"{threading.current_thread().name} {inner.result(timeout=5).name}"

    names = decode_pool.submit(outer).result(timeout=10).split()
    assert names[0] == names[1] and names[0].startswith("decode-frame")


def test_a_failure_reaches_the_caller_and_the_thread_goes_on() -> None:
    def boom() -> None:
        raise ValueError("bad frame")

    with pytest.raises(ValueError, match="bad frame"):
        decode_pool.submit(boom).result(timeout=5)
    assert decode_pool.submit(lambda: 42).result(timeout=5) == 42


def test_the_frame_cpu_counts_the_second_thread_s_work() -> None:
    cpu = decode_pool.Cpu()

    def spin() -> None:
        end = time.thread_time() + 0.05
        while time.thread_time() < end:
            pass

    decode_pool.submit(spin, cpu=cpu).result(timeout=10)
    assert cpu.seconds >= 0.045


def _child_reads(frame: object) -> list[str]:
    return [c.text for c in find_codes(frame)]  # type: ignore[arg-type]


def test_a_fork_while_another_thread_holds_the_pool_lock_still_reads() -> None:
    frame = hard_frames(3, seed=404)[2].image
    reference = _child_reads(frame)
    context = multiprocessing.get_context("fork")
    with decode_pool._lock:  # as if another thread were making the pool at the fork
        pool = context.Pool(1)
    try:
        assert pool.apply_async(_child_reads, (frame,)).get(timeout=60) == reference
    finally:
        pool.terminate()
        pool.join()


def test_a_frame_read_while_the_interpreter_exits_is_still_read() -> None:
    """At exit the executor takes no new work (an atexit handler, a camera thread that
    outlives the window): the frame is read on the caller's thread."""
    script = textwrap.dedent("""
        import atexit
        from kiosk.scan import find_imeis, synth
        frame = next(f for f in synth.frames(12, seed=3) if f.imeis)
        find_imeis(frame.image)  # the decoder's thread exists
        atexit.register(lambda: print("read at exit:", find_imeis(frame.image) == frame.imeis))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "read at exit: True" in done.stdout


def test_work_for_a_busy_thread_runs_on_the_caller_when_it_says_so() -> None:
    """A variant's read waits for nobody: with the thread busy (another camera's frame), it
    is read on the caller; once the thread is free, there again."""
    release = threading.Event()
    blocker = decode_pool.submit(release.wait, 10)
    try:
        assert decode_pool.busy()
        here = decode_pool.submit(threading.current_thread, unless_busy=True)
        assert here.result(timeout=5) is threading.current_thread()
    finally:
        release.set()
    blocker.result(timeout=10)
    deadline = time.monotonic() + 5
    while decode_pool.busy() and time.monotonic() < deadline:
        time.sleep(0.01)
    there = decode_pool.submit(threading.current_thread, unless_busy=True).result(timeout=5)
    assert there.name.startswith("decode-frame")


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_work_run_on_the_caller_is_counted_once() -> None:
    """Run here, its time is the caller's own thread time: `cpu` must not count it again
    (twice counted, the frame's safety net would fire sooner on a busy machine)."""
    release = threading.Event()
    blocker = decode_pool.submit(release.wait, 10)
    cpu = decode_pool.Cpu()
    before = cpu.clock()
    try:
        decode_pool.submit(_spin, 0.05, cpu=cpu, unless_busy=True).result(timeout=10)
    finally:
        release.set()
    blocker.result(timeout=10)
    assert cpu.seconds == 0.0
    assert 0.04 <= cpu.clock() - before < 0.09


def test_a_finished_read_is_not_busy_by_the_time_its_caller_sees_it() -> None:
    for _ in range(200):
        decode_pool.submit(int).result(timeout=5)
        assert not decode_pool.busy()


def test_a_hand_over_that_fails_leaves_the_thread_free(monkeypatch: pytest.MonkeyPatch) -> None:
    decode_pool.submit(int).result(timeout=5)  # the executor exists

    def refuse(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(decode_pool._executor(), "submit", refuse)
    with pytest.raises(KeyboardInterrupt):
        decode_pool.submit(int)
    assert not decode_pool.busy()
