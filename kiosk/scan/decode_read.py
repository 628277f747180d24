"""The readers under the decoder: zxing-cpp (the default) and pyzbar (the product owner's
choice: used when zxing-cpp is missing, on request, and as a second reader of small codes).
Each returns (text, symbology, corners) for every code it reads in a grey image."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from kiosk.scan.decode_geometry import Point

try:  # zxing-cpp is a self-contained wheel; pyzbar is the fallback
    import zxingcpp
except ImportError:  # pragma: no cover - exercised on machines without the wheel
    zxingcpp = None  # type: ignore[assignment]

#: The longest side zxing-cpp reads: it raises ValueError beyond.
ZX_MAX_SIDE = 65535
_ZX_NAMES = {"CODE128": "Code128", "CODE39": "Code39", "QRCODE": "QRCode", "EAN13": "EAN13"}


@functools.lru_cache(maxsize=16)
def _zx_formats(symbologies: tuple[str, ...]) -> Any:
    assert zxingcpp is not None
    formats = tuple(getattr(zxingcpp.BarcodeFormat, _ZX_NAMES[s]) for s in symbologies)
    try:
        return zxingcpp.BarcodeFormats(formats)  # zxing-cpp >= 3
    except TypeError:  # older releases combine formats with |
        combined = formats[0]
        for f in formats[1:]:
            combined = combined | f
        return combined


def _zx_read(grey: np.ndarray, symbologies: tuple[str, ...], *, rotate: bool = True,
             downscale: bool = True, binarizer: str = "local"
             ) -> list[tuple[str, str, list[Point]]]:
    assert zxingcpp is not None
    found: list[tuple[str, str, list[Point]]] = []
    if max(grey.shape) > ZX_MAX_SIDE:
        return found  # a strip longer than zxing-cpp reads: its regions are read
    kind = {"local": zxingcpp.Binarizer.LocalAverage, "fixed": zxingcpp.Binarizer.FixedThreshold,
            "global": zxingcpp.Binarizer.GlobalHistogram}[binarizer]
    for b in zxingcpp.read_barcodes(grey, formats=_zx_formats(symbologies), try_rotate=rotate,
                                    try_downscale=downscale, try_invert=False, binarizer=kind):
        p = b.position
        corners: list[Point] = [
            (float(p.top_left.x), float(p.top_left.y)), (float(p.top_right.x), float(p.top_right.y)),
            (float(p.bottom_right.x), float(p.bottom_right.y)),
            (float(p.bottom_left.x), float(p.bottom_left.y))]
        name = next((k for k, v in _ZX_NAMES.items() if v == b.format.name), b.format.name)
        found.append((b.text, name.upper(), corners))
    return found


def _zbar_read(grey: np.ndarray, symbologies: tuple[str, ...], **_: object
               ) -> list[tuple[str, str, list[Point]]]:
    from pyzbar import pyzbar

    symbols = [getattr(pyzbar.ZBarSymbol, s) for s in symbologies if hasattr(pyzbar.ZBarSymbol, s)]
    found = []
    for s in pyzbar.decode(grey, symbols=symbols):
        try:
            text = s.data.decode("ascii")
        except UnicodeDecodeError:
            continue
        corners = [(float(p.x), float(p.y)) for p in s.polygon]
        if len(corners) < 2:
            r = s.rect
            corners = [(r.left, r.top), (r.left + r.width, r.top),
                       (r.left + r.width, r.top + r.height), (r.left, r.top + r.height)]
        found.append((text, s.type, corners))
    return found


Reader = Callable[..., list[tuple[str, str, list[Point]]]]


def _zbar_available() -> Reader | None:
    try:
        from pyzbar import pyzbar  # noqa: F401
    except ImportError:  # pragma: no cover - pyzbar needs the system's libzbar
        return None
    return _zbar_read


_ZBAR = _zbar_available()


def _reader(backend: str) -> Reader:
    if backend == "pyzbar" or (backend == "auto" and zxingcpp is None):
        return _zbar_read
    if zxingcpp is None:
        raise RuntimeError("zxing-cpp is not installed")
    return _zx_read
