"""`kiosk join URL CODE`: this kiosk joins a fleet; from then on it talks to the fleet gateway.

The enrolment code (from `kiosk gateway enroll` on the gateway) is exchanged for a kiosk token,
kept in `gateway-token` beside the config (owner-only); the config gets `api_mode = "gateway"`,
the gateway's URL and the project. The token is never printed.
"""

from __future__ import annotations

import argparse
import asyncio

from kiosk.cli.common import (
    EXIT_API, EXIT_AUTH, EXIT_ERROR, EXIT_INVALID, EXIT_OK, CliError, Parser, emit, text,
)

EXIT_CODES = {"invalid": EXIT_INVALID, "refused": EXIT_AUTH, "unreachable": EXIT_API,
              "unexpected": EXIT_API}


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    common = Parser(add_help=False)
    p = sub.add_parser("join", parents=[common],
                       help="join a fleet: exchange an enrolment code for a kiosk token")
    p.add_argument("url", type=text(2000), metavar="URL",
                   help="the fleet gateway (https://, or http:// to this machine)")
    p.add_argument("code", type=text(40), metavar="CODE",
                   help="the one-time enrolment code, e.g. 7K3M-Q9TX-2HPW")
    p.add_argument("--name", type=text(100), help="this kiosk's name (default: the host name)")
    p.add_argument("--config", metavar="FILE", help="config file (env KIOSK_CONFIG; default "
                   "~/.config/sim-kiosk/kiosk.toml); the token goes beside it")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv)")


def join(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError, ConfigStore
    from kiosk.fleet_client_join import JoinError, join, save_joined

    try:
        store = ConfigStore(args.config)
        store.load(env={})  # a config that cannot be read is said before the code is spent
        joined = asyncio.run(join(args.url, args.code, name=args.name))
        save_joined(store, args.url, joined)
    except JoinError as exc:
        raise CliError(str(exc), EXIT_CODES[exc.kind]) from None
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    except OSError as exc:  # the token or config could not be written
        raise CliError(f"cannot write {store.path.parent}: {exc.strerror or exc}",
                       EXIT_ERROR) from None
    emit(args, {"kiosk": joined.kiosk, "store": joined.store, "project": joined.project,
                "gateway": args.url.strip().rstrip("/"), "config": str(store.path)},
         f"joined the fleet as {joined.kiosk} (store {joined.store}, project "
         f"{joined.project}); the kiosk now uses the gateway (config {store.path})")
    return EXIT_OK
