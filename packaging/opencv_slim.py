"""A slim OpenCV for the bundle, built once from the PyPI source and cached.

The opencv-python-headless wheel is 150 MiB installed: every OpenCV module, FFmpeg with
AV1/VP9/AVIF codecs, OpenSSL and its own OpenBLAS. The kiosk calls four modules (core,
imgproc, imgcodecs for PNG/JPEG, videoio for V4L2 cameras), so the bundle gets the same
release built from its source with only those: about 20 MiB, no FFmpeg.

Usage: python packaging/opencv_slim.py   -> prints the directory to put first on sys.path.
The build takes about 12 minutes on 2 cores and needs a C++ compiler and CMake; the result
is kept in $KIOSK_BUILD_CACHE (default ~/.cache/sim-kiosk) under a key of version and flags.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
from pathlib import Path
from typing import IO

PACKAGE = "opencv-python-headless"
MODULES = "core,imgproc,imgcodecs,videoio,python3"
# Everything the kiosk does not call is off: video files other than OpenCV's own MJPEG/AVI
# reader (FFmpeg, GStreamer), LAPACK/OpenBLAS, OpenCL, IPP (a download from GitHub at
# configure time), and image formats other than PNG and JPEG. libjpeg-turbo, libpng and
# zlib are built in, so the result needs nothing from the system but libc and libstdc++.
CMAKE_FLAGS = (
    f"-DBUILD_LIST={MODULES}",
    "-DWITH_V4L=ON", "-DWITH_FFMPEG=OFF", "-DWITH_GSTREAMER=OFF", "-DWITH_1394=OFF",
    "-DWITH_VA=OFF", "-DWITH_VA_INTEL=OFF", "-DWITH_OBSENSOR=OFF",
    "-DWITH_LAPACK=OFF", "-DWITH_EIGEN=OFF", "-DWITH_OPENCL=OFF", "-DWITH_IPP=OFF",
    "-DWITH_ITT=OFF", "-DWITH_ADE=OFF", "-DWITH_PROTOBUF=OFF",
    "-DWITH_TIFF=OFF", "-DWITH_WEBP=OFF", "-DWITH_OPENJPEG=OFF", "-DWITH_JASPER=OFF",
    "-DWITH_OPENEXR=OFF", "-DBUILD_OPENEXR=OFF", "-DWITH_AVIF=OFF", "-DWITH_JPEGXL=OFF",
    "-DWITH_SPNG=OFF", "-DWITH_IMGCODEC_HDR=OFF", "-DWITH_IMGCODEC_SUNRASTER=OFF",
    "-DWITH_IMGCODEC_PXM=OFF", "-DWITH_IMGCODEC_PFM=OFF", "-DWITH_IMGCODEC_GIF=OFF",
    "-DBUILD_JPEG=ON", "-DBUILD_PNG=ON", "-DBUILD_ZLIB=ON",
)


def cache_root() -> Path:
    return Path(os.environ.get("KIOSK_BUILD_CACHE") or Path.home() / ".cache" / "sim-kiosk")


def target_dir(version: str) -> Path:
    key = hashlib.sha256(" ".join((version, platform.machine(), *CMAKE_FLAGS)).encode())
    return cache_root() / f"opencv-slim-{version}-{key.hexdigest()[:10]}"


def _check(site: Path) -> str:
    """The build information of the cv2 in `site`; SystemExit if another cv2 loads instead."""
    probe = ("import cv2, sys; from pathlib import Path; "
             "assert Path(cv2.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), "
             "cv2.__file__; print(cv2.getBuildInformation())")
    out = subprocess.run([sys.executable, "-c", probe, str(site)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(site)})
    if out.returncode != 0:
        raise SystemExit(f"the slim OpenCV in {site} does not load:\n{out.stderr[-2000:]}")
    return out.stdout


def _run(cmd: list[str], log: IO[str]) -> None:
    log.write(f"$ {' '.join(cmd)}\n")
    log.flush()
    subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, check=True)


def _python_flags() -> list[str]:
    """This interpreter for OpenCV's CMake, which otherwise may find another libpython."""
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    library = Path(libdir) / (sysconfig.get_config_var("LDLIBRARY") or "")
    return [f"-DPYTHON3_EXECUTABLE={sys.executable}", "-DPYTHON3_LIMITED_API=ON",
            f"-DPYTHON3_INCLUDE_DIR={sysconfig.get_paths()['include']}",
            f"-DPYTHON3_LIBRARY={library}"]


