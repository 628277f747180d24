"""The `kiosk` command line. Exit codes: see `kiosk.cli.common` and the README."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys

from kiosk import __version__, logs
from kiosk.cli import activate as activate_cmd
from kiosk.cli import browse, gui, serve
from kiosk.cli import doctor as doctor_cmd
from kiosk.cli import gateway as gateway_cmd
from kiosk.cli import join as join_cmd
from kiosk.cli import pair as pair_cmd
from kiosk.cli import qa as qa_cmd
from kiosk.cli import scan as scan_cmd
from kiosk.cli.common import (
    EXIT_ERROR, EXIT_INVALID, CliError, Parser, api_error, connection_parent, run_api, say, text,
)


def build_parser() -> argparse.ArgumentParser:
    conn = connection_parent()
    parser = Parser(
        prog="kiosk", description="SIM activation kiosk. With no command: `kiosk demo`.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check the installed kiosk (libraries, decoder, Qt) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui_parser = gui.add_parsers(sub)
    sub.add_parser("demo", parents=[conn], help="walk through the demo devices (default)")
    p = sub.add_parser("lookup", parents=[conn], help="look up a device by IMEI")
    p.add_argument("imei", nargs="+", type=text(40), metavar="IMEI",
                   help="one IMEI, or both of a dual-SIM box")
    p = sub.add_parser("plans", parents=[conn], help="list the plans on sale")
    p.add_argument("--sim-type", choices=["eSIM", "pSIM"])
    p.add_argument("--all", action="store_true", help="include plans not available for sale")
    activate_cmd.add_parsers(sub)
    doctor_cmd.add_parsers(sub)
    scan_cmd.add_parsers(sub)
    qa_cmd.add_parsers(sub)
    pair_cmd.add_parsers(sub)
    serve.add_parsers(sub)
    gateway_cmd.add_parsers(sub)
    join_cmd.add_parsers(sub)
    options = gui_parser.format_help().split("options:", 1)[-1]
    options = re.sub(r"\n  -h, --help[^\n]*", "", options)
    parser.epilog = "kiosk [OPTIONS] is short for kiosk gui [OPTIONS], the kiosk itself:" + options
    return parser


TOP_LEVEL = {"-h", "--help", "--version", "--self-test"}
API_COMMANDS = {"demo": browse.demo, "lookup": browse.lookup, "plans": browse.plans,
                "activate": activate_cmd.activate, "journal": activate_cmd.journal_command,
                "qa": qa_cmd.qa, "pair": pair_cmd.pair}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        argv = ["demo"]
    elif argv[0].startswith("-") and argv[0].split("=", 1)[0] not in TOP_LEVEL:
        argv = ["gui", *argv]  # `kiosk --demo` is `kiosk gui --demo`
    args = build_parser().parse_args(argv)
    if len(getattr(args, "imei", None) or ()) > 2:
        say(f"error: {len(args.imei)} IMEIs given: one, or the two of a dual-SIM box")
        return EXIT_INVALID
    if args.self_test:
        from kiosk.selftest import main as self_test

        return self_test()
    if args.command is None:  # only top-level flags that do not exit (none today)
        args = build_parser().parse_args(["demo"])
    if args.command == "gui":
        return gui.run(args)
    logs.configure(getattr(args, "verbose", 0), quiet=logging.CRITICAL)
    if hasattr(args, "journal") and args.command != "gui":
        from kiosk.journal import journal_problem

        if problem := journal_problem(args.journal):
            say(f"error: {problem}")
            return EXIT_INVALID
    if sys.stdout is None:  # started with stdout closed (>&-): the result would be lost
        say("error: standard output is closed: nowhere to write the result")
        return EXIT_ERROR
    try:
        if args.command in API_COMMANDS:
            return run_api(API_COMMANDS[args.command], args)
        if args.command == "sandbox":
            return serve.sandbox(args)
        if args.command == "scan":
            return scan_cmd.scan(args)
        if args.command == "join":
            return join_cmd.join(args)
        if args.command == "gateway":
            return gateway_cmd.gateway(args)
        if args.command == "doctor":
            return doctor_cmd.doctor(args)
        return serve.demo_sheet(args)
    except CliError as exc:
        say(f"error: {exc}")
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `kiosk demo | head`: the reader left; stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # one clear line, never a traceback for known failures
        err = api_error(exc)
        say(f"error: {err}")
        return err.code
