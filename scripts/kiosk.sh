#!/usr/bin/env bash
# Set everything up (first run) and start the kiosk in demo mode: the embedded Gigs sandbox
# and the virtual camera, in a window. Any arguments go to the `kiosk` command instead, e.g.
# `scripts/kiosk.sh lookup 358507311042123`.
set -euo pipefail
# Set-up works on the repository by absolute paths; the kiosk itself runs in the caller's folder,
# so `kiosk.sh qa --input imeis.txt --export out.csv` reads and writes there, as `kiosk` would.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ $# -eq 0 ]; then
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "[kiosk] No screen here (neither DISPLAY nor WAYLAND_DISPLAY is set)." >&2
    echo "[kiosk] Running one demo activation offscreen and saving every page to ./out/tour;" >&2
    echo "[kiosk] on a machine with a screen this command opens the kiosk itself." >&2
    set -- --demo --tour out/tour
  else
    set -- gui --demo --windowed
  fi
fi
# The installed entry point, not `python -m kiosk`: that would put the caller's folder first on
# sys.path, where a folder named "kiosk" would shadow the package.
exec "$(dirname "$KIOSK_PY")/kiosk" "$@"
