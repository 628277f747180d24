"""A soft Code 128 reader for IMEIs: symbols matched whole against a blurred profile.

Readers threshold a profile into bars and spaces and measure their widths; when blur, JPEG
noise, glare and low contrast come together, a few edges are lost or doubled and the read
fails although every symbol is still there to see. This reader never thresholds: it fits
the code's start and stop patterns, lays the 11-module cells of the symbols between them
(each cell may drift a little from the even grid: the best path is found by dynamic
programming), and compares each cell with all 106 symbols as they look through the measured
blur (correlation: a cell's own contrast and light do not matter). Under heavy blur the
cells are read again beside their neighbours as first read. A code whose modules widen from
one end to the other (perspective the rectification left) is read again evened out, by the
module sizes at which its start and stop patterns fit best.

The best symbol of each cell must then pass the Code 128 check symbol, parse to 15 digits
and pass the IMEI's Luhn digit: a wrong reading passes both about once in a thousand, and
every cell must match well (`MIN_CELL`, `MIN_MEAN`). Only IMEIs come out of it; a code that
reads cleanly as something else gives nothing. Pure numpy on one profile: about 2 ms, up to
about 10 ms for a band it cannot read (both ways round, evened out, the rows normalised).
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from kiosk.scan import decode_profile as prof
from kiosk.scan import code128
from kiosk.scan.imei import imei_from_code

SS = 4  # template samples per module
QUIET = 6  # quiet-zone modules matched beside the start and stop patterns
#: Symbols in a code: start, data, check. A 15-digit IMEI is 11 in sets C and B (start C,
#: 7 digit pairs, Code B, the last digit, check; or start B, a digit, Code C, 7 pairs). One
#: all in set B (17) is left to the other readers: twice the time here for a rare code.
SYMBOLS = 11
MIN_CELL = 0.55  # every cell's best correlation at least this
MIN_MEAN = 0.75  # and their mean
BLUR_FACTORS = (1.0, 0.7, 1.4, 1.9)  # blurs tried, times the measured one
#: How much better the first cell matches a start symbol than any data symbol.
START_MARGIN = 0.05
#: Blur (modules x 20) from which cells are read again beside their neighbours.
FEEDBACK_BLUR = 14
DRIFTS = np.arange(-6, 7) / 4  # how far a cell may start from the even grid (modules)


def _modules(widths: str) -> np.ndarray:
    """Bars +1, spaces -1, a module each."""
    return np.array(code128.widths_modules(widths, 1, -1), np.float32)


@functools.lru_cache(maxsize=64)
def _symbol_templates(sigma_q: int) -> np.ndarray:
    """(106, 13*SS): each symbol with its known neighbours (the space before, the bar after),
    blurred by sigma (modules, quantised to 1/20) and brought to zero mean and unit norm."""
    sigma = sigma_q / 20
    rows = []
    for w in code128.WIDTHS:
        # Two unknown modules (0) each side, the known space before and bar after.
        row = np.concatenate([[0, 0, -1], _modules(w), [1, 0, 0]]).astype(np.float32)
        rows.append(row)
    return _prepare(np.array(rows), sigma, cut=2)


@functools.lru_cache(maxsize=64)
def _end_templates(sigma_q: int) -> tuple[np.ndarray, np.ndarray]:
    """(3 starts + stop, (QUIET+11+1)*SS or (1+13+QUIET)*SS): start symbols after a quiet
    zone (and before a bar), and the stop pattern after a space and before a quiet zone."""
    sigma = sigma_q / 20
    starts = [np.concatenate([-np.ones(QUIET + 2), _modules(code128.WIDTHS[v]), [1, 0, 0]])
              for v in (103, 104, 105)]
    stop = np.concatenate([[0, 0, -1], _modules(code128.STOP), -np.ones(QUIET + 2)])
    return (_prepare(np.array(starts, np.float32), sigma, cut=2),
            _prepare(np.array([stop], np.float32), sigma, cut=2)[0])


def _prepare(rows: np.ndarray, sigma: float, cut: int) -> np.ndarray:
    fine = np.repeat(rows, SS, axis=1)
    if sigma > 0.05:
        radius = int(np.ceil(3 * sigma * SS))
        x = np.arange(-radius, radius + 1, dtype=np.float32)
        kernel = np.exp(-0.5 * (x / (sigma * SS)) ** 2)
        kernel /= kernel.sum()
        fine = np.array([np.convolve(r, kernel, mode="same") for r in fine], np.float32)
    fine = fine[:, cut * SS: fine.shape[1] - cut * SS]
    return _normalise(fine)


def _dot(rows: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """rows (n x s) against templates (t x s, or s): n x t (or n) correlations. By einsum,
    not `@`: OpenBLAS multiplies matrices this size on several threads, which on a busy
    two-core machine spin for a core, the frame's time and CPU doubled at the tail."""
    out: np.ndarray = np.einsum("ns,...s->n...", rows, templates)
    return out


