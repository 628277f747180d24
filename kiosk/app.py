"""The composition root: QApplication, the qasync loop, and everything the kiosk is built of.

The only module that creates the event loop. Shutdown is ordered: camera, flow and tasks,
background activations, the API client, the journal.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any

log = logging.getLogger("kiosk.app")
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def keep_frames_out_of_the_heap() -> None:
    """Camera frames (megabytes each, 30 a second, made and freed on worker threads) go back
    to the system when freed. glibc otherwise raises its mmap threshold after the first large
    free, serves later frames from per-thread heaps and keeps that memory: ~100 MiB more
    resident after a few minutes of scanning, on a kiosk that runs for weeks. Fixing the
    threshold (M_MMAP_THRESHOLD) turns that adjustment off. Linux/glibc only; else nothing."""
    if not sys.platform.startswith("linux"):
        return
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD = 256 KiB


def main(args: argparse.Namespace) -> int:
    """Run the kiosk with the flags `kiosk gui` parsed (`kiosk.cli`, the one parser)."""
    keep_frames_out_of_the_heap()
    from kiosk import logs

    logs.configure(max(args.verbose, 1))
    if args.tour:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        args.demo = True
    from kiosk.config import ConfigError, ConfigStore

    try:  # checked before Qt starts: a bad setting is one line and exit 2 (invalid input)
        store = ConfigStore(args.config)
        config = store.load(overrides={"mode": args.mode, "language": args.language,
                                       "idle_seconds": args.idle_seconds})
        if config.api_mode == "gateway" and not args.demo:  # joined, with a token
            if config.mode == "pair":
                # The gateway forwards only what a customer's activation needs; pairing edits
                # devices across the project, which a fleet kiosk's token may not.
                raise ConfigError("the pairing station needs the project's API key: a warehouse "
                                  "station cannot run in gateway mode (api_mode)")
            from kiosk.fleet_client import gateway_settings

            args.gateway_settings = gateway_settings(store, config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from kiosk.journal import journal_problem

    if problem := journal_problem(args.journal):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    args.loaded_config = (store, config)
    # The Qt-free core first: once PySide6 is loaded, its import hook reads the source of every
    # module imported after it (looking for `from __feature__`), about 0.2 ms a module.
    import kiosk.flow  # flow, gigs, journal, pydantic
    import kiosk.journal
    import kiosk.connect  # the embedded sandbox
    import kiosk.flow.background
    import kiosk.pinlock
    import kiosk.scan.camera  # noqa: F401
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("SIM kiosk")
    style = RESOURCES / "kiosk.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:  # closing the loop also ends asyncio.to_thread's worker threads
        return int(loop.run_until_complete(run(app, args)))


class Translations:
    """Switches the app's language: loads `resources/i18n/kiosk_<lang>.qm` (built by set-up)."""

    def __init__(self, app: Any) -> None:
        from PySide6.QtCore import QTranslator

        self.app = app
        self.translator = QTranslator()
        self.installed = False

    def set(self, language: str) -> None:
        from PySide6.QtCore import QLocale

        if self.installed:
            self.app.removeTranslator(self.translator)
            self.installed = False
        QLocale.setDefault(QLocale(language))
        qm = RESOURCES / "i18n" / f"kiosk_{language}.qm"
        if language != "en" and qm.exists() and self.translator.load(str(qm)):
            self.app.installTranslator(self.translator)
            self.installed = True


