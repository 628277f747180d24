#!/usr/bin/env bash
# Set everything up (first run) and start the kiosk in demo mode: the embedded Gigs sandbox
# and the virtual camera, in a window. Any arguments go to the `kiosk` command instead, e.g.
# `scripts/kiosk.sh lookup 358507311042123`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$KIOSK_REPO"
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
exec "$KIOSK_PY" -m kiosk "$@"
