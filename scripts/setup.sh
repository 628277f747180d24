#!/usr/bin/env bash
# Shared set-up for scripts/kiosk.sh and scripts/test.sh: system libraries, virtualenv, package.
# Idempotent and quiet when nothing changed; sourced, so it may `return` with an error code.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${KIOSK_VENV:-$repo/.venv}"

# Debian packages the kiosk needs at run time:
#  - libzbar0: the barcode decoder behind pyzbar;
#  - libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core:
#    what Qt needs to start at all, even offscreen (and a font, or text renders as boxes);
#  - the xcb libraries: what Qt's xcb platform needs on a real monitor (a fresh Debian lacks them).
apt_packages=(
  libzbar0
  libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1
  libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0
)

say() { printf '[setup] %s\n' "$*" >&2; }

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

install_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian system: make sure zbar and Qt's libraries are installed"; return 0; }
  local missing=() pkg
  for pkg in "${apt_packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    local aptlog
    aptlog="$(mktemp)"
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$aptlog" 2>&1; then
      cat "$aptlog" >&2; rm -f "$aptlog"; say "apt-get failed"; return 1
    fi
    rm -f "$aptlog"
  else
    say "these Debian packages are missing: ${missing[*]}"
    say "run this once, then run this command again:"
    printf '\n    sudo apt-get update && sudo apt-get install -y %s\n\n' "${missing[*]}" >&2
    return 1
  fi
}

python_bin="$(pick_python)" || { say "Python 3.11 to 3.13 is required (set PYTHON=/path/to/python3.11)"; return 1; }

extra_apt=()
# Debian's own python3 cannot create a venv without python3-venv.
if ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  extra_apt+=("python3-venv")
fi
# For the tests only (scripts/test.sh sets KIOSK_SETUP_TESTS=1; running the kiosk needs
# neither): PostgreSQL, as tests/gateway start a throwaway cluster of their own (a fleet's
# gateway runs on it), and Chromium, in which tests/gateway/test_fleet_browser.py drives the
# fleet page headless. Installed only when we may (as root, as in CI); without them those
# tests skip (CI: fail).
if [ "${KIOSK_SETUP_TESTS:-0}" = "1" ] && [ "$(id -u)" -eq 0 ]; then
  extra_apt+=("postgresql" "chromium")
fi
install_system_packages "${extra_apt[@]}" || return 1

if [ ! -x "$venv/bin/python" ]; then
  say "creating virtualenv in $venv"
  "$python_bin" -m venv "$venv"
fi

# Reinstall only when the project's requirements changed.
stamp="$venv/.kiosk-installed"
want="$(cat "$repo/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing the kiosk and its Python dependencies (first run takes a minute or two)"
  piplog="$venv/pip-install.log"
  if ! { "$venv/bin/python" -m pip install --disable-pip-version-check --upgrade pip \
         && "$venv/bin/python" -m pip install --disable-pip-version-check -e "$repo[test]"; } >"$piplog" 2>&1; then
    tail -40 "$piplog" >&2
    say "pip failed; the whole log is in $piplog"
    return 1
  fi
  echo "$want" > "$stamp"
fi

# Compiled translations are build output: made here from resources/i18n/*.ts, not committed.
for ts in "$repo"/resources/i18n/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    "$venv/bin/pyside6-lrelease" -silent "$ts" -qm "$qm" >&2
  fi
done

export KIOSK_REPO="$repo" KIOSK_PY="$venv/bin/python"