async def run(app: Any, args: argparse.Namespace) -> int:
    from kiosk.journal import open_journal
    from kiosk.connect import make_client
    from kiosk.flow import Context, Flow, FlowSettings
    from kiosk.flow.background import BackgroundActivations
    from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
    from kiosk.scan.camera import source_for
    from kiosk.scan.qt_camera import QtCamera
    from kiosk.settings import ApiSettings
    from kiosk.ui.window import KioskWindow, Services

    store, config = args.loaded_config  # loaded and checked by main()
    gateway = getattr(args, "gateway_settings", None)  # the kiosk token; the key is not read
    token = None if gateway else os.environ.get("GIGS_TOKEN") or store.api_key()
    if gateway:
        settings = gateway
    elif args.demo or (config.api_mode == "sandbox" and not config.api_url and not token):
        settings = ApiSettings()
    else:
        settings = ApiSettings(api_url=config.api_url, project=config.project, token=token,
                               idempotency_keys=config.idempotency_keys)
    sandbox = None
    if args.tour:  # slow enough that the activating page can be photographed
        from kiosk.sandbox.config import SandboxConfig

        sandbox = SandboxConfig(order_delay=2.5)
    client = make_client(settings, sandbox)
    journal = open_journal(args.journal, settings.in_process)
    payment = config.payment_method or (
        STORE_PAYMENT_METHOD_ID if settings.in_process or not settings.token else None)
    fleet = None
    if gateway:  # heartbeats, and events that wake the status polls
        from kiosk.flow.wake import StatusEvents
        from kiosk.fleet_client import FleetClient, today

        camera: dict[str, Any] = {"fps": lambda: None}  # the kiosk window's, once it exists

        async def heartbeat() -> dict[str, Any]:
            return {"mode": config.mode, "camera_fps": camera["fps"](),
                    **await asyncio.to_thread(today, journal)}

        fleet = FleetClient(settings.base_url, settings.bearer, StatusEvents(), heartbeat,
                            linger=60.0)  # the stream only while an order is pending
        fleet.start()
        args.fleet = fleet  # the counters, for the benchmark
    ctx = Context(client, journal, FlowSettings(payment_method=payment, deadline=config.deadline),
                  events=fleet.events if fleet else None)
    background = BackgroundActivations(ctx)
    translations = Translations(app)
    translations.set(config.language)

    camera_spec = args.camera or (None if args.demo else config.camera)
    if camera_spec is None and args.demo:
        from kiosk.scan import demo_camera

        camera_spec = str(await asyncio.to_thread(demo_camera.ensure, [DEMO_IMEIS["esim"]]))

    def make_camera() -> QtCamera | None:
        return QtCamera(source_for(camera_spec if camera_spec is not None else 0))

    from kiosk.pinlock import staff_guard

    # Wrong PINs back off (kept beside the config); the default PIN must be changed at the first
    # staff login, except on the tour, which must not write the machine's config.
    check_pin = staff_guard(store, config, args.pin, ask_for_change=not args.tour)
    if config.mode == "qa" and not args.tour:
        return await run_qa_station(app, client, journal, background, config, make_camera,
                                    args, fleet)
    if config.mode == "pair" and not args.tour:
        return await run_pair_station(app, client, journal, background, config, make_camera,
                                      args, fleet)
    from kiosk.ui.services import OperatorServices

    from kiosk.scan.camera import detect_cameras

    def open_camera(spec: str) -> QtCamera:
        if spec == "demo":
            from kiosk.scan import demo_camera

            spec = str(demo_camera.ensure([DEMO_IMEIS["esim"]]))
        return QtCamera(source_for(spec))

    operator = OperatorServices(store=store, journal=journal, resume=background.adopt,
                                cameras=lambda: ["demo", *detect_cameras()],
                                open_camera=open_camera)
    services = Services(
        operator=operator,
        make_flow=lambda: Flow(ctx, on_background=background.adopt),
        make_camera=make_camera, check_pin=check_pin, set_language=translations.set,
        idle_seconds=config.idle_seconds, countdown_seconds=config.countdown_seconds,
        sound=config.sound and not args.no_sound, windowed=bool(args.windowed or args.tour),
        default_language=config.language)
    window = KioskWindow(services)
    if fleet is not None:
        camera["fps"] = lambda: (window.camera_stats or {}).get("fps")
    if config.language != "en":
        window.language = "en"
        window.toggle_language()
    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    window.exit_requested.connect(app.quit)
    install_excepthook(window)
    await background.resume_all()
    start_watchdog(app)
    try:
        if args.tour:
            from kiosk.ui.tour import run_tour

            return await run_tour(window, Path(args.tour))
        if args.windowed or args.probe_startup:
            window.resize(1280, 800)
            window.show()
            if args.probe_startup:  # for the start-up benchmark: painted, then quit
                window.repaint()
                print("welcome shown", flush=True)
                return 0
        else:
            from kiosk.ui.screen import cover_screen

            cover_screen(window)
        await quit_event.wait()
        return 0
    finally:
        await window.shutdown()
        await close_services(background, client, journal, fleet)


