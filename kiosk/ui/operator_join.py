"""Joining a fleet from the operator panel: the gateway's URL (the API URL field) and a code.

The same exchange as `kiosk join URL CODE` (`kiosk.fleet_client_join`): the token goes to
`gateway-token` beside the config, never to the screen; the config gets gateway mode, the URL
and the project. The kiosk uses the gateway after a restart, like every API setting.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.config import ConfigError, ConfigStore
from kiosk.fleet_client_join import JoinError, gateway_url_problem, join, normal_code, save_joined


async def join_fleet(store: ConfigStore, url: str, code: str) -> tuple[bool, str]:
    """(joined, the line to show). Nothing is sent for a URL the token may not go to."""
    url = url.strip()
    if problem := gateway_url_problem(url):
        return False, QCoreApplication.translate(
            "FleetJoin", "Not joined, nothing sent: type the gateway's URL in API URL "
            "(https://, or http:// to this machine)") + f" ({problem})"
    if normal_code(code) is None:
        return False, QCoreApplication.translate(
            "FleetJoin", "Not joined: an enrolment code is 3 groups of 4 letters and digits, "
            "e.g. 7K3M-Q9TX-2HPW")
    try:
        store.load(env={})  # a config that cannot be read is said before the code is spent
        joined = await join(url, code)
        save_joined(store, url, joined)
    except JoinError as exc:
        said = {
            "refused": QCoreApplication.translate(
                "FleetJoin", "Not joined: the gateway refused the code (wrong, used or "
                "expired; or too many tries)"),
            "unreachable": QCoreApplication.translate(
                "FleetJoin", "Not joined: the gateway cannot be reached at this URL"),
            "unexpected": QCoreApplication.translate(
                "FleetJoin", "Not joined: this URL answers, but not as a fleet gateway"),
        }
        return False, said.get(exc.kind) or QCoreApplication.translate(
            "FleetJoin", "Not joined: %1").replace("%1", str(exc))
    except (ConfigError, OSError) as exc:
        return False, QCoreApplication.translate(
            "FleetJoin", "Not joined: the configuration cannot be written (%1)").replace(
            "%1", type(exc).__name__)
    return True, QCoreApplication.translate(
        "FleetJoin", "✔ Joined the fleet as %1 (store %2). Restart the kiosk to use the "
        "gateway.").replace("%1", joined.kiosk).replace("%2", joined.store)