def _normalise(a: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=-1, keepdims=True)
    norm = np.sqrt((a * a).sum(axis=-1, keepdims=True))
    out: np.ndarray = a / np.maximum(norm, 1e-6)
    return out


def _samples(bar: np.ndarray, starts: np.ndarray, m: float, n_modules: int) -> np.ndarray:
    """The profile at SS samples a module from each start (rows), `n_modules` long."""
    offs = (np.arange(n_modules * SS, dtype=np.float64) + 0.5) / SS * m
    pos = starts[:, None] + offs[None, :]
    vals = np.interp(pos.ravel(), np.arange(bar.size), bar).reshape(pos.shape)
    return _normalise(vals.astype(np.float32))


def _fit_end(bar: np.ndarray, template: np.ndarray, centre: float, m: float, span: float,
             step: float, lead: int, cache: dict[tuple[float, ...], np.ndarray] | None = None
             ) -> tuple[float, float]:
    """Where a start (lead = modules before the symbol) or stop pattern fits best near
    `centre`: (position of the pattern's first module, correlation). `cache`: the profile's
    samples by where they were taken, for fits of the same `bar` at several blurs."""
    cands = centre + np.arange(-span, span + 1e-9, step) * m
    n = template.shape[-1] // SS
    key = (centre, m, span, step, lead, n)
    obs = None if cache is None else cache.get(key)
    if obs is None:
        obs = _samples(bar, cands - lead * m, m, n)
        if cache is not None:
            cache[key] = obs
    scores = _dot(obs, template) if template.ndim == 1 else _dot(obs, template).max(axis=1)
    i = int(np.argmax(scores))
    return float(cands[i]), float(scores[i])


def _parse(values: list[int]) -> str | None:
    """Code 128 symbol values (start .. data, no check) to text, sets A, B and C; None for
    anything an IMEI never holds (control characters, shifts, FNC codes)."""
    current = {103: "A", 104: "B", 105: "C"}.get(values[0])
    out = []
    for v in values[1:]:
        if current is None or v >= 102:
            return None
        if current == "C" and v < 100:
            out.append(f"{v:02d}")
        elif v < 64 or (current == "B" and v < 95):
            out.append(chr(v + 32))
        elif v == 99 or (current == "C" and v in (100, 101)):
            current = {99: "C", 100: "B", 101: "A"}[v]
        elif current + str(v) in ("A100", "B101"):
            current = "B" if v == 100 else "A"
        else:
            return None
    return "".join(out)


def _checksum_ok(values: list[int]) -> bool:
    return (values[0] + sum(i * v for i, v in enumerate(values[1:-1], start=1))) % 103 == values[-1]


def read_band(crop: np.ndarray, lo: int, hi: int, x0: float, x1: float, *,
              line: np.ndarray | None = None) -> str | None:
    """The IMEI of rows lo..hi of an upright crop (dark bars) whose code lies about between
    x0 and x1, or None. `line`: the rows' plain profile, when the caller has it."""
    up = prof.UPSAMPLE
    # The plain profile, then each row normalised by its own neighbourhood: glare and uneven
    # light leave part of a code with a fraction of the rest's contrast (blur, noise and JPEG
    # on top), which the plain mean of rows buries and the correlation cannot undo.
    def read(profile: np.ndarray) -> str | None:
        return read_imei(profile, x0 * up, x1 * up, prof.estimate_blur(profile, x0 * up, x1 * up))

    plain = line if line is not None else prof.scan_profile(crop, lo, hi)
    return read(plain) or read(prof.scan_profile(crop, lo, hi, normalise=True))


