"""A printable sheet of the seeded IMEIs as Code 128 barcodes, for demo booths; then a page of
the pairing station's IMEIs and stock ICCIDs (issue 15)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kiosk.sandbox.seed import DEMO_DEVICES, PACKED_IMEI, PAIRING_DEVICES, PAIRING_SIMS
from kiosk.scan import code128

DPI = 200
PAGE = (int(8.27 * DPI), int(11.69 * DPI))  # A4 portrait


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def render_pages() -> list[Image.Image]:
    """A4 pages at 200 dpi, two columns of labelled barcodes."""
    title, label, small = _font(44), _font(26), _font(20)
    pages: list[Image.Image] = []
    per_page = 14
    for start in range(0, len(DEMO_DEVICES), per_page):
        page = Image.new("L", PAGE, 255)
        draw = ImageDraw.Draw(page)
        draw.text((80, 60), "SIM kiosk demo devices (sandbox)", font=title, fill=0)
        draw.text((80, 120), "Hold a code to the kiosk camera. Not real devices.", font=small,
                  fill=60)
        for i, device in enumerate(DEMO_DEVICES[start : start + per_page]):
            col, row = i % 2, i // 2
            x, y = 80 + col * (PAGE[0] // 2 - 20), 190 + row * 300
            bars = code128.render(device.imei, module_px=3, height_px=120)
            page.paste(Image.fromarray(bars), (x, y))
            draw.text((x + 30, y + 126), device.imei, font=label, fill=0)
            draw.text((x + 30, y + 158), device.label, font=label, fill=0)
            words, line, lines = device.demonstrates.split(), "", []
            for word in words:
                if len(line) + len(word) > 42:
                    lines.append(line)
                    line = ""
                line = f"{line} {word}".strip()
            lines.append(line)
            for j, text in enumerate(lines[:3]):
                draw.text((x + 30, y + 192 + j * 24), text, font=small, fill=70)
        pages.append(page)
    pages.append(render_pairing_page())
    return pages


def pairing_codes() -> list[tuple[str, str, str]]:
    """(kind, digits, note) of the pairing page: box IMEIs first, then the SIM cards."""
    boxes = [("IMEI", d.imei, f"{d.key}: {d.label}") for d in PAIRING_DEVICES]
    boxes.append(("IMEI", PACKED_IMEI, "packed: Motorola edge 50 (registered, holds 'attached')"))
    cards = [("ICCID", s.iccid, f"{s.key}: {s.type}, {s.status}"
              + (", in the packed phone" if s.key == "attached" else "")) for s in PAIRING_SIMS]
    return boxes + cards


def render_pairing_page() -> Image.Image:
    """One A4 page: the pairing IMEIs and the stock ICCIDs, two columns of labelled barcodes."""
    title, label, small = _font(44), _font(24), _font(20)
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    draw.text((80, 60), "Pairing station: boxes and SIM cards (sandbox)", font=title, fill=0)
    draw.text((80, 120), "Scan a box's IMEI, then a card's ICCID. Not real devices or SIMs.",
              font=small, fill=60)
    y = 170
    for kind in ("IMEI", "ICCID"):
        draw.text((80, y), "Boxes (IMEI)" if kind == "IMEI" else "SIM cards (ICCID)", font=label,
                  fill=0)
        y += 40
        codes = [c for c in pairing_codes() if c[0] == kind]
        for i, (_, digits, note) in enumerate(codes):
            x, row_y = 80 + (i % 2) * (PAGE[0] // 2 - 20), y + (i // 2) * 170
            page.paste(Image.fromarray(code128.render(digits, module_px=3, height_px=90)),
                       (x, row_y))
            draw.text((x + 30, row_y + 94), f"{kind} {digits}", font=label, fill=0)
            draw.text((x + 30, row_y + 124), note, font=small, fill=70)
        y += (len(codes) + 1) // 2 * 170 + 10
    return page


def expected_codes() -> list[str]:
    """Every value the sheet must carry: the demo IMEIs, then the pairing page's."""
    return [d.imei for d in DEMO_DEVICES] + [digits for _, digits, _ in pairing_codes()]


def verify(pages: list[Image.Image]) -> list[str]:
    """Decode the pages back and return the values that could not be read (should be none)."""
    from pyzbar import pyzbar

    read = set()
    for page in pages:
        for symbol in pyzbar.decode(np.asarray(page), symbols=[pyzbar.ZBarSymbol.CODE128]):
            read.add(symbol.data.decode("ascii"))
    return [value for value in expected_codes() if value not in read]


def write(path: Path) -> list[Path]:
    pages = render_pages()
    missing = verify(pages)
    if missing:
        raise RuntimeError(f"rendered barcodes that do not decode back: {missing}")
    if path.suffix.lower() == ".pdf" or len(pages) == 1:
        pages[0].save(path, save_all=True, append_images=pages[1:], resolution=DPI, dpi=(DPI, DPI))
        return [path]
    # PNG: the first page at `path`, the others beside it as `<stem>-2.png`, `<stem>-3.png`...
    written = [path] + [path.with_stem(f"{path.stem}-{n}") for n in range(2, len(pages) + 1)]
    for page, target in zip(pages, written, strict=True):
        page.save(target, dpi=(DPI, DPI))
    return written
