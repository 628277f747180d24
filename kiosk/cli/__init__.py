"""The `kiosk` command line. Exit codes: see `kiosk.cli.common` and the README."""

from __future__ import annotations

import argparse
import sys

from kiosk import __version__, logs
from kiosk.cli import activate as activate_cmd
from kiosk.cli import browse, serve
from kiosk.cli import doctor as doctor_cmd
from kiosk.cli import qa as qa_cmd
from kiosk.cli import scan as scan_cmd
from kiosk.cli.common import CliError, api_error, connection_parent, run_api


def build_parser() -> argparse.ArgumentParser:
    conn = connection_parent()
    parser = argparse.ArgumentParser(prog="kiosk", description="SIM activation kiosk")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", parents=[conn], help="walk through the demo devices (default)")
    p = sub.add_parser("lookup", parents=[conn], help="look up a device by IMEI")
    p.add_argument("imei", nargs="+", metavar="IMEI", help="one IMEI, or both of a dual-SIM box")
    p = sub.add_parser("plans", parents=[conn], help="list the plans on sale")
    p.add_argument("--sim-type", choices=["eSIM", "pSIM"])
    p.add_argument("--all", action="store_true", help="include plans not available for sale")
    activate_cmd.add_parsers(sub)
    doctor_cmd.add_parsers(sub)
    scan_cmd.add_parsers(sub)
    qa_cmd.add_parsers(sub)
    serve.add_parsers(sub)
    return parser


GUI_FLAGS = {"--demo", "--tour", "--windowed", "--camera", "--language", "--mode", "--config"}
API_COMMANDS = {"demo": browse.demo, "lookup": browse.lookup, "plans": browse.plans,
                "activate": activate_cmd.activate, "journal": activate_cmd.journal_command,
                "qa": qa_cmd.qa}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--self-test"]:
        from kiosk.selftest import main as self_test

        return self_test()
    if argv[:1] == ["gui"] or (argv and argv[0].startswith("--") and argv[0] in GUI_FLAGS):
        from kiosk.app import main as gui

        return gui(argv[1:] if argv[:1] == ["gui"] else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["demo", *(argv or [])])
    logs.configure(getattr(args, "verbose", 0))
    try:
        if args.command in API_COMMANDS:
            return run_api(API_COMMANDS[args.command], args)
        if args.command == "sandbox":
            return serve.sandbox(args)
        if args.command == "scan":
            return scan_cmd.scan(args)
        if args.command == "doctor":
            return doctor_cmd.doctor(args)
        return serve.demo_sheet(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line, never a traceback for known failures
        err = api_error(exc)
        print(f"error: {err}", file=sys.stderr)
        return err.code
