#!/usr/bin/env bash
# `make package`: the self-contained bundle in dist/kiosk, checked by its own self-test.
# The bundle's OpenCV is built once from source with only what the kiosk uses (about 12
# minutes on 2 cores, then cached); KIOSK_OPENCV=full takes the PyPI wheel instead: no
# compiler needed, but a bundle of about 380 MB instead of about 210.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"   # venv, translations, runtime libraries
cd "$KIOSK_REPO"
if [ "${KIOSK_OPENCV:-slim}" = slim ]; then
  install_system_packages g++ cmake ninja-build || exit 1
  KIOSK_OPENCV_DIR="$("$KIOSK_PY" packaging/opencv_slim.py)"
  export KIOSK_OPENCV_DIR
fi
"$(dirname "$KIOSK_PY")/pyinstaller" packaging/kiosk.spec -y --distpath dist --workpath build/pyinstaller \
  --log-level "${PYINSTALLER_LOG_LEVEL:-WARN}"
dist/kiosk/kiosk --self-test
du -sh --apparent-size dist/kiosk
