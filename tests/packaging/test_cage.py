"""The bundle under cage, as packaging/README.md installs it: Qt's Wayland platform, no root.

The packages come from packaging/linux/packages.txt and nothing else, so a library the
recipe forgets (libwayland-cursor0 was one: cage does not pull it in) fails here, not on the
first shop's kiosk. wlroots runs headless, so no screen or GPU is needed.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.apt import apt_install

if TYPE_CHECKING:
    from tests.packaging.conftest import Bundle

ROOT = Path(__file__).resolve().parents[2]


def recipe_packages() -> list[str]:
    text = (ROOT / "packaging" / "linux" / "packages.txt").read_text()
    return [p for line in text.splitlines() for p in re.sub(r"#.*", "", line).split()]


def test_the_recipe_lists_the_compositor_and_what_qt_wayland_loads() -> None:
    packages = recipe_packages()
    assert {"cage", "xwayland", "libwayland-cursor0", "libwayland-egl1"} <= set(packages)
    readme = (ROOT / "packaging" / "README.md").read_text()
    assert "packaging/linux/packages.txt" in readme


@pytest.mark.slow
@pytest.mark.timeout(1800)  # the bundle fixture may build first
def test_the_bundle_runs_its_tour_under_cage_as_an_unprivileged_user(bundle: Bundle) -> None:
    apt_install(recipe_packages(), "running the bundle under cage")
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("cage refuses root; dropping to another user needs root and setpriv")
    nobody = pwd.getpwnam("nobody")
    place = Path(tempfile.mkdtemp(prefix="kiosk-cage-"))
    try:
        place.chmod(0o755)
        shutil.copytree(bundle.binary.parent, place / "kiosk", symlinks=True)
        for name in ("xdg", "home", "tour"):
            (place / name).mkdir(mode=0o700)
            os.chown(place / name, nobody.pw_uid, nobody.pw_gid)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(place / "home"), "LANG": "C.UTF-8",
               "XDG_RUNTIME_DIR": str(place / "xdg"), "WLR_BACKENDS": "headless",
               "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1",
               "QT_QPA_PLATFORM": "wayland"}  # as the systemd unit sets it: no fallback
        result = subprocess.run(
            ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
             "cage", "-s", "--", str(place / "kiosk" / "kiosk"), "gui", "--demo",
             "--tour", str(place / "tour")],
            capture_output=True, text=True, env=env, timeout=300)
        log = "\n".join(line for line in (result.stdout + result.stderr).splitlines()
                        if "[DEBUG]" not in line and "Basic output test" not in line)
        assert "Could not load the Qt platform plugin" not in log, log[-3000:]
        shots = sorted((place / "tour").glob("*/*/*.png"))  # size/language/page.png
        pages = re.search(r"tour: (\d+) pages at \d+ sizes", log)
        assert pages and int(pages[1]) >= 18 and len(shots) >= 30, log[-3000:]
    finally:
        shutil.rmtree(place, ignore_errors=True)
