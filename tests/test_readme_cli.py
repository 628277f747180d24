"""The README's command table and exit-code list say what the commands do (issue 14)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kiosk.cli import build_parser
from kiosk.cli import common

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def table_rows() -> list[str]:
    section = README.split("## The command line", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| `kiosk")]


def test_every_command_is_in_the_table_with_flags_it_really_has() -> None:
    commands = subparsers()
    documented = set()
    for row in table_rows():
        cell = row.split(" | ")[0]
        for usage in re.findall(r"`(kiosk [^`]*)`", cell):
            name = usage.split()[1]
            assert name in commands, f"README documents `kiosk {name}`, which does not exist"
            documented.add(name)
            options = {o for a in commands[name]._actions for o in a.option_strings}
            for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", usage):
                assert flag in options, f"README: `kiosk {name}` has no {flag}"
    assert documented == set(commands), set(commands) ^ documented


def test_the_exit_code_list_is_the_codes_the_commands_use() -> None:
    listed = README.split("Exit codes:", 1)[1].split("\n\n", 2)[1]
    codes = {int(c) for c in re.findall(r"^- `(\d+)`", listed, re.MULTILINE)}
    defined = {v for k, v in vars(common).items() if k.startswith("EXIT_")}
    assert codes == defined


def test_every_gui_flag_is_documented() -> None:
    options = {o for a in subparsers()["gui"]._actions for o in a.option_strings
               if a.help != argparse.SUPPRESS and o.startswith("--") and o != "--help"}
    row = next(r for r in table_rows() if r.startswith("| `kiosk gui"))
    assert options <= set(re.findall(r"--[a-z-]+", row)), options - set(re.findall(r"--[a-z-]+", row))