def read_imei(line: np.ndarray, x0: float, x1: float, sigma: float) -> str | None:
    """The IMEI of the Code 128 lying between about x0 and x1 of `line` (a profile, dark bars
    low, in samples), blurred by about `sigma` samples, either way round (a label upside
    down); None when no reading is sure."""
    if (line.ndim != 1 or not all(np.isfinite(v) for v in (x0, x1, sigma))
            or not np.isfinite(line).all()):
        return None
    x0, x1 = max(0.0, x0), min(float(line.size - 1), x1)
    if x1 - x0 < 40 or line.size < 60:
        return None
    total = 11 * SYMBOLS + 13
    m = (x1 - x0) / total
    if m < 1.2:  # under 0.4 crop pixels a module: nothing to match
        return None
    bar = float(line.mean()) - line.astype(np.float64)  # bars high
    back = bar[::-1].copy()
    sq = int(np.clip(round(max(sigma, 0.0) / m * 20), 0, 40))
    ways = [bar, back]
    fits = [_ends(bar, x0, x1, m, total, sq, 8.0, 0.25),
            _ends(back, line.size - 1 - x1, line.size - 1 - x0, m, total, sq, 8.0, 0.25)]
    # The way round whose start and stop fit better first; then the other: foreshortening can
    # make the right way's ends fit worse at the mean module than the wrong way's.
    order = sorted((0, 1), key=lambda w: -fits[w][3])
    for way in order:
        if way != order[0] and fits[way][3] < fits[order[0]][3] - OTHER_WAY:
            break
        found = _read(ways[way], fits[way], total, SYMBOLS, max(sigma, 0.0) / m)
        if found is not None:
            return found
    return None


def _ends(bar: np.ndarray, left: float, right: float, m: float, total: int, sq: int,
          span: float, step: float, cache: dict[tuple[float, ...], np.ndarray] | None = None
          ) -> tuple[float, float, float, float]:
    """The start and stop patterns fitted near `left` and `right` (the code's outer edges):
    (left, right, module, the poorer of the two fits)."""
    starts, stop = _end_templates(sq)
    left, s_start = _fit_end(bar, starts, left, m, span, step, QUIET, cache)
    right_start, s_stop = _fit_end(bar, stop, right - 13 * m, m, span, step, 1, cache)
    right = right_start + 13 * m
    return left, right, (right - left) / total, min(s_start, s_stop)


def _read(bar: np.ndarray, coarse: tuple[float, float, float, float], total: int, k: int,
          sig_mod: float) -> str | None:
    """From the ends found coarsely at the measured blur (`sig_mod`, modules), the ends
    fitted finely at each of a few blurs around it (the measure errs low under heavy blur);
    the cells are read at the two blurs whose ends fit best."""
    left, right, m, _ = coarse
    if right - left < 40:
        return None
    fits = []
    cache: dict[tuple[float, ...], np.ndarray] = {}  # the same samples at every blur
    for sq in sorted({int(np.clip(round(sig_mod * f * 20), 0, 40)) for f in BLUR_FACTORS}):
        fit = _ends(bar, left, right, m, total, sq, 1.0, 0.125, cache)
        fits.append((fit[3], sq, fit))
    fits.sort(reverse=True)
    for score, sq, (a, _, mod, _) in fits[:2]:
        if score < MIN_CELL:
            break
        found = _cells(bar, a, mod, k, sq)
        if found is not None:
            return found
    score, sq, (a, b, mod, _) = fits[0]
    return _read_evened(bar, a, b, mod, total, k, sq) if score >= MIN_CELL else None


