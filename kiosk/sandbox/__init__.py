"""The embedded Gigs sandbox: an ASGI app written from the API reference, not from `kiosk.gigs`.

Keeping the two independent lets each check the other: the client is tested against the
sandbox, and the sandbox against the reference's field tables.
"""

from kiosk.sandbox.app import create_app
from kiosk.sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "create_app"]
