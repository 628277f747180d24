"""sd_notify: READY and WATCHDOG reach a systemd-like socket; nothing happens without one."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from kiosk.watchdog import heartbeat_interval, notify


def test_notifications_reach_the_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(path)
        env = {"NOTIFY_SOCKET": path}
        assert notify("READY=1", env) and notify("WATCHDOG=1", env)
        assert server.recv(64) == b"READY=1" and server.recv(64) == b"WATCHDOG=1"


def test_without_systemd_nothing_is_sent() -> None:
    assert notify("READY=1", {}) is False
    assert notify("READY=1", {"NOTIFY_SOCKET": "/nonexistent/socket"}) is False


def test_heartbeat_is_half_the_watchdog_period() -> None:
    assert heartbeat_interval({"WATCHDOG_USEC": "20000000"}) == 10.0
    assert heartbeat_interval({}) is None
    assert heartbeat_interval({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"}) is None \
        or os.getpid() == 1
