"""Agreement across frames."""

from __future__ import annotations

from kiosk.scan.agreement import ScanSession

A, B = "358507311042123", "353918112704594"


def test_needs_two_frames_within_the_window() -> None:
    s = ScanSession()
    assert s.feed([A], now=0.0) == []
    assert s.feed([], now=0.5) == []
    assert s.feed([A], now=0.8) == [A]


def test_reads_too_far_apart_do_not_agree() -> None:
    s = ScanSession(window=1.0)
    assert s.feed([A], now=0.0) == []
    assert s.feed([A], now=1.5) == []
    assert s.feed([A], now=2.0) == [A]


def test_a_single_misread_never_gets_through() -> None:
    s = ScanSession()
    assert s.feed(["358507311042131"], now=0.0) == []
    for t in range(1, 20):
        assert s.feed([A], now=t * 0.03) in ([], [A])


def test_dual_sim_box_is_reported_together() -> None:
    s = ScanSession(pair_wait=0.5)
    assert s.feed([A, B], now=0.0) == []
    assert s.feed([A], now=0.1) == []  # A confirmed; B seen with it: wait for B
    assert s.feed([A, B], now=0.2) == [A, B]


def test_pair_wait_gives_up_on_a_second_code_that_never_confirms() -> None:
    s = ScanSession(pair_wait=0.3)
    s.feed([A, B], now=0.0)
    assert s.feed([A], now=0.1) == []
    assert s.feed([A], now=0.45) == [A]


def test_repeats_are_ignored_during_the_cooldown() -> None:
    s = ScanSession(cooldown=5.0)
    s.feed([A], now=0.0)
    assert s.feed([A], now=0.1) == [A]
    for t in (0.2, 0.3, 2.0, 4.0):
        assert s.feed([A], now=t) == []
    s.feed([A], now=6.0)
    assert s.feed([A], now=6.1) == [A]
