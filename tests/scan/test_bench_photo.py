"""`python -m kiosk.scan.bench --hard`'s photo options: the frames it reads and what it refuses."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.scan import bench
from kiosk.scan.synth_hard import iter_hard_frames


def test_a_frame_scaled_and_padded_is_a_photo_around_it() -> None:
    frame = np.zeros((72, 128, 3), np.uint8)
    assert bench.as_photo(frame) is frame
    assert bench.as_photo(frame, scale=3).shape == (216, 384, 3)
    padded = bench.as_photo(frame, pad=3)
    assert padded.shape == (216, 384, 3)
    assert (padded[72:144, 128:256] == 0).all() and (padded[:72] == 200).all()


def test_the_hard_samples_are_the_kinds_asked_for_as_photos() -> None:
    samples = list(bench.hard_samples(3, 8097, ("small",), pad=3))
    frames = list(iter_hard_frames(3, 8097, kinds=("small",)))
    assert [s[1] for s in samples] == ["small"] * 3
    for (_, _, photo, imeis), f in zip(samples, frames, strict=True):
        h, w = f.image.shape[:2]
        assert photo.shape[:2] == (3 * h, 3 * w) and imeis == f.imeis


@pytest.mark.parametrize("argv", [["--hard", "--kinds", "nope"], ["--hard", "--scale", "0.5"],
                                  ["--hard", "--pad", "nan"], ["--hard", "--kinds", ","]])
def test_bad_photo_options_are_refused_with_one_line(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        bench.main(argv)
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(
        "python -m kiosk.scan.bench: error: argument --")