def _read_evened(bar: np.ndarray, a: float, b: float, m: float, total: int, k: int, sq: int
                 ) -> str | None:
    """Foreshortened (a rectification's corners a little off under perspective): modules wider
    at one end than at the other. The ends fitted at a few module sizes each say by how much;
    the profile is resampled so that they are even, and the cells read again."""
    found_ends = _foreshortening(bar, a, b, m, sq)
    if found_ends is None:
        return None
    ratio, a, b = found_ends
    even = _even(bar, a, b, ratio)
    fit = _ends(even, a, b, (b - a) / total, total, sq, 1.0, 0.125)
    return _cells(even, fit[0], fit[2], k, sq) if fit[3] >= MIN_CELL else None


#: The other way round is read only when its ends fit within this of the first way's (each
#: way's read is 1-5 ms; the wrong way's ends seldom fit nearly as well).
OTHER_WAY = 0.15
#: Module sizes (times the mean) the start and stop patterns are fitted at.
SCALES = (0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.4)
#: End fits at another module size this much better than at the mean one: foreshortened.
SCALE_GAIN = 0.03
#: How far (modules) from where the ends fitted at the mean module they are looked for at
#: other module sizes: a foreshortened code's ends fit a few modules off at the mean.
FORESHORTENED_SPAN = 4.0


def _foreshortening(bar: np.ndarray, left: float, right: float, m: float, sq: int
                    ) -> tuple[float, float, float] | None:
    """The module at the stop over the module at the start, and where the code starts and
    ends, from the start and stop patterns fitted at each of `SCALES` times the mean module
    (within `FORESHORTENED_SPAN` modules of where they fitted at the mean module); None when
    the mean module fits about as well."""
    starts, stop = _end_templates(sq)
    ends = []
    for template, lead in ((starts, QUIET), (stop, 1)):
        fits = []
        for f in SCALES:
            centre = left if lead == QUIET else right - 13 * m * f
            fits.append(_fit_end(bar, template, centre, m * f, FORESHORTENED_SPAN, 0.25, lead))
        i = int(np.argmax([score for _, score in fits]))
        if fits[i][1] < fits[SCALES.index(1.0)][1] + SCALE_GAIN:
            i = SCALES.index(1.0)
        ends.append((SCALES[i], fits[i][0]))
    (f_start, a), (f_stop, stop_at) = ends
    ratio = f_stop / f_start
    if 0.95 < ratio < 1.05:
        return None
    return ratio, a, stop_at + 13 * m * f_stop


def _even(bar: np.ndarray, left: float, right: float, ratio: float) -> np.ndarray:
    """`bar` resampled so that modules growing steadily by `ratio` from `left` to `right` come
    out even (the ends stay where they are; beyond them, each end's module)."""
    w = right - left
    c = (ratio - 1) / (ratio + 1)
    u = (np.arange(bar.size, dtype=np.float64) - left) / w
    g = np.where(u < 0, (1 - c) * u, np.where(u > 1, 1 + (1 + c) * (u - 1), u + c * u * (u - 1)))
    out: np.ndarray = np.interp(left + w * g, np.arange(bar.size), bar)
    return out


