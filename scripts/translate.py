"""Keep the German translation complete: merge new texts, list the open ones, fill them in.

    python scripts/translate.py                 merge new tr() texts from kiosk/ui (lupdate),
                                                list every unfinished one (context, source)
    python scripts/translate.py set FILE        fill in translations from a tab-separated FILE:
                                                CONTEXT<TAB>SOURCE<TAB>GERMAN per line; for a
                                                plural (%n) text, GERMAN is "one|many"
    python scripts/translate.py set - < FILE    the same from standard input

Each run compiles the .qm, so a running kiosk (or a test) shows the new texts at once.
Obsolete texts are dropped (-no-obsolete) so the file holds only what the code says.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "kiosk_de.ts"
BIN = Path(sys.executable).parent


def merge() -> None:
    files = sorted(str(p) for p in (ROOT / "kiosk" / "ui").glob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), "-no-obsolete", "-locations", "none", *files,
                    "-ts", str(TS)], check=True, capture_output=True)


def release() -> None:
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm",
                    str(TS.with_suffix(".qm"))], check=True)


def unfinished() -> list[tuple[str, str]]:
    out = []
    for context in ET.parse(TS).getroot():
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") == "unfinished":
                out.append((name, message.findtext("source") or ""))
    return out


def fill(lines: list[str]) -> int:
    wanted: dict[tuple[str, str], str] = {}
    for line in lines:
        if not line.strip():
            continue
        context, source, german = line.rstrip("\n").split("\t")
        wanted[(context, source.replace("\\n", "\n"))] = german.replace("\\n", "\n")
    tree = ET.parse(TS)
    done = 0
    for context in tree.getroot():
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            key = (name, message.findtext("source") or "")
            if key not in wanted:
                continue
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            translation.attrib.pop("type", None)
            if message.get("numerus") == "yes":
                for form in list(translation):
                    translation.remove(form)
                translation.text = None
                for text in wanted[key].split("|"):
                    ET.SubElement(translation, "numerusform").text = text
            else:
                translation.text = wanted[key]
            done += 1
            wanted.pop(key)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for context, source in wanted:
        print(f"not in the file (run without arguments first?): {context}: {source!r}")
    return done


def main(argv: list[str]) -> int:
    merge()
    if argv[:1] == ["set"]:
        lines = (sys.stdin.readlines() if argv[1:] in ([], ["-"])
                 else Path(argv[1]).read_text(encoding="utf-8").splitlines())
        print(f"translated {fill(lines)}")
        merge()  # lupdate writes the file back in its own layout
    left = unfinished()
    for context, source in left:
        print(f"{context}\t{source!r}")
    release()
    print(f"{len(left)} unfinished")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
