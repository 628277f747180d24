#!/usr/bin/env bash
# Set everything up (first run) and start the kiosk against the embedded Gigs sandbox.
# Any arguments go to the `kiosk` command, e.g. `scripts/kiosk.sh lookup 356938035643809`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$KIOSK_REPO"
if [ $# -eq 0 ]; then set -- demo; fi
exec "$KIOSK_PY" -m kiosk "$@"
