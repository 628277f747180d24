"""The pairing station's banner: what to scan next, or what went wrong, in this language.

Its own words, keyed by what happened (`kiosk.pair.scans` explains in English for the CLI and
the log); the context stays "PairStation", the screen that shows them.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def next_step(pending: bool) -> str:
    return (QCoreApplication.translate("PairStation", "now scan the SIM card's ICCID") if pending
            else QCoreApplication.translate("PairStation", "scan the box's IMEI"))


def banner_text(key: str, pending: bool, reason: str) -> str:
    """`pending`: a box waits for its SIM card; `reason`: the last refused row's, in words."""
    texts = {
        "start": QCoreApplication.translate(
            "PairStation", "Scan the box's IMEI (both IMEIs of a dual-SIM box), then the SIM "
            "card's ICCID."),
        "need_iccid": QCoreApplication.translate(
            "PairStation", "Box scanned: now scan the SIM card's ICCID."),
        "pairing": QCoreApplication.translate(
            "PairStation", "Pairing… scan the next box's IMEI."),
        "iccid_first": QCoreApplication.translate(
            "PairStation", "✘ That is a SIM card, but no box is scanned yet: scan the box's IMEI "
            "first, then the SIM card. Nothing was paired."),
        "expired": QCoreApplication.translate(
            "PairStation", "✘ The box scanned before was forgotten (too long without a scan): "
            "scan the box's IMEI again, then the SIM card. Nothing was paired."),
        "iccid_bad": QCoreApplication.translate(
            "PairStation", "✘ That ICCID's check digit is wrong: scan the SIM card again. "
            "Nothing was paired."),
        "imei_bad": QCoreApplication.translate(
            "PairStation", "✘ That IMEI's check digit is wrong: scan it again."),
        "other_box": QCoreApplication.translate(
            "PairStation", "✘ That IMEI is from another box, and the box before got no SIM "
            "card: nothing was paired. The new box counts: now scan its SIM card."),
        "eid": QCoreApplication.translate(
            "PairStation", "✘ That is an EID (the eSIM chip's id), not an ICCID or an IMEI: "
            "%1.").replace("%1", next_step(pending)),
        "serial": QCoreApplication.translate(
            "PairStation", "✘ That is a serial number, not an IMEI or an ICCID: %1.")
        .replace("%1", next_step(pending)),
        "unknown": QCoreApplication.translate(
            "PairStation", "✘ Not an IMEI or an ICCID: %1.").replace("%1", next_step(pending)),
        "in_flight": QCoreApplication.translate(
            "PairStation", "⚠ This SIM card or box is being paired right now: wait for its "
            "verdict. Nothing was started twice."),
        "paired": QCoreApplication.translate(
            "PairStation", "✔ Paired. Scan the next box's IMEI."),
        "already": QCoreApplication.translate(
            "PairStation", "✔ Already paired: nothing changed. Scan the next box's IMEI."),
        "refused": QCoreApplication.translate(
            "PairStation", "✘ Not paired. %1. Next: scan a box's IMEI.").replace("%1", reason),
        "error": QCoreApplication.translate(
            "PairStation", "⚠ Not paired. %1.").replace("%1", reason),
        "undone": QCoreApplication.translate("PairStation", "↩ The last pairing is undone."),
        "undo_failed": QCoreApplication.translate(
            "PairStation", "⚠ The undo did not go through: try again."),
    }
    return texts[key]