async def run_qa_station(app: Any, client: Any, journal: Any, background: Any, config: Any,
                         make_camera: Any, args: argparse.Namespace, fleet: Any = None) -> int:
    """The warehouse QA station instead of the customer wizard (`--mode qa`)."""
    from kiosk.qa import QaRules
    from kiosk.ui.qa_station import QaStation

    rules = QaRules(expect_sim_types=tuple(config.qa_expect_sim_types) or None,
                    expect_sim_count=config.qa_expect_sims, expect_model=config.qa_expect_model,
                    require_pairing=config.qa_require_pairing)
    station = QaStation(client, rules, export_dir=Path.home() / "qa-exports",
                        camera=make_camera(), mask_exports=config.qa_mask_imeis,
                        sound=config.sound and not args.no_sound, journal=journal)
    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    if args.windowed:
        station.resize(1600, 900)
        station.show()
    else:
        from kiosk.ui.screen import cover_screen

        cover_screen(station)
    try:
        await quit_event.wait()
        return 0
    finally:
        await station.shutdown()
        await close_services(background, client, journal, fleet)


async def run_pair_station(app: Any, client: Any, journal: Any, background: Any, config: Any,
                           make_camera: Any, args: argparse.Namespace, fleet: Any = None) -> int:
    """The warehouse pairing station instead of the customer wizard (`--mode pair`): pairings
    a crash left half-done are settled from the journal before the first scan."""
    from kiosk.pair.engine import Pairer
    from kiosk.ui.pair_station import PairStation

    # refresh_every: the full device list, fetched lazily and again every 3 minutes, knows a
    # customer's device that devices/search hides and a box's second IMEI kept in metadata.
    pairer = Pairer(client, journal, refresh_every=180.0)
    try:
        settled = await pairer.resume()
    except Exception:  # the API is down at start: the station still opens, scans say why
        log.exception("could not settle the pairings left by the last run")
        settled = []
    station = PairStation(pairer, export_dir=Path.home() / "pair-exports", camera=make_camera(),
                          sound=config.sound and not args.no_sound)
    if settled:
        station.resumed(settled)
    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    if args.windowed:
        station.resize(1600, 900)
        station.show()
    else:
        from kiosk.ui.screen import cover_screen

        cover_screen(station)
    try:
        await quit_event.wait()
        return 0
    finally:
        await station.shutdown()
        await close_services(background, client, journal, fleet)


async def close_services(background: Any, client: Any, journal: Any, fleet: Any = None) -> None:
    """The end of the ordered shutdown, after the screen's own: activations, fleet, API,
    journal."""
    await background.stop()
    if fleet is not None:
        await fleet.stop()
    await client.aclose()
    journal.close()


def start_watchdog(app: Any) -> None:
    """Tell systemd the kiosk is up, then beat from the GUI loop (a hung UI stops beating)."""
    from PySide6.QtCore import QTimer

    from kiosk.watchdog import heartbeat_interval, notify

    notify("READY=1")
    interval = heartbeat_interval()
    if interval is not None:
        timer = QTimer(app)
        timer.setInterval(int(interval * 1000))
        timer.timeout.connect(lambda: notify("WATCHDOG=1"))
        timer.start()
    app.aboutToQuit.connect(lambda: notify("STOPPING=1"))


def install_excepthook(window: Any) -> None:
    """An unexpected exception is logged (masked) and shown as an error page, not a crash."""
    from kiosk.flow.errors import KioskError

    def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        log.error("unexpected error: %s", "".join(traceback.format_exception(kind, exc, tb)))
        try:
            window.show_error(KioskError("unexpected", detail=str(exc)))
        except Exception:  # the error page itself failed: at least the log has it
            log.exception("could not show the error page")

    sys.excepthook = hook


if __name__ == "__main__":
    from kiosk.cli import main as cli

    raise SystemExit(cli(["gui", *sys.argv[1:]]))