def _cells(bar: np.ndarray, left: float, m: float, k: int, sigma_q: int) -> str | None:
    """Read the k cells between the start at `left` and the stop after them. Each cell's
    start may drift from the even grid (a rectification is not exact), a quarter module at
    most from one cell to the next: the path of drifts with the best total match wins."""
    templates = _symbol_templates(sigma_q)
    stop = _end_templates(sigma_q)[1]
    n = DRIFTS.size
    starts = left + ((11 * np.arange(k) - 1)[:, None] + DRIFTS[None, :]).ravel() * m
    scores = _dot(_samples(bar, starts, m, 13), templates).reshape(k, n, -1)
    free = scores.copy()  # any symbol in any cell
    scores[0, :, :103] = -2.0  # the first cell is a start symbol
    scores[0, :, 106:] = -2.0
    scores[1:, :, 103:] = -2.0  # and no other cell is
    best = scores.max(axis=2)
    stop_at = left + (11 * k - 1 + DRIFTS) * m
    stop_score = _dot(_samples(bar, stop_at, m, stop.size // SS), stop)
    # Viterbi over drifts: total[j, d] = best[j, d] + max over d' within one step of total[j-1].
    total = best[0].copy()
    back = np.zeros((k + 1, n), np.int64)
    for j in range(1, k + 1):
        cand = np.full((3, n), -1e9, np.float32)
        cand[1] = total
        cand[0, 1:] = total[:-1]  # from d-1
        cand[2, :-1] = total[1:]  # from d+1
        pick = cand.argmax(axis=0)
        back[j] = np.arange(n) + pick - 1
        total = cand.max(axis=0) + (best[j] if j < k else stop_score)
    d = int(total.argmax())
    path = [d]
    for j in range(k, 0, -1):
        d = int(back[j, d])
        path.append(d)
    path = path[::-1][:k]
    cell = np.array([scores[j, path[j]] for j in range(k)])
    top = cell.max(axis=1)
    if float(top.min()) < MIN_CELL or float(top.mean()) < MIN_MEAN:
        return None
    # The start must look like a start more than like any data symbol, and no other cell
    # like a start: the last 11 symbols of a longer code whose beginning glare washed out
    # (a 19-digit ICCID ends with an IMEI's layout) are read as nothing, not as an IMEI.
    first_cell = free[0, path[0]]
    if float(first_cell[103:106].max() - first_cell[:103].max()) < START_MARGIN:
        return None
    if any(int(free[j, path[j]].argmax()) >= 103 for j in range(1, k)):
        return None
    found, first = _decide(cell)
    if found is not None or sigma_q < FEEDBACK_BLUR:
        return found
    # Heavy blur: each symbol bleeds into its neighbours. Read every cell again with its
    # neighbours as first read (decision feedback), which the first pass could not know.
    offsets = left + (11 * np.arange(k) - 1 + DRIFTS[path]) * m
    cell = _with_neighbours(bar, offsets, m, first, sigma_q)
    return _decide(cell)[0]


def _decide(cell: np.ndarray) -> tuple[str | None, list[int]]:
    """The IMEI from the cells' scores (k x symbols), and the best symbol of each cell.

    Only the best symbol of each cell is read: trying runner-ups where they come close
    reads a little more, but the reading no longer rests on the checks alone (of 7,200
    heavily blurred test codes, runner-ups gave 7 wrong IMEIs; best symbols only, none)."""
    first = [int(v) for v in cell.argmax(axis=1)]
    return (_imei(first) if _checksum_ok(first) else None), first


def _imei(values: list[int]) -> str | None:
    text = _parse(values[:-1])
    return text if text is not None and len(text) == 15 and imei_from_code(text) else None


_MODULES = np.array([_modules(w) for w in code128.WIDTHS], np.float32)  # (106, 11)
_STOP_MODULES = _modules(code128.STOP)


def _with_neighbours(bar: np.ndarray, offsets: np.ndarray, m: float, first: list[int],
                     sigma_q: int) -> np.ndarray:
    """Each cell's scores (k x 106) against every symbol drawn between its neighbours."""
    k = len(first)
    n = len(_MODULES)
    sigma = sigma_q / 20 * SS
    radius = int(np.ceil(3 * sigma))
    xs = np.arange(-radius, radius + 1, dtype=np.float32)
    kernel = np.exp(-0.5 * (xs / sigma) ** 2)
    kernel /= kernel.sum()
    rows = np.empty((k, n, 33), np.float32)
    rows[:, :, 11:22] = _MODULES[None]
    rows[0, :, :11] = -1.0  # the quiet zone before the start
    rows[1:, :, :11] = _MODULES[first[:-1]][:, None]
    rows[:-1, :, 22:] = _MODULES[first[1:]][:, None]
    rows[-1, :, 22:] = _STOP_MODULES[:11]
    fine = cv2.filter2D(np.repeat(rows.reshape(k * n, 33), SS, axis=1), -1, kernel[None, :],
                        borderType=cv2.BORDER_REPLICATE)
    window = _normalise(fine[:, 10 * SS: 23 * SS]).reshape(k, n, 13 * SS)
    obs = _samples(bar, offsets, m, 13)
    out: np.ndarray = np.einsum("kns,ks->kn", window, obs)
    out[0, :103] = -2.0  # the first cell is a start symbol, and no other cell is
    out[1:, 103:] = -2.0
    return out
