"""`kiosk scan`: read IMEIs from an image, a camera, a video, a folder, or the demo footage."""

from __future__ import annotations

import argparse
import json
import sys
import threading

from kiosk.cli.common import EXIT_INVALID, EXIT_NOT_FOUND, EXIT_OK, CliError


def scan(args: argparse.Namespace) -> int:
    import cv2

    from kiosk.scan import find_codes, imei_from_code

    if args.image:
        frame = cv2.imread(args.image, cv2.IMREAD_COLOR)
        if frame is None:
            raise CliError(f"cannot read the image {args.image}", EXIT_INVALID)
        codes = find_codes(frame, budget_ms=args.budget)
        imeis = [i for i in dict.fromkeys(imei_from_code(c.text) for c in codes) if i]
        if args.json:
            print(json.dumps({"imeis": imeis, "codes": [
                {"text": c.text, "symbology": c.symbology, "polygon": c.polygon} for c in codes]}))
        else:
            for code in codes:
                mark = "IMEI" if imei_from_code(code.text) else "    "
                print(f"{mark} {code.symbology:<8} {code.text}")
        return EXIT_OK if imeis else EXIT_NOT_FOUND

    from kiosk.scan.camera import CameraWorker, source_for

    spec: str = args.camera
    if spec == "demo":
        from kiosk.sandbox.seed import DEMO_IMEIS
        from kiosk.scan import demo_camera

        spec = str(demo_camera.ensure([DEMO_IMEIS["esim"]]))
    accepted: list[str] = []
    done = threading.Event()

    def on_accepted(imeis: list[str]) -> None:
        for imei in imeis:
            print(imei, flush=True)
        accepted.extend(imeis)
        if args.once:
            done.set()

    worker = CameraWorker(source_for(spec),
                          on_state=lambda s, m: print(f"[camera] {m}", file=sys.stderr, flush=True),
                          on_accepted=on_accepted)
    worker.start()
    try:
        done.wait(args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
    print(f"[camera] {worker.frames_grabbed} frames, {worker.frames_decoded} decoded in "
          f"{args.seconds if not done.is_set() else 'less than ' + str(args.seconds)} s",
          file=sys.stderr)
    return EXIT_OK if accepted else EXIT_NOT_FOUND


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("scan", help="read IMEI barcodes from an image or a camera")
    p.add_argument("--image", help="decode one image file and list every code in it")
    p.add_argument("--camera", default="demo",
                   help="a device index (0), a video file, a folder of images, or demo")
    p.add_argument("--seconds", type=float, default=30.0, help="how long to watch the camera")
    p.add_argument("--once", action="store_true", help="stop at the first accepted IMEI(s)")
    p.add_argument("--budget", type=float, default=25.0, help="decoding time budget per frame, ms")
    p.add_argument("--json", action="store_true")
    p.add_argument("-v", "--verbose", action="count", default=0)


