"""systemd notifications (sd_notify) without a library: READY, WATCHDOG heartbeats, STOPPING.

The heartbeat is sent from a timer on the GUI event loop: if the UI hangs, the heartbeats stop
and systemd (WatchdogSec=) restarts the kiosk.
"""

from __future__ import annotations

import os
import socket


def notify(message: str, env: dict[str, str] | None = None) -> bool:
    """Send one notification; False when not started by systemd (no NOTIFY_SOCKET)."""
    address = (env if env is not None else os.environ).get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(address)
            sock.sendall(message.encode())
        except OSError:
            return False
    return True


def heartbeat_interval(env: dict[str, str] | None = None) -> float | None:
    """Seconds between heartbeats: half of WATCHDOG_USEC, or None without a watchdog."""
    environ = env if env is not None else os.environ
    usec = environ.get("WATCHDOG_USEC")
    pid = environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(0.5, int(usec) / 2_000_000)
    except ValueError:
        return None