def build(version: str, dest: Path) -> None:
    """Build into `dest`/site. Resumable: the work folder stays until a build succeeds."""
    missing = [t for t in ("c++", "cmake") if shutil.which(t) is None]
    if missing:
        raise SystemExit(f"building the slim OpenCV needs {' and '.join(missing)}: "
                         "sudo apt-get install -y g++ cmake ninja-build")
    import numpy

    work = dest.with_name(dest.name + ".work")
    work.mkdir(parents=True, exist_ok=True)
    log_path = work / "build.log"
    print(f"building OpenCV {version} with {MODULES} only, once "
          f"(about 12 minutes on 2 cores; log in {log_path})", file=sys.stderr)
    started = time.monotonic()
    with log_path.open("a") as log:
        source = next(work.glob("src/*/opencv"), None)
        if source is None:
            # pip fetches the source release from the configured index and checks its hash.
            _run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", PACKAGE,
                  f"{PACKAGE}=={version}", "-d", str(work / "sdist")], log)
            with tarfile.open(next((work / "sdist").glob("*.tar.gz"))) as tar:
                tar.extractall(work / "src", filter="data")
            shutil.rmtree(work / "sdist")
            source = next(work.glob("src/*/opencv"))
        configured = (work / "build" / "CMakeCache.txt").exists()  # the generator is recorded there
        ninja = ["-G", "Ninja"] if shutil.which("ninja") and not configured else []
        # OpenCV's own CMake, not the wheel's setup.py: that one insists on typing stubs,
        # whose generator assumes the modules left out here. Configured every time (cheap;
        # a resumed build keeps what it compiled).
        _run(["cmake", "-S", str(source), "-B", str(work / "build"), *ninja,
              "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_INSTALL_PREFIX={work / 'install'}",
              "-DBUILD_SHARED_LIBS=OFF", "-DBUILD_TESTS=OFF", "-DBUILD_PERF_TESTS=OFF",
              "-DBUILD_DOCS=OFF", "-DBUILD_EXAMPLES=OFF", "-DBUILD_opencv_apps=OFF",
              "-DBUILD_JAVA=OFF", "-DBUILD_opencv_python2=OFF", "-DBUILD_opencv_python3=ON",
              *_python_flags(), f"-DPYTHON3_NUMPY_INCLUDE_DIRS={numpy.get_include()}",
              "-DOPENCV_PYTHON3_INSTALL_PATH=python", "-DINSTALL_CREATE_DISTRIB=ON",
              "-DWITH_QT=OFF", "-DWITH_GTK=OFF", *CMAKE_FLAGS], log)
        _run(["cmake", "--build", str(work / "build"), "--parallel", str(os.cpu_count() or 2)], log)
        _run(["cmake", "--install", str(work / "build")], log)
    site = work / "install" / "python"
    for ext in site.glob("cv2/**/*.so"):  # built here, so safe to strip (unlike wheels)
        subprocess.run(["strip", "--strip-unneeded", str(ext)], check=True)
    if re.search(r"FFMPEG:\s+YES", _check(site)):
        raise SystemExit("the slim OpenCV was built with FFmpeg; check CMAKE_FLAGS")
    staged = work / "staged"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    shutil.move(site, staged / "site")
    shutil.copy2(log_path, staged / "build.log")  # kept: what was built, and with what
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(staged, dest)  # whole or not at all: only a checked build becomes the cache
    shutil.rmtree(work)
    print(f"slim OpenCV built in {time.monotonic() - started:.0f} s", file=sys.stderr)


def main() -> int:
    version = importlib.metadata.version(PACKAGE)
    dest = target_dir(version)
    site = dest / "site"
    if not site.is_dir():
        build(version, dest)  # checks what it built
    else:
        _check(site)  # a cache can outlive the Python it was built for
    print(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
