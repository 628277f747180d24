"""`kiosk pair` as a warehouse runs it, against the sandbox on loopback."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.journal import Journal
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.seed import (
    DEMO_IMEIS, PAIRING_IMEIS, PAIRING_STOCK, stock_iccids, stock_imeis,
)

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "KIOSK_"))}
P1, P2, P3, DUAL_A, DUAL_B = (PAIRING_IMEIS[k] for k in ("pair1", "pair2", "pair3", "pair4",
                                                         "pair5"))


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("GIGS_", "KIOSK_")):
            monkeypatch.delenv(name)


def run(sandbox: Any, tmp_path: Path, csv_text: str, *extra: str) -> tuple[int, list[dict[str, str]]]:
    source = tmp_path / "pairs.csv"
    source.write_text(csv_text, encoding="utf-8")
    export = tmp_path / "results.csv"
    code = main(["pair", "--input", str(source), "--export", str(export), "--api-url",
                 sandbox.url, "--journal", str(tmp_path / "journal.sqlite3"), *extra])
    rows = list(csv.DictReader(export.open(encoding="utf-8"))) if export.exists() else []
    return code, rows


def devices_with(sandbox: Any, imei: str) -> list[dict[str, Any]]:
    return [d for d in sandbox.sandbox.store.devices.values() if d["imei"] == imei]


def test_a_pallet_with_a_header_every_kind_of_row(sandbox: Any, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bad_check = P3[:-1] + str((int(P3[-1]) + 1) % 10)
    text = "\n".join([
        "imei,imei2,iccid,note",
        f"{P1},,{PAIRING_STOCK['psim1']},box 1",
        f"{DUAL_A},{DUAL_B},{PAIRING_STOCK['psim2']},dual",
        "# a comment",
        f"{P2},,{PAIRING_STOCK['retired']},",
        f"{bad_check},,{PAIRING_STOCK['psim3']},",
        f"{P3},,,no card",
        "",
        f"{DEMO_IMEIS['nosim']},,{PAIRING_STOCK['psim4']},attach",
    ]) + "\n"
    code, rows = run(sandbox, tmp_path, text)
    err = capsys.readouterr().err
    assert code == 9
    assert [(r["line"], r["verdict"], r["reason"]) for r in rows] == [
        ("2", "paired", "created"), ("3", "paired", "created"), ("5", "refused", "sim_retired"),
        ("6", "invalid", "bad_row"), ("7", "invalid", "bad_row"), ("9", "paired", "attached")]
    assert rows[0]["imei"] == P1 and rows[0]["iccid"] == PAIRING_STOCK["psim1"]  # full: the import
    assert rows[1]["imei2"] == DUAL_B and rows[0]["brand"] == "Samsung"
    assert "check digit" in rows[3]["message"] and rows[4]["message"] == "no ICCID in the row"
    assert P2 not in err and PAIRING_STOCK["retired"] not in err and bad_check not in err
    assert "line 5: refused" in err and err.strip().splitlines()[-1].startswith("error: 3 of 6")
    assert "\r" not in err  # no progress bar when stderr is no terminal


def test_rerunning_the_same_csv_changes_nothing(sandbox: Any, tmp_path: Path) -> None:
    text = "".join(f"{i};{s}\n".replace(";", ",") for i, s in (
        (P1, PAIRING_STOCK["psim1"]), (P2, PAIRING_STOCK["psim2"]), (P3, PAIRING_STOCK["psim3"])))
    assert run(sandbox, tmp_path, text)[0] == 0
    store = sandbox.sandbox.store
    devices, posts = dict(store.devices), store.requests["POST /devices"]
    code, rows = run(sandbox, tmp_path, text, "--json")
    assert code == 0 and {r["verdict"] for r in rows} == {"already"}
    assert store.requests["POST /devices"] == posts and store.devices.keys() == devices.keys()
    assert store.requests["PATCH /devices/{device}"] == 0


def test_dry_run_changes_nothing(sandbox: Any, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, rows = run(sandbox, tmp_path, f"{P1},{PAIRING_STOCK['psim1']}\n", "--dry-run", "--json")
    assert code == 0 and rows[0]["verdict"] == "paired" and rows[0]["message"].startswith("would")
    assert json.loads(capsys.readouterr().out)["dryRun"] is True
    assert devices_with(sandbox, P1) == []
    assert Journal(tmp_path / "journal.sqlite3").pairings() == []


def test_an_input_that_cannot_be_read_is_exit_2(sandbox: Any, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pair", "--input", str(tmp_path), "--api-url", sandbox.url]) == 2
    (tmp_path / "long.csv").write_bytes(b"1" * 5000 + b"\n")
    assert main(["pair", "--input", str(tmp_path / "long.csv"), "--api-url", sandbox.url,
                 "--journal", str(tmp_path / "j.sqlite3")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") for line in err)


def test_an_api_that_cannot_be_reached_is_exit_5(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(f"{P1},{PAIRING_STOCK['psim1']}\n", encoding="utf-8")
    code = main(["pair", "--input", str(source), "--api-url", "http://127.0.0.1:9",
                 "--journal", str(tmp_path / "j.sqlite3")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 5 and len(err) == 1 and err[0].startswith("error: cannot reach the API")


def test_export_to_a_device_file_is_written_not_replaced(sandbox: Any, tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(f"{P1},{PAIRING_STOCK['psim1']}\n", encoding="utf-8")
    assert main(["pair", "--input", str(source), "--export", "/dev/null", "--api-url",
                 sandbox.url, "--journal", str(tmp_path / "j.sqlite3")]) == 0
    assert Path("/dev/null").exists() and not Path("/dev/null").is_file()


def test_a_crash_mid_batch_then_a_rerun_pairs_every_row_once(sandbox: Any,
                                                             tmp_path: Path) -> None:
    count = 200
    sandbox.sandbox.config = SandboxConfig(sim_stock=count)
    sandbox.sandbox.reset()
    sandbox.sandbox.faults.latency_ms = 15
    imeis, iccids = stock_imeis(count), stock_iccids(count)
    source = tmp_path / "pallet.csv"
    source.write_text("imei,iccid\n" + "".join(f"{i},{s}\n" for i, s in zip(imeis, iccids,
                                                                          strict=True)))
    args = [sys.executable, "-m", "kiosk", "pair", "--input", str(source), "--api-url",
            sandbox.url, "--journal", str(tmp_path / "journal.sqlite3"), "--concurrency", "8"]
    proc = subprocess.Popen(args, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = sandbox.sandbox.store
    deadline = time.monotonic() + 60
    while store.requests["POST /devices"] < count // 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    made = store.requests["POST /devices"]
    assert 0 < made < count, "killed too late to test anything"
    sandbox.sandbox.faults.latency_ms = 0
    result = subprocess.run([*args, "--export", str(tmp_path / "out.csv"), "--json"], env=ENV,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["paired"] + summary["already"] == count and summary["already"] >= made - 8
    for imei, iccid_sim in zip(imeis, iccids, strict=True):
        [device] = devices_with(sandbox, imei)
        assert len(device["sims"]) == 1, iccid_sim
    assert len({d["sims"][0] for i in imeis for d in devices_with(sandbox, i)}) == count
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert len(rows) == count and [r["imei"] for r in rows] == imeis
    assert Journal(tmp_path / "journal.sqlite3").pairings(status="sending") == []


def test_the_same_sim_twice_in_a_pallet_is_paired_once(sandbox: Any, tmp_path: Path) -> None:
    sim = PAIRING_STOCK["psim5"]
    code, rows = run(sandbox, tmp_path, f"{P1},{sim}\n{P1},{sim}\n{P2},{sim}\n",
                     "--concurrency", "3")
    assert code == 9
    assert sorted(r["verdict"] for r in rows) == ["already", "paired", "refused"]
    assert rows[2]["reason"] == "sim_in_other_device" and devices_with(sandbox, P2) == []
    assert len(devices_with(sandbox, P1)) == 1


def test_a_progress_bar_on_a_terminal_only(sandbox: Any, tmp_path: Path) -> None:
    import pty

    source = tmp_path / "pairs.csv"
    source.write_text(f"{P1},{PAIRING_STOCK['psim1']}\n", encoding="utf-8")
    master, slave = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kiosk", "pair", "--input", str(source), "--api-url",
             sandbox.url, "--journal", str(tmp_path / "j.sqlite3")],
            env=ENV, stdout=subprocess.PIPE, stderr=slave, text=True, timeout=60)
        os.close(slave)
        shown = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(master, 4096):
                shown += chunk
    finally:
        os.close(master)
    assert result.returncode == 0
    assert b"\r[pair] 1 rows  paired 1" in shown and P1.encode() not in shown
    assert "\r" not in result.stdout


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_german_excel_export_and_a_second_header_in_the_middle(sandbox: Any, tmp_path: Path,
                                                                 sep: str) -> None:
    text = "\n".join([sep.join(["IMEI", "IMEI2", "ICCID"]),
                      sep.join([P1, "", PAIRING_STOCK["psim1"]]),
                      sep.join(["imei", "imei2", "iccid"]),  # two files joined
                      sep.join([DUAL_A, DUAL_B, PAIRING_STOCK["psim2"]]),
                      sep.join(["12345", "", ""])]) + "\n"
    code, rows = run(sandbox, tmp_path, text)
    assert [(r["line"], r["verdict"]) for r in rows] == [("2", "paired"), ("4", "paired"),
                                                         ("5", "invalid")]
    assert code == 9 and len(devices_with(sandbox, DUAL_A)) == 1


def test_the_export_is_never_the_input_or_the_journal(sandbox: Any, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(f"{P1},{PAIRING_STOCK['psim1']}\n", encoding="utf-8")
    journal = tmp_path / "j.sqlite3"
    Journal(journal).close()
    for target, what in ((source, "the input"), (journal, "the journal")):
        before = target.read_bytes()
        assert main(["pair", "--input", str(source), "--export", str(target), "--api-url",
                     sandbox.url, "--journal", str(journal)]) == 2
        assert what in capsys.readouterr().err and target.read_bytes() == before
    assert devices_with(sandbox, P1) == []


def test_an_export_to_a_pipe_nobody_reads_is_one_line_not_a_hang(
        sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(f"{P1},{PAIRING_STOCK['psim1']}\n", encoding="utf-8")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert main(["pair", "--input", str(source), "--export", str(fifo), "--api-url",
                 sandbox.url, "--journal", str(tmp_path / "j.sqlite3")]) == 2
    assert "nobody is reading" in capsys.readouterr().err and time.monotonic() - started < 10
    assert devices_with(sandbox, P1) == []
