"""`kiosk gui` (and `kiosk [OPTIONS]`, its short form): the kiosk's own flags, parsed here once.

Qt-free: parsing (and `--help`) never loads Qt; `run` hands the parsed flags to `kiosk.app`.
"""

from __future__ import annotations

import argparse
import os

from kiosk.cli.common import bounded, text


def add_gui_arguments(p: argparse.ArgumentParser) -> None:
    from kiosk.config import RANGES

    idle_low, idle_high = RANGES["idle_seconds"]
    p.add_argument("--demo", action="store_true",
                   help="demo mode: the embedded sandbox and the virtual camera")
    p.add_argument("--windowed", action="store_true", help="a normal window (development)")
    p.add_argument("--mode", choices=["kiosk", "qa", "pair"],
                   help="the customer kiosk (default), the warehouse QA or pairing station")
    p.add_argument("--tour", metavar="OUTDIR", help="run one activation offscreen and save a "
                   "PNG of every page at four sizes in both languages (implies --demo)")
    p.add_argument("--camera", metavar="SPEC", help="device index, video file or image folder "
                   "(default: 0; demo: the demo footage)")
    p.add_argument("--config", metavar="FILE", help="config file (env KIOSK_CONFIG; default "
                   "~/.config/sim-kiosk/kiosk.toml)")
    p.add_argument("--language", choices=["en", "de"])
    p.add_argument("--pin", type=text(32), default=os.environ.get("KIOSK_OPERATOR_PIN"),
                   help="operator PIN (env KIOSK_OPERATOR_PIN; else the configured one)")
    p.add_argument("--idle-seconds", type=bounded(idle_low, idle_high, unit="seconds"), metavar="S",
                   help=f"wipe an idle visit after S seconds ({idle_low:g}-{idle_high:g})")
    p.add_argument("--journal", metavar="FILE", help="journal file (env KIOSK_JOURNAL)")
    p.add_argument("--no-sound", action="store_true", help="no beeps")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv)")
    p.add_argument("--probe-startup", action="store_true", help=argparse.SUPPRESS)


def add_parsers(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p: argparse.ArgumentParser = sub.add_parser(
        "gui", help="the full-screen kiosk or QA station (the default with options: "
        "`kiosk --demo` = `kiosk gui --demo`)",
        description="The full-screen activation kiosk, or the QA station.")
    add_gui_arguments(p)
    return p


def run(args: argparse.Namespace) -> int:
    from kiosk.app import main

    return main(args)
