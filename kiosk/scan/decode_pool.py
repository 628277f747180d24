"""The decoder's second thread: work handed to it runs beside the caller's.

zxing-cpp and OpenCV release the GIL for most of their time, so on a two-core box regions are
found while the caller reads the whole frame, and a reader reads one variant while the caller
makes the next. The caller always waits for what it hands over, in order: the answer is
the one a single thread gives.

One thread per process, made on first use. A forked child makes its own (the parent's
thread does not exist there). Work handed over from that thread itself, or once the
interpreter has begun to exit (the executor refuses new work then), runs on the caller.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_local = threading.local()
_queued = 0  # work handed to the thread and not finished yet, any caller's


def _mark() -> None:
    _local.on_pool = True


def _forget_in_child() -> None:
    global _lock, _pool, _queued
    _lock = threading.Lock()  # the parent's may have been held by another thread at fork
    _pool = None
    _queued = 0


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_forget_in_child)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(1, thread_name_prefix="decode-frame", initializer=_mark)
        return _pool


class Cpu:
    """CPU seconds the second thread spent on one frame's work (added to the caller's own
    thread time, the frame's safety net counts only that frame's work)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def clock(self) -> float:
        return time.thread_time() + self.seconds


def busy() -> bool:
    """Work is waiting for the second thread, or running there (this caller's or another's)."""
    return _queued > 0


def submit(fn: Callable[..., T], *args: Any, cpu: Cpu | None = None,
           unless_busy: bool = False) -> Future[T]:
    """`fn(*args)` on the decoder's thread (or at once on this one, see the module's text).
    `unless_busy`: at once on this one too when that thread has work already (the caller
    would wait for it: a region read on the other thread, another camera's frame). `cpu`
    counts the time spent there (time spent here is the caller's own thread time)."""
    global _queued
    if not getattr(_local, "on_pool", False) and not (unless_busy and busy()):
        executor = _executor()
        with _lock:
            _queued += 1
        try:
            return executor.submit(_counted(fn, cpu), *args)
        except RuntimeError:  # the interpreter is exiting: no new work is taken
            _finished()
        except BaseException:
            _finished()
            raise
    done: Future[T] = Future()
    try:
        done.set_result(fn(*args))
    except BaseException as exc:
        done.set_exception(exc)
    return done


def _finished() -> None:
    global _queued
    with _lock:
        _queued -= 1


def _counted(fn: Callable[..., T], cpu: Cpu | None) -> Callable[..., T]:
    """`fn` as the decoder's thread runs it: its CPU time added to `cpu`, and no longer
    counted as queued before its caller can see its answer."""
    def run(*args: Any) -> T:
        started = time.thread_time()
        try:
            return fn(*args)
        finally:
            if cpu is not None:
                cpu.seconds += time.thread_time() - started
            _finished()
    return run
