"""Every text a customer can see is in the German translation, and none is left unfinished."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "kiosk_de.ts"


def sources(path: Path) -> dict[str, str | None]:
    out = {}
    for context in ET.parse(path).getroot():
        for message in context.findall("message"):
            translation = message.find("translation")
            done = translation is not None and translation.get("type") != "unfinished"
            out[message.find("source").text or ""] = translation.text if done else None
    return out


def test_core_messages_are_marked_for_translation() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_messages

    assert (ROOT / "kiosk" / "ui" / "messages.py").read_text() == gen_messages.render(), \
        "run scripts/gen_messages.py"


def test_every_ui_text_is_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    files = sorted(str(p) for p in (ROOT / "kiosk" / "ui").glob("*.py"))
    subprocess.run([str(lupdate), *files, "-ts", str(fresh)], check=True, capture_output=True)
    committed = sources(TS)
    missing = sorted(set(sources(fresh)) - set(committed))
    assert not missing, f"run pyside6-lupdate and translate: {missing[:5]}"
    unfinished = sorted(s for s, t in committed.items() if not t)
    assert not unfinished, f"untranslated: {unfinished[:5]}"
