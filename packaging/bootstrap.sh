#!/usr/bin/env bash
# Sourced by packaging/studio.sh and packaging/test.sh: makes this checkout runnable on a fresh
# Debian/Ubuntu machine. Finds a Python >= 3.12 (pyenv installs included), installs Qt's system
# libraries when run as root (or prints the exact apt line), creates .venv with the pinned
# dependencies and installs the pinned web libraries into resources/weblibs (packaging/fetch_weblibs.py).
# Every step is skipped when already done, so a second run costs a second.
set -euo pipefail

LUDEME_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$LUDEME_ROOT/.venv"
say() { printf '\033[1;34mludeme:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mludeme:\033[0m %s\n' "$*" >&2; exit 1; }

# Qt WebEngine's runtime libraries (library file -> Debian package).
QT_LIBS=(
  "libglib-2.0.so.0 libglib2.0-0" "libGL.so.1 libgl1" "libEGL.so.1 libegl1"
  "libxkbcommon.so.0 libxkbcommon0" "libfreetype.so.6 libfreetype6" "libfontconfig.so.1 libfontconfig1"
  "libdbus-1.so.3 libdbus-1-3" "libnspr4.so libnspr4" "libnss3.so libnss3"
  "libXcomposite.so.1 libxcomposite1" "libXdamage.so.1 libxdamage1" "libXrandr.so.2 libxrandr2"
  "libXtst.so.6 libxtst6" "libasound.so.2 libasound2" "libxkbfile.so.1 libxkbfile1"
  "libxkbcommon-x11.so.0 libxkbcommon-x11-0" "libxcb-cursor.so.0 libxcb-cursor0"
  "libxcb-icccm.so.4 libxcb-icccm4" "libxcb-keysyms.so.1 libxcb-keysyms1"
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_system_libs() {
  local missing=() entry lib pkg
  for entry in "${QT_LIBS[@]}"; do
    lib=${entry%% *}; pkg=${entry##* }
    ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$pkg")
  done
  if ! command -v fc-list >/dev/null || [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then missing+=(fonts-dejavu-core fontconfig); fi
  # LLM-written games draw their sprites with emoji (a snake's apple, a frog): without a colour
  # emoji font they are empty boxes, in the player and in every capture the judge sees
  if ! fc-list 2>/dev/null | grep -qi "emoji"; then missing+=(fonts-noto-color-emoji); fi
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "missing system libraries for Qt WebEngine: ${missing[*]} (install them with your package manager)"; return 0
  fi
  say "installing Qt's system libraries: ${missing[*]}"
  apt_install "${missing[@]}" || die "cannot install system packages as this user; run: sudo apt-get install -y ${missing[*]}"
}

python_ok() { "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local c
  for c in "${LUDEME_PYTHON:-}" python3.13 python3.12 python3.14 python3; do
    [ -n "$c" ] && command -v "$c" >/dev/null && python_ok "$c" && { command -v "$c"; return 0; }
  done
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for c in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do
    python_ok "$c" && { echo "$c"; return 0; }
  done
  return 1
}

ensure_python() {
  if PY=$(find_python); then return 0; fi
  say "no Python >= 3.12 found; trying to install one"
  if command -v apt-get >/dev/null; then
    apt_install python3.12 python3.12-venv 2>/dev/null || apt_install python3 python3-venv 2>/dev/null || true
  fi
  if ! PY=$(find_python) && command -v pyenv >/dev/null; then pyenv install -s 3.12 || true; fi
  PY=$(find_python) || die "Ludeme needs Python 3.12 or later: install it (e.g. 'sudo apt-get install python3.12-venv' or 'pyenv install 3.12') and run this again"
}

ensure_venv() {
  local stamp_file="$VENV/.ludeme-stamp" want extras="${LUDEME_EXTRAS:-test}"
  want="$("$PY" -c 'import sys; print(sys.version.split()[0])') $extras $(cat "$LUDEME_ROOT/pyproject.toml" "$LUDEME_ROOT/packaging/constraints.txt" | sha256sum | cut -c1-16)"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp_file" ]; then
    local have extra; read -r -a have < "$stamp_file"  # python version, extras, hash
    if [ "${have[0]:-} ${have[2]:-}" = "${want%% *} ${want##* }" ]; then
      for extra in ${extras//,/ }; do  # a venv with more extras serves (tests, then the studio)
        [[ ",${have[1]:-}," == *",$extra,"* ]] || { extra=missing; break; }
      done
      [ "$extra" != missing ] && return 0
    fi
  fi
  say "creating $VENV with $PY ($("$PY" --version 2>&1))"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade "pip>=24" >/dev/null
  say "installing the pinned dependencies (first run only, about a minute)"
  "$VENV/bin/python" -m pip install -q -c "$LUDEME_ROOT/packaging/constraints.txt" -e "$LUDEME_ROOT[$extras]"
  echo "$want" > "$stamp_file"
}

# Pinned copies of the web libraries games load from CDNs (Phaser, three.js...: packaging/weblibs.lock.json),
# served by the sandbox instead of the network. Without them the studio still runs (those games stay
# blocked), so a failure is a loud warning; on CI (CI set) or with LUDEME_REQUIRE_WEBLIBS=1 it stops.
ensure_weblibs() {
  "$VENV/bin/python" "$LUDEME_ROOT/packaging/fetch_weblibs.py" --quiet && return 0
  if [ -n "${CI:-}" ] || [ "${LUDEME_REQUIRE_WEBLIBS:-0}" = 1 ]; then
    die "could not install the pinned web libraries (see above); the tests need them"
  fi
  printf '\033[1;33mludeme: WARNING:\033[0m %s\n' "could not install the pinned web libraries (see above): games that load Phaser, three.js... from a CDN will not play until 'python packaging/fetch_weblibs.py' succeeds" >&2
}

ensure_system_libs
ensure_python
ensure_venv
ensure_weblibs
export LITELLM_LOCAL_MODEL_COST_MAP=True
