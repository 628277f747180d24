"""Sizes, money and counts as people write them, in the customer's language (#13)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale

from kiosk.ui import formatting as fmt

GB, MB = 1_000_000_000, 1_000_000
EN, DE = QLocale("en"), QLocale("de")


@pytest.mark.parametrize(("size", "english", "german"), [
    (1 * GB, "1 GB", "1 GB"),
    (20 * GB, "20 GB", "20 GB"),
    (1_500_000_000, "1.5 GB", "1,5 GB"),
    (500 * MB, "500 MB", "500 MB"),
    (250_000, "250 kB", "250 kB"),
    (999_950_000, "1 GB", "1 GB"),  # never "1000 MB"
    (2_340_000_000, "2.3 GB", "2,3 GB"),
    (1_000 * GB, "1 TB", "1 TB"),
    (1024**3, "1 GB", "1 GB"),  # an allowance set in GiB is still "1 GB"
    (512 * 1024**2, "512 MB", "512 MB"),
    (100, "100 B", "100 B"),
])
def test_data_sizes_read_as_people_write_them(size: int, english: str, german: str) -> None:
    assert fmt.data(size, EN) == english
    assert fmt.data(size, DE) == german


def test_no_data_and_unlimited(qapp) -> None:  # type: ignore[no-untyped-def]
    assert fmt.data(None, EN) == "Unlimited data"
    assert fmt.data(0, EN) == "No data"
